"""Archives from outside (zipped shapefiles, KMZ, Excel workbooks) opened safely.

`check_archive` refuses what the zip's directory already gives away: first from its end record
alone (`geo.zip_directory`: too many entries, an impossible directory), before zipfile parses
anything; then from the parsed entries (too many files, too large, a compression ratio only a
bomb has, names escaping the folder or unusable on disk, duplicates, a file where a folder must
be, archives inside, links, encryption).  `safe_extract` then unpacks while counting the bytes
actually written, so a directory that lies about sizes is stopped at the limit too; whatever
the disk still refuses becomes a DataError naming the member, never a server path.
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from geo.errors import DataError
from geo.limits import MB, UploadLimits
from geo.zip_directory import ZipDirectoryError, count_entries, read_directory

__all__ = ["check_archive", "check_size", "safe_extract"]

NESTED_SUFFIXES = (".zip", ".kmz", ".gz", ".tgz", ".tar", ".7z", ".rar", ".bz2", ".xz", ".zst")
_CHUNK = 1024 * 1024
# What a damaged archive makes zipfile raise (a bad name encoding is a UnicodeDecodeError, a
# ValueError; an unknown compression method NotImplementedError; broken deflate data zlib.error).
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    ValueError,
    RuntimeError,
    NotImplementedError,
    zlib.error,
)
_NOT_A_ZIP = "not a readable zip archive"
# Entries (files and folders) the directory may list before zipfile parses it, per file allowed:
# the exact file count is judged after parsing, this only keeps the parsing bounded.
_ENTRIES_PER_FILE = 2
# Small members compress a lot legitimately (a .cpg of 5 bytes, a DBF of spaces); only a
# member this large is judged by its own ratio, the whole archive once it unpacks this much.
_MEMBER_RATIO_FLOOR_BYTES = 64 * 1024
_ARCHIVE_RATIO_FLOOR_BYTES = 1 * MB
# What a name may be on disk: a part as the file system allows, a path well within PATH_MAX.
_MAX_PART_BYTES = 255
_MAX_PATH_BYTES = 1024
_MAX_DEPTH = 32
_SHOWN_CHARS = 60


def check_size(path: Path, limits: UploadLimits, label: str) -> None:
    """DataError if the file is larger than the upload limit."""
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise DataError(
            label,
            f"too large: {size / MB:.1f} MB, the limit is {limits.max_file_bytes / MB:.0f} MB",
        )


def check_archive(
    path: Path, limits: UploadLimits, label: str, *, nested_ok: bool = False
) -> list[zipfile.ZipInfo]:
    """The archive's file members, after refusing anything unsafe (DataError naming it).

    `nested_ok` lets archives inside pass (an Excel workbook's embedded objects), for a zip
    that is read in place and never unpacked.
    """
    _check_directory(path, limits, label)
    members = _members(path, label)
    files = [m for m in members if not m.is_dir()]
    if len(files) > limits.max_members:
        raise DataError(
            label, f"holds {len(files)} files, more than the {limits.max_members} allowed"
        )
    for member in members:
        _check_name(member, label)
    for member in files:
        _check_member(member, label, nested_ok=nested_ok)
    _check_layout(members, label)
    _check_sizes(files, limits, label)
    return files


def _check_directory(path: Path, limits: UploadLimits, label: str) -> None:
    """Refuse from the end record and the entry headers alone, before zipfile parses them."""
    try:
        with path.open("rb") as handle:
            _check_entry_count(handle, limits, label)
    except ZipDirectoryError as error:
        raise DataError(label, f"{_NOT_A_ZIP}: {error}") from error
    except OSError as error:
        raise DataError(label, f"{_NOT_A_ZIP}: {_reason(error)}") from error


def _check_entry_count(handle: BinaryIO, limits: UploadLimits, label: str) -> None:
    """Refuse a directory declaring, or holding, far more entries than files are allowed."""
    bound = _ENTRIES_PER_FILE * limits.max_members
    directory = read_directory(handle)
    if directory.entries > bound or count_entries(handle, directory, bound) > bound:
        raise DataError(
            label,
            f"its directory lists more than {bound} entries; "
            f"{limits.max_members} files (and their folders) are allowed",
        )


def _members(path: Path, label: str) -> list[zipfile.ZipInfo]:
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.infolist()
    except _ZIP_ERRORS as error:
        raise DataError(label, f"{_NOT_A_ZIP}: {_reason(error)}") from error


def _check_name(member: zipfile.ZipInfo, label: str) -> None:
    """Refuse a name that escapes the folder or that no file system would take."""
    name = member.orig_filename  # zipfile cuts `filename` at a NUL; the archive holds it whole
    shown = _shown(name)
    if _escapes(name):
        raise DataError(label, f"member '{shown}' would be written outside the extraction folder")
    if any(ord(char) < 32 or ord(char) == 127 for char in name):
        raise DataError(label, f"member '{shown}' has a control character in its name")
    parts = _parts(name)
    if not parts and not member.is_dir():
        raise DataError(label, f"member '{shown}' has an empty name")
    if any(len(os.fsencode(part)) > _MAX_PART_BYTES for part in parts):
        raise DataError(
            label, f"member '{shown}' has a name part longer than {_MAX_PART_BYTES} bytes"
        )
    if len(os.fsencode("/".join(parts))) > _MAX_PATH_BYTES:
        raise DataError(label, f"member '{shown}' has a path longer than {_MAX_PATH_BYTES} bytes")
    if len(parts) - 1 > _MAX_DEPTH:
        raise DataError(label, f"member '{shown}' is nested more than {_MAX_DEPTH} folders deep")


def _check_member(member: zipfile.ZipInfo, label: str, *, nested_ok: bool) -> None:
    name = _shown(member.filename)
    if not nested_ok and member.filename.lower().endswith(NESTED_SUFFIXES):
        raise DataError(label, f"holds another archive ('{name}'); upload its contents instead")
    if member.flag_bits & 0x1:
        raise DataError(label, f"member '{name}' is encrypted")
    if stat.S_ISLNK(member.external_attr >> 16):
        raise DataError(label, f"member '{name}' is a symbolic link")


def _check_layout(members: Iterable[zipfile.ZipInfo], label: str) -> None:
    """Refuse two files at one path, and a file where a folder must be (or the reverse)."""
    files: set[tuple[str, ...]] = set()
    folders: set[tuple[str, ...]] = set()
    for member in members:
        parts = _parts(member.filename)
        if member.is_dir():
            folders.add(parts)
        elif parts in files:
            raise DataError(label, f"holds two members named '{_shown(member.filename)}'")
        else:
            files.add(parts)
        folders.update(parts[:depth] for depth in range(1, len(parts)))
    clashes = files & folders
    if clashes:
        shown = _shown("/".join(min(clashes)))
        raise DataError(label, f"holds both a file and a folder named '{shown}'")


def _check_sizes(files: list[zipfile.ZipInfo], limits: UploadLimits, label: str) -> None:
    """Refuse an archive unpacking beyond the limit, or by a ratio only a bomb has."""
    declared = sum(m.file_size for m in files)
    if declared > limits.max_unpacked_bytes:
        raise DataError(
            label,
            f"unpacks to {declared / MB:.0f} MB, more than the "
            f"{limits.max_unpacked_bytes / MB:.0f} MB allowed",
        )
    _check_ratios(files, declared, limits, label)


def _check_ratios(
    files: list[zipfile.ZipInfo], declared: int, limits: UploadLimits, label: str
) -> None:
    """Judge every member past a small floor, and the whole archive, by its ratio."""
    for member in files:
        if member.file_size > _MEMBER_RATIO_FLOOR_BYTES:
            ratio = member.file_size / max(member.compress_size, 1)
            if ratio > limits.max_ratio:
                raise DataError(
                    label,
                    f"member '{_shown(member.filename)}' expands {ratio:,.0f} times "
                    f"(limit {limits.max_ratio:,.0f}): a zip bomb is refused",
                )
    if declared > _ARCHIVE_RATIO_FLOOR_BYTES:
        ratio = declared / max(sum(m.compress_size for m in files), 1)
        if ratio > limits.max_ratio:
            raise DataError(
                label,
                f"unpacks to {ratio:,.0f} times its packed size "
                f"(limit {limits.max_ratio:,.0f}): a zip bomb is refused",
            )


def _escapes(name: str) -> bool:
    """Whether a member name is absolute, has a drive, or climbs out with '..'."""
    unified = name.replace("\\", "/")
    if unified.startswith("/") or (len(unified) > 1 and unified[1] == ":"):
        return True
    return ".." in PurePosixPath(unified).parts


def _parts(name: str) -> tuple[str, ...]:
    """The folders and file a member name writes to ('a\\b', 'a//b' and 'a/./b' alike)."""
    return PurePosixPath(name.replace("\\", "/")).parts


def _shown(name: str) -> str:
    """A member name fit for a message: control characters as '?', at most 60 characters."""
    printable = "".join(char if char.isprintable() else "?" for char in name)
    if len(printable) <= _SHOWN_CHARS:
        return printable
    return f"{printable[:_SHOWN_CHARS]}…"


def _reason(error: BaseException) -> str:
    """What went wrong, without the server path an OSError carries."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__


def safe_extract(path: Path, folder: Path, limits: UploadLimits, label: str) -> list[Path]:
    """Unpack the archive into `folder`, counting real bytes; the files written."""
    members = check_archive(path, limits, label)
    written: list[Path] = []
    total = 0
    root = folder.resolve()
    try:
        with zipfile.ZipFile(path) as archive:
            for member in members:
                target = _target(root, member, label)
                total = _extract_member(archive, member, target, total, limits, label)
                written.append(target)
    except (zipfile.BadZipFile, OSError) as error:  # opening the archive a second time
        raise DataError(label, f"{_NOT_A_ZIP}: {_reason(error)}") from error
    return written


def _target(root: Path, member: zipfile.ZipInfo, label: str) -> Path:
    """Where a member is written, checked once more to lie inside `root`."""
    target = root.joinpath(*_parts(member.filename))
    if not target.resolve().is_relative_to(root):
        shown = _shown(member.filename)
        raise DataError(label, f"member '{shown}' would be written outside the extraction folder")
    return target


def _extract_member(
    archive: zipfile.ZipFile,
    member: zipfile.ZipInfo,
    target: Path,
    total: int,
    limits: UploadLimits,
    label: str,
) -> int:
    """Write one member to `target` (never over an existing file); the running byte total."""
    name = _shown(member.filename)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(member) as source, target.open("xb") as sink:
            return _copy_capped(source, sink, total, limits, label, name)
    except DataError:
        raise
    except OSError as error:
        raise DataError(label, f"member '{name}' cannot be unpacked: {_reason(error)}") from error
    except _ZIP_ERRORS as error:
        raise DataError(label, f"member '{name}' is damaged: {_reason(error)}") from error


def _copy_capped(source, sink, total: int, limits: UploadLimits, label: str, name: str) -> int:
    while chunk := source.read(_CHUNK):
        total += len(chunk)
        if total > limits.max_unpacked_bytes:
            raise DataError(
                label,
                f"unpacks to more than {limits.max_unpacked_bytes / MB:.0f} MB "
                f"(stopped in '{name}'): a zip bomb is refused",
            )
        sink.write(chunk)
    return total
