from datetime import date

import streamlit as st

from ui.guard import require_role
from db.engine import read_session, write_session
from domain.enums import Action, ExchangeState, Party, Role
from db.models import Organisation, Partnership
from domain.quote import QuoteError
from domain.rules import country_name, load_rules
from services import documents, exchanges, payments, reports
from services.comments import MAX_COMMENT, add_comment, thread
from domain.errors import NotFound
from services.scope import load_exchange, organisation_users
from services.timeline import timeline
from domain.workflow import CANCELLABLE, state_label
from forms.answers import display_value
from domain.i18n import _, day, moment, money
from ui.journey import badge, history, stepper
from domain.labels import ORG_TYPE_LABELS
from ui.widgets import attempt, record_id
from forms.spec import load_spec
from ui.wizard import Wizard, render_summary, wizard

user = require_role(Role.PARTICIPANT, Role.COORDINATOR)
X = ExchangeState
exchange_id = record_id()
try:
    if exchange_id is None:
        raise NotFound(_("Open an exchange from your list."))
    with read_session() as session:
        exchange, parties = load_exchange(session, user, exchange_id)
        visitor = session.get(Organisation, exchange.visitor_org_id)
        host = session.get(Organisation, exchange.host_org_id)
        vop = session.get(Partnership, exchange.visitor_partnership_id)
        hop = session.get(Partnership, exchange.host_partnership_id)
        versions = exchanges.plan_versions(session, exchange.id)  # type: ignore[arg-type]
        report = reports.report_of(session, exchange.id)  # type: ignore[arg-type]
        evidence = reports.evidence_of(session, report.id) if report else []  # type: ignore[arg-type]
        events = timeline(session, "exchange", exchange.id)  # type: ignore[arg-type]
        comments = thread(session, user, exchange.id)  # type: ignore[arg-type]
        payment = payments.payment_of(session, exchange.id)  # type: ignore[arg-type]
        current_docs = documents.current_documents(session, exchange.id)  # type: ignore[arg-type]
        doc_signatures = {d.id: documents.signatures_of(session, d.id) for d in current_docs}  # type: ignore[arg-type]
        to_sign = {d.id: documents.parties_to_sign(session, user, d) for d in current_docs}
        contacts = {org_id: [(u.full_name, u.email) for u in organisation_users(session, org_id)]
                    for org_id in (exchange.visitor_org_id, exchange.host_org_id)}
except NotFound as exc:
    st.title(_("Exchange"))
    st.error(str(exc))
    st.stop()

assert visitor and host and vop and hop
latest = versions[-1] if versions else None
rules = load_rules()
st.title(_("Exchange {id}: {visitor} → {host}").format(id=exchange.id, visitor=visitor.legal_name, host=host.legal_name))
badge(exchange.state)
stepper(exchange.state)
cols = st.columns(2)
cols[0].markdown(f"**{_('Visitor')}:** {visitor.legal_name}, {visitor.city} ({country_name(visitor.country)})  \n**{_('Partnership')}:** {vop.name}")
cols[1].markdown(f"**{_('Host')}:** {host.legal_name}, {host.city} ({country_name(host.country)})  \n**{_('Partnership')}:** {hop.name}")
with st.expander(_("Both sides: organisations and contacts")):
    for col, org, partnership in zip(st.columns(2), (visitor, host), (vop, hop), strict=True):
        with col:
            st.markdown(f"**{org.legal_name}**")
            st.caption(" · ".join(part for part in (ORG_TYPE_LABELS.get(org.org_type, org.org_type), org.cluster_name, org.website) if part))
            if org.profile.get("description"):
                st.text(str(org.profile["description"])[:1500])
            st.caption(_("Contacts: {people}").format(people="; ".join(f"{name} <{email}>" for name, email in contacts[org.id]) or "—"))  # type: ignore[index]
            st.caption(_("Partnership: {name} <{email}>").format(name=partnership.name, email=partnership.contact_email))
if exchange.start_date and exchange.end_date:
    st.markdown(f"**{_('Exchange dates')}:** {day(exchange.start_date)} – {day(exchange.end_date)}")
if exchange.lump_sum_cents is not None:
    st.markdown(f"**{_('Lump sum')}:** {money(exchange.lump_sum_cents)}  \n{exchange.lump_sum_breakdown.get('explained', '')} "
                f"({_('rates')} {exchange.lump_sum_breakdown.get('rates_version', '')})")
if exchange.message:
    st.caption(_("Message with the proposal: {message}").format(message=exchange.message))


# Someone else (another coordinator, another server) may move the exchange on while this page is
# open; a click on a button that no longer applies then does nothing, so say what happened.
SEEN = f"seen_state_{exchange.id}"
if st.session_state.get(SEEN) not in (None, exchange.state.value):
    st.warning(_("While you had this page open, the exchange moved on from “{before}” to “{now}”: check it before you act.").format(
        before=_(state_label(ExchangeState(st.session_state[SEEN]))), now=_(state_label(exchange.state))), icon=":material/update:")
st.session_state[SEEN] = exchange.state.value


def act(action, success: str, on_invalid=None) -> None:  # type: ignore[no-untyped-def]
    """Run one service call in its own session and refresh the page when it worked."""
    def run():  # type: ignore[no-untyped-def]
        with write_session() as session:
            return action(session)

    if attempt(run, success=success, on_invalid=on_invalid) is not None:
        st.session_state.pop(SEEN, None)  # our own step: no warning about it
        st.rerun()


def d_signed(document) -> bool:  # type: ignore[no-untyped-def]
    return document.kind.value.endswith("_signed")


def _pack() -> bytes:
    with read_session() as session:
        return documents.evidence_pack(session=session, actor=user, exchange_id=exchange.id)  # type: ignore[arg-type]


sides = parties & {Party.VISITOR, Party.HOST}
partnerships_here = parties & {Party.VISITOR_PARTNERSHIP, Party.HOST_PARTNERSHIP}

# --- proposal ----------------------------------------------------------------------
if exchange.state == X.PROPOSED:
    counterpart = Party.HOST if exchange.proposed_by == Party.VISITOR else Party.VISITOR
    if counterpart in parties:
        st.subheader(_("Your answer to this proposal"))
        comment = st.text_input(_("Message (optional when you accept)"), key="proposal_comment", max_chars=500)
        c1, c2 = st.columns(2)
        if c1.button(_("Accept the exchange"), type="primary", key="accept_exchange"):
            act(lambda s: exchanges.answer_proposal(session=s, actor=user, exchange_id=exchange.id, accept=True),
                _("Accepted: write the action plan together now."))
        if c2.button(_("Decline"), key="decline_exchange"):
            act(lambda s: exchanges.answer_proposal(session=s, actor=user, exchange_id=exchange.id, accept=False, comment=comment),
                _("Declined; the other organisation is told."))

# --- action plan ---------------------------------------------------------------------
plan_spec = load_spec(exchanges.PLAN_SPEC)
if exchange.state == X.PLANNING and sides:
    st.header(_("Action plan"))
    if latest:
        agreed = [name for name, when in ((_("Visitor"), latest.visitor_agreed_at), (_("Host"), latest.host_agreed_at)) if when]
        st.caption(_("Version {v}; agreed by: {who}").format(v=latest.version, who=", ".join(agreed) or _("nobody yet")))
        mine_agreed = (Party.VISITOR in sides and latest.visitor_agreed_at) or (Party.HOST in sides and latest.host_agreed_at)
        if not mine_agreed and st.button(_("Agree to version {v} as it is").format(v=latest.version), key="agree_plan", type="primary"):
            act(lambda s: exchanges.agree_plan(session=s, actor=user, exchange_id=exchange.id, version=latest.version),
                _("Agreement recorded."), on_invalid=Wizard(plan_spec, f"plan{exchange.id}").show_errors)
    form_id = f"plan{exchange.id}"
    outcome = wizard(
        plan_spec, form_id=form_id, stored=latest.answers if latest else {}, version=(latest.version if latest else 0, exchange.state.value),
        rules=rules, submit_label=_("Save this version and agree to it"), host_country=host.country,
    )
    dates = outcome.answers.get("exchange_dates")
    if dates and len(dates) == 2:
        with read_session() as session:
            try:
                preview = exchanges.exchange_quote(session, exchange, date.fromisoformat(dates[0]), date.fromisoformat(dates[1]))
                st.info(_("Lump sum for these dates: {line}").format(line=preview.explain()), icon=":material/euro:")
            except (QuoteError, ValueError) as exc:
                st.warning(str(exc), icon=":material/location_off:")
    base = latest.version if latest else None
    if outcome.action == "save":
        act(lambda s: exchanges.save_plan(session=s, actor=user, exchange_id=exchange.id, answers=outcome.answers, base_version=base),
            _("Saved as a new version; the other side sees it now."))
    elif outcome.action == "submit":
        def save_and_agree(s):  # type: ignore[no-untyped-def]
            plan = exchanges.save_plan(session=s, actor=user, exchange_id=exchange.id, answers=outcome.answers, base_version=base)
            return exchanges.agree_plan(session=s, actor=user, exchange_id=exchange.id, version=plan.version)

        act(save_and_agree, _("Saved and agreed; when both sides agree, it goes to the Partnerships."), on_invalid=Wizard(plan_spec, form_id).show_errors)
elif latest is not None:
    with st.expander(_("Action plan, version {v}").format(v=latest.version), expanded=exchange.state == X.PLAN_SUBMITTED):
        render_summary(plan_spec, latest.answers)

if exchange.state == X.PLAN_SUBMITTED and partnerships_here and latest:
    waiting = (Party.VISITOR_PARTNERSHIP in partnerships_here and not latest.visitor_partnership_approved_at) or (
        Party.HOST_PARTNERSHIP in partnerships_here and not latest.host_partnership_approved_at)
    if waiting:
        st.subheader(_("Your decision on the action plan"))
        comment = st.text_area(_("Comment to Visitor and Host"), key="plan_comment", max_chars=2000, help=_("Required when you request changes."))
        c1, c2 = st.columns(2)
        if c1.button(_("Approve the plan"), type="primary", key="approve_plan"):
            act(lambda s: exchanges.decide_plan(session=s, actor=user, exchange_id=exchange.id, approve=True), _("Plan approved."))
        if c2.button(_("Request changes"), key="plan_changes"):
            act(lambda s: exchanges.decide_plan(session=s, actor=user, exchange_id=exchange.id, approve=False, comment=comment),
                _("Sent back to Visitor and Host with your comment."))
    else:
        st.caption(_("You approved the plan; waiting for the other Partnership."))

if len(versions) > 1:
    with st.expander(_("Compare versions of the plan")):
        numbers = [v.version for v in versions]
        c1, c2 = st.columns(2)
        older = c1.selectbox(_("From version"), numbers, index=len(numbers) - 2, key="diff_from")
        newer = c2.selectbox(_("To version"), numbers, index=len(numbers) - 1, key="diff_to")
        a, b = versions[numbers.index(older)].answers, versions[numbers.index(newer)].answers
        changes = [
            {_("Field"): f.label, _("Version {v}").format(v=older): display_value(f, a.get(f.key)), _("Version {v}").format(v=newer): display_value(f, b.get(f.key))}
            for f in plan_spec.all_fields() if a.get(f.key) != b.get(f.key)
        ]
        st.dataframe(changes, hide_index=True, width="stretch") if changes else st.write(_("No difference."))

# --- documents and signatures ---------------------------------------------------------
PARTY_WORDS = {Party.VISITOR: _("Visitor"), Party.HOST: _("Host"), Party.VISITOR_PARTNERSHIP: _("Visitor's Partnership"),
               Party.HOST_PARTNERSHIP: _("Host's Partnership")}
if current_docs:
    st.header(_("Documents"))
for document in [d for d in current_docs if d.kind in documents.REQUIRED]:
    title = _("Commitment to Quality") if document.kind.value.startswith("commitment") else _("Financial Agreement")
    signed = {s.party: s for s in doc_signatures[document.id]}
    missing = [PARTY_WORDS[p] for p in sorted(documents.REQUIRED[document.kind]) if p not in signed]
    with st.expander(f"{title} · {_('version')} {document.version} · " + (_("signed by all") if not missing else _("waiting for: {who}").format(who=", ".join(missing))),
                     expanded=bool(to_sign.get(document.id))):
        st.pdf(document.content or b"", height=500, key=f"pdf_{document.id}")
        st.download_button(_("Download {name}").format(name=document.filename), data=document.content or b"", file_name=document.filename,
                           mime="application/pdf", key=f"dl_{document.id}", icon=":material/download:")
        for party, signature in signed.items():
            st.markdown(f":material/draw: **{PARTY_WORDS[party]}**: {signature.typed_name}, {signature.signed_at.strftime('%Y-%m-%d %H:%M')} UTC")
        for party in to_sign.get(document.id, []):
            with st.form(f"sign_{document.id}_{party.value}"):
                st.markdown(_("**Sign as {party}**").format(party=PARTY_WORDS[party]))
                typed = st.text_input(_("Your full name") + " *", key=f"typed_{document.id}_{party.value}", max_chars=120,
                                      help=_("Exactly as in your account: {name}").format(name=user.full_name))
                agreed = st.checkbox(_("I have read this document and agree to it"), key=f"agree_{document.id}_{party.value}")
                drawing = st.file_uploader(_("Image of your handwritten signature (PNG, optional)"), type=["png"],
                                           key=f"drawing_{document.id}_{party.value}",
                                           help=_("Printed on the signature page beside your typed name."))
                if st.form_submit_button(_("Sign as {party}").format(party=PARTY_WORDS[party]), type="primary"):
                    image = drawing.getvalue()[:2_000_000] if drawing is not None else None
                    act(lambda s, d=document, p=party, t=typed, a=agreed, i=image: documents.sign_document(
                        session=s, actor=user, document_id=d.id, party=p, typed_name=t, agreed=a, shown_sha256=d.sha256, drawing_png=i),
                        _("Signed. When every party has signed, the sealed documents appear here."))
for document in [d for d in current_docs if d.kind not in documents.REQUIRED]:
    label = _("Signed and sealed: {name}") if d_signed(document) else _("Download {name}")
    st.download_button(label.format(name=document.filename), data=document.content or b"", file_name=document.filename,
                       mime="application/pdf", key=f"dl_other_{document.id}", icon=":material/verified:" if d_signed(document) else ":material/download:")
if partnerships_here and current_docs:
    st.download_button(_("Evidence pack (zip)"), data=lambda: _pack(), file_name=f"cxc-exchange-{exchange.id}.zip", mime="application/zip",
                       key="evidence_pack", icon=":material/folder_zip:")
if exchange.state == X.SIGNING and partnerships_here:
    with st.expander(_("Reopen the action plan")):
        st.write(_("Changes after approval replace both documents; every signature must be given again."))
        reason = st.text_area(_("What must change") + " *", key="reopen_comment", max_chars=2000)
        if st.button(_("Reopen the plan"), key="reopen_plan"):
            act(lambda s: exchanges.reopen_plan(session=s, actor=user, exchange_id=exchange.id, comment=reason),
                _("The plan is open again; the signers are told."))

# --- the stay ------------------------------------------------------------------------
if exchange.state == X.READY and parties & {Party.VISITOR, Party.VISITOR_PARTNERSHIP}:
    if st.button(_("The stay has started"), key="start_stay"):
        act(lambda s: exchanges.mark_stay(session=s, actor=user, exchange_id=exchange.id, action=Action.START_STAY), _("Have a good stay!"))
if exchange.state == X.IN_PROGRESS and parties & {Party.VISITOR, Party.VISITOR_PARTNERSHIP}:
    if st.button(_("The stay has ended"), key="end_stay"):
        act(lambda s: exchanges.mark_stay(session=s, actor=user, exchange_id=exchange.id, action=Action.END_STAY),
            _("Welcome back: the closing report is due now."))

# --- closing report --------------------------------------------------------------------
report_spec = load_spec(reports.REPORT_SPEC)
if exchange.state == X.REPORTING and Party.VISITOR in parties:
    st.header(_("Closing report"))
    st.subheader(_("Evidence of the stay"))
    for item in evidence:
        c1, c2 = st.columns([5, 1])
        c1.markdown(f":material/attach_file: {item.filename} · {item.evidence_type} · {item.size_bytes // 1024} KB")
        if c2.button(_("Remove"), key=f"rm_evidence_{item.id}"):
            act(lambda s, i=item.id: reports.remove_evidence(session=s, actor=user, exchange_id=exchange.id, evidence_id=i) or True, _("Removed."))
    with st.form("evidence_form", clear_on_submit=True):
        evidence_type = st.selectbox(_("What the file proves") + " *", reports.EVIDENCE_TYPES, key="evidence_type")
        upload = st.file_uploader(_("File (PDF, JPEG or PNG)") + " *", type=["pdf", "jpg", "jpeg", "png"], key="evidence_file")
        if st.form_submit_button(_("Add this evidence")) and upload is not None:
            act(lambda s: reports.add_evidence(session=s, actor=user, exchange_id=exchange.id, evidence_type=evidence_type,
                                               filename=upload.name, content=upload.getvalue()), _("Evidence stored."))
    saved = report.answers if report else {}
    # The report answers each objective of the plan: start from them.
    objectives = [{"objective": o.get("objective", "")} for o in (latest.answers.get("objectives", []) if latest else [])]
    stored = saved if saved.get("results") else {**saved, "results": objectives}
    form_id = f"report{exchange.id}"
    outcome = wizard(report_spec, form_id=form_id, stored=stored, version=(exchange.id, exchange.state.value), rules=rules,
                     submit_label=_("Send the closing report"))
    if outcome.action == "save":
        act(lambda s: reports.save_report_draft(session=s, actor=user, exchange_id=exchange.id, answers=outcome.answers), _("Draft saved."))
    elif outcome.action == "submit":
        act(lambda s: reports.submit_report(session=s, actor=user, exchange_id=exchange.id, answers=outcome.answers),
            _("Sent: your Partnership reviews it next."), on_invalid=Wizard(report_spec, form_id).show_errors)
elif report is not None and report.submitted_at is not None:
    with st.expander(_("Closing report"), expanded=exchange.state == X.REPORT_SUBMITTED):
        render_summary(report_spec, report.answers)
        if report.host_feedback or report.answers.get("host_satisfaction"):
            st.markdown(f"*{_('Host feedback')}:* {report.answers.get('host_satisfaction', '—')}/5 · {report.host_feedback}")
        for item in evidence:
            st.download_button(f"{item.evidence_type}: {item.filename}", data=item.content or b"", file_name=item.filename,
                               mime=item.mime_type, key=f"dl_evidence_{item.id}", icon=":material/download:")

if exchange.state in (X.REPORTING, X.REPORT_SUBMITTED) and Party.HOST in parties:
    with st.expander(_("Host feedback on the exchange")):
        with st.form("host_feedback"):
            satisfaction = st.number_input(_("Satisfaction of the Host (1 = not at all, 5 = very)") + " *", min_value=1, max_value=5, value=None, step=1)
            feedback = st.text_area(_("Feedback"), max_chars=2000)
            if st.form_submit_button(_("Save feedback")):
                act(lambda s: reports.save_host_feedback(session=s, actor=user, exchange_id=exchange.id,
                                                         answers={"host_satisfaction": satisfaction, "feedback": feedback}), _("Feedback saved."))

if exchange.state == X.REPORT_SUBMITTED and Party.VISITOR_PARTNERSHIP in parties:
    st.subheader(_("Your decision on the closing report"))
    comment = st.text_area(_("Comment to the Visitor"), key="report_comment", max_chars=2000, help=_("Required when you request changes."))
    c1, c2 = st.columns(2)
    if c1.button(_("Accept the report"), type="primary", key="accept_report"):
        act(lambda s: reports.decide_report(session=s, actor=user, exchange_id=exchange.id, accept=True), _("Report accepted."))
    if c2.button(_("Request changes"), key="report_changes"):
        act(lambda s: reports.decide_report(session=s, actor=user, exchange_id=exchange.id, accept=False, comment=comment),
            _("Sent back to the Visitor with your comment."))

# --- payment ---------------------------------------------------------------------------
if exchange.state == X.REPORT_ACCEPTED and Party.VISITOR_PARTNERSHIP in parties:
    if st.button(_("Order the payment of {amount}").format(amount=money(exchange.lump_sum_cents or 0)), key="order_payment", type="primary"):
        act(lambda s: payments.order_payment(session=s, actor=user, exchange_id=exchange.id), _("Payment ordered."))
if payment is not None:
    state_words = {"ordered": _("ordered"), "exported": _("sent to the bank"), "paid": _("paid")}[payment.state.value]
    when = f" {_('on')} {payment.paid_at.date().isoformat()}" if payment.paid_at else (f", {_('due by')} {day(payment.due_date)}" if payment.due_date else "")
    st.success(_("Lump sum {amount}: {state}{when}").format(amount=money(payment.amount_cents), state=state_words, when=when), icon=":material/payments:")

# --- cancel and history ----------------------------------------------------------------
if exchange.state in CANCELLABLE:
    with st.expander(_("Cancel this exchange")):
        reason = st.text_input(_("Reason") + " *", key="cancel_reason", max_chars=500)
        if st.button(_("Cancel the exchange"), key="cancel_exchange"):
            act(lambda s: exchanges.cancel_exchange(session=s, actor=user, exchange_id=exchange.id, reason=reason), _("Exchange cancelled."))

# --- comments between the parties -------------------------------------------------------
st.subheader(_("Comments"))
st.caption(_("Between the two organisations and their coordinators; each comment is e-mailed to the others."))
for entry in comments:
    with st.container(border=True):
        st.caption(f"{entry.author} · {entry.as_party} · {moment(entry.at)}")
        st.text(entry.body)
round_no = st.session_state.setdefault("comment_round", 0)
with st.form(f"comment_form_{round_no}"):
    body = st.text_area(_("Your comment"), key=f"comment_body_{round_no}", max_chars=MAX_COMMENT, height=100)
    posted = st.form_submit_button(_("Post the comment"), icon=":material/send:")
if posted:
    def post() -> object:
        with write_session() as session:
            return add_comment(session=session, actor=user, exchange_id=exchange.id, body=body)  # type: ignore[arg-type]

    if attempt(post, success=_("Comment posted; the others are told by e-mail.")) is not None:
        st.session_state["comment_round"] = round_no + 1  # a fresh, empty box; on an error the text stays
        st.rerun()

history(events)
