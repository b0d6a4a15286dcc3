"""Words shown for enum values: programme words, never internal names."""

from __future__ import annotations

from domain.enums import OrgRole, OrgType, Role
from domain.i18n import _

ORG_TYPE_LABELS: dict[OrgType, str] = {
    OrgType.CLUSTER: _("Cluster organisation or business network"),
    OrgType.SCALING_UP_SUPPORT: _("Scaling-up support organisation (technology centre, hub, incubator…)"),
    OrgType.SME: _("SME"),
    OrgType.TRAINING_PROVIDER: _("Training provider"),
    OrgType.LARGE_COMPANY: _("Large company"),
    OrgType.PUBLIC_AUTHORITY: _("Public authority (regional or city level)"),
}

ROLE_LABELS: dict[Role, str] = {
    Role.PARTICIPANT: _("Participant"),
    Role.COORDINATOR: _("Coordinator"),
    Role.ADMIN: _("Administrator"),
}

ORG_ROLE_LABELS: dict[OrgRole, str] = {
    OrgRole.CONTACT_PERSON: _("Contact person"),
    OrgRole.SIGNATORY: _("Signatory"),
}
