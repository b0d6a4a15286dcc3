"""Form specs: loading, mistakes named precisely, and answers validated from the spec."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from db.types import id_of
from forms.answers import display_value, validate_answers
from forms.spec import SPEC_DIR, SpecError, all_specs, load_spec, parse_spec
from tests.bundled_rules import BUNDLED

MINIMAL = """
name = "demo"
version = 1
title = "Demo"
[[sections]]
key = "one"
title = "One"
[[sections.fields]]
key = "name"
type = "text"
label = "Name"
required = true
"""


def test_every_shipped_spec_loads() -> None:
    names = {spec.name for spec in all_specs()}
    assert names >= {"eoi", "opportunity", "action_plan", "closing_report", "organisation_profile", "host_feedback"}


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (('type = "text"', 'type = "colour"'), "“one” → “name” → type: Input should be"),
        (('type = "text"', 'type = "choice"'), "a choice field needs `options`"),
        (('key = "name"', 'key = "Bad Key"'), "String should match pattern"),
        (("version = 1", "version = 0"), "version: Input should be greater than or equal to 1"),
        (
            ("required = true", 'required = true\nshow_if = { field = "ghost", equals = 1 }'),
            "depends on unknown field “ghost”",
        ),
        (("required = true", "required = true\nsurprise = 1"), "surprise: Extra inputs are not permitted"),
        (('title = "One"', 'title = "One'), "not valid TOML"),
    ],
)
def test_spec_mistakes_name_file_field_and_problem(change: tuple[str, str], words: str) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(MINIMAL.replace(*change, 1), "demo.toml")
    assert str(caught.value).startswith("demo.toml: ")
    assert words in str(caught.value)


def test_duplicate_field_keys_are_refused() -> None:
    text = (
        MINIMAL
        + '\n[[sections]]\nkey = "two"\ntitle = "Two"\n'
        + '[[sections.fields]]\nkey = "name"\ntype = "text"\nlabel = "Again"\n'
    )
    with pytest.raises(SpecError, match="appears twice"):
        parse_spec(text, "demo.toml")


def test_conditions_hide_and_skip_fields() -> None:
    spec = load_spec("organisation_profile")
    rules = BUNDLED
    base = {"description": "We run a cluster of 120 digital SMEs.", "ecosystems": ["Digital"]}
    clean, errors = validate_answers(spec, {**base, "cluster_member": False, "cluster_name": "ignored"}, rules)
    assert errors == {} and "cluster_name" not in clean
    _, errors = validate_answers(spec, {**base, "cluster_member": True}, rules)
    assert errors == {"cluster_name": "This field is required."}


def test_groups_validate_each_item_and_ignore_empty_rows() -> None:
    spec = load_spec("action_plan")
    answers = {
        "objectives": [
            {"objective": "Learn", "indicator": ""},
            {"objective": "", "indicator": ""},
            {"objective": "", "indicator": "x"},
        ]
    }
    clean, errors = validate_answers(spec, answers, BUNDLED, sections=["objectives"])
    assert errors == {"objectives.2.objective": "This field is required."}
    assert clean["objectives"][0] == {"objective": "Learn"}


def test_step_validation_checks_only_its_section() -> None:
    _, errors = validate_answers(load_spec("eoi"), {}, BUNDLED, sections=["motivation"])
    assert set(errors) == {"motivation"}


def test_low_code_a_new_optional_field_is_validated_stored_and_exported(tmp_path: Path, monkeypatch, session) -> None:
    """Adding a field to a copy of a spec needs no Python: it validates, stores and exports."""
    folder = tmp_path / "specs"
    shutil.copytree(SPEC_DIR, folder)
    eoi = folder / "eoi.toml"
    eoi.write_text(
        eoi.read_text()
        + """
[[sections.fields]]
key = "languages"
type = "text"
label = "Languages spoken by the person"
max_length = 200
"""
    )
    monkeypatch.setenv("CXC_SPEC_DIR", str(folder))
    spec = load_spec("eoi")
    assert spec.field("languages").label == "Languages spoken by the person"

    from db.models import EOI
    from domain.enums import Side
    from forms.export import answers_frame
    from services import eois
    from tests import factories as f
    from tests.journey import eoi_answers, org_user

    admin = f.admin(session)
    partnership = f.partnership(session, admin, "LC")
    user = org_user(session, "lowcode", "PT")
    draft = eois.start_eoi(session=session, actor=user, side=Side.VISITOR, partnership_id=partnership.id)
    with pytest.raises(Exception, match="under 200"):
        eois.submit_eoi(
            session=session, actor=user, eoi_id=id_of(draft), answers={**eoi_answers(["FR"]), "languages": "x" * 201}
        )
    session.rollback()
    eois.submit_eoi(
        session=session,
        actor=user,
        eoi_id=id_of(draft),
        answers={**eoi_answers(["FR"]), "languages": "Portuguese, French"},
    )
    session.expire_all()
    stored = session.get(EOI, draft.id)
    assert stored.answers["languages"] == "Portuguese, French"
    frame = answers_frame(spec, [({"EOI": id_of(stored)}, stored.answers)])
    assert frame.loc[0, "Languages spoken by the person"] == "Portuguese, French"


def test_display_values_read_like_text() -> None:
    spec = load_spec("action_plan")
    assert display_value(spec.field("exchange_dates"), ["2027-03-01", "2027-03-05"]) == "1–5 March 2027"
    assert display_value(spec.field("objectives"), [{"objective": "A", "indicator": "B"}]) == "1. A · B"
