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
