import streamlit as st

from auth.guard import require_role
from db.engine import read_session
from db.enums import Role
from db.queries import partnership_of
from db.services.queue import coordinator_queue
from forms.i18n import _, moment

KIND_LABELS = {"eoi": _("Expression of interest"), "plan": _("Action plan to approve"), "report": _("Closing report to accept"),
               "payment": _("Payment to order"), "signature": _("Documents to sign")}
PAGES = {"eoi": "pages/coordinator/eoi_review.py", "plan": "pages/exchange/exchange.py", "report": "pages/exchange/exchange.py",
         "payment": "pages/exchange/exchange.py", "signature": "pages/exchange/exchange.py"}

user = require_role(Role.COORDINATOR)
with read_session() as session:
    partnership = partnership_of(session, user)
    items = coordinator_queue(session, user) if partnership else []

st.title(_("Work queue"))
if partnership is None:
    st.warning(_("Your account is not linked to a Partnership; ask the Support Office."))
    st.stop()
st.caption(_("Everything that waits on {name}, oldest first.").format(name=partnership.name))
if not items:
    st.success(_("Nothing waits on your Partnership right now."), icon=":material/done_all:")
for item in items:
    with st.container(border=True):
        cols = st.columns([2, 4, 2, 1])
        cols[0].markdown(f"**{KIND_LABELS[item.kind]}**")
        cols[1].write(item.title)
        cols[2].caption(_("since {when}").format(when=moment(item.since)) if item.since else "")
        cols[3].page_link(PAGES[item.kind], label=_("Open"), query_params={"id": str(item.record_id)}, icon=":material/open_in_new:")
