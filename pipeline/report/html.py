"""A self-contained HTML page: inline CSS, images as data URIs, no scripts, no links out.

Every piece of text passes through ``html.escape`` here; callers hand over plain text.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 2em auto; max-width: 1100px;
  color: #222; line-height: 1.45; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 2em; }
h3 { font-size: 1.05em; margin-bottom: 0.3em; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
th, td { border: 1px solid #d0d0d0; padding: 0.25em 0.6em; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f2f2f2; }
img { max-width: 100%; height: auto; display: block; margin: 0.6em 0; }
.note { color: #555; font-size: 0.92em; }
.notice { background: #fff8dc; border: 1px solid #e8d9a0; padding: 0.5em 0.8em; }
blockquote { margin: 0.4em 0 0.8em 0; padding: 0.3em 0.8em; border-left: 3px solid #bbb;
  background: #fafafa; }
blockquote cite { display: block; color: #555; font-size: 0.88em; font-style: normal; }
"""


def render_page(title: str, body: Iterable[str]) -> str:
    """The whole document around already-rendered body fragments."""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            f"<title>{html.escape(title)}</title>",
            f"<style>{CSS}</style>",
            "</head>",
            "<body>",
            f"<h1>{html.escape(title)}</h1>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )


def section(title: str, parts: Iterable[str], section_id: str) -> str:
    """A titled section of rendered fragments."""
    inner = "\n".join(parts)
    opening = f'<section id="{html.escape(section_id)}">'
    return f"{opening}\n<h2>{html.escape(title)}</h2>\n{inner}\n</section>"


def heading(text: str) -> str:
    return f"<h3>{html.escape(text)}</h3>"


def paragraph(text: str, css_class: str | None = None) -> str:
    attribute = f' class="{html.escape(css_class)}"' if css_class else ""
    return f"<p{attribute}>{html.escape(text)}</p>"


def image(png_base64: str, alt: str, image_id: str) -> str:
    """An embedded PNG (a ``data:`` URI, so nothing is fetched)."""
    return (
        f'<img id="{html.escape(image_id)}" alt="{html.escape(alt)}" '
        f'src="data:image/png;base64,{png_base64}">'
    )


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], numeric: set[int]) -> str:
    """A table of plain values; columns whose index is in ``numeric`` align right."""

    def cell(tag: str, index: int, value: object) -> str:
        align = ' class="num"' if index in numeric else ""
        return f"<{tag}{align}>{html.escape(str(value))}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(headers))
    body = ["<tr>" + "".join(cell("td", i, v) for i, v in enumerate(row)) + "</tr>" for row in rows]
    return "\n".join(
        ["<table>", f"<thead><tr>{head}</tr></thead>", "<tbody>", *body, "</tbody>", "</table>"]
    )


def quote(text: str, source: str) -> str:
    """An evidence sentence with where it comes from."""
    return f"<blockquote>{html.escape(text)}<cite>{html.escape(source)}</cite></blockquote>"
