"""Archives from outside (zipped shapefiles, KMZ) opened safely: limits, no escapes, no nesting.

`check_archive` refuses what the zip's directory already gives away (too many members, too
large, a compression ratio only a bomb has, names escaping the folder, archives inside,
links, encryption).  `safe_extract` then unpacks while counting the bytes actually written, so
a directory that lies about sizes is stopped at the limit too.
"""

from __future__ import annotations

import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from geo.errors import DataError
from geo.limits import MB, UploadLimits

__all__ = ["UploadLimits", "check_archive", "check_size", "safe_extract"]

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
# Small members compress a lot legitimately (a .cpg of 5 bytes, a DBF of spaces); only a
# member this large is judged by its ratio.
_RATIO_FLOOR_BYTES = 1 * MB


def check_size(path: Path, limits: UploadLimits, label: str) -> None:
    """DataError if the file is larger than the upload limit."""
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise DataError(
            label,
            f"too large: {size / MB:.1f} MB, the limit is {limits.max_file_bytes / MB:.0f} MB",
        )


def check_archive(path: Path, limits: UploadLimits, label: str) -> list[zipfile.ZipInfo]:
    """The archive's file members, after refusing anything unsafe (DataError naming it)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except _ZIP_ERRORS as error:
        raise DataError(label, f"not a readable zip archive: {error}") from error
    files = [m for m in members if not m.is_dir()]
    if len(files) > limits.max_members:
        raise DataError(
            label, f"holds {len(files)} files, more than the {limits.max_members} allowed"
        )
    for member in files:
        _check_member(member, limits, label)
    declared = sum(m.file_size for m in files)
    if declared > limits.max_unpacked_bytes:
        raise DataError(
            label,
            f"unpacks to {declared / MB:.0f} MB, more than the "
            f"{limits.max_unpacked_bytes / MB:.0f} MB allowed",
        )
    return files


def _check_member(member: zipfile.ZipInfo, limits: UploadLimits, label: str) -> None:
    name = member.filename
    if _escapes(name):
        raise DataError(label, f"member '{name}' would be written outside the extraction folder")
    if name.lower().endswith(NESTED_SUFFIXES):
        raise DataError(label, f"holds another archive ('{name}'); upload its contents instead")
    if member.flag_bits & 0x1:
        raise DataError(label, f"member '{name}' is encrypted")
    if stat.S_ISLNK(member.external_attr >> 16):
        raise DataError(label, f"member '{name}' is a symbolic link")
    if member.file_size > _RATIO_FLOOR_BYTES:
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > limits.max_ratio:
            raise DataError(
                label,
                f"member '{name}' expands {ratio:,.0f} times (limit {limits.max_ratio:,.0f}): "
                "a zip bomb is refused",
            )


def _escapes(name: str) -> bool:
    """Whether a member name is absolute, has a drive, or climbs out with '..'."""
    unified = name.replace("\\", "/")
    if unified.startswith("/") or (len(unified) > 1 and unified[1] == ":"):
        return True
    return ".." in PurePosixPath(unified).parts


def safe_extract(path: Path, folder: Path, limits: UploadLimits, label: str) -> list[Path]:
    """Unpack the archive into `folder`, counting real bytes; the files written."""
    members = check_archive(path, limits, label)
    written: list[Path] = []
    total = 0
    root = folder.resolve()
    with zipfile.ZipFile(path) as archive:
        for member in members:
            target = (root / member.filename.replace("\\", "/")).resolve()
            if not target.is_relative_to(root):
                raise DataError(label, f"member '{member.filename}' escapes the folder")
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with archive.open(member) as source, target.open("wb") as sink:
                    total = _copy_capped(source, sink, total, limits, label, member.filename)
            except _ZIP_ERRORS as error:
                raise DataError(label, f"member '{member.filename}' is damaged: {error}") from error
            written.append(target)
    return written


def _copy_capped(source, sink, total: int, limits: UploadLimits, label: str, name: str) -> int:
    member_bytes = 0
    while chunk := source.read(_CHUNK):
        member_bytes += len(chunk)
        total += len(chunk)
        if total > limits.max_unpacked_bytes:
            raise DataError(
                label,
                f"unpacks to more than {limits.max_unpacked_bytes / MB:.0f} MB "
                f"(stopped in '{name}'): a zip bomb is refused",
            )
        sink.write(chunk)
    return total
