"""Encoded polylines (Google's algorithm): coordinates as compact text, decoded in the browser."""

from __future__ import annotations

import numpy as np

__all__ = ["decode_polyline", "encode_polyline"]

_CHUNK_BITS = 5
_CHUNK_MASK = 0x1F
_CONTINUE = 0x20
_OFFSET = 63


def encode_polyline(coords: np.ndarray, precision: int) -> str:
    """(N, 2) lon/lat pairs → text; each value is the zigzag varint of its delta, lat first."""
    if len(coords) == 0:
        return ""
    scaled = np.round(np.asarray(coords, dtype=float)[:, ::-1] * 10**precision).astype(np.int64)
    deltas = np.diff(scaled, axis=0, prepend=np.zeros((1, 2), dtype=np.int64)).ravel()
    zigzag = (deltas << 1) ^ (deltas >> 63)
    return "".join(_encode_value(int(value)) for value in zigzag)


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


def _encode_value(value: int) -> str:
    chars = []
    while value >= _CONTINUE:
        chars.append(chr(((value & _CHUNK_MASK) | _CONTINUE) + _OFFSET))
        value >>= _CHUNK_BITS
    chars.append(chr(value + _OFFSET))
    return "".join(chars)
