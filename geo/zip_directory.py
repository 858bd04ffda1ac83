"""A zip's central directory judged from its end record, before zipfile parses it.

`zipfile.ZipFile` reads and parses every directory entry before anything can be judged, so a
forged or huge directory costs minutes and gigabytes.  `read_directory` finds the End Of Central
Directory record (and the ZIP64 one) in the file's last 64 KiB + 22 bytes exactly as zipfile
does; `count_entries` walks the directory's fixed-size headers, stopping past a limit.  Both
cost bounded time and memory whatever the file declares.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import BinaryIO

__all__ = ["Directory", "ZipDirectoryError", "count_entries", "read_directory"]

_EOCD = struct.Struct("<4s4H2LH")  # signature, disks, entries (disk, total), size, offset, comment
_EOCD_SIGNATURE = b"PK\x05\x06"
_LOCATOR = struct.Struct("<4sLQL")  # ZIP64 locator: signature, disk, record offset, disks
_LOCATOR_SIGNATURE = b"PK\x06\x07"
_EOCD64 = struct.Struct("<4sQ2H2L4Q")  # ZIP64 record: ..., entries (disk, total), size, offset
_EOCD64_SIGNATURE = b"PK\x06\x06"
_HEADER = struct.Struct("<4s24x3H12x")  # a directory entry: signature, name/extra/comment lengths
_HEADER_SIGNATURE = b"PK\x01\x02"
_MAX_ENTRY_BYTES = _HEADER.size + 3 * 0xFFFF  # the fixed header and three 16-bit-long fields
_TAIL_BYTES = (1 << 16) + _EOCD.size  # the longest comment and the record itself


class ZipDirectoryError(ValueError):
    """The file has no usable zip directory; the message says why, in a few words."""


@dataclass(frozen=True)
class Directory:
    """Where the central directory lies and how many entries it declares."""

    entries: int
    start: int
    size: int


def read_directory(handle: BinaryIO) -> Directory:
    """The directory as its end record declares it (ZipDirectoryError if none or impossible)."""
    handle.seek(0, 2)
    file_size = handle.tell()
    tail_start = max(file_size - _TAIL_BYTES, 0)
    handle.seek(tail_start)
    tail = handle.read()
    at = _end_record_at(tail)
    if at is None:
        raise ZipDirectoryError("no end-of-directory record (truncated, or not a zip)")
    position = tail_start + at
    _, _, _, _, entries, size, _, _ = _EOCD.unpack_from(tail, at)
    zip64 = _zip64_record(handle, position)
    if zip64 is not None:
        entries, size = zip64
        position -= _EOCD64.size + _LOCATOR.size
    # zipfile reads the directory from here: what precedes the end record (ZIP64's included).
    start = position - size
    if start < 0 or size > entries * _MAX_ENTRY_BYTES:
        raise ZipDirectoryError(f"its directory declares an impossible size ({size:,} bytes)")
    return Directory(entries=entries, start=start, size=size)


def _end_record_at(tail: bytes) -> int | None:
    """Where zipfile finds the end record in the file's tail: the very end, else the last one."""
    last = len(tail) - _EOCD.size
    if last >= 0 and tail[last : last + 4] == _EOCD_SIGNATURE and tail[-2:] == b"\0\0":
        return last
    at = tail.rfind(_EOCD_SIGNATURE)
    return at if 0 <= at <= last else None


def _zip64_record(handle: BinaryIO, position: int) -> tuple[int, int] | None:
    """Entries and directory size of the ZIP64 record before the end record, if there is one."""
    if position < _LOCATOR.size:
        return None
    handle.seek(position - _LOCATOR.size)
    signature, disk, _, disks = _LOCATOR.unpack(handle.read(_LOCATOR.size))
    if signature != _LOCATOR_SIGNATURE:
        return None
    if disk != 0 or disks > 1:
        raise ZipDirectoryError("it spans several disks")
    record_at = position - _LOCATOR.size - _EOCD64.size
    if record_at < 0:
        raise ZipDirectoryError("its ZIP64 end record is missing")
    handle.seek(record_at)
    record = _EOCD64.unpack(handle.read(_EOCD64.size))
    if record[0] != _EOCD64_SIGNATURE:
        return None
    return record[7], record[8]


def count_entries(handle: BinaryIO, directory: Directory, limit: int) -> int:
    """The entries zipfile would parse, counted from their headers; stops at `limit` + 1."""
    count = 0
    offset = 0
    while offset < directory.size and count <= limit:
        handle.seek(directory.start + offset)
        header = handle.read(_HEADER.size)
        if len(header) != _HEADER.size or header[:4] != _HEADER_SIGNATURE:
            raise ZipDirectoryError("its directory is damaged")
        _, name, extra, comment = _HEADER.unpack(header)
        offset += _HEADER.size + name + extra + comment
        count += 1
    return count
