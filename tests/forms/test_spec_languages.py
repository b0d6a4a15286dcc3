"""A spec in the reader's language: its own translations, else the catalogue's, else English."""

from __future__ import annotations

from pathlib import Path

import pytest

from forms.answers import display_value, validate_answers
from forms.spec import SpecError, localized, missing_translations, parse_spec
from tests.bundled_rules import BUNDLED
from tests.catalogue import use_catalogues

SPEC = """
name = "travel"
version = 1
title = "Travel"
title_fr = "Voyage"

[[sections]]
key = "how"
title = "How you travel"
intro = "Tell us how you come."

[[sections.fields]]
key = "mode"
type = "choice"
label = "How do you travel?"
label_fr = "Comment voyagez-vous ?"
help = "The greenest way you can."
options = ["Train", "Plane"]
options_fr = ["Train", "Avion"]
required = true
"""


@pytest.fixture(autouse=True)
def _catalogues(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    french = {"How you travel": "Comment vous voyagez", "How do you travel?": "X", "Digital": "Numérique"}
    use_catalogues(monkeypatch, tmp_path, {"fr": french})


def test_own_translation_then_catalogue_then_english() -> None:
    spec = parse_spec(SPEC, "travel.toml")
    french = localized(spec, "fr")
    section, mode = french.sections[0], french.field("mode")
    assert french.title == "Voyage"  # the spec's own
    assert section.title == "Comment vous voyagez"  # the catalogue's
    assert mode.label == "Comment voyagez-vous ?"  # the spec's own wins over the catalogue
    assert section.intro == "Tell us how you come." and mode.help == "The greenest way you can."  # English
    assert missing_translations(spec, "fr") == ["Tell us how you come.", "The greenest way you can."]
    assert missing_translations(spec, "en") == [] and localized(spec, "en").title == "Travel"
    # Answers keep the English value; people read the option in their language.
    clean, errors = validate_answers(french, {"mode": "Plane"}, BUNDLED)
    assert errors == {} and clean == {"mode": "Plane"}
    assert display_value(mode, "Plane") == "Avion" and display_value(spec.field("mode"), "Plane") == "Plane"


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('label_xx = "?"', "there is no language “xx”"),
        ('label_en = "?"', "there is no language “en”"),
        ('options_de = ["Zug"]', "“options_de” needs one name per option (2)"),
        ("help_it = 3", "“help_it” must be a text"),
    ],
)
def test_a_wrong_translation_is_named_with_its_field(line: str, problem: str) -> None:
    with pytest.raises(SpecError, match=r"travel\.toml") as error:
        parse_spec(SPEC.replace("required = true", f"required = true\n{line}"), "travel.toml")
    assert problem in str(error.value) and "“mode”" in str(error.value)


def test_the_rules_lists_keep_english_values_and_show_translated() -> None:
    from domain.i18n import in_language
    from forms.spec import FieldSpec

    ecosystems = FieldSpec(key="ecosystems", type="ecosystems", label="Ecosystems")
    with in_language("fr"):
        assert display_value(ecosystems, ["Digital", "Textiles"]) == "Numérique, Textiles"  # Textiles: no translation
    assert display_value(ecosystems, ["Digital"]) == "Digital"
