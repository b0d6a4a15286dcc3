"""Uploads are judged by their content and size; names never reach the file system as given."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import UploadRefused
from services.files import check_upload, safe_filename
from tests.journey import PDF, PNG

ALLOWED = ("pdf", "png", "jpeg")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("invoice.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),  # HTML named .pdf
        ("setup.pdf", b"MZ\x90\x00\x03 a Windows executable"),
        ("run.png", b"\x7fELF\x02\x01\x01 a Linux executable"),
        ("script.pdf", b"#!/bin/sh\nrm -rf /\n"),
        ("archive.pdf", b"PK\x03\x04 a zip"),
        ("empty.pdf", b""),
    ],
)
def test_anything_but_pdf_png_jpeg_is_refused_whatever_its_name(name: str, content: bytes) -> None:
    with pytest.raises(UploadRefused):
        check_upload(name, content, allowed=ALLOWED, max_mb=1)


def test_size_limit_and_kind_limit() -> None:
    with pytest.raises(UploadRefused, match="limit is 1 MB"):
        check_upload("big.pdf", PDF + b"0" * (1024 * 1024), allowed=ALLOWED, max_mb=1)
    with pytest.raises(UploadRefused, match="not a PDF file"):
        check_upload("photo.pdf", PNG, allowed=("pdf",), max_mb=1)
    assert check_upload("scan", PNG, allowed=ALLOWED, max_mb=1).filename == "scan.png"


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "..\\..\\windows\\system32\\cmd.exe",
        "/abs/path/x.pdf",
        "a\x00b.pdf",
        "....//....//x",
        "CON",
        "  ",
        "𝓮𝓿𝓲𝓵\u202e.pdf",
    ],
)
def test_path_traversal_names_become_plain_labels(name: str) -> None:
    cleaned = check_upload(name, PDF, allowed=ALLOWED, max_mb=1).filename
    assert "/" not in cleaned and "\\" not in cleaned and ".." not in cleaned and "\x00" not in cleaned
    assert cleaned.endswith(".pdf") and cleaned != ".pdf"


@given(st.text(max_size=300))
def test_any_name_yields_a_safe_label(name: str) -> None:
    cleaned = safe_filename(name, "pdf")
    assert cleaned.endswith(".pdf") and len(cleaned) <= 84
    assert not set(cleaned) & set('/\\\x00:*?"<>|') and ".." not in cleaned[:-4]
