"""Declarative form specs (`forms/specs/*.toml`): loaded, checked, and described as data.

A spec has a name, a version, and sections (the steps of a wizard) holding fields. A field
has a type, a label, help, `required`, options or limits, and an optional condition
(`show_if = { field = "x", equals = "y" }`). A `group` field repeats its sub-fields
(objectives, activities, agenda days). Any mistake in a spec is reported with the file,
the field and the problem, before the form is ever shown.

Languages: every text of a spec (titles, intros, labels, help, examples, option names) is in
English and shown through the catalogues (`babel.cfg` extracts the bundled specs). A spec, e.g. an
admin's copy under CXC_SPEC_DIR, may carry its own translation of a text: `label_fr = "…"`,
`options_de = ["…", …]` (same order as `options`). `localized()` gives the spec as a reader of one
language sees it: its own translation, else the catalogue's, else English (`missing_translations`
lists those for the form preview). Stored answers keep the English option values.
"""

from __future__ import annotations

import os
import re
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from domain.i18n import LANGUAGE_NAMES, N_, SOURCE, _, has_translation, in_language

SPEC_DIR = Path(__file__).resolve().parent / "specs"


def spec_dir() -> Path:
    """Where the form specs live: CXC_SPEC_DIR lets an instance keep its own edited copies."""
    return Path(os.environ.get("CXC_SPEC_DIR") or SPEC_DIR)


FieldType = Literal[
    "text",
    "long_text",
    "email",
    "url",
    "number",
    "date",
    "date_range",
    "choice",
    "multi_choice",
    "country",
    "countries",
    "ecosystem",
    "ecosystems",
    "activity_type",
    "activity_types",
    "yes_no",
    "file",
    "group",
]
CHOICE_TYPES = {"choice", "multi_choice"}
LIST_SOURCED = {"country", "countries", "ecosystem", "ecosystems", "activity_type", "activity_types"}
MULTI_VALUED = {"multi_choice", "countries", "ecosystems", "activity_types"}
FILE_KINDS = {"pdf", "jpeg", "png"}


TEXTS = ("title", "intro", "label", "help", "example", "options")
TRANSLATED = re.compile(r"^(?P<text>[a-z]+)_(?P<lang>[a-z]{2})$")


class SpecError(ValueError):
    """A spec file is wrong; the message names the file, the field and the problem."""


def _own_translations(data: Any, texts: tuple[str, ...]) -> Any:
    """Move `label_fr = "…"` and the like into `translations` (before validation)."""
    if not isinstance(data, dict):
        return data
    data = dict(data)
    translations: dict[str, Any] = dict(data.pop("translations", {}) or {})
    for key in [k for k in data if isinstance(k, str)]:
        match = TRANSLATED.match(key)
        if match and match["text"] in texts:
            if match["lang"] not in LANGUAGE_NAMES or match["lang"] == SOURCE:
                raise ValueError(
                    _("“{key}”: there is no language “{lang}” to translate into").format(key=key, lang=match["lang"])
                )
            translations[key] = data.pop(key)
    data["translations"] = translations
    return data


class Translatable(BaseModel):
    """A part of a spec with texts of its own; `translations` holds its `<text>_<lang>` keys."""

    translations: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _translations_fit(self) -> Translatable:
        options = getattr(self, "options", [])
        for key, value in self.translations.items():
            if key.startswith("options_"):
                if (
                    not isinstance(value, list)
                    or len(value) != len(options)
                    or not all(isinstance(v, str) for v in value)
                ):
                    raise ValueError(_("“{key}” needs one name per option ({n})").format(key=key, n=len(options)))
            elif not isinstance(value, str):
                raise ValueError(_("“{key}” must be a text").format(key=key))
        return self

    def own(self, text: str, locale: str) -> Any:
        return self.translations.get(f"{text}_{locale}")


class Condition(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field: str
    equals: str | bool | int | float


class FieldSpec(Translatable):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    type: FieldType
    label: str = Field(min_length=1, max_length=200)
    help: str = ""
    required: bool = False
    options: list[str] = Field(default_factory=list)
    min_length: int | None = Field(default=None, ge=0)
    max_length: int | None = Field(default=None, ge=1)
    min_value: float | None = None
    max_value: float | None = None
    min_items: int | None = Field(default=None, ge=0)
    max_items: int | None = Field(default=None, ge=1)
    allowed: list[str] = Field(default_factory=list)
    max_mb: float | None = Field(default=None, gt=0)
    show_if: Condition | None = None
    fields: list[FieldSpec] = Field(default_factory=list)
    example: str = ""
    option_labels: dict[str, str] = Field(default_factory=dict, exclude=True)  # filled by localized()

    @model_validator(mode="before")
    @classmethod
    def _translations(cls, data: Any) -> Any:
        return _own_translations(data, ("label", "help", "example", "options"))

    @field_validator("allowed")
    @classmethod
    def _known_file_kinds(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - FILE_KINDS)
        if unknown:
            raise ValueError(
                _("file types {unknown} are not supported; use {known}").format(
                    unknown=unknown, known=sorted(FILE_KINDS)
                )
            )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> FieldSpec:
        if self.type in CHOICE_TYPES and not self.options:
            raise ValueError(_("a choice field needs `options`"))
        if self.type not in CHOICE_TYPES and self.options:
            raise ValueError(_("only choice fields take `options`"))
        if self.type == "group" and not self.fields:
            raise ValueError(_("a group needs sub-`fields`"))
        if self.type != "group" and self.fields:
            raise ValueError(_("only a group takes sub-`fields`"))
        if any(sub.type in {"group", "file"} for sub in self.fields):
            raise ValueError(_("a group cannot hold another group or a file"))
        if self.type == "file" and not self.allowed:
            raise ValueError(_("a file field needs `allowed` types"))
        if self.min_length is not None and self.max_length is not None and self.min_length > self.max_length:
            raise ValueError(_("min_length is larger than max_length"))
        if self.min_items is not None and self.max_items is not None and self.min_items > self.max_items:
            raise ValueError(_("min_items is larger than max_items"))
        return self

    @property
    def multiple(self) -> bool:
        return self.type in MULTI_VALUED

    def option_text(self, value: Any) -> str:
        """An option as the reader says it (the stored value is the English one)."""
        return self.option_labels.get(str(value), str(value))


class SectionSpec(Translatable):
    model_config = ConfigDict(extra="forbid")
    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    title: str = Field(min_length=1)
    intro: str = ""
    fields: list[FieldSpec] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _translations(cls, data: Any) -> Any:
        return _own_translations(data, ("title", "intro"))


class FormSpec(Translatable):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,59}$")
    version: int = Field(ge=1)
    title: str
    sections: list[SectionSpec] = Field(min_length=1)
    locale: str = Field(default=SOURCE, exclude=True)  # the language of its texts (localized())

    @model_validator(mode="before")
    @classmethod
    def _translations(cls, data: Any) -> Any:
        return _own_translations(data, ("title",))

    @model_validator(mode="after")
    def _unique_keys_and_conditions(self) -> FormSpec:
        seen: dict[str, str] = {}
        for section in self.sections:
            for spec_field in section.fields:
                if spec_field.key in seen:
                    raise ValueError(
                        _("field “{key}” appears twice (sections {first} and {second})").format(
                            key=spec_field.key, first=seen[spec_field.key], second=section.key
                        )
                    )
                seen[spec_field.key] = section.key
        for spec_field in self.all_fields():
            if spec_field.show_if and spec_field.show_if.field not in seen:
                raise ValueError(
                    _("field “{key}” depends on unknown field “{other}”").format(
                        key=spec_field.key, other=spec_field.show_if.field
                    )
                )
        return self

    def all_fields(self) -> list[FieldSpec]:
        return [spec_field for section in self.sections for spec_field in section.fields]

    def field(self, key: str) -> FieldSpec:
        for spec_field in self.all_fields():
            if spec_field.key == key:
                return spec_field
        raise KeyError(key)


def _where(error: dict[str, Any], data: dict[str, Any]) -> str:
    """Turn a pydantic location into words: section “x”, field “y”, attribute."""
    parts: list[str] = []
    node: Any = data
    for step in error["loc"]:
        if isinstance(step, int) and isinstance(node, list) and step < len(node):
            node = node[step]
            if isinstance(node, dict) and "key" in node:
                parts.append(f"“{node['key']}”")
            else:
                parts.append(_("item {n}").format(n=step + 1))
        elif isinstance(step, str):
            node = node.get(step) if isinstance(node, dict) else None
            if step not in {"sections", "fields"}:
                parts.append(step)
    return " → ".join(parts) or _("top level")


# Pydantic's own messages for the mistakes a spec's author makes most, in its English words, shown translated: the
# form preview shows an administrator what is wrong with a spec in their language. Others stay as pydantic says them.
_PYDANTIC_MESSAGES = {
    "missing": N_("Field required"),
    "extra_forbidden": N_("Extra inputs are not permitted"),
    "string_pattern_mismatch": N_("String should match pattern '{pattern}'"),
    "greater_than_equal": N_("Input should be greater than or equal to {ge}"),
    "greater_than": N_("Input should be greater than {gt}"),
    "string_type": N_("Input should be a valid string"),
    "bool_type": N_("Input should be a valid boolean"),
    "int_type": N_("Input should be a valid integer"),
    "list_type": N_("Input should be a valid list"),
}


def _problem(error: Any) -> str:
    """What is wrong, in the reader's language: our own checks raise translated texts, pydantic's are looked up."""
    message = _PYDANTIC_MESSAGES.get(error["type"])
    if message is None:
        return str(error["msg"]).removeprefix("Value error, ")
    return _(message).format(**error.get("ctx", {}))


def parse_spec(text: str, source: str) -> FormSpec:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(_("{source}: not valid TOML: {error}").format(source=source, error=exc)) from exc
    try:
        return FormSpec.model_validate(data)
    except ValidationError as exc:
        problems = [f"{_where(err, data)}: {_problem(err)}" for err in exc.errors()]
        raise SpecError(f"{source}: " + "; ".join(problems)) from exc


def load_spec_file(path: Path) -> FormSpec:
    return parse_spec(path.read_text(encoding="utf-8"), path.name)


def load_spec(name: str) -> FormSpec:
    folder = spec_dir()
    path = folder / f"{name}.toml"
    if not path.exists():
        raise SpecError(_("{file}: no such form spec in {folder}").format(file=path.name, folder=folder))
    return _load_cached(path, path.stat().st_mtime_ns, name)


@lru_cache(maxsize=64)
def _load_cached(path: Path, _mtime: int, name: str) -> FormSpec:
    spec = load_spec_file(path)
    if spec.name != name:
        raise SpecError(
            _("{file}: the file says name = “{found}”, expected “{name}”").format(
                file=path.name, found=spec.name, name=name
            )
        )
    return spec


def all_specs() -> list[FormSpec]:
    return [load_spec_file(path) for path in sorted(spec_dir().glob("*.toml"))]


def _text(part: Translatable, text: str, english: str, locale: str, missing: list[str] | None) -> str:
    if not english or locale == SOURCE:
        return english
    own = part.own(text, locale)
    if isinstance(own, str) and own.strip():
        return own
    if has_translation(english, locale):
        with in_language(locale):
            return _(english)
    if missing is not None:
        missing.append(english)
    return english


def _localized_field(spec_field: FieldSpec, locale: str, missing: list[str] | None) -> FieldSpec:
    own_options = spec_field.own("options", locale) if locale != SOURCE else None
    if isinstance(own_options, list):
        labels = dict(zip(spec_field.options, own_options, strict=True))
    else:
        labels = {option: _text(spec_field, "option", option, locale, missing) for option in spec_field.options}
    return spec_field.model_copy(
        update={
            "label": _text(spec_field, "label", spec_field.label, locale, missing),
            "help": _text(spec_field, "help", spec_field.help, locale, missing),
            "example": _text(spec_field, "example", spec_field.example, locale, missing),
            "option_labels": labels,
            "fields": [_localized_field(sub, locale, missing) for sub in spec_field.fields],
        }
    )


def localized(spec: FormSpec, locale: str, missing: list[str] | None = None) -> FormSpec:
    """The spec as a reader of `locale` sees it; texts with no translation stay English and go to `missing`."""
    if spec.locale == locale:
        return spec
    sections = [
        section.model_copy(
            update={
                "title": _text(section, "title", section.title, locale, missing),
                "intro": _text(section, "intro", section.intro, locale, missing),
                "fields": [_localized_field(f, locale, missing) for f in section.fields],
            }
        )
        for section in spec.sections
    ]
    return spec.model_copy(
        update={"title": _text(spec, "title", spec.title, locale, missing), "sections": sections, "locale": locale}
    )


def missing_translations(spec: FormSpec, locale: str) -> list[str]:
    """The English texts of a spec that a reader of `locale` would see untranslated."""
    missing: list[str] = []
    localized(spec, locale, missing)
    return list(dict.fromkeys(missing))
