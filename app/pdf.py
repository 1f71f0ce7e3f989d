"""PDF documents in Russian: fpdf2 with the DejaVu fonts shipped in app/fonts (Cyrillic everywhere)."""

from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"


def new_document(orientation="portrait", title="", author=""):
    """An A4 document with the Cyrillic fonts registered as `DejaVu` (regular and bold)."""
    from fpdf import FPDF  # imported on first use: it costs half a second at every start otherwise

    pdf = FPDF(orientation=orientation, unit="mm", format="A4")
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_creator("Опора")
    pdf.set_font(FONT, size=11)
    return pdf


def font_face(**style):
    """fpdf2's FontFace (a table cell style), imported on first use like FPDF."""
    from fpdf.fonts import FontFace

    return FontFace(**style)


def to_bytes(pdf):
    """The finished document as bytes."""
    return bytes(pdf.output())
