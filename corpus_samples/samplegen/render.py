"""Draw a laid-out review onto a reportlab canvas: title page, header, footer, body."""

from __future__ import annotations

import io
from pathlib import Path

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from samplegen.layout import FOOTER_Y, HEADER_Y, PAGE_H, PAGE_W, Laid, Style
from samplegen.markup import Review

FAKE_BOLD_OFFSET = 0.3
DISCLAIMER = (
    "Fictional sample written for the scr-themes project. "
    "All people, places, services and events in it are invented."
)


def register_vera() -> None:
    """Register Bitstream Vera (shipped inside reportlab; it has fi/fl ligature glyphs)."""
    fonts = Path(reportlab.__file__).parent / "fonts"
    for name, file in (("Vera", "Vera.ttf"), ("Vera-Bold", "VeraBd.ttf")):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(fonts / file)))


def render_pdf(review: Review, style: Style, laid: Laid) -> bytes:
    """Return the PDF bytes; ``invariant=1`` makes them reproducible."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_W, PAGE_H), invariant=1, pageCompression=1)
    canvas.setTitle(review.meta["title"])
    canvas.setAuthor(review.meta["partnership"])
    total = len(laid.pages) + 1
    _title_page(canvas, review, style)
    _furniture(canvas, review, style, 1, total)
    canvas.showPage()
    for number, runs in enumerate(laid.pages, start=2):
        _furniture(canvas, review, style, number, total)
        for run in runs:
            canvas.setFont(run.font, run.size)
            text = style.shape(run.text)
            canvas.drawString(run.x, run.y, text)
            if run.heading and style.fake_bold:
                canvas.drawString(run.x + FAKE_BOLD_OFFSET, run.y, text)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def header_text(review: Review) -> str:
    return f"{review.meta['partnership']} | {review.meta['title']}"


def _furniture(canvas: Canvas, review: Review, style: Style, number: int, total: int) -> None:
    canvas.setFont(style.header_font, 8)
    canvas.drawString(style.margin, HEADER_Y, header_text(review))
    canvas.setLineWidth(0.5)
    canvas.line(style.margin, HEADER_Y - 6, PAGE_W - style.margin, HEADER_Y - 6)
    canvas.drawCentredString(PAGE_W / 2, FOOTER_Y, f"Page {number} of {total}")


def _title_page(canvas: Canvas, review: Review, style: Style) -> None:
    meta = review.meta
    middle = PAGE_W / 2
    canvas.setFont(style.heading_font, 22)
    canvas.drawCentredString(middle, PAGE_H - 260, meta["review_type"].title())
    canvas.setFont(style.heading_font, 28)
    canvas.drawCentredString(middle, PAGE_H - 310, meta["subject"])
    canvas.setFont(style.header_font, 14)
    canvas.drawCentredString(middle, PAGE_H - 370, meta["partnership"])
    canvas.drawCentredString(middle, PAGE_H - 392, meta["nation"])
    canvas.drawCentredString(middle, PAGE_H - 430, f"Published {meta['published']}")
    canvas.setFont(style.header_font, 11)
    canvas.drawCentredString(middle, PAGE_H - 470, meta["author"])
    canvas.setFont(style.header_font, 8)
    canvas.drawCentredString(middle, 90, DISCLAIMER)
