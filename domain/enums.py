"""States, roles, parties and other closed vocabularies (stored by value)."""

from enum import StrEnum


class Role(StrEnum):
    PARTICIPANT = "participant"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


class OrgType(StrEnum):
    CLUSTER = "cluster"
    SCALING_UP_SUPPORT = "scaling_up_support"
    SME = "sme"
    TRAINING_PROVIDER = "training_provider"
    LARGE_COMPANY = "large_company"
    PUBLIC_AUTHORITY = "public_authority"


class Side(StrEnum):
    VISITOR = "visitor"
    HOST = "host"


class Party(StrEnum):
    """Who acts on a record; resolved from the user and the record, never chosen by the user."""

    APPLICANT = "applicant"  # participant of the organisation that wrote an EOI
    PARTNERSHIP = "partnership"  # coordinator of the Partnership an EOI is addressed to
    VISITOR = "visitor"
    HOST = "host"
    VISITOR_PARTNERSHIP = "visitor_partnership"
    HOST_PARTNERSHIP = "host_partnership"
    SUPPORT_OFFICE = "support_office"
    SYSTEM = "system"


class EOIState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class ExchangeState(StrEnum):
    PROPOSED = "proposed"
    AGREED = "agreed"
    PLANNING = "planning"
    PLAN_SUBMITTED = "plan_submitted"
    PLAN_APPROVED = "plan_approved"
    SIGNING = "signing"
    READY = "ready"
    IN_PROGRESS = "in_progress"
    REPORTING = "reporting"
    REPORT_SUBMITTED = "report_submitted"
    REPORT_ACCEPTED = "report_accepted"
    PAYMENT_ORDERED = "payment_ordered"
    PAID = "paid"
    CANCELLED = "cancelled"
    DECLINED = "declined"


class Action(StrEnum):
    # expression of interest
    SUBMIT = "submit"
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    REJECT = "reject"
    WITHDRAW = "withdraw"
    ASSIGN = "assign"
    # exchange
    ACCEPT = "accept"
    DECLINE = "decline"
    OPEN_PLAN = "open_plan"
    SUBMIT_PLAN = "submit_plan"
    APPROVE_PLAN = "approve_plan"
    REQUEST_PLAN_CHANGES = "request_plan_changes"
    GENERATE_DOCUMENTS = "generate_documents"
    COMPLETE_SIGNATURES = "complete_signatures"
    START_STAY = "start_stay"
    END_STAY = "end_stay"
    SUBMIT_REPORT = "submit_report"
    ACCEPT_REPORT = "accept_report"
    REQUEST_REPORT_CHANGES = "request_report_changes"
    ORDER_PAYMENT = "order_payment"
    CONFIRM_PAYMENT = "confirm_payment"
    CANCEL = "cancel"


class DocumentKind(StrEnum):
    COMMITMENT_TO_QUALITY = "commitment_to_quality"
    FINANCIAL_AGREEMENT = "financial_agreement"
    SIGNED_COMMITMENT_TO_QUALITY = "commitment_to_quality_signed"
    SIGNED_FINANCIAL_AGREEMENT = "financial_agreement_signed"
    CLOSING_REPORT = "closing_report"
    PAYMENT_CONFIRMATION = "payment_confirmation"
    CV = "cv"


class SignatureMethod(StrEnum):
    TYPED_NAME = "typed_name"
    TYPED_NAME_AND_DRAWING = "typed_name_and_drawing"


class PaymentState(StrEnum):
    ORDERED = "ordered"
    EXPORTED = "exported"
    PAID = "paid"


class OutboxState(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # claimed by one sender process
    SENT = "sent"
    FAILED = "failed"


class ContactState(StrEnum):
    NEW = "new"
    ANSWERED = "answered"
    CLOSED = "closed"


class OrgRole(StrEnum):
    """What a person may do for their organisation, besides working on its records (a person may hold both)."""

    CONTACT_PERSON = "contact_person"  # manages the organisation's people
    SIGNATORY = "signatory"  # signs the Commitment to Quality and the Financial Agreement for it


class TokenPurpose(StrEnum):
    """What a one-time link by e-mail does: choose a new password, or the first one (an invitation)."""

    RESET = "reset"
    INVITATION = "invitation"
