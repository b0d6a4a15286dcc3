import streamlit as st

from ui.guard import require_role
from domain.enums import Role
from domain.rules import load_rules
from forms.answers import validate_answers
from forms.spec import SpecError, all_specs
from ui.wizard import wizard
from domain.i18n import _

require_role(Role.ADMIN)
st.title(_("Form previews"))
st.caption(_("Every form of the journey as participants see it, from its spec file (forms/specs). Nothing typed here is stored."))
try:
    specs = {spec.name: spec for spec in all_specs()}
except SpecError as exc:
    st.error(_("A form spec cannot be read: {problem}").format(problem=exc))
    st.stop()
name = st.selectbox(_("Form"), list(specs), format_func=lambda n: f"{specs[n].title} ({n}, v{specs[n].version})", key="preview_spec")
spec = specs[name]
st.dataframe(
    [{_("Step"): section.title, _("Field"): f.key, _("Label"): f.label, _("Type"): f.type, _("Required"): f.required,
      _("Shown if"): f"{f.show_if.field} = {f.show_if.equals}" if f.show_if else ""}
     for section in spec.sections for f in section.fields],
    hide_index=True, width="stretch",
)
st.subheader(_("Try it"))
outcome = wizard(spec, form_id=f"preview:{name}", stored={}, version=f"preview:{spec.version}", rules=load_rules(),
                 submit_label=_("Check the answers"))
if outcome.action == "submit":
    _clean, problems = validate_answers(spec, outcome.answers, load_rules())
    if problems:
        st.warning(_("The form would refuse: {problems}").format(problems="; ".join(f"{k}: {v}" for k, v in problems.items())))
    else:
        st.success(_("The form would accept these answers (nothing stored)."))
