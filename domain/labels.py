"""Words shown for enum values: programme words, never internal names."""

from __future__ import annotations

from domain.enums import OrgRole, OrgType, Party, Role
from domain.i18n import N_, Translated

ORG_TYPE_LABELS: Translated[OrgType] = Translated(
    {
        OrgType.CLUSTER: N_("Cluster organisation or business network"),
        OrgType.SCALING_UP_SUPPORT: N_("Scaling-up support organisation (technology centre, hub, incubator…)"),
        OrgType.SME: N_("SME"),
        OrgType.TRAINING_PROVIDER: N_("Training provider"),
        OrgType.LARGE_COMPANY: N_("Large company"),
        OrgType.PUBLIC_AUTHORITY: N_("Public authority (regional or city level)"),
    }
)

ROLE_LABELS: Translated[Role] = Translated(
    {
        Role.PARTICIPANT: N_("Participant"),
        Role.COORDINATOR: N_("Coordinator"),
        Role.ADMIN: N_("Administrator"),
    }
)

PARTY_LABELS: Translated[Party] = Translated(
    {
        Party.VISITOR: N_("Visitor"),
        Party.HOST: N_("Host"),
        Party.VISITOR_PARTNERSHIP: N_("Visitor's Partnership"),
        Party.HOST_PARTNERSHIP: N_("Host's Partnership"),
    }
)

ORG_ROLE_LABELS: Translated[OrgRole] = Translated(
    {
        OrgRole.CONTACT_PERSON: N_("Contact person"),
        OrgRole.SIGNATORY: N_("Signatory"),
    }
)

# What the history of an expression of interest or an exchange calls each recorded step. The audit log keeps the
# action's name as it recorded it (it is evidence); the page shows these words in the reader's language.
EVENT_LABELS: Translated[str] = Translated(
    {
        "create": N_("draft started"),
        "create_on_behalf": N_("entered by the Partnership on the organisation's behalf"),
        "submit": N_("sent to the Partnership"),
        "approve": N_("approved"),
        "request_changes": N_("changes requested"),
        "reject": N_("rejected"),
        "withdraw": N_("withdrawn"),
        "assign": N_("assigned to a Partnership"),
        "membership_exception": N_("non-member Host accepted by the funding agency"),
        "import": N_("imported"),
        "import_update": N_("updated by an import"),
        "propose": N_("proposed"),
        "propose_on_behalf": N_("proposed by the Partnership on the organisations' behalf"),
        "confirm": N_("confirmed"),
        "accept": N_("proposal accepted"),
        "decline": N_("proposal declined"),
        "open_plan": N_("action plan opened"),
        "save_plan": N_("action plan saved"),
        "agree_plan": N_("action plan agreed"),
        "submit_plan": N_("action plan sent for approval"),
        "approve_plan_part": N_("action plan approved by a Partnership"),
        "approve_plan": N_("action plan approved"),
        "request_plan_changes": N_("changes to the action plan requested"),
        "generate_documents": N_("documents issued"),
        "documents_wait_for_bank_account": N_("documents wait for the Visitor's bank account"),
        "sign": N_("signed"),
        "sealed_without_time_stamp": N_("sealed without time stamp"),
        "agreement_signed_again": N_("Financial Agreement signed again"),
        "bank_account_changed": N_("bank account changed"),
        "complete_signatures": N_("all signatures in"),
        "start_stay": N_("stay started"),
        "end_stay": N_("stay ended"),
        "add_evidence": N_("evidence added"),
        "remove_evidence": N_("evidence removed"),
        "host_feedback": N_("Host feedback given"),
        "submit_report": N_("closing report sent"),
        "accept_report": N_("closing report accepted"),
        "request_report_changes": N_("changes to the closing report requested"),
        "order_payment": N_("payment ordered"),
        "confirm_payment": N_("payment confirmed"),
        "cancel": N_("cancelled"),
    }
)


def event_label(action: str) -> str:
    """A recorded step in the reader's language; a name this table does not know yet shows as recorded."""
    return EVENT_LABELS[action] if action in EVENT_LABELS.source else action.replace("_", " ")
