import streamlit as st

from domain.i18n import _
from services.instance import identity
from services.rules import rules_in_force
from services.runtime import read_session
from services.site_texts import TITLES, site_texts
from ui import programme
from ui.widgets import support_office_lines

with read_session() as session:
    texts = site_texts(session)
    rules = rules_in_force(session)


def heading(key: str) -> str:
    # The catalogue holds the heading texts (services/site_texts.toml); a key written inside _()
    # would be taken for a text by the extractor.
    return _(TITLES[key])


st.title(_("Welcome to ClusterXchange"))
st.markdown(texts["intro"])
st.header(heading("about"))
st.markdown(texts["about"])
st.header(heading("exchange"))
st.markdown(texts["exchange"])
programme.length(rules)
st.markdown(f"**{heading('activities')}**")
st.markdown(texts["activities"])
# The facts of the rules in force, drawn from them: the free texts around them never state them.
st.header(_("Who can take part"))
programme.eligibility(rules)
programme.countries(rules)
left, right = st.columns(2)
with left.container(border=True):
    st.markdown(f"**{heading('who_visitor')}**")
    st.markdown(texts["who_visitor"])
    st.markdown(f"**{heading('benefits_visitor')}**")
    st.markdown(texts["benefits_visitor"])
with right.container(border=True):
    st.markdown(f"**{heading('who_host')}**")
    st.markdown(texts["who_host"])
    st.markdown(f"**{heading('benefits_host')}**")
    st.markdown(texts["benefits_host"])
st.header(heading("phases"))
st.markdown(texts["phases"])
st.header(heading("lump_sum"))
st.markdown(texts["lump_sum"])
programme.lump_sums(rules)
st.header(heading("partnerships"))
st.markdown(texts["partnerships"])
st.page_link("pages/public/partnerships.py", label=_("Browse the Partnerships"), icon=":material/groups:")
st.page_link(
    "pages/public/opportunities.py",
    label=_("See the published exchange opportunities"),
    icon=":material/travel_explore:",
)
st.divider()
c1, c2, c3 = st.columns(3)
c1.page_link("pages/public/register.py", label=_("Register your organisation"), icon=":material/person_add:")
c2.page_link("pages/public/login.py", label=_("Log in"), icon=":material/login:")
c3.page_link("pages/public/news.py", label=_("Get the news"), icon=":material/mail:")
with st.container(border=True):
    st.markdown(f"**{_('Support Office')}**")
    with read_session() as session:
        support_office_lines(identity(session))
    st.page_link("pages/public/contact.py", label=_("Write to the Support Office"), icon=":material/contact_support:")
