"""Hostile archives made here, each refused by geo.archive with a DataError naming the file and
the problem, before anything is written (or, for what only the disk can refuse, without a
traceback or a server path); forged directories are refused before zipfile parses them."""

from __future__ import annotations

import errno
import io
import os
import struct
import warnings
import zipfile
from pathlib import Path

import pytest

from geo.archive import check_archive, safe_extract
from geo.errors import DataError
from geo.limits import MB, UploadLimits

LIMITS = UploadLimits(max_members=500, max_ratio=200)
LABEL = "上传.zip"
_EOCD = "<4s4H2LH"


def _zip(
    tmp_path: Path, members: dict[str, bytes] | list[tuple[str, bytes]], name: str = "upload.zip"
) -> Path:
    archive = tmp_path / name
    pairs = members.items() if isinstance(members, dict) else members
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns of duplicate names
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            for member, content in pairs:
                zipped.writestr(member, content)
    return archive


def _tree(folder: Path) -> set[Path]:
    return set(folder.rglob("*"))


def _refusal(tmp_path: Path, archive: Path, limits: UploadLimits = LIMITS) -> str:
    """The message of safe_extract's refusal, after checking nothing at all was written."""
    before = _tree(tmp_path)
    with pytest.raises(DataError) as caught:
        safe_extract(archive, tmp_path / "out", limits, LABEL)
    message = str(caught.value)
    assert message.startswith(f"{LABEL}: "), message
    assert str(tmp_path) not in message and "/tmp" not in message
    assert _tree(tmp_path) == before  # not even the extraction folder
    return message


@pytest.fixture
def forbid_parsing(monkeypatch: pytest.MonkeyPatch):
    """Call it once the archive is made: any zipfile.ZipFile then fails the test, so that a
    refusal must come from the end record and the entry headers alone."""

    def parsed(*args, **kwargs):
        raise AssertionError("zipfile.ZipFile parsed the directory")

    return lambda: monkeypatch.setattr("geo.archive.zipfile.ZipFile", parsed)


def _tiny_zip(tmp_path: Path, count: int = 3) -> bytes:
    return _zip(tmp_path, {f"f{i}.txt": b"x" for i in range(count)}, name="tiny.zip").read_bytes()


def _with_end(data: bytes, *, entries: int | None = None, size: int | None = None) -> bytes:
    """`data` with its end record's entry counts or directory size replaced."""
    at = len(data) - 22
    fields = list(struct.unpack_from(_EOCD, data, at))
    if entries is not None:
        fields[3] = fields[4] = entries
    if size is not None:
        fields[5] = size
    return data[:at] + struct.pack(_EOCD, *fields)


def _zip64(data: bytes, *, entries: int | None = None, disks: int = 1) -> bytes:
    """`data` ending with a ZIP64 end record and locator, the classic record saying 'see ZIP64'."""
    at = len(data) - 22
    _, _, _, _, real, size, offset, _ = struct.unpack_from(_EOCD, data, at)
    count = real if entries is None else entries
    body = data[:at]
    record = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, size, offset)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, len(body), disks)
    classic = struct.pack(_EOCD, b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return body + record + locator + classic


def _write(tmp_path: Path, data: bytes, name: str = "forged.zip") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- the end record, judged before zipfile parses the directory ------------------------------


def test_a_genuine_zip64_end_record_is_read(tmp_path: Path) -> None:
    archive = _write(tmp_path, _zip64(_tiny_zip(tmp_path)))
    assert len(zipfile.ZipFile(archive).infolist()) == 3  # the forgery helper is sound
    assert len(check_archive(archive, LIMITS, LABEL)) == 3


def test_a_forged_classic_entry_count_is_refused_unparsed(tmp_path: Path, forbid_parsing) -> None:
    forged = _write(tmp_path, _with_end(_tiny_zip(tmp_path), entries=65_535))
    forbid_parsing()
    assert "its directory lists more than 1000 entries" in _refusal(tmp_path, forged)


def test_a_forged_zip64_entry_count_is_refused_unparsed(tmp_path: Path, forbid_parsing) -> None:
    forged = _write(tmp_path, _zip64(_tiny_zip(tmp_path), entries=4_000_000))
    forbid_parsing()
    message = _refusal(tmp_path, forged)
    assert "its directory lists more than 1000 entries; 500 files" in message


def test_a_zip64_spanning_disks_is_refused_unparsed(tmp_path: Path, forbid_parsing) -> None:
    forged = _write(tmp_path, _zip64(_tiny_zip(tmp_path), disks=2))
    forbid_parsing()
    assert "not a readable zip archive: it spans several disks" in _refusal(tmp_path, forged)


@pytest.mark.parametrize("declared", [None, 1], ids=["declared", "understated"])
def test_many_real_entries_are_refused_unparsed(
    tmp_path: Path, forbid_parsing, declared: int | None
) -> None:
    data = _tiny_zip(tmp_path, count=2_000)
    forged = _write(tmp_path, _with_end(data, entries=declared))
    forbid_parsing()
    assert "its directory lists more than 1000 entries" in _refusal(tmp_path, forged)


@pytest.mark.parametrize(
    "change",
    [
        lambda data: _with_end(data, size=2 * len(data)),  # larger than the file
        lambda data: _with_end(data, size=0xFFFFFFFF),
        lambda data: _with_end(data, entries=0),  # a directory for no entries
    ],
    ids=["twice-the-file", "4-GB", "no-entries"],
)
def test_an_impossible_directory_size_is_refused_unparsed(
    tmp_path: Path, forbid_parsing, change
) -> None:
    forged = _write(tmp_path, change(_tiny_zip(tmp_path)))
    forbid_parsing()
    message = _refusal(tmp_path, forged)
    assert "not a readable zip archive: its directory declares an impossible size" in message


@pytest.mark.parametrize(
    "change",
    [lambda data: data[: len(data) // 2], lambda data: os.urandom(4096)],
    ids=["truncated", "noise"],
)
def test_a_file_without_end_record_is_refused_unparsed(
    tmp_path: Path, forbid_parsing, change
) -> None:
    broken = _write(tmp_path, change(_tiny_zip(tmp_path)))
    forbid_parsing()
    message = _refusal(tmp_path, broken)
    assert "not a readable zip archive: no end-of-directory record" in message


def test_a_damaged_directory_is_refused_unparsed(tmp_path: Path, forbid_parsing) -> None:
    data = bytearray(_tiny_zip(tmp_path))
    data[data.rfind(b"PK\x01\x02")] = ord("X")  # the last entry's header signature
    broken = _write(tmp_path, bytes(data))
    forbid_parsing()
    assert "not a readable zip archive: its directory is damaged" in _refusal(tmp_path, broken)


# --- compression ratio: every member and the whole archive ----------------------------------


def test_many_one_mib_members_of_zeros_are_a_bomb(tmp_path: Path) -> None:
    bomb = _zip(tmp_path, {f"part{i}.dbf": bytes(MB) for i in range(40)})
    assert "a zip bomb is refused" in _refusal(tmp_path, bomb)


def test_many_small_members_are_judged_as_a_whole(tmp_path: Path) -> None:
    bomb = _zip(tmp_path, {f"part{i}.dbf": bytes(60 * 1024) for i in range(40)})
    message = _refusal(tmp_path, bomb)
    assert "times its packed size (limit 200): a zip bomb is refused" in message


def test_one_member_of_100_kib_zeros_is_a_bomb(tmp_path: Path) -> None:
    bomb = _zip(tmp_path, {"points.shp": bytes(100 * 1024)})
    message = _refusal(tmp_path, bomb)
    assert "member 'points.shp' expands" in message and "a zip bomb is refused" in message


def test_a_shapefile_with_small_compressible_parts_is_accepted(tmp_path: Path) -> None:
    members = {
        "地块/points.shp": os.urandom(300 * 1024),
        "地块/points.shx": os.urandom(20 * 1024),
        "地块/points.dbf": b" " * (60 * 1024),  # a DBF of blanks compresses ~500 times
        "地块/points.cpg": b"UTF-8",
        "地块/points.prj": b'GEOGCS["China Geodetic Coordinate System 2000"]' * 4,
    }
    archive = _zip(tmp_path, members)
    out = tmp_path / "out"
    written = safe_extract(archive, out, LIMITS, LABEL)
    assert sorted(p.relative_to(out).as_posix() for p in written) == sorted(members)
    assert all(p.read_bytes() == members[p.relative_to(out).as_posix()] for p in written)


# --- names the disk cannot take, checked before writing --------------------------------------


@pytest.mark.parametrize(
    "names",
    [("a", "a/b"), ("a/b", "a"), ("a", "a/"), ("a/", "a"), ("a\\b", "a")],
    ids=["file-then-content", "content-then-file", "file-then-folder", "folder-then-file", "\\"],
)
def test_a_file_and_a_folder_of_one_name_are_refused(tmp_path: Path, names) -> None:
    archive = _zip(tmp_path, {name: b"" if name.endswith("/") else b"x" for name in names})
    assert "holds both a file and a folder named 'a'" in _refusal(tmp_path, archive)


@pytest.mark.parametrize(
    "names",
    [("a.txt", "a.txt"), ("d/a.txt", "d\\a.txt"), ("d/a.txt", "d/./a.txt"), ("d/a", "d//a")],
    ids=["same", "backslash", "dot", "double-slash"],
)
def test_two_members_of_one_name_are_refused(tmp_path: Path, names) -> None:
    archive = _zip(tmp_path, [(name, b"x") for name in names])
    assert "holds two members named " in _refusal(tmp_path, archive)


@pytest.mark.parametrize("part", ["f" * 300, "长" * 90], ids=["300-chars", "270-bytes"])
def test_a_name_part_too_long_for_the_disk_is_refused(tmp_path: Path, part: str) -> None:
    archive = _zip(tmp_path, {f"{part}/x.shp": b"x"})
    message = _refusal(tmp_path, archive)
    assert "has a name part longer than 255 bytes" in message
    assert f"member '{part[:60]}…'" in message and part[:61] not in message  # shortened


def test_a_path_too_long_for_the_disk_is_refused(tmp_path: Path) -> None:
    archive = _zip(tmp_path, {"/".join(["d" * 250] * 5) + "/x.shp": b"x"})
    assert "has a path longer than 1024 bytes" in _refusal(tmp_path, archive)


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    archive = _zip(tmp_path, {"d/" * 40 + "x.shp": b"x"})
    assert "is nested more than 32 folders deep" in _refusal(tmp_path, archive)


@pytest.mark.parametrize("char", ["\0", "\n", "\x7f"], ids=["NUL", "newline", "DEL"])
def test_a_control_character_in_a_name_is_refused(tmp_path: Path, char: str) -> None:
    archive = _zip(tmp_path, {"a_b.shp": b"x"})
    # zipfile cuts names at a NUL when it writes them, so the bytes are changed afterwards
    archive.write_bytes(archive.read_bytes().replace(b"a_b.shp", f"a{char}b.shp".encode()))
    message = _refusal(tmp_path, archive)
    assert "member 'a?b.shp' has a control character in its name" in message
    assert char not in message


def test_a_write_the_disk_refuses_is_a_data_error_without_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = _zip(tmp_path, {"a.shp": b"x"})
    out = tmp_path / "out"

    def full(source, sink, *args):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(out / "a.shp"))

    monkeypatch.setattr("geo.archive._copy_capped", full)
    with pytest.raises(DataError) as caught:
        safe_extract(archive, out, LIMITS, LABEL)
    message = str(caught.value)
    assert message == f"{LABEL}: member 'a.shp' cannot be unpacked: No space left on device"
    assert {p.relative_to(tmp_path).as_posix() for p in _tree(tmp_path)} <= {
        "upload.zip",
        "out",
        "out/a.shp",
    }


# --- Excel workbooks: read in place, nested objects allowed, limits as for any zip ----------


def _inner_workbook() -> bytes:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zipped:
        zipped.writestr("xl/workbook.xml", "<workbook/>")
    return inner.getvalue()


def _workbook(tmp_path: Path, sheet: bytes) -> Path:
    members = {
        "[Content_Types].xml": b"<Types/>",
        "xl/workbook.xml": b"<workbook/>",
        "xl/worksheets/sheet1.xml": sheet,
        "xl/embeddings/Microsoft_Excel_Worksheet.xlsx": _inner_workbook(),
        "xl/embeddings/oleObject1.bin": os.urandom(512),
        "xl/embeddings/Package1.zip": _inner_workbook(),
    }
    return _zip(tmp_path, members, name="book.xlsx")


def test_a_workbook_with_embedded_objects_passes_with_nested_ok(tmp_path: Path) -> None:
    book = _workbook(tmp_path, b"<worksheet><sheetData/></worksheet>")
    assert len(check_archive(book, LIMITS, "表.xlsx", nested_ok=True)) == 6
    with pytest.raises(DataError, match=r"^表\.xlsx: holds another archive \('xl/embeddings/P"):
        check_archive(book, LIMITS, "表.xlsx")


def test_a_workbook_bomb_is_refused_even_with_nested_ok(tmp_path: Path) -> None:
    book = _workbook(tmp_path, b"<worksheet>" + b"<c/>" * (MB // 2) + b"</worksheet>")
    before = _tree(tmp_path)
    with pytest.raises(DataError) as caught:
        check_archive(book, LIMITS, "表.xlsx", nested_ok=True)
    message = str(caught.value)
    assert message.startswith("表.xlsx: member 'xl/worksheets/sheet1.xml' expands")
    assert message.endswith("a zip bomb is refused") and _tree(tmp_path) == before


def test_a_forged_workbook_directory_is_refused_unparsed(tmp_path: Path, forbid_parsing) -> None:
    data = _workbook(tmp_path, b"<worksheet/>").read_bytes()
    book = _write(tmp_path, _zip64(data, entries=4_000_000), name="forged.xlsx")
    forbid_parsing()
    with pytest.raises(DataError, match=r"^表\.xlsx: its directory lists more than 1000"):
        check_archive(book, LIMITS, "表.xlsx", nested_ok=True)
