"""Small PDFs built with reportlab, for extraction tests that need known layout."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

WIDTH, HEIGHT = A4
LEADING = 14  # baseline to baseline for 11 pt body text
HEADER = "Child Safeguarding Practice Review: Child Q"


@dataclass(frozen=True)
class Text:
    """One line of text; ``top`` is its baseline in points from the top of the page."""

    x: float
    top: float
    text: str
    size: float = 11
    font: str = "Helvetica"


def write_pdf(path: Path, pages: list[list[Text]], *, encrypt: str | None = None) -> Path:
    """A PDF with one page per list of lines."""
    pdf = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    for lines in pages:
        for line in lines:
            pdf.setFont(line.font, line.size)
            pdf.drawString(line.x, HEIGHT - line.top, line.text)
        pdf.showPage()
    pdf.save()
    return path


def paragraph(lines: list[str], top: float, x: float = 72) -> list[Text]:
    """Body lines set at the body leading from ``top`` down."""
    return [Text(x, top + i * LEADING, text) for i, text in enumerate(lines)]


def report_pdf(path: Path) -> Path:
    """Four single-column pages with a running header, a "Page N of 4" footer and headings."""
    first = [
        Text(72, 90, "Learning from the review", size=16, font="Helvetica-Bold"),
        *paragraph(
            [
                "The health visitor completed an assess-",
                "ment of the home and noted that the pre-",
                "birth plan had not been shared. She",
                "advised the parents against co-",
                "sleeping on the sofa.",
            ],
            top=130,
        ),
        *paragraph(["Mother said that her ex-", "partner had left the home in May."], top=230),
    ]
    later = [
        [
            Text(72, 130, "Findings", font="Helvetica-Bold"),
            *paragraph([f"This is the body of page {n}, which", "runs over two lines."], top=160),
        ]
        for n in (2, 3, 4)
    ]
    pages = [first, *later]
    for number, lines in enumerate(pages, 1):
        lines.append(Text(72, 40, HEADER, size=9))
        lines.append(Text(WIDTH / 2 - 20, HEIGHT - 30, f"Page {number} of {len(pages)}", size=9))
    return write_pdf(path, pages)


COLUMN_TEXT = [
    "held pieces of the picture",
    "separately and did not bring",
    "them together in time to",
    "protect the child at home.",
]
LEFT_LABELS, RIGHT_LABELS = ("(a)", "(b)", "(c)"), ("(d)", "(e)", "(f)")


def column_paragraph(label: str) -> str:
    """The text one labelled column paragraph should come out as."""
    return f"{label} Agencies " + " ".join(COLUMN_TEXT)


def two_column_pdf(path: Path) -> Path:
    """A full-width title over two columns of three paragraphs each, lines side by side."""
    lines = [Text(72, 80, "A title that runs across the whole page width", size=16)]
    for labels, x in ((LEFT_LABELS, 72), (RIGHT_LABELS, 320)):
        for i, label in enumerate(labels):
            lines += paragraph([f"{label} Agencies", *COLUMN_TEXT], top=130 + i * 100, x=x)
    return write_pdf(path, [lines])


def image_only_pdf(path: Path, pages: int = 2) -> Path:
    """Pages that carry a picture and no text, like a scan."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    picture = ImageReader(Image.new("RGB", (40, 40), "grey"))
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(pages):
        pdf.drawImage(picture, 72, 400, width=200, height=200)
        pdf.showPage()
    pdf.save()
    return path
