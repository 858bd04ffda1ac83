"""A shapefile's parts checked against each other before GDAL reads it.

GDAL reads a truncated .shp or a .dbf with fewer records than the .shp without a word; these
checks catch that, a missing .shx or .dbf, and a .prj PROJ cannot read, naming the problem.
They also catch what GDAL would read wrong without a word: a .dbf header whose lengths do not
fit its field list, a .shx index that does not point at the .shp's records in order, and .shp
records that do not hold the file's shape type or the parts and points they declare
(geo.shapefile_records).
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyproj
from pyproj.exceptions import CRSError

from geo.errors import DataError
from geo.shapefile_records import SHAPE_TYPES, check_records

__all__ = ["check_shapefile", "check_zipped_shapefile"]

_SHAPE_FILE_CODE = 9994
_MAIN_HEADER = 100
_INDEX_RECORD = 8
_DBF_HEADER = 32
_DBF_DESCRIPTOR = 32
_DBF_HEADER_END = 0x0D
_DBF_BACKLINK = 263  # Visual FoxPro keeps a database path after the field list
_DBF_MAX_HEADER = 0xFFFF  # the header length is a 16-bit number
# Field types of dBASE III to Visual FoxPro; GDAL reads the others as text.
_DBF_FIELD_TYPES = frozenset(b"CNFLDMBGPYTIV@O+0WQ")


@dataclass(frozen=True)
class _Part:
    """What the checks need of one part: its size, its first bytes, and how to read it all."""

    size: int
    head: bytes
    open: Callable[[], AbstractContextManager[IO[bytes]]]


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
            return _Part(found.stat().st_size, handle.read(_MAIN_HEADER), lambda: found.open("rb"))

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
            head = handle.read(_MAIN_HEADER)
        return _Part(archive.getinfo(name).file_size, head, lambda: archive.open(name))

    prj = members.get(".prj")
    try:
        _check(part, archive.read(prj) if prj else None, label)
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise DataError(label, f"unreadable zip file: {error}") from error


def _check(part: Callable[[str], _Part | None], prj: bytes | None, label: str) -> None:
    shp, shx, dbf = part(".shp"), part(".shx"), part(".dbf")
    for suffix, found in ((".shx", shx), (".dbf", dbf)):
        if found is None:
            raise DataError(
                label, f"the {suffix} file is missing: a shapefile needs .shp, .shx and .dbf"
            )
    shape_type = _check_main_file(shp, ".shp", label)
    _check_main_file(shx, ".shx", label)
    if (shx.size - _MAIN_HEADER) % _INDEX_RECORD:
        raise DataError(
            label, "the .shx file is damaged: its size is not a whole number of index entries"
        )
    shapes = (shx.size - _MAIN_HEADER) // _INDEX_RECORD
    records = _check_dbf(dbf, label)
    if shapes != records:
        raise DataError(
            label,
            f"the .shp holds {shapes} shapes but the .dbf {records} records: "
            "the parts do not belong together or one is damaged",
        )
    with shx.open() as handle:
        index = handle.read(shx.size)
    check_records(shape_type, shp.size, shp.open, index, label)
    if prj is not None:
        _check_prj(prj, label)


def _check_main_file(part: _Part, suffix: str, label: str) -> int:
    """The shape type a .shp or .shx header gives, after checking the header and the size."""
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
    shape_type = struct.unpack("<i", part.head[32:36])[0]
    if suffix == ".shp" and shape_type not in SHAPE_TYPES:  # GDAL reads the .shp's alone
        raise DataError(label, f"the .shp file has an unknown shape type {shape_type}")
    return shape_type


def _check_dbf(part: _Part, label: str) -> int:
    """The .dbf's record count, after checking its header against its field list and size."""
    if part.size < _DBF_HEADER or len(part.head) < 12:
        raise DataError(label, "the .dbf file is too short to be a dBASE table")
    records, header, record = struct.unpack("<IHH", part.head[4:12])
    with part.open() as handle:
        start = handle.read(min(part.size, _DBF_MAX_HEADER + _DBF_DESCRIPTOR))
    end = next(
        (
            at
            for at in range(_DBF_HEADER, len(start), _DBF_DESCRIPTOR)
            if start[at] == _DBF_HEADER_END
        ),
        None,
    )
    if end is None:
        raise DataError(label, "the .dbf header is damaged: its field list has no end mark")
    fields = (end - _DBF_HEADER) // _DBF_DESCRIPTOR
    if header not in (end + 1, end + 1 + _DBF_BACKLINK):
        raise DataError(
            label,
            f"the .dbf header is damaged: it says the header is {header} bytes, "
            f"but its {fields} field descriptions end at byte {end + 1}",
        )
    widths = 0
    for number in range(1, fields + 1):
        descriptor = start[_DBF_HEADER + (number - 1) * _DBF_DESCRIPTOR :][:_DBF_DESCRIPTOR]
        kind, width = descriptor[11], descriptor[16]
        if kind not in _DBF_FIELD_TYPES:
            raise DataError(
                label,
                f"the .dbf header is damaged: field {number}{_field_name(descriptor)} "
                f"has an unknown type {_type_name(kind)}",
            )
        if width == 0:
            raise DataError(
                label,
                f"the .dbf header is damaged: field {number}{_field_name(descriptor)} has width 0",
            )
        widths += width
    if record != 1 + widths:
        raise DataError(
            label,
            f"the .dbf header is damaged: it says each record is {record} bytes, "
            f"but its {fields} fields take {1 + widths} (with the deletion flag)",
        )
    expected = header + records * record
    if part.size < expected:
        raise DataError(
            label,
            f"the .dbf file is truncated: {records} records need {expected} bytes, "
            f"the file has {part.size}",
        )
    return records


def _field_name(descriptor: bytes) -> str:
    """("NAME") for a message when the field's name is plain printable ASCII, else nothing."""
    name = descriptor[:11].split(b"\x00", 1)[0]
    if name and name.isascii() and name.decode("ascii").isprintable():
        return f" ({name.decode('ascii')!r})"
    return ""


def _type_name(kind: int) -> str:
    return repr(chr(kind)) if 0x20 < kind < 0x7F else f"0x{kind:02X}"


def _check_prj(prj: bytes, label: str) -> None:
    text = prj.decode("utf-8", errors="replace").strip()
    if not text:
        return
    try:
        pyproj.CRS.from_wkt(text)
    except CRSError as error:
        raise DataError(label, f"the .prj file cannot be read by PROJ ({error})") from error
