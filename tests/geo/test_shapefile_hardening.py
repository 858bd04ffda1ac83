"""Shapefiles GDAL would read wrong without a word: real files written here, then damaged byte by
byte, each refused naming the file and the problem, or read right with a notice saying what the
reading changed (geo.shapefile_checks, geo.shapefile_records, geo.shapefile_encoding)."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from geo.errors import DataError
from geo.io import read_vector_with_report
from geo.upload import inspect_upload

NAMES = ["长宝营子乡", "驼山子村", "双塔区", "桃花吐镇"]
# CGCS2000 3-degree Gauss-Krüger CM 120°E, inside Shuangta District.
X, Y = 545000.0, 4600000.0
RECORD = 100  # bytes of the .shp/.shx main header


def _points(tmp_path: Path, name: str = "points", *, encoding: str = "UTF-8", **columns) -> Path:
    frame = gpd.GeoDataFrame(
        {"name": NAMES, "code": [1, 2, 3, 4], **columns},
        geometry=[Point(X + 100 * i, Y + 100 * i) for i in range(4)],
        crs="EPSG:4549",
    )
    folder = tmp_path / name
    folder.mkdir()
    shp = folder / f"{name}.shp"
    frame.to_file(shp, engine="pyogrio", encoding=encoding)
    return shp


def _polygons(tmp_path: Path, name: str = "plots") -> Path:
    frame = gpd.GeoDataFrame(
        {"code": [1, 2, 3]},
        geometry=[box(X + 100 * i, Y, X + 100 * i + 50, Y + 50) for i in range(3)],
        crs="EPSG:4549",
    )
    folder = tmp_path / name
    folder.mkdir()
    shp = folder / f"{name}.shp"
    frame.to_file(shp, engine="pyogrio", encoding="UTF-8")
    return shp


def _index(shp: Path) -> list[tuple[int, int]]:
    """The .shx entries: (offset, content length), both in bytes."""
    data = shp.with_suffix(".shx").read_bytes()[RECORD:]
    return [(2 * offset, 2 * length) for offset, length in struct.iter_unpack(">ii", data)]


def _patch(path: Path, at: int, fmt: str, *values: int | float) -> None:
    data = bytearray(path.read_bytes())
    struct.pack_into(fmt, data, at, *values)
    path.write_bytes(bytes(data))


def _refused(source: Path, **kwargs: object) -> str:
    with pytest.raises(DataError) as caught:
        read_vector_with_report(source, **kwargs)
    message = str(caught.value)
    assert message.startswith(f"{source}: "), message
    assert "Traceback" not in message
    return message


def _zipped(shp: Path) -> Path:
    archive = shp.parent.parent / f"{shp.stem}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for part in sorted(shp.parent.iterdir()):
            zipped.write(part, part.name)
    return archive


def _upload_refused(archive: Path) -> str:
    with pytest.raises(DataError) as caught:
        inspect_upload(archive, file_name="x.zip")
    message = str(caught.value)
    assert message.startswith("x.zip: "), message
    return message


def _swap_index_entries(shp: Path, first: int, second: int) -> None:
    """Exchange two .shx entries (0-based), as a broken writer or a careless edit would."""
    shx = shp.with_suffix(".shx")
    data = bytearray(shx.read_bytes())
    a, b = RECORD + 8 * first, RECORD + 8 * second
    data[a : a + 8], data[b : b + 8] = data[b : b + 8], data[a : a + 8]
    shx.write_bytes(bytes(data))


# --- the .shx index against the .shp records ---------------------------------------------------


def test_swapped_shx_offsets_are_refused_on_disk_and_zipped(tmp_path: Path) -> None:
    shp = _points(tmp_path)
    _swap_index_entries(shp, 1, 2)

    expected = "the .shx index does not match the .shp records (record 3: it starts before record 2"
    assert expected in _refused(shp)
    archive = _zipped(shp)
    assert expected in _refused(archive)  # read from inside the zip
    assert expected in _upload_refused(archive)  # unpacked by the upload first


def test_a_record_number_the_index_does_not_expect_is_refused(tmp_path: Path) -> None:
    shp = _points(tmp_path)
    offset, _ = _index(shp)[1]
    _patch(shp, offset, ">i", 7)  # record 2's header numbers it 7

    message = _refused(shp)

    assert "the .shx index does not match the .shp records (record 2: " in message
    assert "the .shp holds record 7 there" in message


def test_an_index_length_the_record_does_not_have_is_refused(tmp_path: Path) -> None:
    shp = _points(tmp_path)
    _patch(shp.with_suffix(".shx"), RECORD + 8 + 4, ">i", 8)  # record 2: 16 bytes, not 20

    message = _refused(shp)

    assert "(record 2: the .shp gives it 20 bytes, the .shx 16)" in message


# --- the .dbf header --------------------------------------------------------------------------


@pytest.mark.parametrize("change", [32, -32])
def test_a_dbf_header_length_off_by_a_field_is_refused(tmp_path: Path, change: int) -> None:
    shp = _points(tmp_path)
    dbf = shp.with_suffix(".dbf")
    header = struct.unpack_from("<H", dbf.read_bytes(), 8)[0]
    _patch(dbf, 8, "<H", header + change)

    message = _refused(shp)

    assert f"the .dbf header is damaged: it says the header is {header + change} bytes" in message
    assert f"but its 2 field descriptions end at byte {header}" in message


def test_a_wrong_dbf_record_length_is_refused(tmp_path: Path) -> None:
    shp = _points(tmp_path)
    dbf = shp.with_suffix(".dbf")
    record = struct.unpack_from("<H", dbf.read_bytes(), 10)[0]
    _patch(dbf, 10, "<H", record - 1)

    message = _refused(shp)

    assert (
        f"the .dbf header is damaged: it says each record is {record - 1} bytes, "
        f"but its 2 fields take {record}"
    ) in message


def test_dbf_fields_of_width_0_or_an_unknown_type_are_refused(tmp_path: Path) -> None:
    shp = _points(tmp_path)
    dbf = shp.with_suffix(".dbf")
    _patch(dbf, 32 + 32 + 11, "<c", b"Z")  # field 2, "code", of type Z

    assert "field 2 ('code') has an unknown type 'Z'" in _refused(shp)

    _patch(dbf, 32 + 32 + 11, "<c", b"N")
    _patch(dbf, 32 + 16, "<B", 0)  # field 1, "name", 0 bytes wide
    assert "field 1 ('name') has width 0" in _refused(shp)


def test_a_visual_foxpro_header_with_its_backlink_reads_right(tmp_path: Path) -> None:
    shp = _points(tmp_path)
    dbf = shp.with_suffix(".dbf")
    data = bytearray(dbf.read_bytes())
    header = struct.unpack_from("<H", data, 8)[0]
    data[header:header] = bytes(263)  # the database backlink after the field list's end mark
    data[0] = 0x30
    struct.pack_into("<H", data, 8, header + 263)
    dbf.write_bytes(bytes(data))

    frame, _ = read_vector_with_report(shp)
    assert frame["name"].tolist() == NAMES

    _patch(dbf, 8, "<H", header + 262)  # one byte short of the backlink: refused
    assert f"it says the header is {header + 262} bytes" in _refused(shp)


# --- the .cpg against the text ------------------------------------------------------------------


def test_gbk_text_under_a_latin_cpg_is_read_as_gbk_with_a_notice(tmp_path: Path) -> None:
    shp = _points(tmp_path, encoding="GBK", 名称=["甲", "乙", "丙", "丁"])
    shp.with_suffix(".cpg").write_text("ISO-8859-1")

    frame, report = read_vector_with_report(shp)

    assert frame["name"].tolist() == NAMES
    assert frame["名称"].tolist() == ["甲", "乙", "丙", "丁"]
    assert report.encoding == "GBK"
    (notice,) = report.notices
    assert notice.code == "cpg_overridden"
    assert notice.count == 9  # 4 + 4 values and the field name 名称
    assert notice.detail == (
        "the .cpg says 'ISO-8859-1' but the 9 non-ASCII field names and values are valid GBK "
        "and mostly common Chinese characters (ISO-8859-1 would garble them); "
        "they were read as GBK"
    )
    # Latin text under the same .cpg is what it says: no notice.
    latin = gpd.GeoDataFrame(
        {"name": ["Müller", "café", "Grüße", "Ærø"]},
        geometry=[Point(X + i, Y) for i in range(4)],
        crs="EPSG:4549",
    )
    (tmp_path / "latin").mkdir()
    latin_shp = tmp_path / "latin" / "latin.shp"
    latin.to_file(latin_shp, engine="pyogrio", encoding="ISO-8859-1")
    latin_shp.with_suffix(".cpg").write_text("ISO-8859-1")
    frame, report = read_vector_with_report(latin_shp)
    assert frame["name"].tolist() == ["Müller", "café", "Grüße", "Ærø"]
    assert report.notices == ()


@pytest.mark.parametrize("cpg", ["GBK", "CP1252", "ISO-8859-1"])
def test_utf8_text_under_another_cpg_is_read_as_utf8_with_a_notice(
    tmp_path: Path, cpg: str
) -> None:
    shp = _points(tmp_path, encoding="UTF-8")
    shp.with_suffix(".cpg").write_text(cpg)

    frame, report = read_vector_with_report(shp)

    assert frame["name"].tolist() == NAMES
    assert report.encoding == "UTF-8"
    assert f"the .cpg says {cpg!r}" in report.encoding_reason
    (notice,) = report.notices
    assert notice.code == "cpg_overridden"
    assert notice.count == 4
    assert notice.detail.startswith(
        f"the .cpg says {cpg!r} but the 4 non-ASCII field names and values are strictly valid UTF-8"
    )
    assert notice.detail.endswith("they were read as UTF-8")


def test_gbk_text_under_a_utf8_cpg_is_read_as_gbk_with_a_notice(tmp_path: Path) -> None:
    shp = _points(tmp_path, encoding="GBK")
    shp.with_suffix(".cpg").write_text("UTF-8")

    frame, report = read_vector_with_report(shp)

    assert frame["name"].tolist() == NAMES
    assert report.encoding == "GBK"
    (notice,) = report.notices
    assert (notice.code, notice.count) == ("cpg_overridden", 4)
    assert "(they are not valid UTF-8); they were read as GBK" in notice.detail


def test_the_override_notice_reaches_the_upload_report(tmp_path: Path) -> None:
    shp = _points(tmp_path, encoding="GBK")
    shp.with_suffix(".cpg").write_text("CP1252")

    frame, report = inspect_upload(_zipped(shp), file_name="x.zip")

    assert frame["name"].tolist() == NAMES
    assert [(n.code, n.count) for n in report.notices] == [("cpg_overridden", 4)]


def test_a_cpg_naming_no_text_encoding_is_refused(tmp_path: Path) -> None:
    shp = _points(tmp_path)
    for cpg in ("rot13", "base64", "hex", "zlib", "idna", "punycode", "uu", "no-such-codec"):
        shp.with_suffix(".cpg").write_text(cpg)
        message = _refused(shp)
        assert f".cpg names an unknown encoding {cpg!r}" in message, cpg


def test_cpg_spellings_esri_writes_are_understood(tmp_path: Path) -> None:
    shp = _points(tmp_path, encoding="GBK")
    for cpg, expected in (("ANSI 936", "CP936"), ("gb2312", "GBK"), ("54936", "GB18030")):
        shp.with_suffix(".cpg").write_text(cpg)
        frame, report = read_vector_with_report(shp)
        assert frame["name"].tolist() == NAMES
        assert (report.encoding, report.notices) == (expected, ())
    # A code page number of a single-byte encoding over GBK text: read as GBK, with a notice.
    shp.with_suffix(".cpg").write_text("88591")
    frame, report = read_vector_with_report(shp)
    assert frame["name"].tolist() == NAMES
    assert "the .cpg says '88591'" in report.notices[0].detail


# --- damaged .shp records -----------------------------------------------------------------------


def test_a_polygon_declaring_more_points_than_it_holds_is_refused(tmp_path: Path) -> None:
    shp = _polygons(tmp_path)
    offset, length = _index(shp)[1]
    _patch(shp, offset + 8 + 40, "<i", 50)  # numPoints of record 2: 50, it holds 5

    message = _refused(shp)

    assert message.endswith(
        "record 2 of the .shp is damaged: it declares 1 part and 50 points, "
        f"which need 848 bytes, but holds {length}"
    )
    assert "record 2 of the .shp is damaged" in _upload_refused(_zipped(shp))


def test_parts_starting_outside_the_points_are_refused(tmp_path: Path) -> None:
    shp = _polygons(tmp_path)
    offset, _ = _index(shp)[2]
    _patch(shp, offset + 8 + 44, "<i", 9)  # record 3's only part starts at point 9 of 5

    assert "record 3 of the .shp is damaged: its parts do not start" in _refused(shp)


def test_records_of_another_shape_type_are_refused_null_records_are_not(tmp_path: Path) -> None:
    shp = _points(tmp_path)
    index = _index(shp)
    null_offset, _ = index[0]
    # Record 1 becomes a legitimate Null shape (shape type 0): it reads as no geometry.
    _patch(shp, null_offset + 8, "<i", 0)
    frame, report = read_vector_with_report(shp)
    assert frame.geometry.isna().tolist() == [True, False, False, False]
    assert report.empty_features == 1
    assert frame["name"].tolist() == NAMES

    for record in (2, 4):
        offset, _ = index[record - 1]
        _patch(shp, offset + 8, "<i", 5)  # a polygon in a file of points
    message = _refused(shp)
    assert message.endswith(
        "records 2, 4 of the .shp are damaged "
        "(record 2: its shape type is 5 (polygons) in a file of points)"
    )


def test_a_shape_type_the_shp_header_does_not_know_is_refused(tmp_path: Path) -> None:
    shp = _points(tmp_path)
    _patch(shp, 32, "<i", 7)

    assert "the .shp file has an unknown shape type 7" in _refused(shp)


def _large_points(tmp_path: Path, count: int) -> Path:
    frame = gpd.GeoDataFrame(
        {"code": range(count)},
        geometry=gpd.points_from_xy([X + i % 1000 for i in range(count)], [Y] * count),
        crs="EPSG:4549",
    )
    (tmp_path / "many").mkdir()
    shp = tmp_path / "many" / "many.shp"
    frame.to_file(shp, engine="pyogrio")
    return shp


def test_a_mismatch_deep_in_a_large_file_is_found(tmp_path: Path) -> None:
    """More records than one read of the .shp holds: the records are looked at in batches."""
    shp = _large_points(tmp_path, 200_000)  # 5.6 MB of .shp
    _swap_index_entries(shp, 190_000, 190_001)
    with pytest.raises(DataError, match=r"\(record 190002: it starts before record 190001"):
        read_vector_with_report(shp)
    _swap_index_entries(shp, 190_000, 190_001)
    offset, _ = _index(shp)[199_998]
    _patch(shp, offset + 8, "<i", 3)
    with pytest.raises(DataError, match=r"record 199999 of the \.shp is damaged"):
        read_vector_with_report(_zipped(shp))
