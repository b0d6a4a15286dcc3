"""The sections of the exchange page, each a small function of the page's read (`ExchangeView`).

The page decides which sections to draw from `view.actions` (the workflow table's available
actions for the person); each button runs one service function through `act`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

import streamlit as st
from sqlmodel import Session

from domain.enums import Action, ExchangeState, Party
from domain.i18n import N_, _, day, long_day, moment, money, number
from domain.labels import ORG_TYPE_LABELS, PARTY_LABELS
from domain.quote import QuoteError
from domain.rules import Rules, country_name, explain_breakdown
from domain.workflow import state_label
from services import documents, exchanges, payments, reports
from services.comments import MAX_COMMENT, add_comment
from services.exchange_view import ExchangeView
from services.permissions import may_sign_for
from services.runtime import read_session
from ui.actions import act
from ui.journey import badge, stepper
from ui.wizard import Wizard, compare_answers, render_summary, wizard

if TYPE_CHECKING:
    from db.models import Document, User


def _seen_key(view: ExchangeView) -> str:
    return f"seen_state_{view.exchange.id}"


def warn_if_moved_on(view: ExchangeView) -> None:
    """Someone else (another coordinator, another server) may move the exchange on while this page is
    open; a click on a button that no longer applies then does nothing, so say what happened."""
    seen, state = _seen_key(view), view.exchange.state
    if st.session_state.get(seen) not in (None, state.value):
        st.warning(
            _(
                "While you had this page open, the exchange moved on from “{before}” to “{now}”: check it before you "
                "act."
            ).format(before=_(state_label(ExchangeState(st.session_state[seen]))), now=_(state_label(state))),
            icon=":material/update:",
        )
    st.session_state[seen] = state.value


def step(
    view: ExchangeView,
    service: Callable[[Session], object],
    success: str,
    on_invalid: Callable[[dict[str, str]], None] | None = None,
) -> None:
    """`act` for a step of this exchange: on success the page is drawn again, without the "moved on" warning.

    A step refused because someone else (another coordinator, another server) moved the exchange on
    between this page's read and the click also draws the page again: it then shows where the
    exchange stands, with the "moved on" warning, instead of a refusal under buttons that no longer apply."""
    if act(service, success=success, on_invalid=on_invalid) is not None:
        st.session_state.pop(_seen_key(view), None)  # our own step: no warning about it
        st.rerun()
    with read_session() as session:
        now = exchanges.state_of(session, view.exchange_id)
    if now is not None and now != view.exchange.state:
        st.rerun()


# --- who, where, how much ----------------------------------------------------------------


def header(view: ExchangeView) -> None:
    exchange, visitor, host = view.exchange, view.visitor, view.host
    st.title(
        _("Exchange {id}: {visitor} → {host}").format(
            id=exchange.id, visitor=visitor.organisation.legal_name, host=host.organisation.legal_name
        )
    )
    badge(exchange.state)
    stepper(exchange.state)
    cols = st.columns(2)
    for col, word, side in ((cols[0], _("Visitor"), visitor), (cols[1], _("Host"), host)):
        org = side.organisation
        col.markdown(
            f"**{word}:** {org.legal_name}, {org.city} ({country_name(org.country)})  \n"
            f"**{_('Partnership')}:** {side.partnership.name}"
        )
    with st.expander(_("Both sides: organisations and contacts")):
        for col, side in zip(st.columns(2), (visitor, host), strict=True):
            with col:
                org, partnership = side.organisation, side.partnership
                st.markdown(f"**{org.legal_name}**")
                st.caption(
                    " · ".join(
                        part
                        for part in (ORG_TYPE_LABELS.get(org.org_type, org.org_type), org.cluster_name, org.website)
                        if part
                    )
                )
                if org.profile.get("description"):
                    st.text(str(org.profile["description"])[:1500])
                people = "; ".join(f"{name} <{email}>" for name, email in side.contacts) or "—"
                st.caption(_("Contacts: {people}").format(people=people))
                st.caption(
                    _("Partnership: {name} <{email}>").format(name=partnership.name, email=partnership.contact_email)
                )
    if exchange.start_date and exchange.end_date:
        st.markdown(f"**{_('Exchange dates')}:** {day(exchange.start_date)} – {day(exchange.end_date)}")
    if exchange.lump_sum_cents is not None:
        breakdown = exchange.lump_sum_breakdown
        st.markdown(
            f"**{_('Lump sum')}:** {money(exchange.lump_sum_cents)}  \n{explain_breakdown(breakdown)} "
            + _("(rates {version})").format(version=breakdown.get("rates_version", ""))
        )
    if exchange.message:
        st.caption(_("Message with the proposal: {message}").format(message=exchange.message))


# --- the proposal --------------------------------------------------------------------------


def proposal_answer(view: ExchangeView, user: User) -> None:
    """Accept or decline (the counterpart only: `view.actions` holds ACCEPT and DECLINE for it); for an
    exchange the Partnership entered on the organisations' behalf, confirm it or decline it (each side)."""
    xid = view.exchange_id
    if view.entered_by:
        st.subheader(_("Entered on your behalf: please confirm"))
        st.info(
            _(
                "{who} entered this exchange for both organisations. It is agreed once each of them confirmed it; "
                "then you write the action plan together."
            ).format(who=view.entered_by),
            icon=":material/how_to_reg:",
        )
        accept_label, accepted = _("Confirm the exchange"), _("Confirmed: thank you.")
    else:
        st.subheader(_("Your answer to this proposal"))
        accept_label, accepted = _("Accept the exchange"), _("Accepted: write the action plan together now.")
    comment = st.text_input(_("Message (optional when you accept)"), key="proposal_comment", max_chars=500)
    c1, c2 = st.columns(2)
    if c1.button(accept_label, type="primary", key="accept_exchange"):
        step(view, lambda s: exchanges.answer_proposal(session=s, actor=user, exchange_id=xid, accept=True), accepted)
    if c2.button(_("Decline"), key="decline_exchange"):
        step(
            view,
            lambda s: exchanges.answer_proposal(session=s, actor=user, exchange_id=xid, accept=False, comment=comment),
            _("Declined; the other organisation is told."),
        )


def entered_on_behalf(view: ExchangeView) -> None:
    """Who entered the exchange for the organisations, and which of them confirmed it so far."""
    if not view.entered_by:
        return
    exchange = view.exchange
    confirmed = [
        _("{org} confirmed it on {day}").format(org=side.organisation.legal_name, day=day(at))
        for side, at in ((view.visitor, exchange.visitor_confirmed_at), (view.host, exchange.host_confirmed_at))
        if at
    ]
    st.caption(" · ".join([_("Entered on the organisations' behalf by {who}").format(who=view.entered_by), *confirmed]))


# --- the action plan -------------------------------------------------------------------


def plan_editor(view: ExchangeView, user: User, rules: Rules) -> None:
    """Visitor and Host write the plan together: every save is a version; each side agrees to one."""
    xid, latest, form_id = view.exchange_id, view.latest_plan, f"plan{view.exchange_id}"
    st.header(_("Action plan"))
    if latest:
        agreed = [
            name
            for name, when in ((_("Visitor"), latest.visitor_agreed_at), (_("Host"), latest.host_agreed_at))
            if when
        ]
        st.caption(
            _("Version {v}; agreed by: {who}").format(v=latest.version, who=", ".join(agreed) or _("nobody yet"))
        )
        mine_agreed = (Party.VISITOR in view.sides and latest.visitor_agreed_at) or (
            Party.HOST in view.sides and latest.host_agreed_at
        )
        if not mine_agreed and st.button(
            _("Agree to version {v} as it is").format(v=latest.version), key="agree_plan", type="primary"
        ):
            step(
                view,
                lambda s: exchanges.agree_plan(session=s, actor=user, exchange_id=xid, version=latest.version),
                _("Agreement recorded."),
                on_invalid=Wizard(exchanges.PLAN_SPEC, form_id).show_errors,
            )
    outcome = wizard(
        exchanges.PLAN_SPEC,
        form_id=form_id,
        stored=latest.answers if latest else {},
        version=(latest.version if latest else 0, view.exchange.state.value),
        rules=rules,
        submit_label=_("Save this version and agree to it"),
        host_country=view.host.organisation.country,
    )
    _quote_preview(view, outcome.answers.get("exchange_dates"))
    base = latest.version if latest else None
    if outcome.action == "save":
        step(
            view,
            lambda s: exchanges.save_plan(
                session=s, actor=user, exchange_id=xid, answers=outcome.answers, base_version=base
            ),
            _("Saved as a new version; the other side sees it now."),
        )
    elif outcome.action == "submit":

        def save_and_agree(s: Session) -> object:
            plan = exchanges.save_plan(
                session=s, actor=user, exchange_id=xid, answers=outcome.answers, base_version=base
            )
            return exchanges.agree_plan(session=s, actor=user, exchange_id=xid, version=plan.version)

        step(
            view,
            save_and_agree,
            _("Saved and agreed; when both sides agree, it goes to the Partnerships."),
            on_invalid=Wizard(exchanges.PLAN_SPEC, form_id).show_errors,
        )


def _quote_preview(view: ExchangeView, dates: Any) -> None:
    if not (dates and len(dates) == 2):
        return
    with read_session() as session:
        try:
            preview = exchanges.exchange_quote(
                session, view.exchange, date.fromisoformat(dates[0]), date.fromisoformat(dates[1])
            )
            st.info(_("Lump sum for these dates: {line}").format(line=preview.explained()), icon=":material/euro:")
        except (QuoteError, ValueError) as exc:
            st.warning(str(exc), icon=":material/location_off:")


def plan_summary(view: ExchangeView) -> None:
    latest = view.latest_plan
    if latest is not None:
        with st.expander(
            _("Action plan, version {v}").format(v=latest.version),
            expanded=view.exchange.state == ExchangeState.PLAN_SUBMITTED,
        ):
            render_summary(exchanges.PLAN_SPEC, latest.answers)


def plan_decision(view: ExchangeView, user: User) -> None:
    """A supervising Partnership approves the plan or sends it back (APPROVE_PLAN, REQUEST_PLAN_CHANGES)."""
    xid = view.exchange_id
    if view.plan_approved_by_me:
        st.caption(_("You approved the plan; waiting for the other Partnership."))
        return
    decision(
        view,
        _("Your decision on the action plan"),
        _("Comment to Visitor and Host"),
        "plan",
        yes=(_("Approve the plan"), "approve_plan", _("Plan approved.")),
        no=("plan_changes", _("Sent back to Visitor and Host with your comment.")),
        decide=lambda s, yes, comment: exchanges.decide_plan(
            session=s, actor=user, exchange_id=xid, approve=yes, comment=comment
        ),
    )


def decision(
    view: ExchangeView,
    title: str,
    comment_label: str,
    name: str,
    *,
    yes: tuple[str, str, str],
    no: tuple[str, str],
    decide: Callable[[Session, bool, str], object],
) -> None:
    """A Partnership's decision: a comment, the yes button (label, key, toast) and "Request changes" (key, toast)."""
    st.subheader(title)
    comment = st.text_area(
        comment_label, key=f"{name}_comment", max_chars=2000, help=_("Required when you request changes.")
    )
    c1, c2 = st.columns(2)
    (yes_label, yes_key, yes_success), (no_key, no_success) = yes, no
    if c1.button(yes_label, type="primary", key=yes_key):
        step(view, lambda s: decide(s, True, ""), yes_success)
    if c2.button(_("Request changes"), key=no_key):
        step(view, lambda s: decide(s, False, comment), no_success)


def compare_plans(view: ExchangeView) -> None:
    if len(view.plans) < 2:
        return
    with st.expander(_("Compare versions of the plan")):
        numbers = [v.version for v in view.plans]
        c1, c2 = st.columns(2)
        older = c1.selectbox(_("From version"), numbers, index=len(numbers) - 2, key="diff_from")
        newer = c2.selectbox(_("To version"), numbers, index=len(numbers) - 1, key="diff_to")
        compare_answers(
            exchanges.PLAN_SPEC,
            (_("Version {v}").format(v=older), view.plans[numbers.index(older)].answers),
            (_("Version {v}").format(v=newer), view.plans[numbers.index(newer)].answers),
        )


def reopen_plan(view: ExchangeView, user: User) -> None:
    """A Partnership reopens the plan while the documents wait for signatures (REQUEST_PLAN_CHANGES)."""
    with st.expander(_("Reopen the action plan")):
        st.write(_("Changes after approval replace both documents; every signature must be given again."))
        reason = st.text_area(_("What must change") + " *", key="reopen_comment", max_chars=2000)
        if st.button(_("Reopen the plan"), key="reopen_plan"):
            step(
                view,
                lambda s: exchanges.reopen_plan(session=s, actor=user, exchange_id=view.exchange_id, comment=reason),
                _("The plan is open again; the signers are told."),
            )


# --- documents and signatures ----------------------------------------------------------


def _is_signed_copy(document: Document) -> bool:
    return document.kind.value.endswith("_signed")


def documents_to_sign(view: ExchangeView, user: User) -> None:
    """The documents that need signatures: the PDF, who signed, and a signing form per party of this person."""
    if view.documents or view.exchange.signed_outside_on:
        st.header(_("Documents"))
    if view.exchange.signed_outside_on:  # an imported exchange: its documents were signed on paper
        st.info(
            _("The Commitment to Quality and the Financial Agreement were signed outside CXC Desk on {day}.").format(
                day=day(view.exchange.signed_outside_on)
            ),
            icon=":material/history_edu:",
        )
    for document in [d for d in view.documents if d.kind in documents.REQUIRED]:
        title = documents.title(document.kind)
        signed = {s.party: s for s in view.signatures.get(document.id or 0, [])}
        missing = [PARTY_LABELS[p] for p in sorted(documents.REQUIRED[document.kind]) if p not in signed]
        state = _("signed by all") if not missing else _("waiting for: {who}").format(who=", ".join(missing))
        with st.expander(
            " · ".join((title, _("version {n}").format(n=document.version), state)),
            expanded=bool(view.to_sign.get(document.id or 0)),
        ):
            # As tall as its pages: a box of 500 px scrolled inside the page, a scrolling region that axe
            # (scrollable-region-focusable) and Safari's keyboard cannot reach; `alt` names the viewer.
            st.pdf(document.content or b"", height="stretch", key=f"pdf_{document.id}", alt=title)
            st.download_button(
                _("Download {name}").format(name=document.filename),
                data=document.content or b"",
                file_name=document.filename,
                mime="application/pdf",
                key=f"dl_{document.id}",
                icon=":material/download:",
            )
            for party, signature in signed.items():
                st.markdown(
                    f":material/draw: **{PARTY_LABELS[party]}**: {signature.typed_name}, "
                    + _("{when} UTC").format(when=moment(signature.signed_at))
                )
            for party in view.to_sign.get(document.id or 0, []):
                _signing_form(view, user, document, party)
            waiting = [p for p in view.sides & documents.REQUIRED[document.kind] if p not in signed]
            if waiting and not all(may_sign_for(user, p) for p in waiting):
                st.caption(
                    _(
                        "A signatory of your organisation signs this document for it; your organisation's contact "
                        "person names the signatories under “My organisation”."
                    )
                )


def _signing_form(view: ExchangeView, user: User, document: Document, party: Party) -> None:
    with st.form(f"sign_{document.id}_{party.value}"):
        st.markdown(_("**Sign as {party}**").format(party=PARTY_LABELS[party]))
        typed = st.text_input(
            _("Your full name") + " *",
            key=f"typed_{document.id}_{party.value}",
            max_chars=120,
            help=_("Exactly as in your account: {name}").format(name=user.full_name),
        )
        agreed = st.checkbox(_("I have read this document and agree to it"), key=f"agree_{document.id}_{party.value}")
        drawing = st.file_uploader(
            _("Image of your handwritten signature (PNG, optional)"),
            type=["png"],
            key=f"drawing_{document.id}_{party.value}",
            help=_("Printed on the signature page beside your typed name."),
        )
        if st.form_submit_button(_("Sign as {party}").format(party=PARTY_LABELS[party]), type="primary"):
            image = drawing.getvalue()[:2_000_000] if drawing is not None else None
            step(
                view,
                lambda s: documents.sign_document(
                    session=s,
                    actor=user,
                    document_id=document.id or 0,
                    party=party,
                    typed_name=typed,
                    agreed=agreed,
                    shown_sha256=document.sha256,
                    drawing_png=image,
                ),
                _("Signed. When every party has signed, the sealed documents appear here."),
            )


def other_documents(view: ExchangeView, user: User) -> None:
    """Sealed copies, the closing report and the payment confirmation; the evidence pack for Partnerships."""
    for document in [d for d in view.documents if d.kind not in documents.REQUIRED]:
        sealed = _is_signed_copy(document)
        label = _("Signed and sealed: {name}") if sealed else _("Download {name}")
        st.download_button(
            label.format(name=document.filename),
            data=document.content or b"",
            file_name=document.filename,
            mime="application/pdf",
            key=f"dl_other_{document.id}",
            icon=":material/verified:" if sealed else ":material/download:",
        )
    if view.may_download_evidence_pack and view.documents:

        def pack() -> bytes:
            with read_session() as session:
                return reports.evidence_pack(session=session, actor=user, exchange_id=view.exchange_id)

        st.download_button(
            _("Evidence pack (zip)"),
            data=pack,
            file_name=f"cxc-exchange-{view.exchange.id}.zip",
            mime="application/zip",
            key="evidence_pack",
            icon=":material/folder_zip:",
        )


# --- one-click steps ---------------------------------------------------------------------

# A transition that needs no input is one row here: the button's label, key and toast, and its service call.
ONE_CLICK: dict[Action, tuple[str, str, str, Callable[[Session, User, ExchangeView], object]]] = {
    Action.START_STAY: (
        N_("The stay has started"),
        "start_stay",
        N_("Have a good stay!"),
        lambda s, user, view: exchanges.mark_stay(
            session=s, actor=user, exchange_id=view.exchange_id, action=Action.START_STAY
        ),
    ),
    Action.END_STAY: (
        N_("The stay has ended"),
        "end_stay",
        N_("Welcome back: the closing report is due now."),
        lambda s, user, view: exchanges.mark_stay(
            session=s, actor=user, exchange_id=view.exchange_id, action=Action.END_STAY
        ),
    ),
    Action.ORDER_PAYMENT: (
        N_("Order the payment of {amount}"),
        "order_payment",
        N_("Payment ordered."),
        lambda s, user, view: payments.order_payment(session=s, actor=user, exchange_id=view.exchange_id),
    ),
}


def one_click(view: ExchangeView, user: User, action: Action) -> None:
    label, key, success, service = ONE_CLICK[action]
    label, success = _(label), _(success)
    words = label.format(amount=money(view.exchange.lump_sum_cents or 0))
    if action == Action.ORDER_PAYMENT:
        payee(view)
    if st.button(words, key=key, type="primary" if action == Action.ORDER_PAYMENT else "secondary"):
        step(view, lambda s: service(s, user, view), success)


# --- the closing report ------------------------------------------------------------------


def report_editor(view: ExchangeView, user: User, rules: Rules) -> None:
    """The Visitor's closing report with its evidence (SUBMIT_REPORT)."""
    xid, form_id = view.exchange_id, f"report{view.exchange.id}"
    st.header(_("Closing report"))
    st.subheader(_("Evidence of the stay"))
    for item in view.evidence:
        c1, c2 = st.columns([5, 1])
        size = _("{size} KB").format(size=number(item.size_bytes // 1024))
        c1.markdown(f":material/attach_file: {item.filename} · {_(item.evidence_type)} · {size}")
        if c2.button(_("Remove"), key=f"rm_evidence_{item.id}"):
            step(
                view,
                lambda s, i=item.id: reports.remove_evidence(
                    session=s, actor=user, exchange_id=xid, evidence_id=i or 0
                ),
                _("Removed."),
            )
    with st.form("evidence_form", clear_on_submit=True):
        evidence_type = st.selectbox(
            _("What the file proves") + " *", reports.EVIDENCE_TYPES, format_func=_, key="evidence_type"
        )
        upload = st.file_uploader(
            _("File (PDF, JPEG or PNG)") + " *", type=["pdf", "jpg", "jpeg", "png"], key="evidence_file"
        )
        if st.form_submit_button(_("Add this evidence")) and upload is not None:
            step(
                view,
                lambda s: reports.add_evidence(
                    session=s,
                    actor=user,
                    exchange_id=xid,
                    evidence_type=evidence_type,
                    filename=upload.name,
                    content=upload.getvalue(),
                ),
                _("Evidence stored."),
            )
    saved = view.report.answers if view.report else {}
    # The report answers each objective of the plan: start from them.
    latest = view.latest_plan
    objectives = [
        {"objective": o.get("objective", "")} for o in (latest.answers.get("objectives", []) if latest else [])
    ]
    stored = saved if saved.get("results") else {**saved, "results": objectives}
    outcome = wizard(
        reports.REPORT_SPEC,
        form_id=form_id,
        stored=stored,
        version=(xid, view.exchange.state.value),
        rules=rules,
        submit_label=_("Send the closing report"),
    )
    if outcome.action == "save":
        step(
            view,
            lambda s: reports.save_report_draft(session=s, actor=user, exchange_id=xid, answers=outcome.answers),
            _("Draft saved."),
        )
    elif outcome.action == "submit":
        step(
            view,
            lambda s: reports.submit_report(session=s, actor=user, exchange_id=xid, answers=outcome.answers),
            _("Sent: your Partnership reviews it next."),
            on_invalid=Wizard(reports.REPORT_SPEC, form_id).show_errors,
        )


def report_summary(view: ExchangeView) -> None:
    report = view.report
    if report is None or report.submitted_at is None:
        return
    with st.expander(_("Closing report"), expanded=view.exchange.state == ExchangeState.REPORT_SUBMITTED):
        render_summary(reports.REPORT_SPEC, report.answers)
        if report.host_feedback or report.answers.get("host_satisfaction"):
            st.markdown(
                f"*{_('Host feedback')}:* {report.answers.get('host_satisfaction', '—')}/5 · {report.host_feedback}"
            )
        for item in view.evidence:
            st.download_button(
                f"{_(item.evidence_type)}: {item.filename}",
                data=item.content or b"",
                file_name=item.filename,
                mime=item.mime_type,
                key=f"dl_evidence_{item.id}",
                icon=":material/download:",
            )


def host_feedback(view: ExchangeView, user: User) -> None:
    with st.expander(_("Host feedback on the exchange")), st.form("host_feedback"):
        satisfaction = st.number_input(
            _("Satisfaction of the Host (1 = not at all, 5 = very)") + " *",
            min_value=1,
            max_value=5,
            value=None,
            step=1,
        )
        feedback = st.text_area(_("Feedback"), max_chars=2000)
        if st.form_submit_button(_("Save feedback")):
            step(
                view,
                lambda s: reports.save_host_feedback(
                    session=s,
                    actor=user,
                    exchange_id=view.exchange_id,
                    answers={"host_satisfaction": satisfaction, "feedback": feedback},
                ),
                _("Feedback saved."),
            )


def report_decision(view: ExchangeView, user: User) -> None:
    """The Visitor's Partnership accepts the report or sends it back (ACCEPT_REPORT, REQUEST_REPORT_CHANGES)."""
    xid = view.exchange_id
    decision(
        view,
        _("Your decision on the closing report"),
        _("Comment to the Visitor"),
        "report",
        yes=(_("Accept the report"), "accept_report", _("Report accepted.")),
        no=("report_changes", _("Sent back to the Visitor with your comment.")),
        decide=lambda s, yes, comment: reports.decide_report(
            session=s, actor=user, exchange_id=xid, accept=yes, comment=comment
        ),
    )


# --- payment, cancellation, comments -------------------------------------------------------


def payee(view: ExchangeView) -> None:
    """The account the payment goes to: the signed agreement's, with the day the Visitor gave it."""
    if view.payee is None:
        st.warning(
            _("The Visitor's bank account changed: the new Financial Agreement waits for its signatures."),
            icon=":material/account_balance:",
        )
    else:
        st.caption(
            _("Paid to {account}; account given on {day}, as in the signed Financial Agreement.").format(
                account=view.payee.masked(), day=view.payee.set_on()
            )
        )


def account_needed(view: ExchangeView) -> None:
    if view.account_needed:
        st.warning(view.account_needed, icon=":material/account_balance:")


def payment_state(view: ExchangeView) -> None:
    payment = view.payment
    if payment is None:
        return
    state_words = {"ordered": _("ordered"), "exported": _("sent to the bank"), "paid": _("paid")}[payment.state.value]
    amount = money(payment.amount_cents)
    if payment.paid_at:
        line = _("Lump sum {amount}: {state} on {day}").format(
            amount=amount, state=state_words, day=long_day(payment.paid_at.date())
        )
    elif payment.due_date:
        line = _("Lump sum {amount}: {state}, due by {day}").format(
            amount=amount, state=state_words, day=long_day(payment.due_date)
        )
    else:
        line = _("Lump sum {amount}: {state}").format(amount=amount, state=state_words)
    st.success(line, icon=":material/payments:")


def cancel(view: ExchangeView, user: User) -> None:
    with st.expander(_("Cancel this exchange")):
        reason = st.text_input(_("Reason") + " *", key="cancel_reason", max_chars=500)
        if st.button(_("Cancel the exchange"), key="cancel_exchange"):
            step(
                view,
                lambda s: exchanges.cancel_exchange(session=s, actor=user, exchange_id=view.exchange_id, reason=reason),
                _("Exchange cancelled."),
            )


def comments(view: ExchangeView, user: User) -> None:
    """The thread between the two organisations and their coordinators; a posted comment empties the box."""
    st.subheader(_("Comments"))
    st.caption(_("Between the two organisations and their coordinators; each comment is e-mailed to the others."))
    for entry in view.comments:
        with st.container(border=True):
            st.caption(f"{entry.author} · {entry.as_party} · {moment(entry.at)}")
            st.text(entry.body)
    round_no = st.session_state.setdefault("comment_round", 0)
    with st.form(f"comment_form_{round_no}"):
        body = st.text_area(_("Your comment"), key=f"comment_body_{round_no}", max_chars=MAX_COMMENT, height=100)
        posted = st.form_submit_button(_("Post the comment"), icon=":material/send:")
    if (
        posted
        and act(
            lambda s: add_comment(session=s, actor=user, exchange_id=view.exchange_id, body=body),
            success=_("Comment posted; the others are told by e-mail."),
        )
        is not None
    ):
        st.session_state["comment_round"] = round_no + 1  # a fresh, empty box; on an error the text stays
        st.rerun()
