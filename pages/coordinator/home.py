import math
from datetime import UTC, datetime

import streamlit as st

from domain.enums import Role
from domain.i18n import _, day, moment, ngettext
from domain.rules import country_name
from services.queries import partnership_of
from services.queue import QueueFilter, queue_page
from services.rules import rules_in_force
from services.runtime import read_session
from ui.guard import require_role
from ui.navigation import page_of
from ui.widgets import plain

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
PAGE_KEY = "queue_page"


def back_to_first_page() -> None:
    """A changed filter shows its first page, not the page number of the previous filter."""
    st.session_state[PAGE_KEY] = 1


user = require_role(Role.COORDINATOR)
today = datetime.now(UTC).date()
with read_session() as session:
    partnership = partnership_of(session, user)
    rules = rules_in_force(session)

st.title(_("Work queue"))
if partnership is None:
    st.warning(_("Your account is not linked to a Partnership; ask the Support Office."))
    st.stop()
caption = st.empty()  # filled once the counts are read, above the filters

with st.container(border=True):
    c1, c2, c3 = st.columns([3, 2, 2])
    search = c1.text_input(
        _("Search"),
        placeholder=_("Exchange number, organisation, person, state"),
        key="queue_search",
        max_chars=100,
        on_change=back_to_first_page,
    )
    kinds = c2.multiselect(
        _("What"),
        options=list(KIND_LABELS),
        format_func=lambda k: KIND_LABELS[k],
        key="queue_kinds",
        on_change=back_to_first_page,
    )
    countries = c3.multiselect(
        _("Country"),
        options=sorted(rules.participating_countries, key=country_name),
        format_func=country_name,
        key="queue_countries",
        on_change=back_to_first_page,
    )
    only_overdue = st.toggle(_("Only what is overdue"), key="queue_overdue", on_change=back_to_first_page)

wanted = QueueFilter(frozenset(kinds), frozenset(countries), search, only_overdue)
page_no = max(1, int(st.session_state.get(PAGE_KEY, 1)))
with read_session() as session:
    queue = queue_page(session, user, wanted=wanted, page=page_no, page_size=PAGE_SIZE, today=today)
caption.caption(
    ngettext(
        "Everything that waits on {name}, oldest first: {n} item, {late} overdue.",
        "Everything that waits on {name}, oldest first: {n} items, {late} overdue.",
        queue.total,
    ).format(name=partnership.name, n=queue.total, late=queue.overdue)
)
pages = max(1, math.ceil(queue.matching / PAGE_SIZE))

if not queue.total:
    st.success(_("Nothing waits on your Partnership right now."), icon=":material/done_all:")
elif not queue.matching:
    st.info(_("Nothing matches these filters."), icon=":material/filter_alt_off:")
elif wanted.active:
    st.caption(
        ngettext("{n} item matches these filters.", "{n} items match these filters.", queue.matching).format(
            n=queue.matching
        )
    )
exchange_page, eoi_page = page_of("pages/exchange/exchange.py"), page_of("pages/coordinator/eoi_review.py")
with st.container(border=bool(queue.items), gap="small"):
    for item in queue.items:
        # Each item is one link whose words say it all (what, which exchange, who, how late): one
        # element per item keeps the page's cost flat, and a screen reader or the Tab key reads it whole.
        urgency = item.urgency(today)
        age = item.age_days(today)
        when = ngettext("waiting {n} day", "waiting {n} days", age).format(n=age) if age is not None else ""
        if urgency == "overdue":
            overdue = _("Overdue since {due}").format(due=day(item.due))
            status = f":red-badge[{overdue}] {when}"
        elif urgency == "soon":
            due = _("Due {due}").format(due=day(item.due))
            status = f":orange-badge[{due}] {when}"
        else:
            since = _("since {when}").format(when=moment(item.since)) if item.since else ""
            status = " · ".join(part for part in (when, since) if part)
        target = eoi_page if item.kind == "eoi" else exchange_page
        who = item.title if item.kind == "eoi" else " → ".join(item.organisations)
        st.page_link(
            target,
            label=f"**{KIND_LABELS[item.kind]}** · #{item.record_id} · {plain(who)} · {status}",
            query_params={"id": str(item.record_id)},
            icon=":material/warning:" if urgency == "overdue" else ":material/chevron_right:",
        )
if pages > 1:
    if page_no > pages:  # the queue shrank since the number was chosen: show the last page next time
        st.session_state[PAGE_KEY] = pages
    st.number_input(_("Page"), min_value=1, max_value=pages, key=PAGE_KEY)
    st.caption(_("Page {page} of {pages}").format(page=min(page_no, pages), pages=pages))
