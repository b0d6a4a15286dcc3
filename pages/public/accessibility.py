"""The accessibility statement, after the model statement of the Web Accessibility Directive
((EU) 2016/2102, model in Implementing Decision (EU) 2018/1523). Public: everyone can read it."""

from datetime import date

import streamlit as st

from domain.i18n import _, day
from services.instance import identity
from services.runtime import read_session
from ui.widgets import plain, support_office_lines

# The day the statement below was last checked against the software (docs/accessibility.md).
PREPARED = date(2026, 12, 3)

with read_session() as session:
    support = identity(session)
runs_it = plain(support.name) if support.name else _("The Support Office")

st.title(_("Accessibility statement"))
st.markdown(
    _(
        "{who} is committed to making CXC Desk accessible, in accordance with the Web Accessibility Directive "
        "(Directive (EU) 2016/2102) as transposed in its country. This statement applies to this instance of "
        "CXC Desk: its public pages and the pages of participants, coordinators and administrators."
    ).format(who=runs_it)
)

st.header(_("Compliance status"))
st.markdown(
    _(
        "CXC Desk is **partially compliant** with EN 301 549, which includes the Web Content Accessibility "
        "Guidelines (WCAG) 2.1 at level AA, because of the exceptions listed below."
    )
)

st.header(_("Non-accessible content"))
st.markdown(
    _(
        "The content listed below is not fully accessible, for the reasons given:\n\n"
        "- **Signed documents (PDF).** The Commitment to Quality and the Financial Agreement are PDF files "
        "without tags: a screen reader reads their text, but not their structure. Their contents (dates, "
        "amounts, parties) are also shown as text on the exchange page; ask the Support Office for another "
        "format.\n"
        "- **Charts.** The charts of the figures page are pictures for a screen reader; every chart has the "
        "same figures as a table next to it or behind its “Show as table” switch. The map of exchanges between "
        "countries has its table under it.\n"
        "- **Page menu.** The menu is one list of the pages of your role, without group titles, because the "
        "group titles of the software CXC Desk is built with (Streamlit) break the list for screen readers."
    )
    # The two parts of Streamlit's own markup that the checks let pass (docs/accessibility.md), one item
    # each, in the same list.
    + "\n"
    + _(
        "- **Documents shown on the exchange page, on a phone.** On a narrow screen, a document shown on the "
        "exchange page is wider than its viewer, which then scrolls sideways; with some browsers, the keyboard "
        "cannot scroll it. Download the document with the button under it and read it in the PDF reader of "
        "your choice."
    )
    + "\n"
    + _(
        "- **Confirmation messages.** The short message that confirms an action can be reached with the Tab "
        "key, but a screen reader announces it without a name."
    )
)
st.markdown(
    _(
        "Apart from the last two items above, no part of any page is left out of the checks described below, "
        "and no other control drawn by Streamlit is known to fail them today. If you meet one that does, "
        "please tell us: see “Feedback and contact information”."
    )
)

st.header(_("Preparation of this statement"))
st.markdown(
    _(
        "This statement was prepared on {day}. It is based on a self-assessment: automated checks with axe-core "
        "(WCAG 2.0, 2.1 and 2.2, levels A and AA) of every page, for every role, at 1280 and at 360 pixels wide, "
        "and a test of the main journey with the keyboard only, both run on every change of the software."
    ).format(day=day(PREPARED))
)

st.header(_("Feedback and contact information"))
st.markdown(
    _("If you find a barrier on these pages, or need a document or a page in another format, tell {who}.").format(
        who=runs_it
    )
)
support_office_lines(support)
st.page_link("pages/public/contact.py", label=_("Write to the Support Office"), icon=":material/contact_support:")

st.header(_("Enforcement procedure"))
st.markdown(
    _(
        "If you are not satisfied with our answer to your feedback or request, you can turn to the body that "
        "enforces the Web Accessibility Directive in the country where this instance is run. The European "
        "Commission publishes the list of these national bodies."
    )
)
