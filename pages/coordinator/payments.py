from datetime import date

import streamlit as st

from domain.enums import PaymentState, Role
from domain.i18n import _, day, money
from services import payments
from services.runtime import read_session
from ui.actions import act
from ui.guard import require_role

user = require_role(Role.COORDINATOR)
st.title(_("Payments"))
st.caption(
    _(
        "Lump sums your Partnership pays to its Visitors: order them once the closing report is accepted, "
        "export a SEPA file for your bank, then mark them paid."
    )
)
with read_session() as session:
    waiting = payments.to_order(session, user)
    rows = payments.partnership_payments(session, user)

st.header(_("To order"))
if not waiting:
    st.write(_("No accepted closing report waits for its payment."))
for row in waiting:
    exchange, visitor, account = row.exchange, row.visitor, row.account
    cols = st.columns([4, 2, 2])
    cols[0].markdown(_("**{visitor}** · exchange {id}").format(visitor=visitor.legal_name, id=exchange.id))
    if account is None:
        cols[0].warning(
            _("The Visitor's bank account changed: the new Financial Agreement waits for its signatures."),
            icon=":material/account_balance:",
        )
    else:
        # The account of the signed agreement, shown so that a surprising change is noticed before paying.
        cols[0].caption(
            _("Paid to {account}; account given on {day}, as in the signed Financial Agreement.").format(
                account=account.masked(), day=account.set_on()
            )
        )
    cols[1].write(money(exchange.lump_sum_cents or 0))
    if cols[2].button(_("Order payment"), key=f"order_{exchange.id}", disabled=account is None):
        act(
            lambda s, exchange_id=exchange.id: payments.order_payment(session=s, actor=user, exchange_id=exchange_id),
            success=_("Payment ordered; the Visitor is told the amount and the date."),
            rerun=True,
        )

st.header(_("Ordered and paid"))
if not rows:
    st.write(_("No payment yet."))
labels = {PaymentState.ORDERED: _("Ordered"), PaymentState.EXPORTED: _("In a bank file"), PaymentState.PAID: _("Paid")}
st.dataframe(
    [
        {
            _("Payment"): r.payment.id,
            _("Exchange"): r.exchange_id,
            _("Visitor"): r.visitor,
            _("Amount"): money(r.payment.amount_cents),
            _("State"): labels[r.payment.state],
            _("Due"): day(r.payment.due_date) if r.payment.due_date else "",
            _("Overdue"): "⚠ " + _("overdue") if r.overdue else "",
            _("Reference"): r.payment.bank_reference,
        }
        for r in rows
    ],
    hide_index=True,
    width="stretch",
)
open_rows = {
    r.payment.id: f"{r.payment.id} · {r.visitor} · {money(r.payment.amount_cents)}"
    for r in rows
    if r.payment.state != PaymentState.PAID
}
if open_rows:
    chosen = st.multiselect(
        _("Payments to export or mark paid"), list(open_rows), format_func=lambda i: open_rows[i], key="pay_chosen"
    )
    execution = st.date_input(
        _("Execution date of the transfer"), value=date.today(), key="pay_execution", format="YYYY-MM-DD"
    )
    if chosen:

        def table() -> str:
            with read_session() as session:
                return payments.payments_csv(session=session, actor=user, payment_ids=chosen)

        c1, c2 = st.columns(2)
        if c1.button(_("Prepare the SEPA file"), key="make_sepa"):
            xml = act(
                lambda s: payments.sepa_file(session=s, actor=user, payment_ids=chosen, execution_date=execution),
                success=_("SEPA file ready; upload it to your bank."),
            )
            if xml is not None:
                st.download_button(
                    _("Download pain.001 (XML)"),
                    data=xml,
                    file_name=f"cxc-payments-{date.today()}.xml",
                    mime="application/xml",
                )
        # Built only when the button is pressed, not on every rerun of the page.
        c2.download_button(
            _("Download as CSV"), data=table, file_name=f"cxc-payments-{date.today()}.csv", mime="text/csv"
        )
        with st.form("mark_paid"):
            paid_on = st.date_input(_("Paid on") + " *", value=date.today(), key="paid_on", format="YYYY-MM-DD")
            reference = st.text_input(_("Bank reference") + " *", key="pay_reference", max_chars=100)
            if st.form_submit_button(_("Mark the chosen payments paid")):
                act(
                    lambda s: payments.confirm_payments(
                        session=s, actor=user, payment_ids=chosen, paid_on=paid_on, reference=reference
                    ),
                    success=_("Marked paid; the Visitors are told."),
                    rerun=True,
                )
