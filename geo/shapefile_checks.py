"""A shapefile's parts checked against each other before GDAL reads it.

GDAL reads a truncated .shp or a .dbf with fewer records than the .shp without a word; these
checks catch that, a missing .shx or .dbf, and a .prj PROJ cannot read, naming the problem.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyproj
from pyproj.exceptions import CRSError

from geo.errors import DataError

__all__ = ["check_shapefile", "check_zipped_shapefile"]

_SHAPE_FILE_CODE = 9994
_MAIN_HEADER = 100
_INDEX_RECORD = 8


@dataclass(frozen=True)
class _Part:
    """What the checks need of one part: its size and its first bytes."""

    size: int
    head: bytes


def check_shapefile(shp: Path, label: str) -> None:
    """Check the .shp next to its .shx, .dbf and .prj on disk; DataError naming a problem."""

    def sibling(suffix: str) -> Path | None:
        return next(
            (p for p in shp.parent.iterdir() if p.stem == shp.stem and p.suffix.lower() == suffix),
            None,
        )

    def part(suffix: str) -> _Part | None:
        found = sibling(suffix)
        if found is None:
            return None
        with found.open("rb") as handle:
            return _Part(found.stat().st_size, handle.read(_MAIN_HEADER))

    prj = sibling(".prj")
    _check(part, prj.read_bytes() if prj else None, label)


def check_zipped_shapefile(archive: zipfile.ZipFile, shp: str, label: str) -> None:
    """The same checks for a shapefile whose parts are members of a zip."""
    stem = shp[: -len(".shp")]
    members = {
        name[len(stem) :].lower(): name
        for name in archive.namelist()
        if name[: len(stem)] == stem and name[len(stem) :].startswith(".")
    }

    def part(suffix: str) -> _Part | None:
        name = members.get(suffix)
        if name is None:
            return None
        with archive.open(name) as handle:
            return _Part(archive.getinfo(name).file_size, handle.read(_MAIN_HEADER))

    prj = members.get(".prj")
    _check(part, archive.read(prj) if prj else None, label)


def _check(part: Callable[[str], _Part | None], prj: bytes | None, label: str) -> None:
    shp, shx, dbf = part(".shp"), part(".shx"), part(".dbf")
    for suffix, found in ((".shx", shx), (".dbf", dbf)):
        if found is None:
            raise DataError(
                label, f"the {suffix} file is missing: a shapefile needs .shp, .shx and .dbf"
            )
    _check_main_file(shp, ".shp", label)
    _check_main_file(shx, ".shx", label)
    shapes = (shx.size - _MAIN_HEADER) // _INDEX_RECORD
    records = _dbf_records(dbf, label)
    if shapes != records:
        raise DataError(
            label,
            f"the .shp holds {shapes} shapes but the .dbf {records} records: "
            "the parts do not belong together or one is damaged",
        )
    if prj is not None:
        _check_prj(prj, label)


def _check_main_file(part: _Part, suffix: str, label: str) -> None:
    if part.size < _MAIN_HEADER or len(part.head) < _MAIN_HEADER:
        raise DataError(label, f"the {suffix} file is too short to be a shapefile part")
    code, words = struct.unpack(">i", part.head[:4])[0], struct.unpack(">i", part.head[24:28])[0]
    if code != _SHAPE_FILE_CODE:
        raise DataError(label, f"the {suffix} file is not a shapefile part (bad header)")
    if words * 2 != part.size:
        raise DataError(
            label,
            f"the {suffix} file is truncated or damaged: its header says {words * 2} bytes, "
            f"the file has {part.size}",
        )


def _dbf_records(part: _Part, label: str) -> int:
    if len(part.head) < 12:
        raise DataError(label, "the .dbf file is too short to be a dBASE table")
    records, header, record = struct.unpack("<IHH", part.head[4:12])
    expected = header + records * record
    if part.size < expected:
        raise DataError(
            label,
            f"the .dbf file is truncated: {records} records need {expected} bytes, "
            f"the file has {part.size}",
        )
    return records


def _check_prj(prj: bytes, label: str) -> None:
    text = prj.decode("utf-8", errors="replace").strip()
    if not text:
        return
    try:
        pyproj.CRS.from_wkt(text)
    except CRSError as error:
        raise DataError(label, f"the .prj file cannot be read by PROJ ({error})") from error
