"""A cap on how large one Flate stream may decompress to (pdfminer has none).

pdfminer.six decodes ``/FlateDecode`` streams with a bare ``zlib.decompress(data)``: a
few kilobytes of nested Flate can expand to gigabytes (a decompression bomb). This swaps
the ``zlib`` that ``pdfminer.pdftypes`` sees for one whose ``decompress`` stops at the cap
and raises ``StreamTooLarge``. The rest of zlib is unchanged. It is process-wide, like
pdfminer's own settings; the parsing worker installs it once at start.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Iterator
from typing import Any


class StreamTooLarge(Exception):
    """A stream decompresses to more bytes than the cap allows."""


class CappedZlib:
    """The parts of the ``zlib`` module pdfminer uses, with a capped ``decompress``."""

    error = zlib.error
    MAX_WBITS = zlib.MAX_WBITS

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes

    def decompressobj(self, *args: Any, **kwargs: Any) -> Any:
        return zlib.decompressobj(*args, **kwargs)

    def decompress(self, data: bytes, *args: Any, **kwargs: Any) -> bytes:
        inflater = zlib.decompressobj(*args, **kwargs)
        out = inflater.decompress(data, self.max_bytes + 1)
        if len(out) > self.max_bytes:
            raise StreamTooLarge(f"a stream decompresses past {self.max_bytes // 2**20} MiB")
        if not inflater.eof:
            raise zlib.error("incomplete or truncated stream")
        return out

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)


def install_stream_cap(max_bytes: int | None) -> None:
    """Cap every Flate stream pdfminer decodes in this process; None removes the cap."""
    from pdfminer import pdftypes

    pdftypes.zlib = CappedZlib(max_bytes) if max_bytes else zlib  # type: ignore[assignment]


MAX_STREAMS_CHECKED = 200_000  # as findings.MAX_OBJECTS


def streams_to_check(document: Any, pages: list[Any]) -> Iterator[tuple[str, Any]]:
    """("page N: " or "", stream) for every stream but images, pages' contents first.

    Decoding them all with pdfminer, under the cap, before PDFium reads the file makes a
    decompression bomb end as ``oom``: PDFium has no cap of its own, and a failed
    allocation aborts the whole process.
    """
    from pdfminer.pdfexceptions import PDFException
    from pdfminer.pdftypes import resolve1
    from pdfminer.psexceptions import PSException

    for page in pages:
        for stream in page.page_obj.contents:
            with contextlib.suppress(PDFException, PSException, ValueError, TypeError):
                stream = resolve1(stream)
            if _is_checked(stream):
                yield f"page {page.page_number}: ", stream
    seen: set[int] = set()
    for xref in document.xrefs:
        with contextlib.suppress(Exception):
            seen.update(xref.get_objids())
    for objid in sorted(seen)[:MAX_STREAMS_CHECKED]:
        try:
            obj = document.getobj(objid)
        except MemoryError:
            raise
        except Exception:  # a damaged object is PDFium's to judge
            continue
        if _is_checked(obj):
            yield "", obj


def inflate(stream: Any) -> None:
    """Decode one stream; ``StreamTooLarge`` and ``MemoryError`` propagate, damage does not."""
    try:
        stream.get_data()
    except (StreamTooLarge, MemoryError):
        raise
    except Exception:  # a damaged stream is PDFium's to judge
        pass


def _is_checked(obj: Any) -> bool:
    from pdfminer.pdftypes import PDFStream
    from pdfminer.psparser import LIT

    return isinstance(obj, PDFStream) and obj.get("Subtype") is not LIT("Image")
