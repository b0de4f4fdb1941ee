"""Real PNG images without an imaging library: the Looker emulator's "rendered" charts."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence

Color = tuple[int, int, int]

_BACKGROUND: Color = (255, 255, 255)
_AXIS: Color = (90, 90, 90)
_PALETTE: tuple[Color, ...] = ((100, 81, 138), (58, 134, 200), (230, 145, 56), (76, 175, 80))


def encode_png(width: int, height: int, rows: Sequence[bytes]) -> bytes:
    """A truecolor PNG from ``height`` rows of ``width * 3`` RGB bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + row for row in rows)  # filter type 0 on every row
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )


def bar_chart(values: Sequence[float], *, width: int = 480, height: int = 270) -> bytes:
    """A bar chart of ``values`` as PNG bytes (an axis and one colored bar per value)."""
    width, height = max(width, 16), max(height, 16)
    pixels = [bytearray(bytes(_BACKGROUND) * width) for _ in range(height)]
    margin = 8
    for y in range(margin, height - margin):
        pixels[y][margin * 3 : margin * 3 + 3] = bytes(_AXIS)
    for x in range(margin, width - margin):
        pixels[height - margin - 1][x * 3 : x * 3 + 3] = bytes(_AXIS)
    top = max((v for v in values if v > 0), default=1.0)
    count = max(len(values), 1)
    slot = (width - 2 * margin - 4) / count
    for index, value in enumerate(values):
        bar_height = int((height - 2 * margin - 4) * max(value, 0) / top)
        left = int(margin + 4 + index * slot + slot * 0.15)
        right = int(margin + 4 + (index + 1) * slot - slot * 0.15)
        color = bytes(_PALETTE[index % len(_PALETTE)])
        for y in range(height - margin - 1 - bar_height, height - margin - 1):
            row = pixels[y]
            for x in range(left, max(right, left + 1)):
                row[x * 3 : x * 3 + 3] = color
    return encode_png(width, height, [bytes(row) for row in pixels])
