"""The rules file shipped with the app, for tests of pure functions that need known numbers.

The app itself never reads it outside `db.rules_seed` (tests/test_rules_one_way_in.py); tests may,
as a fixed fixture: it is version 1 of every fresh database.
"""

from pathlib import Path

from domain.rules import parse_rules

BUNDLED_TEXT = (Path(__file__).resolve().parent.parent / "domain" / "rules.toml").read_text(encoding="utf-8")
BUNDLED = parse_rules(BUNDLED_TEXT)
