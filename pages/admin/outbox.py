import streamlit as st

from domain.enums import OutboxState, Role
from domain.i18n import _, moment, ngettext
from services.mailer import deliver_configured, retry_failed
from services.queries import outbox_counts, outbox_page
from services.runtime import read_session
from services.settings import SettingsError, load_settings
from ui.actions import act
from ui.guard import require_role
from ui.widgets import plain

STATE_LABELS = {
    OutboxState.QUEUED: _("Waiting"),
    OutboxState.SENDING: _("Being sent"),
    OutboxState.SENT: _("Sent"),
    OutboxState.FAILED: _("Failed"),
}

admin = require_role(Role.ADMIN)
st.title(_("Outbox"))
settings = load_settings()
with read_session() as session:
    counts = outbox_counts(session)
if settings.smtp_url:
    st.caption(_("E-mails go out over SMTP (SMTP_URL) every few seconds; failures are retried with growing pauses."))
else:
    st.info(
        _("SMTP is not configured (SMTP_URL): e-mails wait here. Copy them by hand or set SMTP_URL and restart."),
        icon=":material/mail_lock:",
    )
cols = st.columns(len(STATE_LABELS))
for col, (state, label) in zip(cols, STATE_LABELS.items(), strict=True):
    col.metric(label, counts.get(state, 0))

if settings.smtp_url and st.button(_("Send now"), icon=":material/send:", key="send_now"):
    try:
        report = deliver_configured()
    except SettingsError as exc:
        st.error(str(exc))
    else:
        done = (
            _("Outbox: sent {sent}, retrying {retrying}, failed {failed}").format(
                sent=report.sent, retrying=report.retrying, failed=report.failed
            )
            if report
            else _("Outbox: {line}").format(line="-")
        )
        st.toast(done, icon=":material/send:")

shown = st.pills(
    _("Show"),
    options=list(STATE_LABELS),
    format_func=lambda s: STATE_LABELS[s],
    selection_mode="multi",
    default=[OutboxState.FAILED] if counts.get(OutboxState.FAILED) else [],
    key="outbox_states",
)
with read_session() as session:
    mails = outbox_page(session, states=shown or ())
failed = [m for m in mails if m.state == OutboxState.FAILED]
if failed:
    st.warning(
        ngettext(
            "{n} e-mail could not be delivered. Mend the address or the SMTP settings, then send it again.",
            "{n} e-mails could not be delivered. Mend the address or the SMTP settings, then send them again.",
            len(failed),
        ).format(n=len(failed)),
        icon=":material/error:",
    )
    if st.button(_("Send the failed e-mails again"), key="retry_failed"):
        act(
            lambda s: retry_failed(s, [m.id for m in failed], actor=admin),
            success=lambda again: ngettext("{n} e-mail queued again.", "{n} e-mails queued again.", again).format(
                n=again
            ),
            rerun=True,
        )
if not mails:
    st.info(_("No e-mail here."))
for mail in mails:
    # The address stays out of the title: Markdown links it, and a link inside the expander's
    # title is a control inside a control that screen readers cannot reach (axe nested-interactive).
    with st.expander(f"{moment(mail.created_at)} · {STATE_LABELS[mail.state]} · {plain(mail.subject)}"):
        details = [
            _("To: {address}").format(address=plain(mail.to_email)),
            _("Kind: {kind}").format(kind=mail.kind),
            _("Attempts: {n}").format(n=mail.attempts),
        ]
        if mail.sent_at:
            details.append(_("Sent: {when}").format(when=moment(mail.sent_at)))
        if mail.next_attempt_at and mail.state == OutboxState.QUEUED:
            details.append(_("Next attempt: {when}").format(when=moment(mail.next_attempt_at)))
        st.caption(" · ".join(details))
        if mail.last_error:
            st.error(mail.last_error)
        st.text(mail.body)
