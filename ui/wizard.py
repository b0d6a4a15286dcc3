"""The one Streamlit renderer of form specs: a wizard with named steps, a progress bar,
"Back", "Save draft" and "Next" that never lose input, and a summary before sending.

Widgets forget their values when they are not on screen, so the answers live in one dict
in the session state, updated from the widgets of the current step on every run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import streamlit as st
from sqlmodel import Session

from domain.i18n import LANGUAGE_NAMES, _, current_locale, day, ngettext
from domain.rules import Rules, country_name, with_rule_values, working_days
from forms.answers import display_value, is_visible, list_source, parse_date, validate_answers
from forms.spec import (
    LIST_SOURCED,
    FieldSpec,
    FormSpec,
    SpecError,
    all_specs,
    load_spec,
    localized,
    missing_translations,
)
from services.rules import rules_in_force
from services.runtime import read_session, write_session

# Stores an uploaded file through a service (its write session is opened here) and returns the answer.
Uploader = Callable[[Session, FieldSpec, str, bytes], dict[str, Any]]


def as_spec(spec: FormSpec | str) -> FormSpec:
    """A spec, or its name as services give it (`eois.SPEC`, `eoi.spec_name`), in the reader's language."""
    return localized(load_spec(spec) if isinstance(spec, str) else spec, current_locale())


@dataclass(frozen=True)
class WizardOutcome:
    action: Literal["save", "submit"] | None
    answers: dict[str, Any]


class Wizard:
    """State of one wizard instance (`form_id`) in the session."""

    def __init__(self, spec: FormSpec | str, form_id: str) -> None:
        self.spec = as_spec(spec)
        self.form_id = form_id

    def _key(self, name: str) -> str:
        return f"wiz:{self.form_id}:{name}"

    @property
    def answers(self) -> dict[str, Any]:
        return st.session_state.setdefault(self._key("answers"), {})

    @property
    def step(self) -> int:
        return st.session_state.setdefault(self._key("step"), 0)

    @step.setter
    def step(self, value: int) -> None:
        st.session_state[self._key("step")] = max(0, min(value, len(self.spec.sections)))

    @property
    def errors(self) -> dict[str, str]:
        return st.session_state.get(self._key("errors"), {})

    @errors.setter
    def errors(self, value: dict[str, str]) -> None:
        st.session_state[self._key("errors")] = value

    def load(self, stored: dict[str, Any], *, version: object) -> None:
        """Start from saved answers, once per stored version (a reload after saving keeps edits)."""
        if st.session_state.get(self._key("version")) != version:
            for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(f"wiz:{self.form_id}:")]:
                del st.session_state[key]
            st.session_state[self._key("answers")] = dict(stored)
            st.session_state[self._key("version")] = version

    def show_errors(self, errors: dict[str, str]) -> None:
        """Errors from the server: go to the first step that has one."""
        self.errors = errors
        for index, section in enumerate(self.spec.sections):
            keys = {f.key for f in section.fields}
            if any(key.split(".")[0] in keys for key in errors):
                self.step = index
                return


def _error(wizard: Wizard, key: str) -> None:
    message = wizard.errors.get(key)
    if message:
        st.error(message, icon=":material/error:")


def _label(spec_field: FieldSpec) -> str:
    return spec_field.label + (" *" if spec_field.required else "")


def _date_caption(start: date, end: date, country: str | None) -> str:
    text = f"{day(start)} – {day(end)}"
    if country:
        count = len(working_days(start, end, country))
        text += " · " + ngettext("{n} working day in {country}", "{n} working days in {country}", count).format(
            n=count, country=country_name(country)
        )
    return text


def _widget(spec_field: FieldSpec, value: Any, key: str, rules: Rules, country: str | None) -> Any:
    label, help_text = _label(spec_field), spec_field.help or None
    placeholder = spec_field.example or None
    kind = spec_field.type
    if kind in {"text", "email", "url"}:
        return st.text_input(
            label, value=value or "", key=key, help=help_text, placeholder=placeholder, max_chars=spec_field.max_length
        )
    if kind == "long_text":
        return st.text_area(
            label, value=value or "", key=key, help=help_text, placeholder=placeholder, max_chars=spec_field.max_length
        )
    if kind == "number":
        whole = all(v is None or float(v).is_integer() for v in (spec_field.min_value, spec_field.max_value))
        cast = int if whole else float
        return st.number_input(
            label,
            value=cast(value) if isinstance(value, int | float) else None,
            key=key,
            help=help_text,
            min_value=cast(spec_field.min_value) if spec_field.min_value is not None else None,
            max_value=cast(spec_field.max_value) if spec_field.max_value is not None else None,
            step=cast(1),
        )
    if kind == "date":
        picked = st.date_input(label, value=parse_date(value), key=key, help=help_text, format="YYYY-MM-DD")
        return picked.isoformat() if isinstance(picked, date) else None
    if kind == "date_range":
        current = value if isinstance(value, list) and len(value) == 2 else []
        start, end = (parse_date(current[0]), parse_date(current[1])) if current else (None, None)
        picked = st.date_input(
            label, value=(start, end) if start and end else [], key=key, help=help_text, format="YYYY-MM-DD"
        )
        if isinstance(picked, tuple | list) and len(picked) == 2:
            st.caption(_date_caption(picked[0], picked[1], country))
            return [picked[0].isoformat(), picked[1].isoformat()]
        return current or None
    if kind == "yes_no":
        options = [True, False]
        index = options.index(value) if isinstance(value, bool) else None
        return st.radio(
            label,
            options,
            index=index,
            key=key,
            help=help_text,
            horizontal=True,
            format_func=lambda v: _("Yes") if v else _("No"),
        )
    options = list(list_source(spec_field, rules))
    fmt = (
        country_name
        if kind in {"country", "countries"}
        else _
        if kind in LIST_SOURCED  # the rules' lists (ecosystems, activity types): English values, shown translated
        else spec_field.option_text
    )
    if spec_field.multiple:
        current = [v for v in (value or []) if v in options]
        return st.multiselect(
            label,
            options,
            default=current,
            key=key,
            help=help_text,
            format_func=fmt,
            max_selections=spec_field.max_items,
        )
    index = options.index(value) if value in options else None
    return st.selectbox(label, options, index=index, key=key, help=help_text, format_func=fmt, placeholder=_("Choose…"))


def _file_field(wizard: Wizard, spec_field: FieldSpec, value: Any, uploader: Uploader | None) -> Any:
    key = wizard._key(f"f:{spec_field.key}")
    if isinstance(value, dict) and value.get("document_id"):
        cols = st.columns([4, 1])
        cols[0].markdown(f"**{_label(spec_field)}**  \n:material/attach_file: {value.get('filename')}")
        if cols[1].button(_("Remove"), key=key + ":remove"):
            return None
        return value
    extensions = (
        ["jpg", "jpeg"]
        if spec_field.allowed == ["jpeg"]
        else [("jpg" if k == "jpeg" else k) for k in spec_field.allowed]
    )
    upload = st.file_uploader(_label(spec_field), type=extensions, key=key, help=spec_field.help or None)
    if upload is not None and uploader is not None:
        marker = wizard._key(f"uploaded:{spec_field.key}")
        if st.session_state.get(marker, {}).get("file_id") != upload.file_id:
            try:
                with write_session() as session:
                    stored = uploader(session, spec_field, upload.name, upload.getvalue())
            except ValueError as exc:
                st.error(str(exc), icon=":material/error:")
                return value
            st.session_state[marker] = {"file_id": upload.file_id, "stored": stored}
            st.toast(_("File stored: {name}").format(name=stored.get("filename")), icon=":material/check_circle:")
        return st.session_state[marker]["stored"]
    return value


def _group_field(
    wizard: Wizard, spec_field: FieldSpec, value: Any, rules: Rules, country: str | None
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [dict(item) for item in (value or []) if isinstance(item, dict)]
    count_key = wizard._key(f"n:{spec_field.key}")
    count = st.session_state.setdefault(count_key, max(len(items), 1))
    items += [{} for _missing in range(count - len(items))]
    st.markdown(f"**{_label(spec_field)}**")
    if spec_field.help:
        st.caption(spec_field.help)
    _error(wizard, spec_field.key)
    result = []
    remove_at: int | None = None
    for index in range(count):
        with st.container(border=True):
            item = {}
            for sub in spec_field.fields:
                item[sub.key] = _widget(
                    sub,
                    items[index].get(sub.key),
                    wizard._key(f"{spec_field.key}:{index}:{sub.key}:{count}"),
                    rules,
                    country,
                )
                _error(wizard, f"{spec_field.key}.{index}.{sub.key}")
            if count > 1 and st.button(_("Remove this one"), key=wizard._key(f"rm:{spec_field.key}:{index}:{count}")):
                remove_at = index
            result.append(item)
    limit = spec_field.max_items or 50
    if count < limit and st.button(_("Add another"), key=wizard._key(f"add:{spec_field.key}"), icon=":material/add:"):
        st.session_state[count_key] = count + 1
        wizard.answers[spec_field.key] = result
        st.rerun()
    if remove_at is not None:
        result.pop(remove_at)
        st.session_state[count_key] = count - 1
        wizard.answers[spec_field.key] = result
        st.rerun()
    return result


def render_summary(spec: FormSpec | str, answers: dict[str, Any]) -> None:
    for section in as_spec(spec).sections:
        st.markdown(f"**{section.title}**")
        for spec_field in section.fields:
            if is_visible(spec_field, answers):
                text = display_value(spec_field, answers.get(spec_field.key))
                st.markdown(f"*{spec_field.label}*")
                st.text(text)


def wizard(
    spec: FormSpec | str,
    *,
    form_id: str,
    stored: dict[str, Any],
    version: object,
    rules: Rules,
    submit_label: str,
    host_country: str | None = None,
    uploader: Uploader | None = None,
    can_submit: bool = True,
    can_save: bool = True,
) -> WizardOutcome:
    """Render the wizard; returns the button the person pressed ("save" or "submit") and the answers."""
    spec = as_spec(spec)
    state = Wizard(spec, form_id)
    state.load(stored, version=version)
    steps = [section.title for section in spec.sections] + [_("Summary")]
    current = state.step
    st.progress(
        (current + 1) / len(steps),
        text=_("Step {i} of {n}: {title}").format(i=current + 1, n=len(steps), title=steps[current]),
    )
    st.caption(" → ".join(f"**{title}**" if i == current else title for i, title in enumerate(steps)))
    if state.errors:
        st.warning(_("Some answers need your attention; nothing is lost."), icon=":material/warning:")
    answers = state.answers
    if current < len(spec.sections):
        section = spec.sections[current]
        if section.intro:
            st.info(with_rule_values(section.intro, rules))
        for spec_field in section.fields:
            if not is_visible(spec_field, answers):
                continue
            if spec_field.type == "group":
                answers[spec_field.key] = _group_field(
                    state, spec_field, answers.get(spec_field.key), rules, host_country
                )
            elif spec_field.type == "file":
                answers[spec_field.key] = _file_field(state, spec_field, answers.get(spec_field.key), uploader)
                _error(state, spec_field.key)
            else:
                answers[spec_field.key] = _widget(
                    spec_field, answers.get(spec_field.key), state._key(f"w:{spec_field.key}"), rules, host_country
                )
                _error(state, spec_field.key)
    else:
        st.header(_("Check everything before you send it"))
        render_summary(spec, answers)
    cols = st.columns(3)
    if current > 0 and cols[0].button(_("Back"), key=state._key("back"), icon=":material/arrow_back:"):
        state.step = current - 1
        st.rerun()
    if can_save and cols[1].button(_("Save draft"), key=state._key("save"), icon=":material/save:"):
        return WizardOutcome("save", dict(answers))
    if current < len(spec.sections):
        if cols[2].button(_("Next"), key=state._key("next"), type="primary", icon=":material/arrow_forward:"):
            errors = validate_answers(spec, answers, rules, sections=[spec.sections[current].key])[1]
            state.errors = errors
            if not errors:
                state.step = current + 1
            st.rerun()
    elif can_submit and cols[2].button(submit_label, key=state._key("submit"), type="primary", icon=":material/send:"):
        return WizardOutcome("submit", dict(answers))
    return WizardOutcome(None, dict(answers))


def compare_answers(spec: FormSpec | str, older: tuple[str, dict[str, Any]], newer: tuple[str, dict[str, Any]]) -> None:
    """The fields whose answers differ between two versions, as a table headed by the versions' names."""
    (older_label, a), (newer_label, b) = older, newer
    changes = [
        {_("Field"): f.label, older_label: display_value(f, a.get(f.key)), newer_label: display_value(f, b.get(f.key))}
        for f in as_spec(spec).all_fields()
        if a.get(f.key) != b.get(f.key)
    ]
    st.dataframe(changes, hide_index=True, width="stretch") if changes else st.write(_("No difference."))


def form_previews() -> None:
    """Every spec as participants see it, with its fields and a wizard that checks, never stores."""
    try:
        specs = {spec.name: spec for spec in all_specs()}
    except SpecError as exc:
        st.error(_("A form spec cannot be read: {problem}").format(problem=exc))
        st.stop()
    shown = {name: localized(spec, current_locale()) for name, spec in specs.items()}
    name = st.selectbox(
        _("Form"), list(specs), format_func=lambda n: f"{shown[n].title} ({n}, v{shown[n].version})", key="preview_spec"
    )
    spec = shown[name]
    untranslated = missing_translations(specs[name], current_locale())
    if untranslated:
        st.warning(
            ngettext(
                "{n} text of this form has no translation in {language}; readers see it in English: {texts}",
                "{n} texts of this form have no translation in {language}; readers see them in English: {texts}",
                len(untranslated),
            ).format(
                n=len(untranslated), language=LANGUAGE_NAMES[current_locale()], texts="; ".join(untranslated[:10])
            ),
            icon=":material/translate:",
        )
    st.dataframe(
        [
            {
                _("Step"): section.title,
                _("Field"): f.key,
                _("Label"): f.label,
                _("Type"): f.type,
                _("Required"): f.required,
                _("Shown if"): f"{f.show_if.field} = {f.show_if.equals}" if f.show_if else "",
            }
            for section in spec.sections
            for f in section.fields
        ],
        hide_index=True,
        width="stretch",
    )
    st.header(_("Try it"))
    with read_session() as session:
        rules = rules_in_force(session)
    outcome = wizard(
        spec,
        form_id=f"preview:{name}",
        stored={},
        version=f"preview:{spec.version}",
        rules=rules,
        submit_label=_("Check the answers"),
    )
    if outcome.action == "submit":
        _clean, problems = validate_answers(spec, outcome.answers, rules)
        if problems:
            st.warning(
                _("The form would refuse: {problems}").format(
                    problems="; ".join(f"{k}: {v}" for k, v in problems.items())
                )
            )
        else:
            st.success(_("The form would accept these answers (nothing stored)."))
