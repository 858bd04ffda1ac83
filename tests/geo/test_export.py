"""Known answers for geo.export: every feature format round-trips through geo.io with its
Chinese text."""

from __future__ import annotations

import codecs
import io
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry import Polygon

from geo.errors import DataError
from geo.export import (
    FEATURE_FORMATS,
    TABLE_FORMATS,
    ExportFormat,
    export_features,
)
from geo.io import read_vector

NAMES = ["长宝营子乡", "驼山子村", "双塔街道"]
TOWNSHIPS = ["长宝营子乡", "桃花吐镇", "双塔区"]
COUNTS = [3, 12, 1_234_567]
INVESTMENT = [1250.75, 0.125, 98765.4321]
DISTRICT_LON = (120.39, 120.65)
DISTRICT_LAT = (41.40, 41.78)
TOLERANCE = 1e-7  # degrees, about 1 cm
LAYER = "项目"
SHAPEFILE_PARTS = {f"{LAYER}{suffix}" for suffix in (".shp", ".shx", ".dbf", ".prj", ".cpg")}


def _square(x: float, y: float, size: float) -> Polygon:
    return Polygon([(x, y), (x + size, y), (x + size, y + size), (x, y + size)])


def _projects() -> gpd.GeoDataFrame:
    """Three programmes in lon/lat: one polygon has a hole, so ring order is tested too."""
    with_hole = Polygon(
        _square(120.50, 41.60, 0.02).exterior.coords,
        [_square(120.505, 41.605, 0.005).exterior.coords],
    )
    return gpd.GeoDataFrame(
        {"名称": NAMES, "乡镇": TOWNSHIPS, "数量": COUNTS, "投资": INVESTMENT},
        geometry=[with_hole, _square(120.45, 41.55, 0.01), _square(120.6000001, 41.7, 0.003)],
        crs="EPSG:4326",
    )


def _projects_in_metres() -> gpd.GeoDataFrame:
    """The programmes built in CGCS2000 3-degree Gauss-Krüger CM 120°E (EPSG:4549)."""
    return gpd.GeoDataFrame(
        {"名称": NAMES[:2], "数量": COUNTS[:2]},
        geometry=[_square(545_000, 4_600_000, 500), _square(546_500, 4_601_500, 250)],
        crs="EPSG:4549",
    )


def _write(tmp_path: Path, data: bytes, fmt: str, name: str = "export") -> Path:
    path = tmp_path / (name + FEATURE_FORMATS[fmt].extension)
    path.write_bytes(data)
    return path


def _same_geometry(actual: object, expected: object) -> bool:
    """Equal within TOLERANCE, whatever the ring orientation or starting vertex."""
    return bool(
        shapely.equals_exact(
            shapely.normalize(actual), shapely.normalize(expected), tolerance=TOLERANCE
        )
    )


def _assert_in_district(bounds: tuple[float, float, float, float]) -> None:
    minx, miny, maxx, maxy = bounds
    assert DISTRICT_LON[0] <= minx <= maxx <= DISTRICT_LON[1]
    assert DISTRICT_LAT[0] <= miny <= maxy <= DISTRICT_LAT[1]


# --- formats ------------------------------------------------------------------------------------


def test_format_tables_describe_every_format() -> None:
    assert list(FEATURE_FORMATS) == ["geojson", "gpkg", "shp", "csv"]
    assert list(TABLE_FORMATS) == ["csv", "xlsx"]
    assert FEATURE_FORMATS["shp"].extension == ".zip"
    assert TABLE_FORMATS["xlsx"].extension == ".xlsx"
    for formats in (FEATURE_FORMATS, TABLE_FORMATS):
        for key, export_format in formats.items():
            assert isinstance(export_format, ExportFormat)
            assert export_format.key == key
            assert export_format.extension.startswith(".")
            assert export_format.label_zh and export_format.label_en and "/" in export_format.mime
    with pytest.raises(AttributeError):
        FEATURE_FORMATS["csv"].extension = ".txt"  # type: ignore[misc]


@pytest.mark.parametrize("fmt", ["kml", "GeoJSON", "xlsx", ""])
def test_unknown_feature_format_is_refused_with_the_known_keys(fmt: str) -> None:
    with pytest.raises(ValueError, match="'geojson', 'gpkg', 'shp', 'csv'") as caught:
        export_features(_projects(), fmt, layer_name=LAYER)
    assert not isinstance(caught.value, DataError)


# --- round trips --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "shp"])
def test_vector_formats_round_trip_through_read_vector(tmp_path: Path, fmt: str) -> None:
    projects = _projects()

    frame = read_vector(_write(tmp_path, export_features(projects, fmt, layer_name=LAYER), fmt))

    assert len(frame) == len(projects)
    assert [c for c in frame.columns if c != frame.geometry.name] == [
        "名称",
        "乡镇",
        "数量",
        "投资",
    ]
    assert frame["名称"].tolist() == NAMES
    assert frame["乡镇"].tolist() == TOWNSHIPS
    assert frame["数量"].tolist() == COUNTS
    assert frame["投资"].tolist() == pytest.approx(INVESTMENT, rel=1e-12)
    for actual, expected in zip(frame.geometry, projects.geometry, strict=True):
        assert _same_geometry(actual, expected)


def test_csv_round_trips_through_read_vector_with_full_geometry_in_wkt(tmp_path: Path) -> None:
    projects = _projects()

    frame = read_vector(_write(tmp_path, export_features(projects, "csv", layer_name=LAYER), "csv"))

    assert len(frame) == len(projects)
    assert frame["名称"].tolist() == NAMES
    assert frame["乡镇"].tolist() == TOWNSHIPS
    assert frame["数量"].tolist() == COUNTS
    assert frame["投资"].tolist() == pytest.approx(INVESTMENT, rel=1e-12)
    for actual, expected in zip(shapely.from_wkt(frame["wkt"]), projects.geometry, strict=True):
        assert _same_geometry(actual, expected)
    # read_vector takes lon/lat as the points: each lies inside its polygon, to 6 decimals.
    for point, polygon in zip(frame.geometry, projects.geometry, strict=True):
        assert polygon.buffer(1e-6).contains(point)


def test_a_filtered_frame_exports_its_columns_and_not_its_index() -> None:
    filtered = _projects().iloc[[2, 0]][["名称", "geometry"]]

    collection = json.loads(export_features(filtered, "geojson", layer_name=LAYER))

    assert [f["properties"] for f in collection["features"]] == [
        {"名称": NAMES[2]},
        {"名称": NAMES[0]},
    ]
    csv = pd.read_csv(io.BytesIO(export_features(filtered, "csv", layer_name=LAYER)))
    assert csv.columns.tolist() == ["名称", "lon", "lat", "wkt"]


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "shp"])
def test_features_in_metres_are_written_in_lon_lat(tmp_path: Path, fmt: str) -> None:
    projects = _projects_in_metres()

    path = _write(tmp_path, export_features(projects, fmt, layer_name=LAYER), fmt)

    info = pyogrio.read_info(path)
    assert info["crs"] == "EPSG:4326"
    _assert_in_district(info["total_bounds"])
    raw = pyogrio.read_dataframe(path)
    for actual, expected in zip(raw.geometry, projects.to_crs(4326).geometry, strict=True):
        assert _same_geometry(actual, expected)


def test_features_without_a_crs_are_refused() -> None:
    naive = _projects().set_crs(None, allow_override=True)

    with pytest.raises(DataError, match="no CRS"):
        export_features(naive, "geojson", layer_name=LAYER)


# --- GeoJSON ------------------------------------------------------------------------------------


def test_geojson_is_rfc7946_utf8_with_chinese_as_characters() -> None:
    data = export_features(_projects(), "geojson", layer_name=LAYER)

    text = data.decode("utf-8")
    assert "长宝营子乡" in text and "驼山子村" in text
    assert "长宝营子乡".encode() in data
    assert "\\u" not in text
    collection = json.loads(text)
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection
    assert len(collection["features"]) == len(NAMES)
    # RFC 7946: exterior rings counter-clockwise, holes clockwise.
    rings = collection["features"][0]["geometry"]["coordinates"]
    assert shapely.LinearRing(rings[0]).is_ccw
    assert not shapely.LinearRing(rings[1]).is_ccw


def test_geojson_keeps_values_exact_and_writes_missing_as_null() -> None:
    projects = _projects()
    projects["比例"] = [0.1 + 0.2, float("nan"), float("inf")]
    projects["开工"] = pd.to_datetime(["2024-04-01 00:00", None, "2025-10-15 08:30"])
    projects["批次"] = pd.array([1, None, 3], dtype="Int64")
    projects.loc[1, "名称"] = None

    features = json.loads(export_features(projects, "geojson", layer_name=LAYER))["features"]

    assert [f["properties"]["比例"] for f in features] == [0.30000000000000004, None, None]
    assert [f["properties"]["开工"] for f in features] == [
        "2024-04-01T00:00:00",
        None,
        "2025-10-15T08:30:00",
    ]
    assert [f["properties"]["批次"] for f in features] == [1, None, 3]
    assert [f["properties"]["名称"] for f in features] == [NAMES[0], None, NAMES[2]]
    # 7 decimals (RFC 7946 section 11.2), a last digit 1 kept rather than taken for float noise.
    assert features[2]["geometry"]["coordinates"][0][0] == [120.6000001, 41.7]


def test_geojson_is_deterministic() -> None:
    first = export_features(_projects(), "geojson", layer_name=LAYER)
    second = export_features(_projects(), "geojson", layer_name=LAYER)

    assert first == second


def test_geojson_from_metres_has_lon_lat_coordinates() -> None:
    collection = json.loads(export_features(_projects_in_metres(), "geojson", layer_name=LAYER))

    coordinates = [
        point
        for feature in collection["features"]
        for point in feature["geometry"]["coordinates"][0]
    ]
    lons = [lon for lon, _ in coordinates]
    lats = [lat for _, lat in coordinates]
    _assert_in_district((min(lons), min(lats), max(lons), max(lats)))


# --- shapefile ----------------------------------------------------------------------------------


def test_shapefile_zip_holds_exactly_the_five_parts_in_utf8() -> None:
    data = export_features(_projects(), "shp", layer_name=LAYER)

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert set(archive.namelist()) == SHAPEFILE_PARTS
        assert archive.read(f"{LAYER}.cpg").decode("ascii").strip() == "UTF-8"
        assert "GCS_WGS_1984" in archive.read(f"{LAYER}.prj").decode("ascii")


def test_shapefile_zip_is_deterministic() -> None:
    first = export_features(_projects(), "shp", layer_name=LAYER)
    second = export_features(_projects(), "shp", layer_name=LAYER)

    assert first == second


def test_shapefile_layer_name_is_made_safe_as_a_file_name() -> None:
    data = export_features(_projects(), "shp", layer_name="项目/2024")

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "项目_2024.shp" in archive.namelist()


@pytest.mark.parametrize("column", ["project_name", "项目名称"])
def test_shapefile_refuses_column_names_gdal_would_truncate(column: str) -> None:
    # 12 Latin letters, or 4 Chinese characters = 12 UTF-8 bytes: the DBF limit is 10 bytes.
    projects = _projects().rename(columns={"名称": column})

    with pytest.raises(DataError) as caught:
        export_features(projects, "shp", layer_name=LAYER)

    assert repr(column) in str(caught.value)
    assert "乡镇" not in caught.value.problem


def test_shapefile_refuses_text_gdal_would_truncate() -> None:
    projects = _projects()
    projects["名称"] = ["长" * 85, "短", "短"]  # 255 bytes in UTF-8; a DBF field holds 254

    with pytest.raises(DataError, match="'名称'"):
        export_features(projects, "shp", layer_name=LAYER)


# --- CSV ----------------------------------------------------------------------------------------


def test_csv_has_bom_coordinates_and_wkt() -> None:
    projects = _projects()

    data = export_features(projects, "csv", layer_name=LAYER)

    assert data.startswith(codecs.BOM_UTF8)
    table = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert table.columns.tolist() == ["名称", "乡镇", "数量", "投资", "lon", "lat", "wkt"]
    assert table["名称"].tolist() == NAMES
    points = projects.geometry.representative_point()
    assert table["lon"].tolist() == pytest.approx(points.x.round(6).tolist(), abs=1e-12)
    assert table["lat"].tolist() == pytest.approx(points.y.round(6).tolist(), abs=1e-12)
    assert table["wkt"][2].startswith("POLYGON ((120.6000001 41.7")


def test_csv_refuses_columns_clashing_with_the_coordinates() -> None:
    projects = _projects().rename(columns={"投资": "lat"})

    with pytest.raises(DataError, match="'lat'"):
        export_features(projects, "csv", layer_name=LAYER)


# --- empty frames -------------------------------------------------------------------------------


def test_empty_geojson_and_csv_have_no_features() -> None:
    empty = _projects().iloc[:0]

    collection = json.loads(export_features(empty, "geojson", layer_name=LAYER))
    table = pd.read_csv(io.BytesIO(export_features(empty, "csv", layer_name=LAYER)))

    assert collection["type"] == "FeatureCollection"
    assert collection["features"] == []
    assert table.columns.tolist() == ["名称", "乡镇", "数量", "投资", "lon", "lat", "wkt"]
    assert len(table) == 0


@pytest.mark.parametrize("fmt", ["gpkg", "shp"])
def test_empty_geopackage_and_shapefile_keep_the_columns(tmp_path: Path, fmt: str) -> None:
    path = _write(tmp_path, export_features(_projects().iloc[:0], fmt, layer_name=LAYER), fmt)

    frame = pyogrio.read_dataframe(path)

    assert len(frame) == 0
    assert frame.columns.tolist()[:4] == ["名称", "乡镇", "数量", "投资"]
    assert pyogrio.list_layers(path)[0][0] == LAYER


def test_geopackage_and_shapefile_can_be_written_in_gauss_kruger(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"名称": ["甲"]}, geometry=[shapely.Point(120.45, 41.58)], crs=4326)
    data = export_features(frame, "gpkg", layer_name="点", crs="EPSG:4549")
    path = tmp_path / "gk.gpkg"
    path.write_bytes(data)
    back = gpd.read_file(path)
    assert back.crs.to_epsg() == 4549
    expected = frame.to_crs("EPSG:4549").geometry.iloc[0]
    assert back.geometry.iloc[0].distance(expected) < 0.01
    with pytest.raises(DataError, match="GeoJSON is written in EPSG:4326 only"):
        export_features(frame, "geojson", layer_name="点", crs="EPSG:4549")
