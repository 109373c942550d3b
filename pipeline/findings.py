"""Active content in a PDF, flagged and never run or extracted.

Every object the cross-reference tables list is looked at (object streams included, so
compressed dictionaries are seen too); only dictionary keys and action types are read.
Stream data is never decoded here, and embedded files are never written anywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pdfminer.psparser import PSLiteral

# PDF name -> finding, for keys present in a dictionary.
KEY_FINDINGS = {
    "JS": "javascript",
    "JavaScript": "javascript",
    "OpenAction": "open_action",
    "AA": "additional_actions",
    "Launch": "launch",
    "EmbeddedFiles": "embedded_files",
    "EmbeddedFile": "embedded_files",
}
# Action type (/S) or object type (/Type) -> finding.
NAME_FINDINGS = {
    "JavaScript": "javascript",
    "Launch": "launch",
}
MAX_DEPTH = 32  # nesting of direct dictionaries and arrays looked into
MAX_OBJECTS = 200_000  # a file that claims more objects is not scanned further


def active_content(document: Any) -> tuple[str, ...]:
    """Sorted findings of one pdfminer ``PDFDocument``; an unreadable object is skipped."""
    found: set[str] = set()
    for obj in _objects(document):
        for attrs in _dicts(getattr(obj, "attrs", obj)):
            found.update(KEY_FINDINGS[key] for key in attrs if key in KEY_FINDINGS)
            action, kind = _name(attrs.get("S")), _name(attrs.get("Type"))
            if action in NAME_FINDINGS:
                found.add(NAME_FINDINGS[action])
            if kind == "EmbeddedFile" or (kind == "Filespec" and "EF" in attrs):
                found.add("embedded_files")
    return tuple(sorted(found))


def _dicts(value: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """A dictionary and the dictionaries nested in it (not those it refers to)."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, dict):
        yield value
        children: Any = value.values()
    elif isinstance(value, list):
        children = value
    else:
        return
    for child in children:
        yield from _dicts(child, depth + 1)


def _objects(document: Any) -> Iterator[Any]:
    seen: set[int] = set()
    for xref in getattr(document, "xrefs", []):
        try:
            objids = list(xref.get_objids())
        except Exception:  # a broken xref table: scan what the others list
            continue
        for objid in objids:
            if objid in seen or len(seen) >= MAX_OBJECTS:
                continue
            seen.add(objid)
            try:
                yield document.getobj(objid)
            except Exception:  # a damaged object is not active content we can see
                continue


def _name(value: Any) -> str | None:
    if not isinstance(value, PSLiteral):
        return None
    name = value.name
    return name.decode("latin-1") if isinstance(name, bytes) else name
