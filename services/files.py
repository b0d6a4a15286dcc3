"""Uploaded files: checked by their content (not their name), sized, hashed, stored.

SVG, HTML and executables are refused because only the kinds a spec allows get through,
and a kind is recognised by its first bytes.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from domain.errors import UploadRefused
from domain.i18n import _

SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
}
MIME_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}
EXTENSIONS = {"pdf": ".pdf", "png": ".png", "jpeg": ".jpg"}


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    filename: str
    mime_type: str
    size_bytes: int
    sha256: str
    content: bytes


def sniff_kind(content: bytes) -> str | None:
    for kind, prefixes in SIGNATURES.items():
        if any(content.startswith(prefix) for prefix in prefixes):
            return kind
    return None


def safe_filename(name: str, kind: str) -> str:
    """A file name that is only ever a label: no folders, no control characters, our extension."""
    base = unicodedata.normalize("NFKC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = re.sub(r"[^\w\- ]+", "_", stem, flags=re.UNICODE).strip(" ._")[:80] or "file"
    return stem + EXTENSIONS[kind]


def check_upload(filename: str, content: bytes, *, allowed: list[str] | tuple[str, ...], max_mb: float) -> CheckedFile:
    if not content:
        raise UploadRefused(_("The file is empty."))
    if len(content) > max_mb * 1024 * 1024:
        raise UploadRefused(
            _("The file has {size:.1f} MB; the limit is {limit:g} MB.").format(
                size=len(content) / 1024 / 1024, limit=max_mb
            )
        )
    kind = sniff_kind(content)
    if kind is None or kind not in allowed:
        names = ", ".join(k.upper() for k in allowed)
        raise UploadRefused(
            _("“{name}” is not a {names} file (judged by its content, not its name).").format(
                name=filename[:80], names=names
            )
        )
    return CheckedFile(
        kind=kind,
        filename=safe_filename(filename, kind),
        mime_type=MIME_TYPES[kind],
        size_bytes=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )
