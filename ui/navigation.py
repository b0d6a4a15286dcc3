"""Which pages each role gets: the menu is built from exactly the pages a role may open.

A page of another role keeps its URL but is served by a stub that refuses (or, for an
anonymous visitor, asks to log in and then opens the page: links in e-mails work).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import streamlit as st

from domain.enums import Role
from domain.i18n import N_, _, current_locale

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    url_path: str
    roles: frozenset[Role | None]  # None stands for the anonymous visitor
    section: str
    icon: str = ""
    in_menu: bool = True  # detail pages open from a list with ?id=…, not from the menu


ANONYMOUS: frozenset[Role | None] = frozenset({None})
LOGGED_IN: frozenset[Role | None] = frozenset(Role)
EVERYONE: frozenset[Role | None] = ANONYMOUS | LOGGED_IN


def _roles(*roles: Role) -> frozenset[Role | None]:
    return frozenset(roles)


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/public/home.py", N_("Welcome"), "welcome", ANONYMOUS, N_("ClusterXchange"), ":material/home:"),
    PageSpec("pages/public/login.py", N_("Log in"), "login", ANONYMOUS, N_("ClusterXchange"), ":material/login:"),
    PageSpec(
        "pages/public/register.py", N_("Register"), "register", ANONYMOUS, N_("ClusterXchange"), ":material/person_add:"
    ),
    PageSpec(
        "pages/public/reset_password.py",
        N_("Forgot password"),
        "reset_password",
        ANONYMOUS,
        N_("ClusterXchange"),
        ":material/key:",
    ),
    PageSpec(
        "pages/public/accept_invitation.py",
        N_("Join your organisation"),
        "accept_invitation",
        ANONYMOUS,
        N_("ClusterXchange"),
        ":material/how_to_reg:",
        in_menu=False,
    ),
    PageSpec(
        "pages/public/partnerships.py",
        N_("Partnerships"),
        "partnerships",
        EVERYONE,
        N_("ClusterXchange"),
        ":material/groups:",
    ),
    PageSpec(
        "pages/public/opportunities.py",
        N_("Opportunities"),
        "opportunities",
        EVERYONE,
        N_("ClusterXchange"),
        ":material/travel_explore:",
    ),
    PageSpec(
        "pages/public/verify.py",
        N_("Verify a document"),
        "verify",
        EVERYONE,
        N_("ClusterXchange"),
        ":material/verified:",
    ),
    PageSpec("pages/public/news.py", N_("News"), "news", EVERYONE, N_("ClusterXchange"), ":material/mail:"),
    PageSpec(
        "pages/public/contact.py",
        N_("Contact"),
        "contact",
        EVERYONE,
        N_("ClusterXchange"),
        ":material/contact_support:",
    ),
    PageSpec(
        "pages/public/accessibility.py",
        N_("Accessibility"),
        "accessibility",
        EVERYONE,
        N_("ClusterXchange"),
        ":material/accessibility:",
    ),
    PageSpec(
        "pages/participant/home.py",
        N_("What to do next"),
        "participant_home",
        _roles(Role.PARTICIPANT),
        N_("My exchanges"),
        ":material/checklist:",
    ),
    PageSpec(
        "pages/participant/eoi.py",
        N_("Expressions of interest"),
        "my_eois",
        _roles(Role.PARTICIPANT),
        N_("My exchanges"),
        ":material/description:",
    ),
    PageSpec(
        "pages/participant/exchanges.py",
        N_("Exchanges"),
        "my_exchanges",
        _roles(Role.PARTICIPANT),
        N_("My exchanges"),
        ":material/handshake:",
    ),
    PageSpec(
        "pages/participant/opportunities.py",
        N_("My opportunities"),
        "my_opportunities",
        _roles(Role.PARTICIPANT),
        N_("My exchanges"),
        ":material/campaign:",
    ),
    PageSpec(
        "pages/participant/organisation.py",
        N_("My organisation"),
        "my_organisation",
        _roles(Role.PARTICIPANT),
        N_("My exchanges"),
        ":material/apartment:",
    ),
    PageSpec(
        "pages/participant/my_data.py",
        N_("My data"),
        "my_data",
        _roles(Role.PARTICIPANT),
        N_("Account"),
        ":material/shield_person:",
    ),
    PageSpec(
        "pages/coordinator/home.py",
        N_("Work queue"),
        "coordinator_home",
        _roles(Role.COORDINATOR),
        N_("My Partnership"),
        ":material/inbox:",
    ),
    PageSpec(
        "pages/coordinator/eoi_review.py",
        N_("Review"),
        "eoi_review",
        _roles(Role.COORDINATOR),
        N_("My Partnership"),
        ":material/fact_check:",
        in_menu=False,
    ),
    PageSpec(
        "pages/coordinator/payments.py",
        N_("Payments"),
        "payments",
        _roles(Role.COORDINATOR),
        N_("My Partnership"),
        ":material/payments:",
    ),
    PageSpec(
        "pages/coordinator/exchanges.py",
        N_("Exchanges"),
        "partnership_exchanges",
        _roles(Role.COORDINATOR),
        N_("My Partnership"),
        ":material/handshake:",
    ),
    PageSpec(
        "pages/exchange/exchange.py",
        N_("Exchange"),
        "exchange",
        _roles(Role.PARTICIPANT, Role.COORDINATOR),
        N_("My exchanges"),
        ":material/swap_horiz:",
        in_menu=False,
    ),
    PageSpec(
        "pages/coordinator/partnership.py",
        N_("Partnership profile"),
        "my_partnership",
        _roles(Role.COORDINATOR),
        N_("My Partnership"),
        ":material/groups:",
    ),
    PageSpec(
        "pages/kpis/kpis.py",
        N_("Figures and exports"),
        "figures",
        _roles(Role.COORDINATOR, Role.ADMIN),
        N_("Figures"),
        ":material/query_stats:",
    ),
    PageSpec(
        "pages/imports/imports.py",
        N_("Import"),
        "import",
        _roles(Role.COORDINATOR, Role.ADMIN),
        N_("Figures"),
        ":material/upload_file:",
    ),
    PageSpec(
        "pages/coordinator/on_behalf.py",
        N_("Encode for members"),
        "encode",
        _roles(Role.COORDINATOR, Role.ADMIN),
        N_("Figures"),
        ":material/edit_document:",
    ),
    PageSpec(
        "pages/admin/home.py",
        N_("Overview"),
        "admin_home",
        _roles(Role.ADMIN),
        N_("Support Office"),
        ":material/dashboard:",
    ),
    PageSpec(
        "pages/admin/partnerships.py",
        N_("Manage Partnerships"),
        "admin_partnerships",
        _roles(Role.ADMIN),
        N_("Support Office"),
        ":material/groups:",
    ),
    PageSpec(
        "pages/admin/coordinators.py",
        N_("Coordinators"),
        "admin_coordinators",
        _roles(Role.ADMIN),
        N_("Support Office"),
        ":material/badge:",
    ),
    PageSpec(
        "pages/admin/rules.py",
        N_("Rules and rates"),
        "admin_rules",
        _roles(Role.ADMIN),
        N_("Support Office"),
        ":material/rule:",
    ),
    PageSpec(
        "pages/admin/users.py",
        N_("Users"),
        "admin_users",
        _roles(Role.ADMIN),
        N_("Support Office"),
        ":material/manage_accounts:",
    ),
    PageSpec(
        "pages/admin/audit.py",
        N_("Audit log"),
        "admin_audit",
        _roles(Role.ADMIN),
        N_("Support Office"),
        ":material/history:",
    ),
    PageSpec(
        "pages/admin/outbox.py",
        N_("Outbox"),
        "admin_outbox",
        _roles(Role.ADMIN),
        N_("Support Office"),
        ":material/outgoing_mail:",
    ),
    PageSpec(
        "pages/admin/messages.py",
        N_("Contact messages"),
        "admin_messages",
        _roles(Role.ADMIN),
        N_("Support Office"),
        ":material/forum:",
    ),
    PageSpec(
        "pages/admin/site_texts.py",
        N_("Public texts"),
        "admin_texts",
        _roles(Role.ADMIN),
        N_("Support Office"),
        ":material/edit_note:",
    ),
    PageSpec(
        "pages/admin/forms.py",
        N_("Form previews"),
        "admin_forms",
        _roles(Role.ADMIN),
        N_("Support Office"),
        ":material/dynamic_form:",
    ),
    PageSpec(
        "pages/admin/data_requests.py",
        N_("Data requests"),
        "admin_data_requests",
        _roles(Role.ADMIN),
        N_("Support Office"),
        ":material/privacy_tip:",
    ),
    PageSpec(
        "pages/admin/news.py",
        N_("News desk"),
        "news_desk",
        _roles(Role.ADMIN, Role.COORDINATOR),
        N_("News"),
        ":material/newspaper:",
    ),
    PageSpec("pages/account/account.py", N_("My account"), "account", LOGGED_IN, N_("Account"), ":material/person:"),
)

SETUP_PAGE = PageSpec(
    "pages/public/setup.py", N_("Set up this instance"), "setup", ANONYMOUS, N_("ClusterXchange"), ":material/build:"
)

HOME_OF: dict[Role | None, str] = {
    None: "welcome",
    Role.PARTICIPANT: "participant_home",
    Role.COORDINATOR: "coordinator_home",
    Role.ADMIN: "admin_home",
}


def pages_for(role: Role | None) -> list[PageSpec]:
    return [spec for spec in PAGES if role in spec.roles]


def _refusal_stub(url_path: str) -> Callable[[], None]:
    def refuse() -> None:
        st.error(_("This page is not available to you."))
        st.caption(_("Use the menu to reach the pages of your role."))

    refuse.__name__ = f"refuse_{url_path}"
    return refuse


def _login_stub(url_path: str) -> Callable[[], None]:
    title = next(spec.title for spec in PAGES if spec.url_path == url_path)

    def ask_to_log_in() -> None:
        from ui.session import render_login_form

        st.info(_("Please log in to open “{title}”.").format(title=_(title)))
        if render_login_form() is not None:
            st.rerun()  # the next run serves the real page at this URL

    ask_to_log_in.__name__ = f"login_for_{url_path}"
    return ask_to_log_in


def _to_home(url_path: str) -> Callable[[], None]:
    def go_home() -> None:
        st.switch_page(st.session_state["_cxc_home_page"])

    go_home.__name__ = f"home_from_{url_path}"
    return go_home


class Kind(StrEnum):
    PAGE = "page"  # the real page
    LOGIN_STUB = "login_stub"  # anonymous visitor: log in, then the page opens at the same URL
    REFUSAL = "refusal"  # another role's page: a refusal, never content
    HOME_REDIRECT = "home_redirect"  # logged in but on /login or /register: go home


@dataclass(frozen=True)
class Planned:
    spec: PageSpec
    kind: Kind
    default: bool = False


def navigation_plan(role: Role | None, *, needs_setup: bool) -> list[Planned]:
    """Pure: what each URL serves for this role (tested without a running app)."""
    if needs_setup:
        return [Planned(SETUP_PAGE, Kind.PAGE, default=True)]
    home = HOME_OF[role]
    plan = []
    for spec in PAGES:
        if role in spec.roles:
            plan.append(Planned(spec, Kind.PAGE, default=spec.url_path == home))
        elif role is None:
            plan.append(Planned(spec, Kind.LOGIN_STUB))
        elif spec.roles == ANONYMOUS:
            plan.append(Planned(spec, Kind.HOME_REDIRECT))
        else:
            plan.append(Planned(spec, Kind.REFUSAL))
    return plan


def _root() -> None:
    # Streamlit serves the default page at "/" only, never at its own name; a real home page
    # as default would make links to /participant_home fail. The root just goes home.
    st.switch_page(st.session_state["_cxc_home_page"])


def menu_order(role: Role | None, plan: list[Planned]) -> list[Planned]:
    """The role's pages grouped by section, in the order the sections first appear, the section of
    the role's home first; a logged-in person sees the public ones (ClusterXchange) last."""
    public = PAGES[0].section
    sections = list(dict.fromkeys(item.spec.section for item in plan))
    if role is not None and public in sections:
        sections.append(sections.pop(sections.index(public)))
    home = next((item.spec.section for item in plan if item.spec.url_path == HOME_OF[role]), None)
    if home is not None:
        sections.insert(0, sections.pop(sections.index(home)))
    return sorted(plan, key=lambda item: sections.index(item.spec.section))


BUILT_KEY = "_cxc_built_pages"


def build_pages(role: Role | None, *, needs_setup: bool) -> list[st.Page]:
    """The navigation of one role: its own pages visible, every other URL a hidden stub.

    Built once per person, role and language and kept in the session: each st.Page resolves its
    file on disk, about 4 ms a run for forty pages. Kept per session, never per process: st.navigation
    marks the chosen page object runnable, and two sessions' runs must not share that mark."""
    key = (role, needs_setup, current_locale())
    built = st.session_state.get(BUILT_KEY)
    if built is None or built[0] != key:
        built = st.session_state[BUILT_KEY] = (key, _new_pages(role, needs_setup=needs_setup))
    return built[1]


def _new_pages(role: Role | None, *, needs_setup: bool) -> list[st.Page]:
    """One flat list, without Streamlit's sections: Streamlit draws a section as a <div> inside the
    menu's <ul>, which screen readers cannot announce as a list (docs/accessibility.md)."""
    pages: list[st.Page] = []
    hidden: list[st.Page] = (
        [] if needs_setup else [st.Page(_root, title=_("Home"), url_path="home", default=True, visibility="hidden")]
    )
    stubs = {Kind.LOGIN_STUB: _login_stub, Kind.REFUSAL: _refusal_stub, Kind.HOME_REDIRECT: _to_home}
    registered: dict[str, st.Page] = {}
    plan = navigation_plan(role, needs_setup=needs_setup)
    for item in menu_order(role, [item for item in plan if item.kind == Kind.PAGE]):
        spec = item.spec
        page = st.Page(
            str(ROOT / spec.path),
            title=_(spec.title),
            url_path=spec.url_path,
            icon=spec.icon or None,
            default=item.default and needs_setup,
            visibility="visible" if spec.in_menu else "hidden",
        )
        pages.append(page)
        registered[spec.path] = page
        if item.default:
            st.session_state["_cxc_home_page"] = page
    for item in plan:
        if item.kind != Kind.PAGE:
            stub = stubs[item.kind](item.spec.url_path)
            hidden.append(st.Page(stub, title=_(item.spec.title), url_path=item.spec.url_path, visibility="hidden"))
    st.session_state[REGISTERED_KEY] = registered
    return pages + hidden


REGISTERED_KEY = "_cxc_pages"


def page_of(path: str) -> st.Page | str:
    """The page this run registered for a script (`pages/...py`), for links: Streamlit finds a
    page given by its path again for every link (resolving files on disk); a page given as the
    object costs nothing. The path itself when the role has no such page."""
    return st.session_state.get(REGISTERED_KEY, {}).get(path, path)
