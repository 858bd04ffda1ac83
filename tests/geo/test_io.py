"""Known answers for geo.io: every format and container, shapefile encodings, Excel sheets."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point

from geo.errors import DataError
from geo.io import ReadReport, read_vector, read_vector_with_report
from geo.shapefile_write import write_shapefile
from tests.geo.io_cases import (
    GK_POINTS,
    LONLAT_POINTS,
    NAMES,
    _assert_in_district,
    _raise_message,
    _villages,
)

# --- shapefile text encoding ------------------------------------------------------------------


def test_gbk_shapefile_without_cpg_is_detected_as_gbk(tmp_path: Path) -> None:
    shp = write_shapefile(
        _villages(GK_POINTS, "EPSG:4549"), tmp_path / "gbk.shp", encoding="GBK", write_cpg=False
    )
    assert not shp.with_suffix(".cpg").exists()
    # GDAL on its own reads a DBF without .cpg as ISO-8859-1: mojibake.
    assert pyogrio.read_dataframe(shp)["name"].tolist() != NAMES

    frame, report = read_vector_with_report(shp)

    assert frame["name"].tolist() == NAMES
    assert report.encoding == "GBK"
    assert "no .cpg" in report.encoding_reason
    assert report.driver == "ESRI Shapefile"
    assert report.feature_count == 2


def test_utf8_shapefile_without_cpg_is_not_taken_for_gbk(tmp_path: Path) -> None:
    shp = write_shapefile(
        _villages(GK_POINTS, "EPSG:4549"), tmp_path / "utf8.shp", encoding="UTF-8", write_cpg=False
    )
    # The UTF-8 bytes also "decode" as GBK, into the wrong characters.
    assert pyogrio.read_dataframe(shp, encoding="GBK")["name"].tolist() != NAMES

    frame, report = read_vector_with_report(shp)

    assert frame["name"].tolist() == NAMES
    assert report.encoding == "UTF-8"


def test_chinese_field_names_are_decoded_too(tmp_path: Path) -> None:
    villages = _villages(GK_POINTS, "EPSG:4549").rename(columns={"name": "名称"})
    shp = write_shapefile(villages, tmp_path / "fields.shp", encoding="GBK", write_cpg=False)

    frame = read_vector(shp)

    assert frame["名称"].tolist() == NAMES


def test_cpg_file_is_honoured(tmp_path: Path) -> None:
    shp = write_shapefile(_villages(GK_POINTS, "EPSG:4549"), tmp_path / "cpg.shp", encoding="GBK")
    assert shp.with_suffix(".cpg").read_text().strip() == "GBK"

    frame, report = read_vector_with_report(shp)

    assert frame["name"].tolist() == NAMES
    assert report.encoding == "GBK"
    assert ".cpg" in report.encoding_reason


def test_cpg_code_page_number_is_understood(tmp_path: Path) -> None:
    shp = write_shapefile(_villages(GK_POINTS, "EPSG:4549"), tmp_path / "cp.shp", encoding="GBK")
    shp.with_suffix(".cpg").write_text("936")

    frame, report = read_vector_with_report(shp)

    assert frame["name"].tolist() == NAMES
    assert report.encoding == "CP936"


def test_explicit_encoding_overrides_detection(tmp_path: Path) -> None:
    shp = write_shapefile(
        _villages(GK_POINTS, "EPSG:4549"), tmp_path / "e.shp", encoding="GBK", write_cpg=False
    )

    frame, report = read_vector_with_report(shp, encoding="GB18030")

    assert frame["name"].tolist() == NAMES
    assert report.encoding == "GB18030"
    assert "encoding=" in report.encoding_reason


def test_text_in_neither_utf8_nor_gbk_is_an_error(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"name": ["ÿÿÿ"]}, geometry=[Point(GK_POINTS[0])], crs="EPSG:4549")
    shp = write_shapefile(frame, tmp_path / "latin.shp", encoding="ISO-8859-1", write_cpg=False)
    assert b"\xff\xff\xff" in shp.with_suffix(".dbf").read_bytes()

    message = _raise_message(shp)

    assert "neither UTF-8 nor GBK" in message
    assert read_vector(shp, encoding="ISO-8859-1")["name"].tolist() == ["ÿÿÿ"]


# --- containers and other formats ---------------------------------------------------------------


def test_zipped_shapefile_is_read_without_extracting(tmp_path: Path) -> None:
    shp = write_shapefile(
        _villages(GK_POINTS, None), tmp_path / "set" / "村.shp", encoding="GBK", write_cpg=False
    )
    archive = tmp_path / "villages.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in sorted(shp.parent.iterdir()):
            zipped.write(part, f"数据/{part.name}")
        zipped.writestr("__MACOSX/数据/._村.shp", b"macOS resource fork")

    frame, report = read_vector_with_report(archive)

    _assert_in_district(frame)
    assert frame["name"].tolist() == NAMES
    assert report.encoding == "GBK"
    assert "guessed" in report.crs_reason
    assert sorted(p.name for p in tmp_path.iterdir()) == ["set", "villages.zip"]


def test_zip_with_gbk_member_names_from_windows(tmp_path: Path) -> None:
    # Zips made on Chinese Windows store member names in GBK without the UTF-8 flag; Python's
    # zipfile and GDAL's /vsizip/ both read such names as CP437, so they must agree.
    shp = write_shapefile(_villages(GK_POINTS, "EPSG:4549"), tmp_path / "set" / "v.shp")
    gbk_name = "数据/村庄".encode("gbk")
    placeholder = b"Q" * len(gbk_name)
    archive = tmp_path / "windows.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in sorted(shp.parent.iterdir()):
            zipped.write(part, placeholder.decode() + part.suffix)
    archive.write_bytes(archive.read_bytes().replace(placeholder, gbk_name))
    assert not any(name.startswith("数据") for name in zipfile.ZipFile(archive).namelist())

    frame = read_vector(archive)

    _assert_in_district(frame)
    assert frame["name"].tolist() == NAMES


def test_zip_with_two_shapefiles_is_an_error(tmp_path: Path) -> None:
    a = write_shapefile(_villages(GK_POINTS, "EPSG:4549"), tmp_path / "a.shp")
    b = write_shapefile(_villages(GK_POINTS, "EPSG:4549"), tmp_path / "b.shp")
    archive = tmp_path / "two.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in [*a.parent.glob("a.*"), *b.parent.glob("b.*")]:
            zipped.write(part, part.name)

    message = _raise_message(archive)

    assert "a.shp" in message
    assert "b.shp" in message


def test_folder_with_one_shapefile_is_read(tmp_path: Path) -> None:
    write_shapefile(_villages(GK_POINTS, "EPSG:4549"), tmp_path / "folder" / "v.shp")

    frame = read_vector(tmp_path / "folder")

    _assert_in_district(frame)
    assert frame["name"].tolist() == NAMES


def test_folder_with_two_shapefiles_is_an_error(tmp_path: Path) -> None:
    write_shapefile(_villages(GK_POINTS, "EPSG:4549"), tmp_path / "folder" / "a.shp")
    write_shapefile(_villages(GK_POINTS, "EPSG:4549"), tmp_path / "folder" / "b.shp")

    message = _raise_message(tmp_path / "folder")

    assert "a.shp, b.shp" in message


def test_geojson_is_read(tmp_path: Path) -> None:
    path = tmp_path / "villages.geojson"
    _villages(LONLAT_POINTS, "EPSG:4326").to_file(path, driver="GeoJSON", engine="pyogrio")

    frame, report = read_vector_with_report(path)

    _assert_in_district(frame)
    assert frame["name"].tolist() == NAMES
    assert report.driver == "GeoJSON"
    assert report.encoding == "UTF-8"


def test_geojson_in_metres_without_crs_member_is_guessed(tmp_path: Path) -> None:
    path = tmp_path / "metres.json"
    features = [
        {"type": "Feature", "properties": {"name": n}, "geometry": Point(p).__geo_interface__}
        for n, p in zip(NAMES, GK_POINTS, strict=True)
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")

    frame, report = read_vector_with_report(path)

    _assert_in_district(frame)
    assert report.crs_source == "EPSG:4549"
    assert "guessed" in report.crs_reason


def test_geopackage_with_two_layers_needs_a_layer(tmp_path: Path) -> None:
    path = tmp_path / "two.gpkg"
    _villages(LONLAT_POINTS, "EPSG:4490").to_file(path, layer="村庄", engine="pyogrio")
    _villages(GK_POINTS, "EPSG:4549").to_file(path, layer="乡镇", engine="pyogrio")

    message = _raise_message(path)
    assert "村庄" in message
    assert "乡镇" in message

    frame, report = read_vector_with_report(path, layer="乡镇")
    _assert_in_district(frame)
    assert frame["name"].tolist() == NAMES
    assert report.layer == "乡镇"
    assert report.crs_source == "EPSG:4549"

    assert "no layer 'nope'" in _raise_message(path, layer="nope")


def test_kml_is_read(tmp_path: Path) -> None:
    path = tmp_path / "villages.kml"
    _villages(LONLAT_POINTS, "EPSG:4326").to_file(path, driver="KML", engine="pyogrio")

    frame, report = read_vector_with_report(path)

    _assert_in_district(frame)
    assert frame["Name"].tolist() == NAMES
    assert report.driver in {"KML", "LIBKML"}


def test_gpx_reads_waypoints_by_default(tmp_path: Path) -> None:
    path = tmp_path / "track.gpx"
    pyogrio.write_dataframe(
        _villages(LONLAT_POINTS, "EPSG:4326")[["name", "geometry"]],
        path,
        driver="GPX",
        layer="waypoints",
    )

    frame, report = read_vector_with_report(path)

    assert report.layer == "waypoints"
    assert frame["name"].tolist() == NAMES


def test_csv_with_chinese_columns_in_gb18030(tmp_path: Path) -> None:
    path = tmp_path / "村庄.csv"
    table = pd.DataFrame({"名称": NAMES, "经度": [120.50, 120.55], "纬度": [41.60, 41.65]})
    path.write_bytes(table.to_csv(index=False).encode("gb18030"))

    frame, report = read_vector_with_report(path)

    _assert_in_district(frame)
    assert frame["名称"].tolist() == NAMES
    assert report.encoding == "GB18030"
    assert report.crs_source == "EPSG:4326"
    assert "guessed" in report.crs_reason
    assert frame.geometry.iloc[0].equals(Point(120.50, 41.60))


def test_csv_with_lon_lat_in_utf8_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    table = pd.DataFrame({"Lon": [120.50, 120.55], "LAT": [41.60, 41.65], "name": NAMES})
    path.write_bytes(table.to_csv(index=False).encode("utf-8-sig"))

    frame, report = read_vector_with_report(path)

    _assert_in_district(frame)
    assert list(frame.columns[:3]) == ["Lon", "LAT", "name"]
    assert frame["name"].tolist() == NAMES
    assert report.encoding == "UTF-8"
    assert "BOM" in report.encoding_reason


def test_csv_with_gauss_kruger_x_y_and_a_blank_row(tmp_path: Path) -> None:
    path = tmp_path / "xy.csv"
    path.write_text("name,X,Y\na,545000,4600000\nb,,\nc,546500,4601500\n", "utf-8")

    frame, report = read_vector_with_report(path)

    _assert_in_district(frame)
    assert report.crs_source == "EPSG:4549"
    assert report.feature_count == 3
    assert report.empty_features == 1


def test_report_is_frozen(tmp_path: Path) -> None:
    shp = write_shapefile(_villages(GK_POINTS, "EPSG:4549"), tmp_path / "r.shp")

    _, report = read_vector_with_report(shp)

    assert isinstance(report, ReadReport)
    with pytest.raises(AttributeError):
        report.feature_count = 0  # type: ignore[misc]


def test_excel_sheet_with_chinese_coordinate_columns(tmp_path: Path) -> None:
    path = tmp_path / "台账.xlsx"
    table = pd.DataFrame(
        {"名称": ["房中村", "<b>坝南</b>"], "经度": [120.5, 120.45], "纬度": [41.6, 41.57]}
    )
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame({"说明": ["封面"]}).to_excel(writer, sheet_name="封面", index=False)
        table.to_excel(writer, sheet_name="点位", index=False)
    frame, report = read_vector_with_report(path, layer="点位")
    assert list(frame["名称"]) == ["房中村", "<b>坝南</b>"]
    assert frame.geometry.iloc[0].x == pytest.approx(120.5)
    assert report.driver == "XLSX" and report.layer == "点位"
    assert "no coordinate columns" in _raise_message(path)  # the first sheet has none
    with pytest.raises(DataError, match="no sheet 'x'"):
        read_vector(path, layer="x")


def test_damaged_excel_is_named(tmp_path: Path) -> None:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(b"PK\x03\x04 not a workbook")
    assert "unreadable Excel workbook" in _raise_message(path)
