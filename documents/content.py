"""What a document says, built from the data services hand over (never read from the database here).

`Context` holds the exchange, both organisations, both Partnerships and the plan; builders turn it
into a `DocumentContent` that `documents.pdf.render_pdf` prints.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from documents.pdf import TEXTS_FILE, DocumentContent, Section
from domain.enums import DocumentKind, Party
from domain.errors import ValidationFailed
from domain.i18n import LANGUAGE_NAMES, _, current_locale, day, in_language, money, ngettext, number
from domain.labels import PARTY_LABELS
from domain.rules import Rules, country_name, explain_breakdown
from forms.answers import display_value
from forms.spec import load_spec, localized, spec_dir


class ExchangeData(Protocol):
    id: int | None
    start_date: date | None
    end_date: date | None
    lump_sum_cents: int | None
    lump_sum_breakdown: dict[str, Any]


class OrganisationData(Protocol):
    legal_name: str
    city: str
    country: str
    document_language: str  # a language its documents carry beside English; "" for none


class PartnershipData(Protocol):
    name: str
    acronym: str


class PlanData(Protocol):
    spec_name: str
    version: int
    answers: dict[str, Any]


@dataclass(frozen=True)
class Context:
    exchange: ExchangeData
    visitor: OrganisationData
    host: OrganisationData
    vop: PartnershipData
    hop: PartnershipData
    plan: PlanData
    public_url: str = ""  # the instance's address, for the verification link and QR code
    rules: Rules | None = None  # the version the exchange follows (frozen at plan approval); conditions need it

    @property
    def exchange_id(self) -> int:
        assert self.exchange.id is not None  # a stored exchange
        return self.exchange.id


# Builds one issue of a kind: (context, kind, reference, version, texts of documents.toml, details of this issue).
Builder = Callable[[Context, DocumentKind, str, int, Mapping[str, Any], Mapping[str, Any]], DocumentContent]


def texts() -> dict[str, Any]:
    """Document texts: documents/documents.toml, or a copy beside the edited specs (CXC_SPEC_DIR)."""
    custom = spec_dir() / "documents.toml"
    return tomllib.loads((custom if custom.exists() else TEXTS_FILE).read_text(encoding="utf-8"))


def verify_url(ctx: Context, ref: str) -> str:
    return f"{ctx.public_url}/verify?ref={ref}"


def party_rows(ctx: Context, parties: tuple[Party, ...] = tuple(PARTY_LABELS)) -> list[tuple[str, str]]:
    def org(o: OrganisationData) -> str:
        return f"{o.legal_name}, {o.city}, {country_name(o.country)}"

    rows = {
        Party.VISITOR: (_("Visitor"), org(ctx.visitor)),
        Party.HOST: (_("Host"), org(ctx.host)),
        Party.VISITOR_PARTNERSHIP: (_("Visitor's Partnership"), f"{ctx.vop.name} ({ctx.vop.acronym})"),
        Party.HOST_PARTNERSHIP: (_("Host's Partnership"), f"{ctx.hop.name} ({ctx.hop.acronym})"),
    }
    return [rows[party] for party in parties]


def _plan_rows(ctx: Context) -> list[tuple[str, str]]:
    spec = localized(load_spec(ctx.plan.spec_name), current_locale())
    return [
        (f.label, display_value(f, ctx.plan.answers.get(f.key))) for f in spec.all_fields() if f.key in ctx.plan.answers
    ]


def _account_rows(details: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The Visitor's paying account as the agreement binds it; an agreement without one is never issued."""
    account = details.get("account") or {}
    if not account.get("iban") or not account.get("bic"):
        raise ValidationFailed(
            {"iban": _("The Financial Agreement needs the Visitor's IBAN and BIC (under “My organisation”).")}
        )
    return [
        (_("Account holder"), str(account.get("holder", ""))),
        (_("IBAN"), str(account["iban"])),
        (_("BIC"), str(account["bic"])),
        (
            _("Paid only to this account"),
            _("A change of account replaces this agreement, which must then be signed again."),
        ),
    ]


def _amount_rows(ctx: Context, details: Mapping[str, Any]) -> list[tuple[str, str]]:
    exchange = ctx.exchange
    breakdown = exchange.lump_sum_breakdown
    return [
        (_("Lump sum"), money(exchange.lump_sum_cents or 0)),
        (_("How it was computed"), _how_computed(breakdown)),
        (_("Exchange dates"), _dates(exchange.start_date, exchange.end_date)),
        *_account_rows(details),
    ]


def _how_computed(breakdown: Mapping[str, Any]) -> str:
    """The lump sum's line in the language of this part of the document, with the figures it rests on."""
    days, distance = breakdown.get("working_days"), breakdown.get("distance_km")
    count = days if isinstance(days, int) else 0
    return ngettext(
        "{line} (rates {version}, {days} working day, {distance} km)",
        "{line} (rates {version}, {days} working days, {distance} km)",
        count,
    ).format(
        line=explain_breakdown(breakdown),
        version=breakdown.get("rates_version", ""),
        days=number(days) if isinstance(days, int | float) else "?",
        distance=number(distance, digits=1) if isinstance(distance, int | float) else "?",
    )


def _dates(start: date | None, end: date | None) -> str:
    return f"{day(start)} – {day(end)}" if start and end else "—"


def second_languages(ctx: Context, parties: tuple[Party, ...]) -> tuple[str, ...]:
    """The languages the organisations among `parties` asked their documents to carry beside English."""
    asked = [
        org.document_language
        for party, org in ((Party.VISITOR, ctx.visitor), (Party.HOST, ctx.host))
        if party in parties and org.document_language in LANGUAGE_NAMES
    ]
    return tuple(dict.fromkeys(lang for lang in asked if lang != "en"))


def _text_sections(
    ctx: Context, t: Mapping[str, Any], parties: tuple[Party, ...], plan: bool, amount: bool, details: Mapping[str, Any]
) -> list[Section]:
    """The sections of a document made of texts, in the language in force (English for the signed text)."""
    intro = t["intro"]  # a key inside _() would be taken for a text by the extractor
    sections = [Section(_("Purpose"), [_(intro)]), Section(_("The parties"), rows=party_rows(ctx, parties))]
    if plan:
        sections.append(Section(_("The exchange as planned"), rows=_plan_rows(ctx)))
    if amount:
        sections.append(Section(_("Amount"), rows=_amount_rows(ctx, details)))
    for party, lines in t.get("commitments", {}).items():
        sections.append(
            Section(
                _("Commitments of the {party}").format(party=PARTY_LABELS[Party(party)]),
                [f"• {_(line)}" for line in lines],
            )
        )
    if t.get("conditions"):
        if ctx.rules is None:
            raise ValueError("the conditions of a document need the rules the exchange follows")
        conditions = [_(c).format(payment_days=ctx.rules.payment_days) for c in t["conditions"]]
        sections.append(Section(_("Conditions"), [f"• {c}" for c in conditions]))
    return sections


def from_texts(*, parties: tuple[Party, ...], plan: bool = False, amount: bool = False) -> Builder:
    """A document made of its section in documents.toml: its `title` and `intro`, the `parties`,
    the plan and the amount when asked, then the section's `commitments` (per party) and `conditions`.

    It is issued in English, the programme's language; an organisation among the parties that asked
    for its language gets the same sections again in it, after the English text, which prevails."""

    def build(
        ctx: Context, kind: DocumentKind, ref: str, version: int, texts: Mapping[str, Any], details: Mapping[str, Any]
    ) -> DocumentContent:
        t = texts[kind.value]
        title = t["title"]
        subtitle = _("{visitor} → {host} · exchange {id} · action plan version {version}").format(
            visitor=ctx.visitor.legal_name, host=ctx.host.legal_name, id=ctx.exchange.id, version=ctx.plan.version
        )
        sections = _text_sections(ctx, t, parties, plan, amount, details)
        for language in second_languages(ctx, parties):
            with in_language(language):
                note = Section(
                    _("{title}: translation into {language}").format(title=_(title), language=LANGUAGE_NAMES[language]),
                    [_("This translation is given for information; the English text above is the one signed.")],
                )
                sections += [note, *_text_sections(ctx, t, parties, plan, amount, details)]
        return DocumentContent(ref, _(title), subtitle, version, sections, verify_url(ctx, ref))

    return build


def closing_report(
    ctx: Context, _kind: DocumentKind, ref: str, version: int, _texts: Mapping[str, Any], details: Mapping[str, Any]
) -> DocumentContent:
    """The report as sent: `details` holds its `answers` and the `evidence` as (kind, file name, SHA-256)."""
    answers, evidence = details["answers"], details["evidence"]
    spec = localized(load_spec("closing_report"), current_locale())
    return DocumentContent(
        ref,
        _("Closing report"),
        _("{visitor} → {host} · exchange {id}").format(
            visitor=ctx.visitor.legal_name, host=ctx.host.legal_name, id=ctx.exchange.id
        ),
        version,
        [
            Section(_("The parties"), rows=party_rows(ctx)),
            Section(
                _("Report"),
                rows=[(f.label, display_value(f, answers.get(f.key))) for f in spec.all_fields() if f.key in answers],
            ),
            Section(_("Evidence of the stay"), [f"• {kind}: {name} (SHA-256 {sha})" for kind, name, sha in evidence]),
        ],
        verify_url(ctx, ref),
    )


def payment_confirmation(
    ctx: Context, _kind: DocumentKind, ref: str, version: int, _texts: Mapping[str, Any], details: Mapping[str, Any]
) -> DocumentContent:
    """`details`: `amount_cents`, `paid_on`, the bank's `reference` and the `account` paid (of the signed agreement)."""
    visitor = ctx.visitor
    account = details.get("account") or {}
    rows = [
        (_("Paid by"), ctx.vop.name),
        (_("Paid to"), f"{account.get('holder') or visitor.legal_name} · IBAN {account.get('iban', '')}"),
        (_("Amount"), money(details["amount_cents"])),
        (_("Paid on"), day(date.fromisoformat(str(details["paid_on"])))),
        (_("Bank reference"), details["reference"]),
        (_("How it was computed"), explain_breakdown(ctx.exchange.lump_sum_breakdown)),
    ]
    return DocumentContent(
        ref,
        _("Payment confirmation"),
        _("{visitor} → {host} · exchange {id}").format(
            visitor=visitor.legal_name, host=ctx.host.legal_name, id=ctx.exchange.id
        ),
        version,
        [Section(_("Payment"), rows=rows)],
        verify_url(ctx, ref),
    )
