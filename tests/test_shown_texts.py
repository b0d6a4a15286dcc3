"""A text shown to people goes through the catalogues: read with `ast`, like tests/test_architecture.py.

Three checks (issue: "a test fails when a string shown to people is not in the catalogues"):

- every literal given to `_()`, `N_()` or `ngettext()` is in the extracted catalogue: Babel reads no call inside
  an f-string on Python 3.11, so `f"{_('rates')}"` would be shown in English in every language;
- in `pages/` and `ui/`, a literal with words given to a Streamlit display call (its text argument, or `label=`,
  `help=`, `placeholder=`, `caption=`, `text=`…) is wrapped in `_()`/`ngettext()`;
- in `services/` and `domain/`, an exception that pages show as it is (`PermissionDenied`, `TransitionRefused`,
  `QuoteError`, …) is raised with a translated message, never a bare literal or f-string.

What is no text (an icon, a separator, a number format) passes on its own; the few literals with letters that are
still no text are in ALLOWED, each with its reason.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.catalogue import IGNORED_DIRS, extract_messages

ROOT = Path(__file__).resolve().parent.parent
TRANSLATING = {"_", "N_", "ngettext"}

# Streamlit calls that show text: the index of the positional argument that is shown (None: none is), for
# st.x(...) and for the same call on a container (col.markdown, c1.text_input, caption.caption, bar.progress).
DISPLAY: dict[str, int | None] = {
    **dict.fromkeys(("write", "markdown", "caption", "header", "subheader", "title", "text", "badge"), 0),
    **dict.fromkeys(("error", "warning", "info", "success", "toast", "exception"), 0),
    **dict.fromkeys(("button", "form_submit_button", "download_button", "link_button", "popover"), 0),
    **dict.fromkeys(("text_input", "text_area", "number_input", "selectbox", "multiselect", "radio"), 0),
    **dict.fromkeys(("checkbox", "toggle", "slider", "select_slider", "date_input", "time_input"), 0),
    **dict.fromkeys(("file_uploader", "color_picker", "segmented_control", "pills", "chat_input"), 0),
    **dict.fromkeys(("expander", "tabs", "metric", "spinner", "status", "dialog"), 0),
    "page_link": None,  # its first argument is the page; the words are `label=`
    "progress": None,  # its first argument is the fraction; the words are `text=`
}
SHOWN_KEYWORDS = {"label", "help", "placeholder", "caption", "text", "body", "title", "page_title"}
# Not words: Streamlit's icons (:material/send:) and colour directives (:red-badge[…], :orange[…]), addresses
# (https://…) and the target of a Markdown link ("[…](login)").
NOT_WORDS = re.compile(r":material/[a-z_]+:|:[a-z]+(?:-[a-z]+)*\[|https?://\S+|\]\([^)]*\)")

# Literals with letters that are still no text a person reads in a language; each says why.
ALLOWED: dict[tuple[str, str], str] = {}

# Exceptions whose message a page shows as it is (ui.actions.attempt, st.error(str(exc))).
SHOWN_ERRORS = {
    "PermissionDenied",
    "NotFound",
    "StaleState",
    "UploadRefused",
    "TransitionRefused",
    "QuoteError",
    "ImportRefused",
    "SeveralSheets",
    "SettingsError",
    "RulesError",  # a rules version an administrator adds: the page shows what is wrong with it
}


def _python_files(*rooms: str) -> Iterator[Path]:
    for room in rooms:
        yield from sorted((ROOT / room).rglob("*.py"))


def _all_code() -> Iterator[Path]:
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if not any(part in IGNORED_DIRS or part.startswith(".") for part in parts):
            yield path


def _calls(paths: Iterator[Path]) -> Iterator[tuple[Path, ast.Call]]:
    """Every call in these files, with its file."""
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                yield path, node


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _words(node: ast.expr) -> str | None:
    """The letters a person would read untranslated in this expression, or None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = NOT_WORDS.sub("", node.value)
        return node.value if re.search(r"[^\W\d_]", text) else None
    if isinstance(node, ast.JoinedStr):
        literal = "".join(part.value for part in node.values if isinstance(part, ast.Constant))
        return literal if re.search(r"[^\W\d_]", NOT_WORDS.sub("", literal)) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _words(node.left) or _words(node.right)
    if isinstance(node, ast.IfExp):
        return _words(node.body) or _words(node.orelse)
    if isinstance(node, ast.List | ast.Tuple):
        return next((found for item in node.elts if (found := _words(item))), None)
    return None


def _untranslated(path: Path, node: ast.expr) -> str | None:
    words = _words(node)
    rel = str(path.relative_to(ROOT))
    if words is None or (rel, words) in ALLOWED:
        return None
    return f"{rel}:{node.lineno}: {words!r}"


@pytest.fixture(scope="module")
def catalogue() -> set[str]:
    return {m if isinstance(m, str) else m[0] for m in extract_messages()}


def test_every_text_given_to_the_translation_functions_is_in_the_catalogue(catalogue: set[str]) -> None:
    missing = []
    for path, call in _calls(_all_code()):
        if _name(call.func) in TRANSLATING and isinstance(call.func, ast.Name):
            first = call.args[0] if call.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value:
                if first.value not in catalogue:
                    missing.append(f"{path.relative_to(ROOT)}:{call.lineno}: {first.value!r}")
    assert not missing, "not extracted (a call inside an f-string?): " + "; ".join(missing)


def test_pages_show_no_literal_text_outside_the_catalogue() -> None:
    found = []
    for path, call in _calls(_python_files("pages", "ui")):
        if not isinstance(call.func, ast.Attribute):
            continue
        position = DISPLAY.get(call.func.attr, -1)
        if position == -1:
            continue
        shown = [kw.value for kw in call.keywords if kw.arg in SHOWN_KEYWORDS]
        if position is not None and len(call.args) > position:
            shown.append(call.args[position])
        found += [problem for value in shown if (problem := _untranslated(path, value))]
    assert not found, "shown without _(): " + "; ".join(found)


def test_errors_shown_to_people_are_raised_with_translated_messages() -> None:
    found = []
    for path in _python_files("services", "domain"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            call = node.exc
            name = _name(call.func)
            if name in SHOWN_ERRORS:
                found += [problem for arg in call.args[:1] if (problem := _untranslated(path, arg))]
            elif name == "ValidationFailed" and call.args and isinstance(call.args[0], ast.Dict):
                found += [problem for value in call.args[0].values if (problem := _untranslated(path, value))]
    assert not found, "raised without _(): " + "; ".join(found)


def test_the_checks_see_what_they_are_meant_to_see(tmp_path: Path) -> None:
    """The checks themselves: an untranslated label, an f-string with words, an icon that is no word."""
    assert _words(ast.parse('"Save"', mode="eval").body) == "Save"
    assert _words(ast.parse('f"Total: {n}"', mode="eval").body) == "Total: "
    assert _words(ast.parse('":material/send: " + _("Send")', mode="eval").body) is None
    assert _words(ast.parse('f":red-badge[{late}] {when}"', mode="eval").body) is None
    assert _words(ast.parse('"—"', mode="eval").body) is None
    assert _words(ast.parse('[_("A"), "B"]', mode="eval").body) == "B"
