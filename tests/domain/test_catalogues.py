"""The catalogues: what extraction finds, and every shipped language's catalogue complete and consistent.

`test_shipped_catalogue_is_complete` runs over every language of `domain.i18n.SHIPPED` but English:
it fails while a catalogue is absent, misses a msgid of the code or the TOML files, leaves one
untranslated or fuzzy, or changes its placeholders. After code changes, `make locales` merges the
new msgids into every catalogue (README: "Languages").
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest

from domain import i18n
from domain.catalogue import ROOT, extract_messages, placeholders, problems
from domain.i18n import LANGUAGE_NAMES, SHIPPED, SOURCE, _, best_match, in_language, money, use_locale
from tests.catalogue import use_catalogues, write_catalogue


@pytest.fixture(scope="module")
def msgids() -> set[str]:
    return extract_messages()


def test_extraction_finds_the_texts_of_code_specs_documents_and_public_texts(msgids: set[str]) -> None:
    assert "Log out" in msgids  # _() in the code
    assert "Sent to the Partnership" in msgids  # N_() in a table of labels
    assert "Why do you want to take part in ClusterXchange?" in msgids  # a label of forms/specs/eoi.toml
    assert "Expression of interest" in msgids  # a spec's title
    assert "Name a contact person for the whole stay." in msgids  # documents/documents.toml
    assert "What is ClusterXchange" in msgids  # a title of services/site_texts.toml
    assert "Market research" in msgids  # a list of the bundled rules (domain/rules.toml)
    assert (  # a text with a number: both English forms
        "{span} in {country} has {count} working day{why}; an exchange needs at least {minimum}.",
        "{span} in {country} has {count} working days{why}; an exchange needs at least {minimum}.",
    ) in msgids
    assert not any(m in msgids for m in ("eoi", "motivation", "long_text"))  # names and keys are not texts


def test_every_language_of_the_switch_is_named_in_its_own_words() -> None:
    assert SHIPPED[0] == SOURCE == "en"
    assert LANGUAGE_NAMES == {
        "en": "English",
        "fr": "Français",
        "de": "Deutsch",
        "es": "Español",
        "it": "Italiano",
        "pl": "Polski",
    }


@pytest.mark.parametrize("locale", [code for code in SHIPPED if code != SOURCE])
def test_shipped_catalogue_is_complete(locale: str, msgids: set[str]) -> None:
    po = ROOT / "locales" / locale / "LC_MESSAGES" / "cxc.po"
    assert po.exists(), f"{locale}: no catalogue at {po.relative_to(ROOT)}"
    found = problems(po, msgids)
    assert not found, f"{locale}: {len(found)} problems, e.g. " + "; ".join(found[:10])


def test_placeholders_are_compared_by_name_not_by_format() -> None:
    assert placeholders("{n} of {all:,} rows, {amount!s}") == {"n", "all", "amount"}
    assert placeholders("no fields, {{ not one }}") == set()


DAYS = ("{n} day", "{n} days")
ROWS = ("{n} row", "{n} rows")


def test_a_catalogue_with_gaps_is_reported_line_by_line(tmp_path: Path) -> None:
    po = write_catalogue(
        tmp_path,
        "fr",
        {
            "Log out": "Se déconnecter",
            "Step {i} of {n}": "Étape {i} sur {m}",
            "Save": "",
            "Next": "Suivant",
            DAYS: ("un jour", "{n} jours"),  # a form may leave the number out
            ROWS: ("{n} ligne", "{count} lignes"),
        },
        fuzzy=("Next",),
    )
    found = problems(po, {"Log out", "Step {i} of {n}", "Save", "Next", "Back", DAYS, ROWS})
    assert found == [
        "missing: 'Back'",
        "not translated (fuzzy): 'Next'",
        "not translated: 'Save'",
        "placeholders differ: 'Step {i} of {n}' → 'Étape {i} sur {m}'",
        "placeholders differ: '{n} row' → ('{n} ligne', '{count} lignes')",
    ]


def test_the_language_is_per_thread_and_in_language_comes_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_catalogues(monkeypatch, tmp_path, {"fr": {"Log out": "Se déconnecter"}, "de": {"Log out": "Abmelden"}})
    seen: dict[str, str] = {}
    ready = threading.Barrier(2)

    def run(locale: str) -> None:
        use_locale(locale)
        ready.wait()  # both threads have set their language before either reads it
        seen[locale] = _("Log out")

    threads = [threading.Thread(target=run, args=(code,)) for code in ("fr", "de")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"fr": "Se déconnecter", "de": "Abmelden"}
    assert _("Log out") == "Log out"  # this thread never chose: the instance's default
    with in_language("fr"):
        assert _("Log out") == "Se déconnecter"
        with in_language("de-AT"):
            assert _("Log out") == "Abmelden"
        assert _("Log out") == "Se déconnecter"
    assert _("Log out") == "Log out"
    assert i18n.has_translation("Log out", "fr") and not i18n.has_translation("Save", "fr")


def test_a_rule_message_speaks_the_reader_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from domain.rules import exchange_dates_problem
    from tests.bundled_rules import BUNDLED

    english = exchange_dates_problem(date(2027, 11, 1), date(2027, 11, 3), "AT", BUNDLED)
    assert english is not None and english.startswith("1–3 November 2027 in Austria has 2 working days")
    use_catalogues(
        monkeypatch,
        tmp_path,
        {
            "de": {
                (
                    "{span} in {country} has {count} working day{why}; an exchange needs at least {minimum}.",
                    "{span} in {country} has {count} working days{why}; an exchange needs at least {minimum}.",
                ): (
                    "{span} in {country} hat {count} Arbeitstag{why}; ein Austausch braucht mindestens {minimum}.",
                    "{span} in {country} hat {count} Arbeitstage{why}; ein Austausch braucht mindestens {minimum}.",
                )
            }
        },
    )
    with in_language("de"):
        german = exchange_dates_problem(date(2027, 11, 1), date(2027, 11, 3), "AT", BUNDLED)
    assert german is not None and german.startswith("1.–3. November 2027 in Österreich hat 2 Arbeitstage (")
    assert german.endswith("; ein Austausch braucht mindestens 3.")


def test_money_and_days_follow_the_language() -> None:
    with in_language("de"):
        assert money(110000) == "1.100,00\xa0€"
        assert i18n.day(date(2026, 3, 2)) == "Mo., 2. März 2026"
    with in_language("fr"):
        assert money(110000) == "1\u202f100,00\xa0€"
    assert money(110000) == "€1,100.00"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-CH, fr;q=0.9, en;q=0.8", "fr"),
        ("pt-BR,pt;q=0.9,pl;q=0.5,de;q=0.7", "de"),
        ("en-GB;q=0.2, it", "it"),
        ("ja, zh", None),
        ("", None),
        ("de;q=0", None),
    ],
)
def test_first_guess_from_accept_language(header: str, expected: str | None) -> None:
    assert best_match(header) == expected


def test_a_catalogue_compiled_again_is_read_again_without_a_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`make locales` on a running instance: the new texts show once the file is looked at again
    (at most every RECHECK_SECONDS; no wait here). gettext.translation() alone kept the first copy."""
    import os

    monkeypatch.setattr(i18n, "RECHECK_SECONDS", 0.0)
    use_catalogues(monkeypatch, tmp_path, {"fr": {"Log out": "Déconnexion"}})
    with in_language("fr"):
        assert _("Log out") == "Déconnexion"
        mo = write_catalogue(tmp_path, "fr", {"Log out": "Se déconnecter"}).with_suffix(".mo")
        later = mo.stat().st_mtime_ns + 1_000_000_000  # a file system's clock may not move within a test
        os.utime(mo, ns=(later, later))
        assert _("Log out") == "Se déconnecter"
    with in_language("de"):
        assert _("Log out") == "Log out"  # no catalogue in this folder: the English source
