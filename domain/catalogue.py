"""The catalogues' machinery: the TOML extractor babel.cfg names, and the checks tests run on them.

Form specs, document texts and the public texts are TOML files whose words are shown through
`_()` at display time; `extract_toml` puts those words in the same catalogue as the code's.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
MAPPING = ROOT / "babel.cfg"
IGNORED_DIRS = (".venv", "tests", "bench", "migrations", "locales", "node_modules")
PLACEHOLDER = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_]*)(?:![rsa])?(?::[^{}]*)?\}")


def _texts(node: Any, keys: set[str] | None, inherited: bool = False) -> Iterator[str]:
    """Every string under a wanted key (`keys` None: every string), in file order."""
    if isinstance(node, str):
        if inherited and node.strip():
            yield node
    elif isinstance(node, list):
        for item in node:
            yield from _texts(item, keys, inherited)
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _texts(value, keys, keys is None or key in keys)


def extract_toml(fileobj: IO[bytes], keywords: object, comment_tags: object, options: dict[str, Any]) -> Iterator:
    """Babel extractor: the strings of a TOML file under the keys of `keys = label help …` (babel.cfg)."""
    text = fileobj.read().decode("utf-8")
    data = tomllib.loads(text)
    wanted = options.get("keys", "*").split()
    lines = text.splitlines()
    for message in dict.fromkeys(_texts(data, None if wanted == ["*"] else set(wanted))):
        first = message.splitlines()[0][:40]
        lineno = next((n for n, line in enumerate(lines, start=1) if first in line), 1)
        yield lineno, None, message, []


Msgid = str | tuple[str, ...]  # a text, or (singular, plural) of a text with a number


def extract_messages(root: Path = ROOT) -> set[Msgid]:
    """Every msgid of the code and the TOML files, as `make locales` extracts them."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with MAPPING.open(encoding="utf-8") as mapping:
        method_map, options_map = parse_mapping_cfg(mapping, str(MAPPING))

    def keep(dirname: str) -> bool:
        return Path(dirname).name not in IGNORED_DIRS

    return {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(root), method_map, options_map, directory_filter=keep
        )
        if message
    }


def placeholders(text: str) -> set[str]:
    """The `{name}` fields of a text, e.g. {"n", "amount"}; the format spec does not count."""
    return set(PLACEHOLDER.findall(text))


def problems(po_path: Path, msgids: set[Msgid]) -> list[str]:
    """What is wrong with one catalogue: missing msgids, untranslated or fuzzy ones, other placeholders.

    A text with a number has several forms; each must use only the placeholders of the English ones."""
    from babel.messages.pofile import read_po

    with po_path.open("rb") as handle:
        catalogue = read_po(handle)
    found: list[str] = []
    for msgid in sorted(msgids, key=lambda m: m if isinstance(m, str) else m[0]):
        key = msgid if isinstance(msgid, str) else msgid[0]
        entry = catalogue.get(key)
        forms = () if entry is None else (entry.string,) if isinstance(entry.string, str) else tuple(entry.string)
        if entry is None:
            found.append(f"missing: {key!r}")
        elif entry.fuzzy or not forms or not all(forms):
            found.append(f"not translated{' (fuzzy)' if entry.fuzzy else ''}: {key!r}")
        elif isinstance(msgid, str) and placeholders(forms[0]) != placeholders(msgid):
            found.append(f"placeholders differ: {key!r} → {forms[0]!r}")
        elif not isinstance(msgid, str) and any(
            not placeholders(form) <= placeholders(msgid[0]) | placeholders(msgid[1]) for form in forms
        ):
            found.append(f"placeholders differ: {key!r} → {forms!r}")
    return found
