"""Import from CSV and XLSX: the one path used by the browser and by `manage.py import`.

read the file (reading) -> match its headers (columns; the browser adds a mapping step, remembered
in the instance settings) -> check every row (the kind's checker, the forms' own checks) -> the
person fixes or leaves out rows -> `run_import` checks everything again, then writes every record
in one transaction with one audit event per record, or nothing at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from sqlmodel import Session, select

from db.audit import append_events
from db.models import InstanceSetting, Partnership, User
from db.types import utcnow
from domain.enums import Role
from domain.errors import NotFound, ValidationFailed
from domain.i18n import _
from services.exports import to_csv, to_xlsx
from services.imports.columns import HeaderMatch, Kind, columns_of, template_example, template_header
from services.imports.common import ADD, UNCHANGED, UPDATE, Checked, Context, Progress, RowInput, Summary, label_of
from services.imports.exchanges import check_exchanges, write_exchanges
from services.imports.members import check_organisations, check_people, write_organisations, write_people
from services.imports.reading import Table, header_key
from services.permissions import import_scope
from services.rules import rules_in_force

Checker = Callable[[Context, list[RowInput]], list[Checked]]
Writer = Callable[[Context, list[Checked]], tuple[int, int, int]]
HANDLERS: dict[Kind, tuple[Checker, Writer]] = {
    Kind.ORGANISATIONS: (check_organisations, write_organisations),
    Kind.PEOPLE: (check_people, write_people),
    Kind.EXCHANGES: (check_exchanges, write_exchanges),
}
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportRefused(ValidationFailed):
    """Some rows have problems: nothing was stored. `checked` holds every row with its problems."""

    def __init__(self, kind: Kind, checked: list[Checked]):
        self.checked = checked
        self.kind = kind
        super().__init__({"rows": " ".join(problem_lines(kind, checked)[:20])})


def problem_lines(kind: Kind, checked: list[Checked]) -> list[str]:
    """ "Row 4, column “Country”: …" for every problem, in the file's order."""
    order = {col.key: i for i, col in enumerate(columns_of(kind))}
    return [
        _("Row {n}, column “{column}”: {problem}").format(n=c.number, column=label_of(kind, key), problem=problem)
        for c in checked
        for key, problem in sorted(c.problems.items(), key=lambda item: order.get(item[0], 99))
    ]


def server_operator(session: Session) -> User:
    """Who `manage.py import` acts as (and the audit names): the first active administrator."""
    admin = session.exec(
        select(User).where(User.role == Role.ADMIN, User.is_active == True).order_by(User.id)  # noqa: E712 - SQL
    ).first()
    if admin is None:
        raise NotFound(_("There is no administrator yet; create one with `manage.py create-admin` first."))
    return admin


def template(session: Session, kind: Kind, fmt: str) -> tuple[str, bytes, str]:
    """The file a person fills: our headers with their accepted values (from the rules in force) and one example row."""
    rules = rules_in_force(session)
    header, example = template_header(kind, rules), [template_example(kind)]
    if fmt == "xlsx":
        return f"cxc-import-{kind}.xlsx", to_xlsx(str(kind), header, iter(example)), XLSX_MIME
    return f"cxc-import-{kind}.csv", to_csv(header, iter(example)), "text/csv"


def rows_of(kind: Kind, table: Table, match: HeaderMatch) -> list[RowInput]:
    """The file's rows as our columns; unmatched columns are left out."""
    keys = [c.key for c in columns_of(kind)]
    return [
        RowInput(row.number, {key: "" for key in keys} | {match.by_index[i]: row.cells[i] for i in match.by_index})
        for row in table.rows
    ]


def header_problems(kind: Kind, match: HeaderMatch) -> list[str]:
    problems = [_("The column “{column}” is missing.").format(column=_(label)) for label in match.missing]
    problems += [
        _("Two columns of the file are “{column}”; keep one.").format(column=_(label)) for label in match.duplicates
    ]
    return problems


def _context(
    session: Session, actor: User, kind: Kind, partnership_id: int | None, progress: Progress | None, total: int
) -> Context:
    scope = import_scope(actor, partnership_id)
    if scope is not None and session.get(Partnership, scope) is None:
        raise NotFound(_("Choose a Partnership from the list."))
    # The same rules the registration and expression-of-interest forms validate with.
    return Context(session, actor, kind, scope, rules_in_force(session), progress=progress, total=total)


def check_rows(
    *,
    session: Session,
    actor: User,
    kind: Kind,
    rows: list[RowInput],
    partnership_id: int | None = None,
    progress: Progress | None = None,
) -> list[Checked]:
    """Every row checked, nothing written: the preview."""
    ctx = _context(session, actor, kind, partnership_id, progress, len(rows))
    return HANDLERS[kind][0](ctx, rows)


def run_import(
    *,
    session: Session,
    actor: User,
    kind: Kind,
    rows: list[RowInput],
    partnership_id: int | None = None,
    left_out: int = 0,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> Summary:
    """Check every row again, then write all of them in one transaction, or refuse (ImportRefused) and write nothing."""
    ctx = _context(session, actor, kind, partnership_id, progress, len(rows))
    checker, writer = HANDLERS[kind]
    checked = checker(ctx, rows)
    if any(c.problems for c in checked):
        session.rollback()
        raise ImportRefused(kind, checked)
    summary = Summary(kind, left_out=left_out, dry_run=dry_run)
    summary.unchanged = sum(1 for c in checked if c.action == UNCHANGED)
    if dry_run:
        summary.added = sum(1 for c in checked if c.action == ADD)
        summary.updated = sum(1 for c in checked if c.action == UPDATE)
        session.rollback()
        return summary
    summary.added, summary.updated, summary.people_added = writer(ctx, checked)
    append_events(session, actor=actor, events=ctx.events)
    session.commit()
    return summary


# --- the mapping step's memory -------------------------------------------------------------------

MEMORY_PREFIX = "import:"


def _memory_key(kind: Kind, key: str) -> str:
    return f"{MEMORY_PREFIX}{kind.value[:3]}:{hashlib.sha256(key.encode()).hexdigest()[:24]}"


def remembered_headers(session: Session, kind: Kind) -> dict[str, str]:
    """header_key -> column key ("" = leave the column out), as people mapped them in earlier imports."""
    prefix = f"{MEMORY_PREFIX}{kind.value[:3]}:"
    rows = session.exec(select(InstanceSetting).where(InstanceSetting.key.startswith(prefix)))  # type: ignore[attr-defined]
    found = {}
    for row in rows:
        header, _sep, target = row.value.partition("\t")
        found[header] = target
    return found


def remember_headers(*, session: Session, actor: User, kind: Kind, choices: dict[str, str]) -> None:
    """Keep the mapping step's choices (file header -> our column) for the next import of this kind."""
    import_scope(actor, None)
    allowed = {c.key for c in columns_of(kind)} | {""}
    for header, target in choices.items():
        key = header_key(header)
        if not key or target not in allowed:
            continue
        setting = session.get(InstanceSetting, _memory_key(kind, key)) or InstanceSetting(
            key=_memory_key(kind, key), value=""
        )
        setting.value = f"{key[:250]}\t{target}"
        setting.updated_by_user_id = actor.id
        setting.updated_at = utcnow()
        session.add(setting)
    session.commit()
