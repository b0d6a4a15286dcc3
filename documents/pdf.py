"""PDF documents rendered with fpdf2 from the same data as the pages.

A bundled Unicode font (DejaVu Sans, with its licence in forms/fonts/) prints the euro sign
and every EU language's letters. Each page carries a footer with the document reference,
its version, a short fingerprint of its content and a QR code to the verification page.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import segno
from fpdf import FPDF, ViewerPreferences
from fpdf.enums import TextMode

FONT_DIR = Path(__file__).resolve().parent / "fonts"
TEXTS_FILE = Path(__file__).resolve().parent / "documents.toml"


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    rows: list[tuple[str, str]] = field(default_factory=list)  # label, value
    images: list[tuple[str, bytes]] = field(default_factory=list)  # caption, PNG


@dataclass
class DocumentContent:
    reference: str  # e.g. CXC-12-CTQ-v1
    title: str
    subtitle: str
    version: int
    sections: list[Section]
    verify_url: str
    lang: str = "en"  # the PDF's /Lang (documents are issued in English): what a screen reader speaks it as

    def fingerprint(self) -> str:
        """SHA-256 of the content (not of the PDF bytes, which also hold a creation time)."""
        data = [
            self.reference,
            self.title,
            self.subtitle,
            self.version,
            [
                [s.heading, s.paragraphs, s.rows, [hashlib.sha256(img).hexdigest() for _c, img in s.images]]
                for s in self.sections
            ],
        ]
        return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()


class _Pdf(FPDF):
    def __init__(self, content: DocumentContent, qr_png: bytes) -> None:
        super().__init__(format="A4")
        self.content = content
        self.qr_png = qr_png
        self.short_hash = content.fingerprint()[:16]
        # One font file only: parsing a TrueType font is most of the cost of a document, so
        # headings are drawn bold by stroking the regular glyphs (see _bold).
        self.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.set_auto_page_break(auto=True, margin=28)
        # Title and language in the metadata and the catalogue: viewers show the title, not the file name.
        self.set_title(f"{content.title} {content.reference}")
        self.set_subject(content.subtitle)
        self.set_lang(content.lang)
        self.set_creator("CXC Desk")
        self.viewer_preferences = ViewerPreferences(display_doc_title=True)

    def footer(self) -> None:
        self.set_y(-24)
        self.set_font("DejaVu", size=7)
        self.image(io.BytesIO(self.qr_png), x=self.l_margin, y=self.h - 25, w=16)
        self.set_x(self.l_margin + 19)
        self.multi_cell(
            0,
            3.5,
            f"{self.content.reference} · version {self.content.version} · content SHA-256 {self.short_hash}…\n"
            f"Verify: {self.content.verify_url}\nPage {self.page_no()} of {{nb}}",
        )


@contextmanager
def _bold(pdf: FPDF, size: float) -> Iterator[None]:
    pdf.set_font("DejaVu", size=size)
    pdf.text_mode = TextMode.FILL_STROKE
    pdf.set_line_width(0.15)
    try:
        yield
    finally:
        pdf.text_mode = TextMode.FILL
        pdf.set_line_width(0.2)


def render_pdf(content: DocumentContent) -> bytes:
    qr = io.BytesIO()
    segno.make(content.verify_url, error="m").save(qr, kind="png", scale=4, border=1)
    pdf = _Pdf(content, qr.getvalue())
    pdf.alias_nb_pages()
    pdf.add_page()
    with _bold(pdf, 16):
        pdf.multi_cell(0, 8, content.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=10)
    pdf.multi_cell(0, 5, content.subtitle, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for section in content.sections:
        with _bold(pdf, 11):
            pdf.multi_cell(0, 6, section.heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", size=9)
        for paragraph in section.paragraphs:
            pdf.multi_cell(0, 4.5, paragraph, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        for label, value in section.rows:
            with _bold(pdf, 9):
                pdf.multi_cell(0, 4.5, label, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("DejaVu", size=9)
            pdf.multi_cell(0, 4.5, value or "—", new_x="LMARGIN", new_y="NEXT")
        for caption, png in section.images:
            pdf.set_font("DejaVu", size=8)
            pdf.multi_cell(0, 4, caption, new_x="LMARGIN", new_y="NEXT")
            pdf.image(io.BytesIO(png), w=50)
        pdf.ln(3)
    return bytes(pdf.output())


def minimal_pdf(text: str) -> bytes:
    """A one-line document with the same font (the yardstick of the PDF benchmark)."""
    pdf = FPDF(format="A4")
    pdf.set_title(text)
    pdf.set_lang("en")
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_page()
    pdf.set_font("DejaVu", size=10)
    pdf.cell(0, 5, text)
    return bytes(pdf.output())
