"""A shapefile's records checked against its index and its own header, vectorised with numpy.

GDAL finds each shape through the .shx and believes what it finds: swapped index entries pair
attributes with the wrong shapes, and a record whose shape type or part and point counts do
not fit is read as an empty geometry.  Here every index entry must point, in order and inside
the .shp, at the header of record i+1 with the same length, and every record must hold the
file's shape type (or Null) and the parts and points it declares.  The .shp is read once, as a
stream (it may be a zip member), a few megabytes at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import IO

import numpy as np

from geo.errors import DataError

__all__ = ["check_records"]

_MAIN_HEADER = 100
_RECORD_HEADER = 8
_CHUNK_BYTES = 4 * 1024 * 1024
_LISTED = 10  # record numbers named in a message at most

_NULL = 0
_POINT_TYPES = {1: "points", 11: "points (Z)", 21: "points (M)"}
_MULTIPOINT_TYPES = {8: "multipoints", 18: "multipoints (Z)", 28: "multipoints (M)"}
_PART_TYPES = {
    3: "lines",
    13: "lines (Z)",
    23: "lines (M)",
    5: "polygons",
    15: "polygons (Z)",
    25: "polygons (M)",
    31: "multipatches",
}
SHAPE_TYPES = {_NULL: "null shapes", **_POINT_TYPES, **_MULTIPOINT_TYPES, **_PART_TYPES}
_Z_TYPES = {11, 13, 15, 18, 31}
_MULTIPATCH = 31
# What the checks read of each record: its header, shape type, box, and part and point counts.
_HEAD_BYTES = _RECORD_HEADER + 44
# shapelib's limits: a record declaring more is read as no geometry at all.
_MAX_PARTS = 10_000_000
_MAX_POINTS = 50_000_000
_PARTS_AT_ONCE = 1 << 20


def check_records(
    shape_type: int,
    shp_size: int,
    open_shp: Callable[[], AbstractContextManager[IO[bytes]]],
    index: bytes,
    label: str,
) -> None:
    """DataError naming the first records the .shx and .shp disagree on, or damaged records."""
    entries = np.frombuffer(index, dtype=">i4", offset=_MAIN_HEADER).reshape(-1, 2)
    if len(entries) == 0:
        return
    offsets = entries[:, 0].astype(np.int64) * 2
    lengths = entries[:, 1].astype(np.int64) * 2  # content bytes, after the record header
    _check_index(offsets, lengths, shp_size, label)
    heads, parts_ok = _read_records(open_shp, offsets, lengths, shape_type)
    _check_headers(heads, lengths, label)
    _check_contents(heads, lengths, parts_ok, shape_type, label)


def _check_index(offsets: np.ndarray, lengths: np.ndarray, shp_size: int, label: str) -> None:
    """Index entries in order, not overlapping, and inside the .shp."""
    ends = offsets + _RECORD_HEADER + lengths
    previous_end = np.concatenate(([_MAIN_HEADER], ends[:-1]))
    problems = (
        (offsets < _MAIN_HEADER, "it points into the .shp header"),
        (lengths < 4, "its length is too short to hold a shape type"),
        (offsets < previous_end, "it starts before record {previous} ends"),
        (ends > shp_size, "it points past the end of the .shp"),
    )
    _refuse_first(problems, {"previous": np.arange(len(offsets))}, label)


def _check_headers(heads: np.ndarray, lengths: np.ndarray, label: str) -> None:
    """Each indexed record's header numbers it i+1 and gives the index's length."""
    numbers = _int32(heads, 0, ">i4")
    stored = _int32(heads, 4, ">i4") * 2
    problems = (
        (numbers != np.arange(1, len(heads) + 1), "the .shp holds record {number} there"),
        (stored != lengths, "the .shp gives it {stored} bytes, the .shx {indexed}"),
    )
    _refuse_first(problems, {"number": numbers, "stored": stored, "indexed": lengths}, label)


def _refuse_first(
    problems: tuple[tuple[np.ndarray, str], ...], details: dict[str, np.ndarray], label: str
) -> None:
    """DataError for the lowest record any problem touches, with its first problem there."""
    firsts = [(int(np.argmax(mask)), why) for mask, why in problems if mask.any()]
    if not firsts:
        return
    index, why = min(firsts, key=lambda found: found[0])
    why = why.format(**{name: int(values[index]) for name, values in details.items()})
    affected = int(np.logical_or.reduce([mask for mask, _ in problems]).sum())
    if affected > 1:
        why += f"; {affected} records affected"
    raise DataError(
        label, f"the .shx index does not match the .shp records (record {index + 1}: {why})"
    )


def _check_contents(
    heads: np.ndarray, lengths: np.ndarray, parts_ok: np.ndarray, shape_type: int, label: str
) -> None:
    """Each record holds the file's shape type or Null, and room for what it declares."""
    types = _int32(heads, 8)
    parts, points = _int32(heads, 44), _int32(heads, 48)
    need, counts_bad = _needed_bytes(shape_type, parts, points)
    shaped = types != _NULL
    wrong_type = shaped & (types != shape_type)
    counts_bad &= shaped & ~wrong_type
    short = shaped & ~wrong_type & ~counts_bad & (need > lengths)
    bad_parts = shaped & ~wrong_type & ~counts_bad & ~short & ~parts_ok
    damaged = np.flatnonzero(wrong_type | counts_bad | short | bad_parts)
    if len(damaged) == 0:
        return

    i = int(damaged[0])
    if shape_type in _MULTIPOINT_TYPES:
        declared = _count(parts[i], "point")  # a multipoint's point count is where parts are
    elif shape_type in _PART_TYPES:
        declared = f"{_count(parts[i], 'part')} and {_count(points[i], 'point')}"
    else:
        declared = "a point"
    if wrong_type[i]:
        kind = SHAPE_TYPES.get(int(types[i]), "unknown")
        file_kind = SHAPE_TYPES.get(shape_type, str(shape_type))
        why = f"its shape type is {types[i]} ({kind}) in a file of {file_kind}"
    elif counts_bad[i]:
        why = f"it declares {declared}, more than any reader accepts"
    elif short[i]:
        why = f"it declares {declared}, which need {need[i]} bytes, but holds {lengths[i]}"
    else:
        why = "its parts do not start at increasing points inside the shape"
    if len(damaged) == 1:
        raise DataError(label, f"record {i + 1} of the .shp is damaged: {why}")
    raise DataError(
        label, f"records {_numbers(damaged)} of the .shp are damaged (record {i + 1}: {why})"
    )


def _needed_bytes(
    shape_type: int, parts: np.ndarray, points: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The content bytes each record needs for what it declares, and impossible counts.

    `parts` holds a multipoint's point count (it sits where other shapes keep their parts).
    The sizes are shapelib's: Z values are required of Z types, M values never.
    """
    z = shape_type in _Z_TYPES
    if shape_type in _POINT_TYPES:
        need = np.full(len(parts), 28 if z else 20, dtype=np.int64)
        return need, np.zeros(len(parts), dtype=bool)
    if shape_type in _MULTIPOINT_TYPES:
        need = 40 + 16 * parts + (16 + 8 * parts if z else 0)
        return need, (parts < 0) | (parts > _MAX_POINTS)
    if shape_type in _PART_TYPES:
        need = 44 + 4 * parts + 16 * points + (16 + 8 * points if z else 0)
        if shape_type == _MULTIPATCH:
            need = need + 4 * parts
        return need, (parts < 0) | (points < 0) | (parts > _MAX_PARTS) | (points > _MAX_POINTS)
    return np.full(len(parts), 4, dtype=np.int64), np.zeros(len(parts), dtype=bool)


def _read_records(
    open_shp: Callable[[], AbstractContextManager[IO[bytes]]],
    offsets: np.ndarray,
    lengths: np.ndarray,
    shape_type: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Each record's first bytes (zeros past its end), and whether its part starts are sound.

    Records are in order and do not overlap (checked before), so the .shp is read front to
    back once; records are looked at in batches, when all of them are in hand.
    """
    count = len(offsets)
    heads = np.zeros((count, _HEAD_BYTES), dtype=np.uint8)
    parts_ok = np.ones(count, dtype=bool)
    ends = offsets + _RECORD_HEADER + lengths
    columns = np.arange(_HEAD_BYTES)
    pending: list[bytes] = []
    pending_bytes = 0
    start = 0  # where in the .shp the pending bytes begin
    done = 0
    with open_shp() as stream:
        while done < count:
            chunk = stream.read(_CHUNK_BYTES)
            if not chunk:
                break  # a .shp shorter than its size: the records left read as number 0
            pending.append(chunk)
            pending_bytes += len(chunk)
            ready = int(np.searchsorted(ends, start + pending_bytes, side="right"))
            if ready == done:
                continue
            data = b"".join(pending)
            buffer = np.frombuffer(data + bytes(_HEAD_BYTES), dtype=np.uint8)
            batch = slice(done, ready)
            at = offsets[batch] - start
            taken = buffer[at[:, None] + columns]
            taken[columns >= np.minimum(lengths[batch] + _RECORD_HEADER, _HEAD_BYTES)[:, None]] = 0
            heads[batch] = taken
            if shape_type in _PART_TYPES:
                parts_ok[batch] = _part_starts_sound(data, at, lengths[batch], taken)
            done = ready
            keep = min(int(offsets[done]) - start, len(data)) if done < count else len(data)
            rest = data[keep:]
            pending, pending_bytes, start = ([rest] if rest else []), len(rest), start + keep
    return heads, parts_ok


def _part_starts_sound(
    data: bytes, at: np.ndarray, lengths: np.ndarray, heads: np.ndarray
) -> np.ndarray:
    """Per record: its part starts are increasing, at least 0 and below its point count.

    Only records whose declared parts fit inside them are looked at; the others are refused
    for that before this answer matters.  At most about _PARTS_AT_ONCE starts are looked at
    together, so a record declaring millions of parts costs no more memory than its bytes.
    """
    sound = np.ones(len(at), dtype=bool)
    parts, points = _int32(heads, 44), _int32(heads, 48)
    fits = (_int32(heads, 8) != _NULL) & (parts > 0) & (parts <= _MAX_PARTS)
    chosen = np.flatnonzero(fits & (44 + 4 * parts <= lengths))
    if len(chosen) == 0:
        return sound
    # The int32s of `data` read from each of the four byte alignments, without copying.
    aligned = {
        shift: np.frombuffer(data, dtype="<i4", offset=shift, count=(len(data) - shift) // 4)
        for shift in range(4)
    }
    counts = parts[chosen]
    groups = (np.cumsum(counts) - counts) // _PARTS_AT_ONCE
    for members in np.split(np.arange(len(chosen)), np.flatnonzero(np.diff(groups)) + 1):
        records, sizes = chosen[members], counts[members]
        which = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        positions = np.repeat(at[records] + _HEAD_BYTES, sizes) + 4 * which
        starts = np.empty(len(positions), dtype=np.int64)
        for shift, view in aligned.items():
            here = positions % 4 == shift
            starts[here] = view[(positions[here] - shift) // 4]
        vertices = np.repeat(points[records], sizes)
        bad = (starts < 0) | ((starts >= vertices) & (vertices > 0))
        bad[1:] |= (which[1:] > 0) & (starts[1:] <= starts[:-1])
        sound[records[np.unique(np.repeat(np.arange(len(records)), sizes)[bad])]] = False
    return sound


def _int32(heads: np.ndarray, at: int, dtype: str = "<i4") -> np.ndarray:
    """The 32-bit integers at byte `at` of every record's head, as int64."""
    return heads[:, at : at + 4].copy().view(dtype)[:, 0].astype(np.int64)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _numbers(indices: np.ndarray) -> str:
    listed = ", ".join(str(int(i) + 1) for i in indices[:_LISTED])
    return listed + (f" … ({len(indices)} in all)" if len(indices) > _LISTED else "")
