import math
from datetime import UTC, datetime

import streamlit as st

from domain.enums import Role
from domain.i18n import _, day, moment
from domain.rules import country_name
from services.queries import partnership_of
from services.queue import coordinator_queue, filter_queue, organisations_of_people
from services.runtime import read_session
from ui.guard import require_role

KIND_LABELS = {
    "eoi": _("Expression of interest"),
    "plan": _("Action plan to approve"),
    "signature": _("Documents to sign"),
    "report": _("Closing report to accept"),
    "report_overdue": _("Closing report overdue"),
    "payment": _("Payment to order"),
    "payment_confirm": _("Payment to confirm"),
}
PAGE_SIZE = 25

user = require_role(Role.COORDINATOR)
today = datetime.now(UTC).date()
with read_session() as session:
    partnership = partnership_of(session, user)
    items = coordinator_queue(session, user, today=today) if partnership else []

st.title(_("Work queue"))
if partnership is None:
    st.warning(_("Your account is not linked to a Partnership; ask the Support Office."))
    st.stop()
overdue = sum(item.urgency(today) == "overdue" for item in items)
st.caption(
    _("Everything that waits on {name}, oldest first: {n} items, {late} overdue.").format(
        name=partnership.name, n=len(items), late=overdue
    )
)

with st.container(border=True):
    c1, c2, c3 = st.columns([3, 2, 2])
    search = c1.text_input(
        _("Search"), placeholder=_("Exchange number, organisation, person, state"), key="queue_search", max_chars=100
    )
    kinds = c2.multiselect(
        _("What"), options=list(KIND_LABELS), format_func=lambda k: KIND_LABELS[k], key="queue_kinds"
    )
    countries = c3.multiselect(
        _("Country"),
        options=sorted({c for item in items for c in item.countries}),
        format_func=country_name,
        key="queue_countries",
    )
    only_overdue = st.toggle(_("Only what is overdue"), key="queue_overdue")
people = None
if len(search.strip()) >= 2 and not search.strip().lstrip("#").isdigit():
    with read_session() as session:
        people = organisations_of_people(session, search)
shown = filter_queue(
    items,
    kinds=kinds,
    countries=countries,
    text=search,
    organisation_ids=people,
    overdue_only=only_overdue,
    today=today,
)

if not items:
    st.success(_("Nothing waits on your Partnership right now."), icon=":material/done_all:")
elif not shown:
    st.info(_("Nothing matches these filters."), icon=":material/filter_alt_off:")
pages = max(1, math.ceil(len(shown) / PAGE_SIZE))
page_no = st.number_input(_("Page"), min_value=1, max_value=pages, value=1, key="queue_page") if pages > 1 else 1
for item in shown[(page_no - 1) * PAGE_SIZE : page_no * PAGE_SIZE]:
    urgency = item.urgency(today)
    with st.container(border=True):
        cols = st.columns([3, 5, 3, 1])
        cols[0].markdown(f"**{KIND_LABELS[item.kind]}**  \n" + (f"#{item.record_id}"))
        cols[1].text(item.title)
        age = item.age_days(today)
        when = _("waiting {n} days").format(n=age) if age is not None else ""
        if urgency == "overdue":
            cols[2].markdown(
                f":red-badge[:material/warning: {_('Overdue since {due}').format(due=day(item.due))}]  \n{when}"
            )
        elif urgency == "soon":
            cols[2].markdown(f":orange-badge[:material/schedule: {_('Due {due}').format(due=day(item.due))}]  \n{when}")
        else:
            cols[2].caption(when + (f" · {_('since {when}').format(when=moment(item.since))}" if item.since else ""))
        target = "pages/coordinator/eoi_review.py" if item.kind == "eoi" else "pages/exchange/exchange.py"
        cols[3].page_link(
            target, label=_("Open"), query_params={"id": str(item.record_id)}, icon=":material/open_in_new:"
        )
if pages > 1:
    st.caption(_("Page {page} of {pages}").format(page=page_no, pages=pages))
