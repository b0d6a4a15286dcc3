"""Declarative form specs (`forms/specs/*.toml`): loaded, checked, and described as data.

A spec has a name, a version, and sections (the steps of a wizard) holding fields. A field
has a type, a label, help, `required`, options or limits, and an optional condition
(`show_if = { field = "x", equals = "y" }`). A `group` field repeats its sub-fields
(objectives, activities, agenda days). Any mistake in a spec is reported with the file,
the field and the problem, before the form is ever shown.
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

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


class SpecError(ValueError):
    """A spec file is wrong; the message names the file, the field and the problem."""


class Condition(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field: str
    equals: str | bool | int | float


class FieldSpec(BaseModel):
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

    @field_validator("allowed")
    @classmethod
    def _known_file_kinds(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - FILE_KINDS)
        if unknown:
            raise ValueError(f"file types {unknown} are not supported; use {sorted(FILE_KINDS)}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> FieldSpec:
        if self.type in CHOICE_TYPES and not self.options:
            raise ValueError("a choice field needs `options`")
        if self.type not in CHOICE_TYPES and self.options:
            raise ValueError("only choice fields take `options`")
        if self.type == "group" and not self.fields:
            raise ValueError("a group needs sub-`fields`")
        if self.type != "group" and self.fields:
            raise ValueError("only a group takes sub-`fields`")
        if any(sub.type in {"group", "file"} for sub in self.fields):
            raise ValueError("a group cannot hold another group or a file")
        if self.type == "file" and not self.allowed:
            raise ValueError("a file field needs `allowed` types")
        if self.min_length is not None and self.max_length is not None and self.min_length > self.max_length:
            raise ValueError("min_length is larger than max_length")
        if self.min_items is not None and self.max_items is not None and self.min_items > self.max_items:
            raise ValueError("min_items is larger than max_items")
        return self

    @property
    def multiple(self) -> bool:
        return self.type in MULTI_VALUED


class SectionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    title: str = Field(min_length=1)
    intro: str = ""
    fields: list[FieldSpec] = Field(min_length=1)


class FormSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,59}$")
    version: int = Field(ge=1)
    title: str
    sections: list[SectionSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_keys_and_conditions(self) -> FormSpec:
        seen: dict[str, str] = {}
        for section in self.sections:
            for spec_field in section.fields:
                if spec_field.key in seen:
                    raise ValueError(
                        f"field “{spec_field.key}” appears twice (sections {seen[spec_field.key]} and {section.key})"
                    )
                seen[spec_field.key] = section.key
        for spec_field in self.all_fields():
            if spec_field.show_if and spec_field.show_if.field not in seen:
                raise ValueError(f"field “{spec_field.key}” depends on unknown field “{spec_field.show_if.field}”")
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
                parts.append(f"item {step + 1}")
        elif isinstance(step, str):
            node = node.get(step) if isinstance(node, dict) else None
            if step not in {"sections", "fields"}:
                parts.append(step)
    return " → ".join(parts) or "top level"


def parse_spec(text: str, source: str) -> FormSpec:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{source}: not valid TOML: {exc}") from exc
    try:
        return FormSpec.model_validate(data)
    except ValidationError as exc:
        problems = [f"{_where(err, data)}: {err['msg'].removeprefix('Value error, ')}" for err in exc.errors()]
        raise SpecError(f"{source}: " + "; ".join(problems)) from exc


def load_spec_file(path: Path) -> FormSpec:
    return parse_spec(path.read_text(encoding="utf-8"), path.name)


def load_spec(name: str) -> FormSpec:
    folder = spec_dir()
    path = folder / f"{name}.toml"
    if not path.exists():
        raise SpecError(f"{path.name}: no such form spec in {folder}")
    return _load_cached(path, path.stat().st_mtime_ns, name)


@lru_cache(maxsize=64)
def _load_cached(path: Path, _mtime: int, name: str) -> FormSpec:
    spec = load_spec_file(path)
    if spec.name != name:
        raise SpecError(f"{path.name}: the file says name = “{spec.name}”, expected “{name}”")
    return spec


def all_specs() -> list[FormSpec]:
    return [load_spec_file(path) for path in sorted(spec_dir().glob("*.toml"))]
