"""Counted texts agree with their number in the reader's language, form-spec errors and the time-stamp line too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from documents.seal import TimeStamp
from domain.i18n import in_language
from domain.validators import at_most_characters, too_long
from forms.spec import SpecError, parse_spec


@pytest.mark.parametrize(
    ("n", "polish"),
    [
        (1, "Najwyżej 1 znak."),
        (2, "Najwyżej 2 znaki."),
        (5, "Najwyżej 5 znaków."),
        (12, "Najwyżej 12 znaków."),
        (22, "Najwyżej 22 znaki."),
    ],
)
def test_at_most_characters_in_polish_has_three_forms(n: int, polish: str) -> None:
    with in_language("pl"):
        assert at_most_characters(n) == polish


@pytest.mark.parametrize(
    ("n", "french"), [(1, "Au maximum 1 caractère."), (2, "Au maximum 2 caractères."), (5, "Au maximum 5 caractères.")]
)
def test_at_most_characters_in_french(n: int, french: str) -> None:
    with in_language("fr"):
        assert at_most_characters(n) == french


def test_at_most_characters_in_english() -> None:
    with in_language("en"):
        assert at_most_characters(1) == "At most 1 character."
        assert at_most_characters(5) == "At most 5 characters."


def test_too_long_agrees_with_the_limit() -> None:
    with in_language("pl"):
        assert too_long(1, 3) == "Proszę nie przekraczać 1 znaku (obecnie: 3)."
        assert too_long(200, 250) == "Proszę nie przekraczać 200 znaków (obecnie: 250)."
    with in_language("fr"):
        assert too_long(1, 3) == "Veuillez ne pas dépasser 1 caractère (le texte en compte 3)."
        assert too_long(200, 250) == "Veuillez ne pas dépasser 200 caractères (le texte en compte 250)."


def _spec_error(text: str) -> str:
    with pytest.raises(SpecError) as caught:
        parse_spec(text, "x.toml")
    return str(caught.value)


def test_spec_errors_in_polish() -> None:
    with in_language("pl"):
        assert _spec_error('name = "x"\ntitle = ').startswith("x.toml: niepoprawny TOML: ")
        problems = _spec_error('name = "x"\nbogus = 1\n')
    assert "title: Pole wymagane" in problems
    assert "bogus: Dodatkowe klucze są niedozwolone" in problems
    assert "Field required" not in problems


def test_spec_errors_in_french() -> None:
    with in_language("fr"):
        problems = _spec_error('name = "x"\nbogus = 1\n')
    assert "title: Champ obligatoire" in problems
    assert "bogus: Les clés supplémentaires ne sont pas autorisées" in problems


def test_time_stamp_line_in_the_readers_language() -> None:
    # 14:05 in Paris is 13:05 UTC: the line always shows UTC, in the language's own date pattern.
    stamp = TimeStamp(datetime(2026, 3, 2, 14, 5, 9, tzinfo=timezone(timedelta(hours=1))), "CN=TSA", True)
    with in_language("pl"):
        assert stamp.line() == "znacznik czasu 2 mar 2026, 13:05 UTC wydany przez CN=TSA (zaufany)"
    with in_language("fr"):
        assert stamp.line() == "horodaté le 2 mars 2026, 13:05 UTC par CN=TSA (reconnue)"
    with in_language("en"):
        assert stamp.line() == "time-stamped 2 Mar 2026, 13:05 UTC by CN=TSA (trusted)"
    assert TimeStamp(datetime(2026, 3, 2, 13, 5, tzinfo=UTC), "CN=TSA", True).line() == stamp.line()
