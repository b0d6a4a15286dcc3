"""Validating answers against a form spec, with messages a person understands.

Answers are plain JSON: texts, numbers, booleans, ISO dates, lists, and for files a small
dict naming the stored document. Hidden fields (their `show_if` is not met) are dropped.
Errors are keyed by field (`objectives.2.objective` inside a group).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlparse

from pydantic import TypeAdapter, ValidationError

from domain.i18n import _, day, day_span, long_day, ngettext
from domain.rules import Rules
from domain.validators import email_problem, too_long
from forms.spec import LIST_SOURCED, FieldSpec, FormSpec

_DATE = TypeAdapter(date)
_NUMBER = TypeAdapter(float)


def list_source(spec_field: FieldSpec, rules: Rules) -> tuple[str, ...]:
    """The allowed values of a field whose options come from the rules file or the spec."""
    base = spec_field.type.removesuffix("s") if spec_field.type != "countries" else "country"
    if spec_field.type in {"choice", "multi_choice"}:
        return tuple(spec_field.options)
    if base == "country":
        return rules.participating_countries
    if base == "ecosystem":
        return rules.ecosystems
    if base == "activity_type":
        return rules.activity_types
    return ()


def is_visible(spec_field: FieldSpec, answers: dict[str, Any]) -> bool:
    condition = spec_field.show_if
    return condition is None or answers.get(condition.field) == condition.equals


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {} or (isinstance(value, str) and not value.strip())


def parse_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return _DATE.validate_python(value)
    except ValidationError:
        return None


def _text(spec_field: FieldSpec, value: Any) -> tuple[Any, str | None]:
    text = str(value).strip()
    if spec_field.min_length and len(text) < spec_field.min_length:
        return text, ngettext(
            "Please write at least {n} character (now {m}).",
            "Please write at least {n} characters (now {m}).",
            spec_field.min_length,
        ).format(n=spec_field.min_length, m=len(text))
    limit = spec_field.max_length or (5000 if spec_field.type == "long_text" else 300)
    if len(text) > limit:
        return text, too_long(limit, len(text))
    return text, None


def _url(value: Any) -> tuple[Any, str | None]:
    text = str(value).strip()
    parsed = urlparse(text)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc or " " in text or len(text) > 300:
        return text, _("Enter a full web address starting with https://, e.g. https://www.example.eu")
    return text, None


def _number(spec_field: FieldSpec, value: Any) -> tuple[Any, str | None]:
    try:
        number = _NUMBER.validate_python(value)
    except ValidationError:
        return value, _("Enter a number.")
    if spec_field.min_value is not None and number < spec_field.min_value:
        return number, _("The smallest allowed value is {n:g}.").format(n=spec_field.min_value)
    if spec_field.max_value is not None and number > spec_field.max_value:
        return number, _("The largest allowed value is {n:g}.").format(n=spec_field.max_value)
    return (int(number) if number.is_integer() else number), None


def _date_range(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, list | tuple) or len(value) != 2:
        return value, _("Pick a first and a last day.")
    start, end = parse_date(value[0]), parse_date(value[1])
    if start is None or end is None:
        return value, _("Pick a first and a last day.")
    if end < start:
        return value, _("The last day ({end}) is before the first day ({start}).").format(
            end=long_day(end), start=long_day(start)
        )
    return [start.isoformat(), end.isoformat()], None


def _choices(spec_field: FieldSpec, value: Any, rules: Rules) -> tuple[Any, str | None]:
    allowed = set(list_source(spec_field, rules))
    if spec_field.multiple:
        items = list(value) if isinstance(value, list | tuple) else [value]
        unknown = [str(v) for v in items if v not in allowed]
        if unknown:
            return items, _("Choose from the list; not allowed: {values}.").format(values=", ".join(unknown[:5]))
        if spec_field.min_items and len(items) < spec_field.min_items:
            return items, ngettext(
                "Choose at least {n} option.", "Choose at least {n} options.", spec_field.min_items
            ).format(n=spec_field.min_items)
        if spec_field.max_items and len(items) > spec_field.max_items:
            return items, ngettext(
                "Choose at most {n} option.", "Choose at most {n} options.", spec_field.max_items
            ).format(n=spec_field.max_items)
        return [v for v in list_source(spec_field, rules) if v in set(items)], None
    if value not in allowed:
        return value, _("Choose one of the options in the list.")
    return value, None


def _file(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, dict) or not isinstance(value.get("document_id"), int):
        return value, _("Upload the file again.")
    return {k: value[k] for k in ("document_id", "filename", "size_bytes", "sha256") if k in value}, None


def check_value(spec_field: FieldSpec, value: Any, rules: Rules) -> tuple[Any, str | None]:
    """One non-empty value: its clean form and a problem, if any."""
    kind = spec_field.type
    if kind in {"text", "long_text"}:
        return _text(spec_field, value)
    if kind == "email":
        problem = email_problem(str(value))
        return str(value).strip(), problem
    if kind == "url":
        return _url(value)
    if kind == "number":
        return _number(spec_field, value)
    if kind == "date":
        parsed = parse_date(value)
        return (parsed.isoformat(), None) if parsed else (value, _("Pick a date."))
    if kind == "date_range":
        return _date_range(value)
    if kind == "yes_no":
        return (value, None) if isinstance(value, bool) else (value, _("Answer yes or no."))
    if kind == "file":
        return _file(value)
    return _choices(spec_field, value, rules)


def validate_field(spec_field: FieldSpec, value: Any, rules: Rules, prefix: str = "") -> tuple[Any, dict[str, str]]:
    key = prefix + spec_field.key
    if is_empty(value):
        if spec_field.required:
            message = _("Add at least one.") if spec_field.type == "group" else _("This field is required.")
            return None, {key: message}
        return None, {}
    if spec_field.type != "group":
        clean, problem = check_value(spec_field, value, rules)
        return clean, ({key: problem} if problem else {})
    if not isinstance(value, list):
        return None, {key: _("Add the items one by one.")}
    errors: dict[str, str] = {}
    items: list[dict[str, Any]] = []
    for index, item in enumerate(value):
        item = item if isinstance(item, dict) else {}
        if all(is_empty(item.get(sub.key)) for sub in spec_field.fields):
            continue  # an empty row left over from "add" counts as nothing
        clean_item: dict[str, Any] = {}
        for sub in spec_field.fields:
            clean, sub_errors = validate_field(sub, item.get(sub.key), rules, prefix=f"{key}.{index}.")
            errors.update(sub_errors)
            if clean is not None:
                clean_item[sub.key] = clean
        items.append(clean_item)
    if spec_field.required and not items:
        errors[key] = _("Add at least one.")
    elif spec_field.min_items and len(items) < spec_field.min_items:
        errors[key] = _("Add at least {n}.").format(n=spec_field.min_items)
    if spec_field.max_items and len(items) > spec_field.max_items:
        errors[key] = _("Add at most {n}.").format(n=spec_field.max_items)
    return items, errors


def validate_answers(
    spec: FormSpec, answers: dict[str, Any], rules: Rules, *, sections: list[str] | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Clean answers (hidden and unknown fields dropped) and the problems found.

    `sections` limits the check to some wizard steps (a "Next" click checks only its step).
    """
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for section in spec.sections:
        for spec_field in section.fields:
            if not is_visible(spec_field, answers):
                continue
            value, field_errors = validate_field(spec_field, answers.get(spec_field.key), rules)
            if sections is None or section.key in sections:
                errors.update(field_errors)
            if value is not None:
                clean[spec_field.key] = value
            elif spec_field.key in answers and field_errors:
                clean[spec_field.key] = answers[spec_field.key]  # keep what the person typed
    return clean, errors


def draft_answers(spec: FormSpec, answers: dict[str, Any]) -> dict[str, Any]:
    """What a draft keeps: every known field as typed, so that nothing saved is lost."""
    known = {spec_field.key for spec_field in spec.all_fields()}
    return {key: value for key, value in answers.items() if key in known and not is_empty(value)}


def display_value(spec_field: FieldSpec, value: Any, *, iso_dates: bool = False) -> str:
    """A value as text for summaries, exports and PDFs: days as the reader's language writes them, or as
    YYYY-MM-DD (`iso_dates`, for exports that scripts and spreadsheets read)."""
    if is_empty(value):
        return "—"
    if spec_field.type == "yes_no":
        return _("Yes") if value else _("No")
    if spec_field.type == "date_range" and isinstance(value, list) and len(value) == 2:
        start, end = parse_date(value[0]), parse_date(value[1])
        if iso_dates or start is None or end is None:
            return f"{value[0]} – {value[1]}"
        return day_span(start, end)
    if spec_field.type == "date" and not iso_dates and (parsed := parse_date(value)) is not None:
        return day(parsed)
    if spec_field.type == "file" and isinstance(value, dict):
        return str(value.get("filename", _("file")))
    if spec_field.type in {"country", "countries"}:
        from domain.rules import country_name

        codes = value if isinstance(value, list) else [value]
        return ", ".join(country_name(str(code)) for code in codes)
    if spec_field.type in LIST_SOURCED:  # the rules' lists: English values, shown in the reader's language
        return ", ".join(_(str(v)) for v in (value if isinstance(value, list) else [value]))
    if isinstance(value, list) and spec_field.type != "group":
        return ", ".join(spec_field.option_text(v) for v in value)
    if spec_field.type == "group" and isinstance(value, list):
        lines = []
        for index, item in enumerate(value, start=1):
            parts = [display_value(sub, item.get(sub.key), iso_dates=iso_dates) for sub in spec_field.fields]
            lines.append(f"{index}. " + " · ".join(parts))
        return "\n".join(lines)
    return spec_field.option_text(value)
