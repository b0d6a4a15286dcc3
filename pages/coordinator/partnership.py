import streamlit as st

from domain.enums import Role
from domain.i18n import _
from domain.rules import country_name
from services.payments import set_partnership_account
from services.queries import colleagues, partnership_of
from services.runtime import read_session
from ui.bank import bank_account_form
from ui.guard import require_role

user = require_role(Role.COORDINATOR)
with read_session() as session:
    partnership = partnership_of(session, user)
    people = colleagues(session, user)

if partnership is None:
    st.warning(_("Your account is not linked to a Partnership; ask the Support Office."))
    st.stop()
st.title(f"{partnership.name} ({partnership.acronym})")
st.write(partnership.profile or _("No profile text yet."))
st.markdown(
    "\n".join(
        [
            f"- **{_('Countries')}:** {', '.join(country_name(c) for c in partnership.countries) or '—'}",
            f"- **{_('Ecosystems')}:** {', '.join(partnership.ecosystems) or '—'}",
            f"- **{_('Contact')}:** {partnership.contact_email}",
        ]
    )
)
st.header(_("Coordinators"))
st.dataframe([{_("Name"): p.full_name, _("E-mail"): p.email} for p in people], hide_index=True, width="stretch")

st.header(_("Paying account"))
st.caption(_("Lump sums are paid from this account; it is the debtor of the SEPA files."))
bank_account_form(
    "partnership_bank",
    iban=partnership.iban,
    bic=partnership.bic,
    holder=partnership.account_holder or partnership.name,
    save=lambda s, iban, bic, holder: set_partnership_account(session=s, actor=user, iban=iban, bic=bic, holder=holder),
)
