import streamlit as st

from domain.enums import Role
from domain.errors import ValidationFailed
from domain.i18n import _, moment
from domain.rules import country_name
from services import rules_admin
from services.rules import active_version, rules_in_force
from services.runtime import read_session
from ui.actions import act
from ui.guard import require_role

admin = require_role(Role.ADMIN)
st.title(_("Programme rules and rate tables"))
with read_session() as session:
    rules, in_force = rules_in_force(session), active_version(session)
    versions = rules_admin.list_versions(session)
    text = rules_admin.current_text(session)
st.markdown(
    _(
        "In force: **version {label}** ({source}). An exchange keeps the version in force when its lump sum was frozen."
    ).format(
        label=rules.version,
        source=_("added by the Support Office")
        if in_force and in_force.created_by_user_id
        else _("shipped with the app"),
    )
)
with st.expander(_("Host-country rates in force")):
    st.dataframe(
        [
            {_("Host country"): country_name(code), _("Rate (EUR)"): rate}
            for code, rate in sorted(rules.host_rates_eur.items())
        ],
        hide_index=True,
        width="stretch",
    )

st.header(_("Add a new version"))
st.caption(
    _(
        "Upload a rules file or edit the current one below; it is checked and compared with the version in force "
        "before it is saved."
    )
)
upload = st.file_uploader(_("Rules file (TOML)"), type=["toml"], key="rules_upload")
draft = st.text_area(
    _("Rules (TOML)"),
    value=upload.getvalue().decode("utf-8", errors="replace") if upload else text,
    height=300,
    key="rules_text",
)
try:
    candidate = rules_admin.check_rules_text(draft)
except ValidationFailed as exc:
    st.error(exc.errors["content"], icon=":material/error:")
    candidate = None
if candidate is not None:
    changes = rules_admin.rate_changes(rules, candidate)
    if changes:
        st.dataframe(
            [{_("Host country"): country_name(c.country), _("Now"): c.before, _("New"): c.after} for c in changes],
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption(_("No rate changes compared with the version in force."))
    other_changes = rules_admin.rule_changes(rules, candidate)
    if other_changes:
        st.dataframe(
            [{_("Rule"): c.rule, _("Now"): c.before, _("New"): c.after} for c in other_changes],
            hide_index=True,
            width="stretch",
        )
    if st.button(_("Save as version {label}").format(label=candidate.version), key="save_rules"):
        act(
            lambda s: rules_admin.add_rules_version(session=s, actor=admin, text=draft),
            success=_("Saved; activate it when it should apply."),
            rerun=True,
        )

st.header(_("Versions"))
with read_session() as session:
    impacts = {
        version.id: rules_admin.version_impact(session, rules, version)
        for version in versions
        if in_force is None or version.id != in_force.id
    }
for version in versions:
    cols = st.columns([2, 3, 2])
    cols[0].markdown(f"**{version.label}**")
    cols[1].caption(
        _("added {when}").format(when=moment(version.created_at))
        + (" · " + _("activated {when}").format(when=moment(version.activated_at)) if version.activated_at else "")
    )
    impact = impacts.get(version.id)
    if impact is not None and impact.open_exchanges_in_left_countries:
        st.warning(
            _(
                "Put in force, this version leaves out countries of {n} open exchanges (numbers {ids}) and of {orgs} "
                "organisations: their plans cannot be approved under it."
            ).format(
                n=len(impact.open_exchanges_in_left_countries),
                ids=", ".join(str(i) for i in impact.open_exchanges_in_left_countries[:20]),
                orgs=impact.organisations_in_left_countries,
            ),
            icon=":material/warning:",
        )
    if (in_force is None or version.id != in_force.id) and cols[2].button(
        _("Put in force"), key=f"activate_{version.id}"
    ):
        act(
            lambda s, version_id=version.id: rules_admin.activate_rules_version(
                session=s, actor=admin, version_id=version_id
            ),
            success=_("Version in force from now on."),
            rerun=True,
        )
