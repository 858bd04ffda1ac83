"""Encoded polylines (Google's algorithm): coordinates as compact text, decoded in the browser.

Encoding is whole-array numpy: coordinates are quantised once, delta-coded per line, and every
value's 5-bit chunks are laid out in one byte matrix, so no Python code runs per vertex.
"""

from __future__ import annotations

import numpy as np

__all__ = ["decode_polyline", "encode_polyline", "encode_polylines", "quantise"]

_CHUNK_BITS = 5
_CHUNK_MASK = 0x1F
_CONTINUE = 0x20
_OFFSET = 63
_BLOCK = 1 << 16  # values encoded together


def quantise(coords: np.ndarray, precision: int) -> np.ndarray:
    """(N, 2) lon/lat → (N, 2) int64 lat/lon in units of 10**-precision degrees (the encoded grid)."""
    scaled = np.asarray(coords, dtype=float).reshape(-1, 2)[:, ::-1] * 10**precision
    return np.round(scaled).astype(np.int64)


def encode_polyline(coords: np.ndarray, precision: int) -> str:
    """(N, 2) lon/lat pairs → text; each value is the zigzag varint of its delta, lat first."""
    scaled = quantise(coords, precision)
    deltas = np.diff(scaled, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    return _encode_values(_zigzag(deltas.ravel()))


def encode_polylines(coords: np.ndarray, counts: np.ndarray, precision: int) -> list[str]:
    """One text per line: `coords` (N, 2) lon/lat holds the lines one after another, line i
    having `counts[i]` vertices. Each text equals `encode_polyline` of its own vertices."""
    counts = np.asarray(counts, dtype=np.int64)
    scaled = quantise(coords, precision)
    deltas = np.diff(scaled, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    firsts = (np.cumsum(counts) - counts)[counts > 0]
    deltas[firsts] = scaled[firsts]  # each line starts again from zero
    zigzag = _zigzag(deltas.ravel())
    text = _encode_values(zigzag)
    # Characters up to each vertex; a line's text runs from its first vertex to its last.
    sizes = np.ones(len(zigzag), dtype=np.int64)
    for k in range(1, 8):
        sizes += zigzag >= 1 << (_CHUNK_BITS * k)
    upto = np.concatenate([[0], np.cumsum(sizes.reshape(-1, 2).sum(axis=1))])
    ends = np.cumsum(counts)
    return [
        text[a:b] for a, b in zip(upto[ends - counts].tolist(), upto[ends].tolist(), strict=True)
    ]


def _zigzag(values: np.ndarray) -> np.ndarray:
    return (values << 1) ^ (values >> 63)


def _encode_values(zigzag: np.ndarray) -> str:
    """Zigzagged values as one text of 5-bit varints, a block of values at a time: a block is
    as many chunks wide as its largest value needs, so the large first values of a line widen
    only their own block."""
    return "".join(
        _encode_block(zigzag[start : start + _BLOCK]) for start in range(0, len(zigzag), _BLOCK)
    )


def _encode_block(zigzag: np.ndarray) -> str:
    largest = int(zigzag.max())
    dtype = np.uint32 if largest < 2**32 else np.uint64
    width = max(1, -(-largest.bit_length() // _CHUNK_BITS))
    # One row per value, its chunks least significant first; unused chunks are masked out.
    rest = zigzag.astype(dtype)[:, None] >> (np.arange(width) * _CHUNK_BITS).astype(dtype)
    used = rest > 0
    used[:, 0] = True
    chunks = (rest & dtype(_CHUNK_MASK)).astype(np.uint8)
    # Every used chunk but the last of its value carries the continuation bit.
    chunks[:, :-1] |= used[:, 1:] * np.uint8(_CONTINUE)
    chunks += _OFFSET
    return chunks[used].tobytes().decode("ascii")


def decode_polyline(text: str, precision: int) -> np.ndarray:
    """The inverse of `encode_polyline` (used by the tests; the browser has its own)."""
    values = []
    current = shift = 0
    for char in text:
        chunk = ord(char) - _OFFSET
        current |= (chunk & _CHUNK_MASK) << shift
        shift += _CHUNK_BITS
        if not chunk & _CONTINUE:
            values.append((current >> 1) ^ -(current & 1))
            current = shift = 0
    latlon = np.cumsum(np.array(values, dtype=np.int64).reshape(-1, 2), axis=0) / 10**precision
    return latlon[:, ::-1]
