"""Form answers as table rows: one column per spec field, headed by its label."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from forms.answers import display_value
from forms.spec import FormSpec


def answer_columns(spec: FormSpec) -> list[tuple[str, str]]:
    return [(spec_field.key, spec_field.label) for spec_field in spec.all_fields()]


def answers_frame(spec: FormSpec, rows: Iterable[tuple[dict[str, Any], dict[str, Any]]]) -> pd.DataFrame:
    """`rows` are (fixed columns, answers) pairs; every field of the spec gets a column, new ones too."""
    records = []
    for fixed, answers in rows:
        record = dict(fixed)
        for spec_field in spec.all_fields():
            record[spec_field.label] = (
                display_value(spec_field, answers.get(spec_field.key), iso_dates=True)
                if spec_field.key in answers
                else ""
            )
        records.append(record)
    return pd.DataFrame.from_records(records)
