import streamlit as st

from db.settings import load_settings
from forms.i18n import _

settings = load_settings()
st.title(_("Welcome to ClusterXchange"))
st.markdown(
    _(
        "ClusterXchange funds **short stays abroad** between members of industrial clusters. "
        "A **Visitor** organisation spends 3 working days to one month at a **Host** organisation "
        "in another participating country, supervised by the **Partnerships** of their choice. "
        "The Visitor's Partnership pays a **lump sum** towards travel and accommodation after the exchange."
    )
)
st.subheader(_("How it works"))
col1, col2, col3 = st.columns(3)
col1.markdown(_("**1. Preparation**  \nSend an expression of interest, find your counterpart, write the action plan, sign."))
col2.markdown(_("**2. Execution**  \nThe stay abroad; then the Visitor files a closing report with evidence."))
col3.markdown(_("**3. Finalisation**  \nThe Partnership accepts the report and pays the lump sum."))
st.divider()
c1, c2 = st.columns(2)
c1.page_link("pages/public/register.py", label=_("Register your organisation"), icon=":material/person_add:")
c2.page_link("pages/public/login.py", label=_("Log in"), icon=":material/login:")
st.caption(
    _("Support Office: {email} · {phone} · {hours}").format(
        email=settings.support_email, phone=settings.support_phone, hours=settings.support_hours
    )
)
