"""Importing organisations (with their contact person) and people: checked with the same checks
as the registration and profile forms, written as those forms would write them.

An organisation's key is its VAT or registration number when given, else its legal name and
country; a person's key is the e-mail address. A key that exists updates that record; a row that
says what the record already says changes nothing.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlmodel import Session, col, select

from db.models import EOI, Organisation, Partnership, User
from db.types import id_of, utcnow
from domain.enums import OrgRole, OrgType, Role
from domain.errors import ValidationFailed
from domain.i18n import _
from domain.labels import ORG_ROLE_LABELS
from domain.places import find_city
from domain.validators import (
    choice_problem,
    email_problem,
    normalise_email,
    optional_text,
    required_text,
    username_problem,
)
from forms.answers import check_value
from forms.spec import FieldSpec, load_spec
from services.accounts import hash_password, username_for
from services.colleagues import invitation_comment, roles_codes, roles_words, send_invitations, tell_roles_changed
from services.imports.columns import country_code, org_roles_of, org_type_code, role_words, split_list
from services.imports.common import (
    ADD,
    UNCHANGED,
    UPDATE,
    Checked,
    Context,
    RowInput,
    each_row,
    insert_many,
    normal_name,
)
from services.imports.reading import header_key
from services.payments import check_bank_account
from services.permissions import org_roles

PROFILE_SPEC = "organisation_profile"
BANK_FIELDS = {"iban": "iban", "bic": "bic", "holder": "account_holder"}


@dataclass
class Lookups:
    """Everything a check needs from the database, read once per import (not once per row)."""

    by_name: dict[tuple[str, str], Organisation]
    by_number: dict[str, Organisation]
    users: dict[str, User]
    by_username: dict[str, User]
    people: dict[int, list[User]]  # the active people of each organisation
    scope_members: set[int]  # organisations with an expression of interest to the import's Partnership


def load_lookups(session: Session, scope: int | None) -> Lookups:
    organisations = list(session.exec(select(Organisation)))
    users = list(session.exec(select(User)))
    people: dict[int, list[User]] = {}
    for user in users:
        if user.organisation_id is not None and user.is_active and user.role == Role.PARTICIPANT:
            people.setdefault(user.organisation_id, []).append(user)
    members: set[int] = set()
    if scope is not None:
        members = set(session.exec(select(EOI.organisation_id).where(EOI.partnership_id == scope)))
    return Lookups(
        by_name={(normal_name(o.legal_name), o.country): o for o in organisations},
        by_number={number_key(o.registration_number): o for o in organisations if o.registration_number.strip()},
        users={u.email.lower(): u for u in users},
        by_username={u.username: u for u in users},
        people=people,
        scope_members=members,
    )


def email_key(text: str) -> str:
    """The address as stored; plain ASCII needs no second pass through the e-mail validator (10,000 rows)."""
    text = text.strip()
    return text.lower() if text.isascii() and '"' not in text else normalise_email(text)


def number_key(text: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", text.upper())


def in_scope(organisation: Organisation, ctx: Context, lookups: Lookups) -> bool:
    """A coordinator's import touches its own members only: brought in by it, or with an EOI to it."""
    return ctx.scope is None or organisation.partnership_id == ctx.scope or id_of(organisation) in lookups.scope_members


def find_organisation(lookups: Lookups, name: str, country: str, number: str = "") -> Organisation | None:
    if number and (found := lookups.by_number.get(number_key(number))):
        return found
    return lookups.by_name.get((normal_name(name), country))


# --- organisations ----------------------------------------------------------------------------


def _ecosystems(value: str, ctx: Context, known: dict[str, str], spec_field: FieldSpec) -> tuple[list[str], str | None]:
    """ "digital; HEALTH" -> the rules' own spellings, checked as the profile form checks them."""
    items = [known.get(header_key(v), v) for v in split_list(value)]
    clean, problem = check_value(spec_field, items, ctx.rules)
    return (list(clean) if not problem else items), problem


def check_organisations(ctx: Context, rows: list[RowInput]) -> list[Checked]:
    lookups = load_lookups(ctx.session, ctx.scope)
    countries = set(ctx.rules.participating_countries)
    website_field = load_spec(PROFILE_SPEC).field("website")
    ecosystems_field = load_spec(PROFILE_SPEC).field("ecosystems")
    known_ecosystems = {header_key(e): e for e in ctx.rules.ecosystems}
    seen: dict[tuple[str, str], int] = {}
    seen_emails: dict[str, int] = {}
    out = []
    for c in each_row(ctx, rows):
        v = c.values
        v["legal_name"] = " ".join(v["legal_name"].split())
        c.problem("legal_name", required_text(v["legal_name"], max_length=200, min_length=2))
        v["country"] = country_code(v["country"]) if v["country"] else ""
        c.problem("country", choice_problem(v["country"], countries, _("participating country")))
        c.problem("city", required_text(v["city"], max_length=120))
        v["org_type"] = org_type_code(v["org_type"]) if v["org_type"] else ""
        c.problem("org_type", choice_problem(v["org_type"], {t.value for t in OrgType}, _("type of organisation")))
        c.problem("cluster_name", optional_text(v["cluster_name"], max_length=200))
        c.problem("registration_number", optional_text(v["registration_number"], max_length=40))
        if v["website"]:
            c.problem("website", check_value(website_field, v["website"], ctx.rules)[1])
        if v["ecosystems"]:
            items, problem = _ecosystems(v["ecosystems"], ctx, known_ecosystems, ecosystems_field)
            c.problem("ecosystems", problem)
            v["ecosystems"] = "; ".join(items)
        _check_contact(c, lookups, seen_emails)
        if v["iban"] or v["bic"] or v["account_holder"]:
            try:
                account = check_bank_account(v["iban"], v["bic"], v["account_holder"])
                v["iban"], v["bic"], v["account_holder"] = account.iban, account.bic, account.holder
            except ValidationFailed as exc:
                for key, message in exc.errors.items():
                    c.problem(BANK_FIELDS.get(key, "iban"), message)
        key = (normal_name(v["legal_name"]), v["country"])
        number = number_key(v["registration_number"])
        twin = seen.get(key) or (seen.get(("#", number)) if number else None)
        if twin:
            c.problem("legal_name", _("Row {n} is the same organisation; keep one of the two rows.").format(n=twin))
        seen[key] = c.number
        if number:
            seen[("#", number)] = c.number
        existing = find_organisation(lookups, v["legal_name"], v["country"], v["registration_number"])
        if existing is not None and not in_scope(existing, ctx, lookups):
            c.problem(
                "legal_name",
                _("{org} is a member of another Partnership; its coordinator or the Support Office updates it.").format(
                    org=existing.legal_name
                ),
            )
        if existing is not None and existing.iban and v["iban"] and number_key(existing.iban) != number_key(v["iban"]):
            # Payments go to this account: only the organisation itself changes it (My organisation).
            c.problem(
                "iban",
                _("{org} has a bank account already; only the organisation changes it.").format(
                    org=existing.legal_name
                ),
            )
        contact_user = lookups.users.get(v["contact_email"].lower()) if v["contact_email"] else None
        if contact_user is not None and contact_user.organisation_id not in (None, existing and existing.id):
            c.problem("contact_email", _("This e-mail address belongs to a person of another organisation."))
        c.payload = (existing, contact_user)
        c.action = ADD if existing is None else (UPDATE if _org_changes(existing, v) else UNCHANGED)
        out.append(c)
    return out


def _check_contact(c: Checked, lookups: Lookups, seen_emails: dict[str, int]) -> None:
    v = c.values
    if not (v["contact_email"] or v["contact_name"]):
        return
    c.problem("contact_email", email_problem(v["contact_email"]))
    c.problem("contact_name", required_text(v["contact_name"], max_length=120, min_length=2))
    if "contact_email" in c.problems:
        return
    v["contact_email"] = email_key(v["contact_email"])
    user = lookups.users.get(v["contact_email"])
    if user is not None and user.role != Role.PARTICIPANT:
        c.problem("contact_email", _("This e-mail address belongs to a coordinator or administrator account."))
    if v["contact_email"] in seen_emails:
        c.problem("contact_email", _("Row {n} has the same e-mail address.").format(n=seen_emails[v["contact_email"]]))
    seen_emails[v["contact_email"]] = c.number


def _org_values(v: dict[str, str]) -> dict[str, object]:
    """What a row sets on the organisation: the required columns always, the others when filled."""
    values: dict[str, object] = {
        "legal_name": v["legal_name"],
        "country": v["country"],
        "org_type": OrgType(v["org_type"]),
    }
    for key in ("cluster_name", "registration_number", "website", "iban", "bic", "account_holder"):
        if v[key]:
            values[key] = v[key]
    if v["ecosystems"]:
        values["ecosystems"] = split_list(v["ecosystems"])
    return values


def _org_changes(organisation: Organisation, v: dict[str, str]) -> dict[str, object]:
    changes = {k: val for k, val in _org_values(v).items() if getattr(organisation, k) != val}
    if number_key(organisation.registration_number) == number_key(v["registration_number"]):
        changes.pop("registration_number", None)  # "PT 501" is "PT501"
    # "Wien" is stored as the city list's "Vienna": compare what would be stored (the list only when needed).
    same_city = normal_name(organisation.city) == normal_name(v["city"])
    if not same_city and normal_name(organisation.city) != normal_name(str(_place(v["city"], v["country"])["city"])):
        changes["city"] = v["city"]
    return changes


def _place(city: str, country: str) -> dict[str, object]:
    place = find_city(city, country)
    return {
        "city": place.name if place else city,
        "latitude": place.latitude if place else None,
        "longitude": place.longitude if place else None,
    }


def write_organisations(ctx: Context, checked: list[Checked]) -> tuple[int, int, int]:
    """(added, updated, people added); the caller commits."""
    new_rows, new_checked = [], []
    updated = 0
    for c in checked:
        existing, _user = c.payload
        if existing is None:
            new_rows.append(
                _org_values(c.values) | _place(c.values["city"], c.values["country"]) | {"partnership_id": ctx.scope}
            )
            new_checked.append(c)
        elif changes := _org_changes(existing, c.values):
            changed = ", ".join(sorted(changes))
            if "city" in changes:
                changes.update(_place(c.values["city"], c.values["country"]))
            for key, value in changes.items():
                setattr(existing, key, value)
            ctx.session.add(existing)
            ctx.audit("organisation", id_of(existing), "import_update", comment=changed)
            updated += 1
    ctx.session.flush()
    new_ids = insert_many(ctx.session, Organisation, new_rows)
    for organisation_id in new_ids:
        ctx.audit("organisation", organisation_id, "import")
    ids = {id(c): organisation_id for c, organisation_id in zip(new_checked, new_ids, strict=True)}
    people = [
        Person(
            c.values["contact_name"],
            c.values["contact_email"],
            ids.get(id(c)) or id_of(c.payload[0]),
            c.values["legal_name"] if id(c) in ids else c.payload[0].legal_name,
        )
        for c in checked
        if c.values["contact_email"] and c.payload[1] is None
    ]
    return len(new_ids), updated, add_people(ctx, people)


# --- people ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    full_name: str
    email: str
    organisation_id: int
    organisation_name: str
    username: str = ""
    roles: frozenset[OrgRole] = frozenset(OrgRole)  # an organisation's contact person: both, as registration


def add_people(ctx: Context, people: list[Person]) -> int:
    """Participant accounts for imported people with their roles, each invited as a colleague is invited
    (`colleagues.send_invitations`: an e-mail in their language with a one-time link to choose a password)."""
    if not people:
        return 0
    taken = set(ctx.session.exec(select(User.username)))
    # Nobody knows this password: the invitation's link sets one. One hash for the whole import, as
    # bcrypt costs a quarter of a second per hash on purpose.
    unusable = hash_password(secrets.token_urlsafe(32))
    now = utcnow()
    rows = []
    for person in people:
        username = person.username if person.username and person.username not in taken else ""
        username = username or username_for(person.email, taken)
        taken.add(username)
        rows.append(
            {
                "username": username,
                "email": person.email,
                "full_name": " ".join(person.full_name.split()),
                "password_hash": unusable,
                "role": Role.PARTICIPANT,
                "organisation_id": person.organisation_id,
                "is_contact_person": OrgRole.CONTACT_PERSON in person.roles,
                "is_signatory": OrgRole.SIGNATORY in person.roles,
                "invited_at": now,  # an invitation until the link is used: sent again or withdrawn under Colleagues
            }
        )
    user_ids = insert_many(ctx.session, User, rows)
    for user_id, person in zip(user_ids, people, strict=True):
        ctx.audit("user", user_id, "import", comment=invitation_comment(person.organisation_name, person.roles))
    users: dict[int, User] = {}
    for start in range(0, len(user_ids), 1000):  # IN lists of a size every database takes
        chunk = user_ids[start : start + 1000]
        users.update((id_of(u), u) for u in ctx.session.exec(select(User).where(col(User.id).in_(chunk))))
    invitations = [(users[i], person.organisation_name) for i, person in zip(user_ids, people, strict=True)]
    send_invitations(ctx.session, invitations, ctx.actor)
    return len(user_ids)


@dataclass
class PersonRow:
    """What a checked row of people leads to (the payload `write_people` needs)."""

    organisation: Organisation | None
    user: User | None  # the account of this e-mail address, if there is one
    roles: frozenset[OrgRole] | None  # None: an existing person keeps theirs


def check_people(ctx: Context, rows: list[RowInput]) -> list[Checked]:
    lookups = load_lookups(ctx.session, ctx.scope)
    countries = set(ctx.rules.participating_countries)
    seen_emails: dict[str, int] = {}
    out = []
    for c in each_row(ctx, rows):
        v = c.values
        c.problem("full_name", required_text(v["full_name"], max_length=120, min_length=2))
        c.problem("email", email_problem(v["email"]))
        if "email" not in c.problems:
            v["email"] = email_key(v["email"])
            if v["email"] in seen_emails:
                c.problem("email", _("Row {n} has the same e-mail address.").format(n=seen_emails[v["email"]]))
            seen_emails[v["email"]] = c.number
        if v["username"]:
            v["username"] = v["username"].strip().lower()
            c.problem("username", username_problem(v["username"]))
            owner = lookups.by_username.get(v["username"])
            if owner is not None and owner.email != v["email"]:
                c.problem("username", _("This user name is taken; choose another or leave it empty."))
        if v["country"]:
            v["country"] = country_code(v["country"])
            c.problem("country", choice_problem(v["country"], countries, _("participating country")))
        organisation = find_organisation(lookups, v["organisation"], v["country"], v["registration_number"])
        if organisation is None and "organisation" not in c.problems:
            c.problem(
                "organisation",
                _("No organisation “{org}” in {country}; import it first (or give its VAT number).").format(
                    org=v["organisation"][:60], country=v["country"] or "—"
                ),
            )
        elif organisation is not None and not in_scope(organisation, ctx, lookups):
            c.problem(
                "organisation", _("{org} is a member of another Partnership.").format(org=organisation.legal_name)
            )
        user = lookups.users.get(v["email"]) if "email" not in c.problems else None
        if user is not None and user.role != Role.PARTICIPANT:
            c.problem("email", _("This e-mail address belongs to a coordinator or administrator account."))
        elif user is not None and organisation is not None and user.organisation_id not in (None, organisation.id):
            c.problem("email", _("This person already belongs to another organisation in CXC Desk."))
        c.payload = PersonRow(organisation, user, _roles(c, user))
        out.append(c)
    _settle_roles(out, lookups)
    for c in out:
        row: PersonRow = c.payload
        if row.user is None:
            c.action = ADD
        else:
            same = (
                row.user.full_name == " ".join(c.values["full_name"].split())
                and row.user.organisation_id == (row.organisation.id if row.organisation else None)
                and (row.roles is None or row.roles == org_roles(row.user))
            )
            c.action = UNCHANGED if same else UPDATE
    return out


def _roles(c: Checked, user: User | None) -> frozenset[OrgRole] | None:
    """The roles the row's cell gives, or None when it is empty (or not understood: a problem of the row)."""
    if not c.values["role"]:
        return None
    roles = org_roles_of(c.values["role"])
    if roles is None:
        c.problem(
            "role",
            _("“{value}” is not a role in an organisation; write one of: {words}, or leave it empty.").format(
                value=c.values["role"][:40], words=role_words()
            ),
        )
    elif user is not None and not user.is_active:
        c.problem(
            "role",
            _(
                "This person left their organisation or was removed, and their account is closed; invite them "
                "again under Colleagues, or empty this cell."
            ),
        )
    return roles


def _settle_roles(checked: list[Checked], lookups: Lookups) -> None:
    """The roles of new people whose cell is empty, and every organisation of the file left with a contact
    person (one who has joined, when it had one)."""
    by_organisation: dict[int, list[Checked]] = {}
    for c in checked:
        row: PersonRow = c.payload
        if row.organisation is not None and not {"email", "organisation", "role"} & c.problems.keys():
            by_organisation.setdefault(id_of(row.organisation), []).append(c)
    for organisation_id, rows in by_organisation.items():
        people = {id_of(u): u for u in lookups.people.get(organisation_id, [])}
        after = {user_id: org_roles(u) for user_id, u in people.items()}
        new: list[PersonRow] = []
        for c in rows:
            row = c.payload
            if row.user is None:
                new.append(row)
            elif row.user.is_active:
                after[id_of(row.user)] = row.roles if row.roles is not None else after.get(id_of(row.user), frozenset())
        has_contact = any(OrgRole.CONTACT_PERSON in r for r in [*after.values(), *(p.roles or () for p in new)])
        for c in rows:
            row = c.payload
            if row.user is None and row.roles is None:
                # The first new person of an organisation without a contact person becomes one, as whoever
                # registers an organisation does; the others are colleagues until someone gives them a role.
                row.roles = frozenset() if has_contact else frozenset(OrgRole)
                has_contact = True
                c.values["role"] = roles_words(row.roles)
        _keep_a_contact_person(rows, people, after)


def _keep_a_contact_person(rows: list[Checked], people: dict[int, User], after: dict[int, frozenset[OrgRole]]) -> None:
    """A problem on the rows that would leave their organisation without a contact person, or without one who
    has joined when it had one (as under Colleagues: an invitation not accepted yet cannot manage anything)."""
    contact = OrgRole.CONTACT_PERSON
    organisation = rows[0].payload.organisation
    joined_before = any(u.is_contact_person and u.invited_at is None for u in people.values())
    joined_after = any(contact in after.get(user_id, ()) and u.invited_at is None for user_id, u in people.items())
    any_after = any(contact in r for r in after.values()) or any(
        c.payload.user is None and contact in c.payload.roles for c in rows
    )
    if any_after and (joined_after or not joined_before):
        return
    losing = [
        c
        for c in rows
        if c.payload.user is not None
        and id_of(c.payload.user) in people
        and c.payload.user.is_contact_person
        and contact not in after[id_of(c.payload.user)]
    ]
    for c in losing:
        message = (
            _(
                "{name} is the last contact person of {org} who has joined CXC Desk (the others have not accepted "
                "their invitation yet); keep this role until one of them has."
            )
            if any_after
            else _(
                "{name} is the last contact person of {org}; make another of its people contact person first (in "
                "this file or under Colleagues)."
            )
        )
        c.problem("role", message.format(name=c.payload.user.full_name, org=organisation.legal_name))
    touching = [c for c in rows if c.payload.user is None or c.payload.roles is not None]
    if not losing and touching:
        touching[0].problem(
            "role",
            _("{org} would have no contact person; make one of its people “{role}” in this file.").format(
                org=organisation.legal_name, role=ORG_ROLE_LABELS[contact]
            ),
        )


def write_people(ctx: Context, checked: list[Checked]) -> tuple[int, int, int]:
    updated = 0
    new = []
    for c in checked:
        row: PersonRow = c.payload
        organisation, user = row.organisation, row.user
        assert organisation is not None  # checked: a row without one has a problem
        if user is None:
            roles = row.roles if row.roles is not None else frozenset()
            new.append(
                Person(
                    c.values["full_name"],
                    c.values["email"],
                    id_of(organisation),
                    organisation.legal_name,
                    c.values["username"],
                    roles,
                )
            )
        elif c.action == UPDATE:
            before = org_roles(user)
            user.full_name = " ".join(c.values["full_name"].split())
            user.organisation_id = organisation.id
            comment = organisation.legal_name
            if row.roles is not None and row.roles != before:
                user.is_contact_person = OrgRole.CONTACT_PERSON in row.roles
                user.is_signatory = OrgRole.SIGNATORY in row.roles
                comment += f" · {roles_codes(before)} → {roles_codes(row.roles)}"
                tell_roles_changed(ctx.session, user, organisation.legal_name, ctx.actor)
            ctx.session.add(user)
            ctx.audit("user", id_of(user), "import_update", comment=comment)
            updated += 1
    return add_people(ctx, new), updated, 0


def partnership_name(session: Session, partnership_id: int | None) -> str:
    partnership = session.get(Partnership, partnership_id) if partnership_id else None
    return partnership.acronym if partnership else _("any Partnership")
