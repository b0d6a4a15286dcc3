"""Exports of exchanges, expressions of interest, organisations and payments (CSV, XLSX).

The headers are stable machine names (`exchange_id`, `lump_sum_eur`) that scripts can rely on in
every language; the "for people" variant heads the same columns with words in the reader's language.

Rows stream from the database in chunks (`yield_per`), so a large export never holds the
whole table in memory twice; a callback reports progress to the page.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from openpyxl import Workbook
from sqlalchemy.orm import aliased
from sqlmodel import Session, func, select

from db.models import EOI, Exchange, Organisation, Partnership, Payment, User
from domain.enums import Role
from domain.errors import PermissionDenied
from domain.i18n import N_, _, current_locale
from services.kpis import KpiFilter

Progress = Callable[[int, int], None]
CHUNK = 1000
VisitorOrg = aliased(Organisation, name="x_visitor")
HostOrg = aliased(Organisation, name="x_host")
VisitorP = aliased(Partnership, name="x_vop")
HostP = aliased(Partnership, name="x_hop")
EoiP = aliased(Partnership, name="x_eoi_p")


# What each machine header means to a person (the "for people" variant of a file).
HEADER_WORDS = {
    "amount_eur": N_("Amount (EUR)"),
    "bank_reference": N_("Bank reference"),
    "city": N_("City"),
    "cluster": N_("Cluster"),
    "country": N_("Country"),
    "currency": N_("Currency"),
    "decided_at": N_("Decided on"),
    "due_date": N_("Due on"),
    "end_date": N_("Last day"),
    "eoi_id": N_("Expression of interest"),
    "exchange_id": N_("Exchange"),
    "host": N_("Host"),
    "host_country": N_("Host's country"),
    "host_partnership": N_("Host's Partnership"),
    "legal_name": N_("Legal name"),
    "lump_sum_eur": N_("Lump sum (EUR)"),
    "ordered_at": N_("Ordered on"),
    "organisation": N_("Organisation"),
    "organisation_id": N_("Organisation number"),
    "paid_at": N_("Paid on"),
    "partnership": N_("Partnership"),
    "payment_id": N_("Payment"),
    "proposed_at": N_("Proposed on"),
    "registered_at": N_("Registered on"),
    "side": N_("Side"),
    "start_date": N_("First day"),
    "state": N_("State"),
    "submitted_at": N_("Sent on"),
    "type": N_("Type"),
    "visitor": N_("Visitor"),
    "visitor_country": N_("Visitor's country"),
    "visitor_partnership": N_("Visitor's Partnership"),
    "website": N_("Website"),
}


def people_header(header: Sequence[str]) -> tuple[str, ...]:
    return tuple(_(HEADER_WORDS[name]) if name in HEADER_WORDS else name for name in header)


@dataclass(frozen=True)
class Export:
    name: str
    title: str
    header: tuple[str, ...]
    query: sa.Select


def _scope(user: User) -> int | None:
    if user.role == Role.ADMIN:
        return None
    if user.role == Role.COORDINATOR and user.partnership_id is not None:
        return user.partnership_id
    raise PermissionDenied(_("Exports are for coordinators and the Support Office."))


def build_export(user: User, name: str, period: KpiFilter | None = None) -> Export:
    """The query of one export, scoped on the server to what the user may see."""
    pid = _scope(user)
    period = KpiFilter(None, period.start, period.end) if period else KpiFilter()
    if name == "exchanges":
        query = (
            select(
                Exchange.id,
                Exchange.state,
                VisitorOrg.legal_name,
                VisitorOrg.country,
                HostOrg.legal_name,
                HostOrg.country,
                VisitorP.acronym,
                HostP.acronym,
                Exchange.start_date,
                Exchange.end_date,
                Exchange.lump_sum_cents,
                Exchange.created_at,
            )
            .join(VisitorOrg, Exchange.visitor_org_id == VisitorOrg.id)
            .join(HostOrg, Exchange.host_org_id == HostOrg.id)
            .join(VisitorP, Exchange.visitor_partnership_id == VisitorP.id)
            .join(HostP, Exchange.host_partnership_id == HostP.id)
            .where(*period.where())
            .order_by(Exchange.id)
        )
        if pid is not None:
            query = query.where((Exchange.visitor_partnership_id == pid) | (Exchange.host_partnership_id == pid))
        header = (
            "exchange_id",
            "state",
            "visitor",
            "visitor_country",
            "host",
            "host_country",
            "visitor_partnership",
            "host_partnership",
            "start_date",
            "end_date",
            "lump_sum_eur",
            "proposed_at",
        )
        return Export(name, _("Exchanges"), header, query)
    if name == "eois":
        query = (
            select(
                EOI.id,
                EOI.state,
                EOI.side,
                Organisation.legal_name,
                Organisation.country,
                EoiP.acronym,
                EOI.submitted_at,
                EOI.decided_at,
            )
            .join(Organisation, EOI.organisation_id == Organisation.id)
            .outerjoin(EoiP, EOI.partnership_id == EoiP.id)
            .order_by(EOI.id)
        )
        if pid is not None:
            query = query.where(EOI.partnership_id == pid)
        header = ("eoi_id", "state", "side", "organisation", "country", "partnership", "submitted_at", "decided_at")
        return Export(name, _("Expressions of interest"), header, query)
    if name == "organisations":
        query = select(
            Organisation.id,
            Organisation.legal_name,
            Organisation.org_type,
            Organisation.country,
            Organisation.city,
            Organisation.cluster_name,
            Organisation.website,
            Organisation.created_at,
        ).order_by(Organisation.id)
        if pid is not None:
            query = query.where(Organisation.id.in_(select(EOI.organisation_id).where(EOI.partnership_id == pid)))  # type: ignore[union-attr]
        header = ("organisation_id", "legal_name", "type", "country", "city", "cluster", "website", "registered_at")
        return Export(name, _("Organisations"), header, query)
    if name == "payments":
        query = (
            select(
                Payment.id,
                Payment.exchange_id,
                VisitorOrg.legal_name,
                VisitorP.acronym,
                Payment.amount_cents,
                Payment.currency,
                Payment.state,
                Payment.ordered_at,
                Payment.due_date,
                Payment.paid_at,
                Payment.bank_reference,
            )
            .join(Exchange, Payment.exchange_id == Exchange.id)
            .join(VisitorOrg, Exchange.visitor_org_id == VisitorOrg.id)
            .join(VisitorP, Payment.partnership_id == VisitorP.id)
            .order_by(Payment.id)
        )
        if pid is not None:
            query = query.where(Payment.partnership_id == pid)
        header = (
            "payment_id",
            "exchange_id",
            "visitor",
            "partnership",
            "amount_eur",
            "currency",
            "state",
            "ordered_at",
            "due_date",
            "paid_at",
            "bank_reference",
        )
        return Export(name, _("Payments"), header, query)
    raise PermissionDenied(_("There is no export called “{name}”.").format(name=name))


EXPORT_NAMES = ("exchanges", "eois", "organisations", "payments")


def _cell(header: str, value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Enum):
        return value.value
    if header.endswith("_eur") and isinstance(value, int):
        return round(value / 100, 2)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return value


def rows(session: Session, export: Export, progress: Progress | None = None) -> Iterator[list[Any]]:
    total = session.exec(select(func.count()).select_from(export.query.order_by(None).subquery())).one()
    done = 0
    for row in session.execute(export.query.execution_options(yield_per=CHUNK)):
        done += 1
        yield [_cell(h, v) for h, v in zip(export.header, row, strict=True)]
        if progress is not None and (done % CHUNK == 0 or done == total):
            progress(done, total)
    if progress is not None and total == 0:
        progress(0, 0)


def to_csv(header: Sequence[str], data: Iterator[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in data:
        writer.writerow([formula_safe(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def to_xlsx(title: str, header: Sequence[str], data: Iterator[list[Any]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(header))
    for row in data:
        sheet.append([formula_safe(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def formula_safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_file(
    session: Session,
    user: User,
    name: str,
    fmt: str,
    period: KpiFilter | None = None,
    progress: Progress | None = None,
    *,
    for_people: bool = False,
) -> tuple[str, bytes, str]:
    """(file name, bytes, MIME type) of one export for this user; `for_people`: headers in words of
    the reader's language (and the language in the file name), else the stable machine names."""
    export = build_export(user, name, period)
    data = rows(session, export, progress)
    header = people_header(export.header) if for_people else export.header
    stem = f"cxc-{name}-{current_locale()}" if for_people else f"cxc-{name}"
    if fmt == "xlsx":
        return (
            f"{stem}.xlsx",
            to_xlsx(export.title, header, data),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    return f"{stem}.csv", to_csv(header, data), "text/csv"
