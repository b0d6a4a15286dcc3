"""Every table of CXC Desk.

Times are UTC-aware (`UTCDateTime`), enums are stored by value, form answers are JSON
beside the spec name and version that produced them. Indexes follow the queues and
lists that read them: "what waits on Partnership P in state S", "records of organisation O".
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from db.types import UTCDateTime, enum_type, utcnow
from domain.enums import (
    ContactState,
    DocumentKind,
    EOIState,
    ExchangeState,
    OrgType,
    OutboxState,
    Party,
    PaymentState,
    Role,
    Side,
    SignatureMethod,
    TokenPurpose,
)


def created_at_field() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def optional_time_field() -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=True)


def json_field(default_factory: Any = dict) -> Any:
    return Field(default_factory=default_factory, sa_type=sa.JSON, nullable=False)


class Partnership(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    acronym: str = Field(max_length=40, unique=True)
    profile: str = Field(default="", sa_type=sa.Text)
    countries: list[str] = json_field(list)
    ecosystems: list[str] = json_field(list)
    contact_email: str = Field(max_length=254)
    website: str = Field(default="", max_length=300)
    iban: str = Field(default="", max_length=34)
    bic: str = Field(default="", max_length=11)
    account_holder: str = Field(default="", max_length=140)
    created_at: datetime = created_at_field()


class Organisation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    legal_name: str = Field(max_length=200, index=True)
    org_type: OrgType = Field(sa_type=enum_type(OrgType))
    country: str = Field(max_length=2, index=True)
    city: str = Field(max_length=120)
    latitude: float | None = None
    longitude: float | None = None
    cluster_name: str = Field(default="", max_length=200)
    is_cluster_member: bool = True
    ecosystems: list[str] = json_field(list)
    registration_number: str = Field(default="", max_length=40)
    website: str = Field(default="", max_length=300)
    iban: str = Field(default="", max_length=34)
    bic: str = Field(default="", max_length=11)
    account_holder: str = Field(default="", max_length=140)
    account_set_at: datetime | None = optional_time_field()  # when the account above was given
    profile: dict[str, Any] = Field(
        default_factory=dict, sa_type=sa.JSON, sa_column_kwargs={"server_default": "{}"}, nullable=False
    )
    profile_spec_version: int | None = None
    # A language its documents carry beside English (the programme's), e.g. "pl"; "" for English only.
    document_language: str = Field(default="", max_length=5, sa_column_kwargs={"server_default": ""})
    # The Partnership whose member list brought it in (an import); None for a self-registered one.
    partnership_id: int | None = Field(default=None, foreign_key="partnership.id", index=True)
    created_at: datetime = created_at_field()


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=40, unique=True)
    email: str = Field(max_length=254, unique=True)
    full_name: str = Field(max_length=120)
    password_hash: str = Field(max_length=100)
    role: Role = Field(sa_type=enum_type(Role), index=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    partnership_id: int | None = Field(default=None, foreign_key="partnership.id", index=True)
    is_active: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = optional_time_field()
    last_login_at: datetime | None = optional_time_field()
    password_changed_at: datetime | None = optional_time_field()
    erasure_requested_at: datetime | None = optional_time_field()
    anonymised_at: datetime | None = optional_time_field()
    # A participant's roles in their organisation (OrgRole); see services/colleagues.py.
    is_contact_person: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    is_signatory: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    invited_at: datetime | None = optional_time_field()  # an invitation not accepted yet
    removed_at: datetime | None = optional_time_field()  # left or removed from the organisation: cannot log in
    locale: str | None = Field(default=None, max_length=8)  # the language chosen; None: not chosen yet
    created_at: datetime = created_at_field()


class AuthSession(SQLModel, table=True):
    """Server-side record of a login: logout and account lock revoke it, whatever the cookie says.

    The browser's cookie holds an opaque random token whose SHA-256 is `key_hash`. A fresh
    login first gets a one-time hand-off ticket (`handoff_hash`, valid for minutes): the page
    hands it to the server's cookie route, which replaces it by the real token in an HttpOnly
    cookie, so the token never passes through the page.
    """

    __tablename__ = "auth_session"

    id: int | None = Field(default=None, primary_key=True)
    key_hash: str = Field(max_length=64, unique=True)
    handoff_hash: str | None = Field(default=None, max_length=64, unique=True)
    handoff_expires_at: datetime | None = optional_time_field()
    via: str = Field(default="password", max_length=20)  # password or the identity provider's name
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = created_at_field()
    expires_at: datetime = Field(sa_type=UTCDateTime)
    last_seen_at: datetime | None = optional_time_field()
    revoked_at: datetime | None = optional_time_field()


class PasswordResetToken(SQLModel, table=True):
    __tablename__ = "password_reset_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    purpose: TokenPurpose = Field(
        default=TokenPurpose.RESET,
        sa_type=enum_type(TokenPurpose),
        sa_column_kwargs={"server_default": TokenPurpose.RESET.value},
    )
    created_at: datetime = created_at_field()
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = optional_time_field()


class EOI(SQLModel, table=True):
    """An expression of interest: one organisation, one side, one Partnership (or "assign me")."""

    __tablename__ = "eoi"
    __table_args__ = (sa.Index("ix_eoi_partnership_state", "partnership_id", "state"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    author_user_id: int = Field(foreign_key="user.id")
    side: Side = Field(sa_type=enum_type(Side))
    partnership_id: int | None = Field(default=None, foreign_key="partnership.id")
    state: EOIState = Field(default=EOIState.DRAFT, sa_type=enum_type(EOIState))
    spec_name: str = Field(max_length=60)
    spec_version: int
    answers: dict[str, Any] = json_field()
    last_comment: str = Field(default="", sa_type=sa.Text)
    submitted_at: datetime | None = optional_time_field()
    decided_at: datetime | None = optional_time_field()
    # A non-member SME accepted as Host by the funding agency: the coordinator's reason (who: the audit).
    membership_exception: str = Field(default="", sa_type=sa.Text, sa_column_kwargs={"server_default": ""})
    membership_exception_at: datetime | None = optional_time_field()
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class Opportunity(SQLModel, table=True):
    __table_args__ = (sa.Index("ix_opportunity_published", "is_published", "period_start"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    eoi_id: int = Field(foreign_key="eoi.id")
    side: Side = Field(sa_type=enum_type(Side))
    title: str = Field(max_length=200)
    spec_name: str = Field(max_length=60)
    spec_version: int
    answers: dict[str, Any] = json_field()
    ecosystems: list[str] = json_field(list)
    activity_types: list[str] = json_field(list)
    period_start: date | None = None
    period_end: date | None = None
    is_published: bool = False
    created_at: datetime = created_at_field()


class Exchange(SQLModel, table=True):
    __table_args__ = (
        # The work queue's indexes (services/queue.py): each side's Partnership and state first, then
        # every column the queue reads of an exchange, so that the queue reads the index, not the rows.
        sa.Index(
            "ix_exchange_vop_queue",
            "visitor_partnership_id",
            "state",
            "end_date",
            "updated_at",
            "rules_version_id",
            "visitor_org_id",
            "host_org_id",
            "host_partnership_id",
        ),
        sa.Index(
            "ix_exchange_hop_queue",
            "host_partnership_id",
            "state",
            "updated_at",
            "visitor_partnership_id",
            "rules_version_id",
            "visitor_org_id",
            "host_org_id",
        ),
        sa.CheckConstraint("visitor_org_id <> host_org_id", name="ck_exchange_two_sides"),
    )

    id: int | None = Field(default=None, primary_key=True)
    visitor_org_id: int = Field(foreign_key="organisation.id", index=True)
    host_org_id: int = Field(foreign_key="organisation.id", index=True)
    visitor_partnership_id: int = Field(foreign_key="partnership.id")
    host_partnership_id: int = Field(foreign_key="partnership.id")
    visitor_eoi_id: int = Field(foreign_key="eoi.id")
    host_eoi_id: int = Field(foreign_key="eoi.id")
    opportunity_id: int | None = Field(default=None, foreign_key="opportunity.id")
    proposed_by: Party = Field(sa_type=enum_type(Party))
    state: ExchangeState = Field(default=ExchangeState.PROPOSED, sa_type=enum_type(ExchangeState), index=True)
    start_date: date | None = None
    end_date: date | None = None
    travel_start: date | None = None
    travel_end: date | None = None
    lump_sum_cents: int | None = None
    lump_sum_breakdown: dict[str, Any] = Field(
        default_factory=dict, sa_type=sa.JSON, sa_column_kwargs={"server_default": "{}"}, nullable=False
    )
    rules_version_id: int | None = Field(default=None, foreign_key="rules_version.id")
    cancel_reason: str = Field(default="", sa_type=sa.Text)
    message: str = Field(default="", sa_type=sa.Text, sa_column_kwargs={"server_default": ""})
    # An imported exchange keeps the Partnership's own reference (the key of a second import) and,
    # when its documents were signed on paper before CXC Desk, the day they were.
    reference: str | None = Field(default=None, max_length=60, unique=True, index=True)
    signed_outside_on: date | None = None
    # Encoded by the Partnership: who entered the proposal for the two organisations; each side confirms
    # it (the day below) before the exchange is agreed. None for an exchange an organisation proposed.
    entered_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    visitor_confirmed_at: datetime | None = optional_time_field()
    host_confirmed_at: datetime | None = optional_time_field()
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class ActionPlan(SQLModel, table=True):
    """One version of an exchange's action plan; every version is kept."""

    __tablename__ = "action_plan"
    __table_args__ = (
        sa.UniqueConstraint("exchange_id", "version", name="uq_action_plan_version"),
        sa.Index(  # what the work queue reads of a plan, without reading the plan
            "ix_action_plan_queue",
            "exchange_id",
            "version",
            "created_at",
            "visitor_partnership_approved_at",
            "host_partnership_approved_at",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    exchange_id: int = Field(foreign_key="exchange.id", index=True)
    version: int
    spec_name: str = Field(max_length=60)
    spec_version: int
    answers: dict[str, Any] = json_field()
    author_user_id: int = Field(foreign_key="user.id")
    visitor_agreed_at: datetime | None = optional_time_field()
    host_agreed_at: datetime | None = optional_time_field()
    visitor_partnership_approved_at: datetime | None = optional_time_field()
    host_partnership_approved_at: datetime | None = optional_time_field()
    created_at: datetime = created_at_field()


class Document(SQLModel, table=True):
    __table_args__ = (
        sa.UniqueConstraint("exchange_id", "kind", "version", name="uq_document_version"),
        # The work queue asks whether a document in force waits for a signature without reading the PDF.
        sa.Index("ix_document_queue", "exchange_id", "kind", "superseded_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    exchange_id: int | None = Field(default=None, foreign_key="exchange.id", index=True)
    eoi_id: int | None = Field(default=None, foreign_key="eoi.id", index=True)
    kind: DocumentKind = Field(sa_type=enum_type(DocumentKind))
    version: int = 1
    filename: str = Field(max_length=200)
    mime_type: str = Field(max_length=100)
    size_bytes: int
    sha256: str = Field(max_length=64, index=True)
    content: bytes | None = Field(default=None, sa_type=sa.LargeBinary)
    path: str | None = Field(default=None, max_length=300)
    superseded_at: datetime | None = optional_time_field()
    # The paying account a Financial Agreement prints, kept with it: the payment goes to the account
    # of the signed agreement, never to whatever the organisation's profile says later.
    payee_holder: str = Field(default="", max_length=140, sa_column_kwargs={"server_default": ""})
    payee_iban: str = Field(default="", max_length=34, sa_column_kwargs={"server_default": ""})
    payee_bic: str = Field(default="", max_length=11, sa_column_kwargs={"server_default": ""})
    payee_account_set_at: datetime | None = optional_time_field()
    created_at: datetime = created_at_field()


class Signature(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("document_id", "party", name="uq_signature_party"),)

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    party: Party = Field(sa_type=enum_type(Party))
    user_id: int = Field(foreign_key="user.id")
    typed_name: str = Field(max_length=120)
    method: SignatureMethod = Field(sa_type=enum_type(SignatureMethod))
    signed_sha256: str = Field(max_length=64)
    drawing_png: bytes | None = Field(default=None, sa_type=sa.LargeBinary)
    signed_at: datetime = created_at_field()


class ClosingReport(SQLModel, table=True):
    __tablename__ = "closing_report"
    __table_args__ = (sa.Index("ix_closing_report_queue", "exchange_id", "submitted_at", "accepted_at"),)

    id: int | None = Field(default=None, primary_key=True)
    exchange_id: int = Field(foreign_key="exchange.id", unique=True)
    spec_name: str = Field(max_length=60)
    spec_version: int
    answers: dict[str, Any] = json_field()
    host_feedback: str = Field(default="", sa_type=sa.Text)
    submitted_at: datetime | None = optional_time_field()
    accepted_at: datetime | None = optional_time_field()
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class Evidence(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    closing_report_id: int = Field(foreign_key="closing_report.id", index=True)
    evidence_type: str = Field(max_length=40)
    filename: str = Field(max_length=200)
    mime_type: str = Field(max_length=100)
    size_bytes: int
    sha256: str = Field(max_length=64)
    content: bytes | None = Field(default=None, sa_type=sa.LargeBinary)
    path: str | None = Field(default=None, max_length=300)
    uploaded_by_user_id: int = Field(foreign_key="user.id")
    created_at: datetime = created_at_field()


class Payment(SQLModel, table=True):
    """One payment per exchange: the unique constraint makes it a fact of the database."""

    __table_args__ = (
        sa.UniqueConstraint("exchange_id", name="uq_payment_exchange"),
        sa.Index("ix_payment_partnership_state", "partnership_id", "state"),
        sa.Index("ix_payment_queue", "exchange_id", "ordered_at", "due_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    exchange_id: int = Field(foreign_key="exchange.id")
    partnership_id: int = Field(foreign_key="partnership.id")
    amount_cents: int
    currency: str = Field(default="EUR", max_length=3)
    state: PaymentState = Field(default=PaymentState.ORDERED, sa_type=enum_type(PaymentState))
    ordered_by_user_id: int = Field(foreign_key="user.id")
    ordered_at: datetime = created_at_field()
    due_date: date | None = None
    exported_at: datetime | None = optional_time_field()
    paid_at: datetime | None = optional_time_field()
    bank_reference: str = Field(default="", max_length=100)


class AuditEvent(SQLModel, table=True):
    """Append-only (database triggers refuse UPDATE and DELETE); each row hashes the previous one."""

    __tablename__ = "audit_event"
    __table_args__ = (
        sa.Index("ix_audit_entity", "entity_type", "entity_id"),
        sa.Index(
            "ix_audit_state_reached", "entity_type", "to_state", "entity_id", "created_at"
        ),  # median days per stage
    )

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True)
    created_at: datetime = created_at_field()
    actor_user_id: int | None = Field(default=None, foreign_key="user.id")
    actor_label: str = Field(default="", max_length=120)
    entity_type: str = Field(max_length=40)
    entity_id: int
    action: str = Field(max_length=40)
    from_state: str = Field(default="", max_length=32)
    to_state: str = Field(default="", max_length=32)
    comment: str = Field(default="", sa_type=sa.Text)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)


class Outbox(SQLModel, table=True):
    __table_args__ = (sa.Index("ix_outbox_state_created", "state", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    to_email: str = Field(max_length=254)
    subject: str = Field(max_length=200)
    body: str = Field(sa_type=sa.Text)
    kind: str = Field(default="", max_length=40)
    state: OutboxState = Field(default=OutboxState.QUEUED, sa_type=enum_type(OutboxState))
    attempts: int = 0
    last_error: str = Field(default="", sa_type=sa.Text)
    created_at: datetime = created_at_field()
    sent_at: datetime | None = optional_time_field()
    next_attempt_at: datetime | None = optional_time_field()  # after a failure: retry with backoff
    headers: dict[str, str] = Field(  # extra headers, e.g. List-Unsubscribe on news
        default_factory=dict, sa_type=sa.JSON, sa_column_kwargs={"server_default": "{}"}, nullable=False
    )


class NewsSubscriber(SQLModel, table=True):
    __tablename__ = "news_subscriber"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    token_hash: str = Field(max_length=64, unique=True)
    confirmed_at: datetime | None = optional_time_field()
    unsubscribed_at: datetime | None = optional_time_field()
    created_at: datetime = created_at_field()
    # The language the person read the site in when subscribing: the news mails' own words are in it (None:
    # subscribed before it was kept, the instance's CXC_LOCALE).
    locale: str | None = Field(default=None, max_length=8)


class NewsItem(SQLModel, table=True):
    """A news item in Markdown; sent to subscribers (all, or a Partnership's members) and then public."""

    __tablename__ = "news_item"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    body: str = Field(sa_type=sa.Text)
    author_user_id: int = Field(foreign_key="user.id")
    partnership_id: int | None = Field(default=None, foreign_key="partnership.id")  # None: every subscriber
    created_at: datetime = created_at_field()
    sent_at: datetime | None = optional_time_field()  # the send began; later batches follow in the mail loop
    queued_all_at: datetime | None = optional_time_field()  # every recipient has an outbox row


class NewsDelivery(SQLModel, table=True):
    """One row per item and address: the unique key is what keeps a second send from mailing anyone twice."""

    __tablename__ = "news_delivery"
    __table_args__ = (sa.UniqueConstraint("news_item_id", "email", name="uq_news_delivery_item_email"),)

    id: int | None = Field(default=None, primary_key=True)
    news_item_id: int = Field(foreign_key="news_item.id", index=True)
    email: str = Field(max_length=254)
    outbox_id: int | None = Field(default=None, foreign_key="outbox.id")
    created_at: datetime = created_at_field()


class ContactMessage(SQLModel, table=True):
    __tablename__ = "contact_message"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    email: str = Field(max_length=254, index=True)
    subject: str = Field(max_length=200)
    body: str = Field(sa_type=sa.Text)
    state: ContactState = Field(default=ContactState.NEW, sa_type=enum_type(ContactState))
    reply: str = Field(default="", sa_type=sa.Text)
    answered_at: datetime | None = optional_time_field()
    created_at: datetime = created_at_field()
    # The language the sender wrote from: the reply's own words are in it (None: the instance's CXC_LOCALE).
    locale: str | None = Field(default=None, max_length=8)


class RulesVersion(SQLModel, table=True):
    """A version of the programme rules file; exchanges keep the version they were signed with."""

    __tablename__ = "rules_version"

    id: int | None = Field(default=None, primary_key=True)
    label: str = Field(max_length=40, unique=True)
    content_toml: str = Field(sa_type=sa.Text)
    sha256: str = Field(max_length=64)
    created_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = created_at_field()
    activated_at: datetime | None = optional_time_field()


class Reminder(SQLModel, table=True):
    """One row per reminder sent: the unique key makes "never twice for the same item and day" a fact."""

    __table_args__ = (sa.UniqueConstraint("kind", "record_id", "day", name="uq_reminder_item_day"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    record_id: int
    day: date
    created_at: datetime = created_at_field()


class Comment(SQLModel, table=True):
    """The thread of an exchange between its two organisations and their coordinators."""

    id: int | None = Field(default=None, primary_key=True)
    exchange_id: int = Field(foreign_key="exchange.id", index=True)
    author_user_id: int = Field(foreign_key="user.id")
    body: str = Field(sa_type=sa.Text)
    created_at: datetime = created_at_field()


class InstanceSetting(SQLModel, table=True):
    """Who runs this instance (the Support Office's name, e-mail, phone, hours), as an admin set it."""

    __tablename__ = "instance_setting"

    key: str = Field(primary_key=True, max_length=40)
    value: str = Field(max_length=300)
    updated_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    updated_at: datetime = created_at_field()


class SiteText(SQLModel, table=True):
    """A text of the public pages as edited by an admin, per language; the built-in text applies until then."""

    __tablename__ = "site_text"

    key: str = Field(primary_key=True, max_length=60)
    locale: str = Field(default="en", primary_key=True, max_length=8)
    body: str = Field(sa_type=sa.Text)
    updated_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    updated_at: datetime = created_at_field()


class ExchangeTag(SQLModel, table=True):
    """An ecosystem or activity type of an exchange, copied from its answers so figures can GROUP BY it."""

    __tablename__ = "exchange_tag"
    __table_args__ = (sa.Index("ix_exchange_tag_kind_value", "kind", "value"),)

    exchange_id: int = Field(foreign_key="exchange.id", primary_key=True)
    kind: str = Field(max_length=20, primary_key=True)
    value: str = Field(max_length=80, primary_key=True)


class ChangeStamp(SQLModel, table=True):
    """A token that changes, in the same transaction, whenever a table of one group is written
    (see db/change_stamp.py): a process keeps what it read from those tables until the token moves."""

    __tablename__ = "change_stamp"

    name: str = Field(primary_key=True, max_length=20)
    token: str = Field(max_length=40)
