"""GeoPackage geometry blobs (OGC 12-128r18 §2.1.3): a small header, then ISO WKB."""

from __future__ import annotations

import struct
from collections.abc import Sequence

import numpy as np
import shapely

__all__ = ["from_blobs", "to_blobs"]

_WGS84 = 4326
# Magic "GP", version 0, flags: little-endian header, no envelope (bit 0 set; bits 1-3 zero).
_HEADER = struct.pack("<2sBBi", b"GP", 0, 0b0000_0001, _WGS84)
# Envelope code (flags bits 1-3) → bytes of envelope after the 8-byte header.
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def to_blobs(geometries: Sequence[shapely.Geometry | None]) -> list[bytes | None]:
    """Each shape as a GeoPackage blob in EPSG:4326 (None stays None)."""
    array = np.asarray(geometries, dtype=object)
    wkb = shapely.to_wkb(array, byte_order=1, flavor="iso")
    return [None if w is None else _HEADER + w for w in wkb]


def from_blobs(blobs: Sequence[bytes | None]) -> np.ndarray:
    """Shapes from GeoPackage blobs, whoever wrote them (with or without an envelope)."""
    wkb = [None if blob is None else bytes(blob[_header_length(blob) :]) for blob in blobs]
    return shapely.from_wkb(np.asarray(wkb, dtype=object))


def _header_length(blob: bytes) -> int:
    if blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry blob")
    flags = blob[3]
    envelope = _ENVELOPE_BYTES.get((flags >> 1) & 0b111)
    if envelope is None:
        raise ValueError("GeoPackage blob with an unknown envelope code")
    return 8 + envelope
