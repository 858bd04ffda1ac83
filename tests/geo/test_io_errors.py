"""Known answers for geo.io: errors named with their file, repairs and empty geometries."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyogrio
from shapely.geometry import Polygon

from geo.io import read_vector_with_report
from geo.shapefile_write import write_shapefile
from tests.geo.io_cases import (
    NAMES,
    _raise_message,
    _villages,
)

# --- errors -------------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    assert "not found" in _raise_message(tmp_path / "nowhere.shp")


def test_unsupported_extension(tmp_path: Path) -> None:
    path = tmp_path / "drawing.dwg"
    path.write_bytes(b"not really")

    message = _raise_message(path)

    assert "unsupported" in message
    assert ".geojson" in message
    assert ".gpkg" in message


def test_corrupt_shapefile(tmp_path: Path) -> None:
    path = tmp_path / "broken.shp"
    for suffix in (".shp", ".shx", ".dbf"):
        path.with_suffix(suffix).write_bytes(b"this is not a shapefile" * 10)

    assert "the .shp file is not a shapefile part (bad header)" in _raise_message(path)


def test_geojson_without_features(tmp_path: Path) -> None:
    path = tmp_path / "none.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}', "utf-8")

    assert "empty: no features" in _raise_message(path)


def test_zero_byte_file(tmp_path: Path) -> None:
    path = tmp_path / "zero.geojson"
    path.write_bytes(b"")

    assert "empty" in _raise_message(path)


def test_csv_without_coordinate_columns(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text("名称,人口\n驼山子村,1200\n", "utf-8")

    message = _raise_message(path)

    assert "no coordinate columns" in message
    assert "名称, 人口" in message


def test_coordinates_that_cannot_be_guessed(tmp_path: Path) -> None:
    frame = _villages([(5000.0, 7000.0), (5100.0, 7100.0)], None)
    shp = write_shapefile(frame, tmp_path / "local.shp")

    message = _raise_message(shp)

    assert "no CRS and none can be guessed from coordinates" in message
    assert "minx 5000" in message
    assert "maxy 7100" in message


def test_layer_without_geometry(tmp_path: Path) -> None:
    path = tmp_path / "table.gpkg"
    pyogrio.write_dataframe(pd.DataFrame({"名称": NAMES}), path, layer="attrs")

    assert "no geometry column" in _raise_message(path)


# --- repairs and empty geometries ----------------------------------------------------------------


def test_invalid_polygon_is_repaired_and_empty_geometry_counted(tmp_path: Path) -> None:
    x, y = 120.5, 41.6
    bow_tie = Polygon([(x, y), (x + 0.01, y + 0.01), (x + 0.01, y), (x, y + 0.01), (x, y)])
    square = Polygon([(x, y), (x + 0.01, y), (x + 0.01, y + 0.01), (x, y + 0.01)])
    features = [
        {"type": "Feature", "properties": {"name": "好"}, "geometry": square.__geo_interface__},
        {"type": "Feature", "properties": {"name": "坏"}, "geometry": bow_tie.__geo_interface__},
        {"type": "Feature", "properties": {"name": "空"}, "geometry": None},
    ]
    path = tmp_path / "mixed.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")

    frame, report = read_vector_with_report(path)

    assert frame["name"].tolist() == ["好", "坏", "空"]
    assert report.feature_count == 3
    assert report.empty_features == 1
    assert len(report.repaired) == 1
    assert report.repaired[0].startswith("row 1:")
    assert "Self-intersection" in report.repaired[0]
    assert frame.geometry.iloc[1].is_valid
    assert frame.geometry.iloc[1].geom_type == "MultiPolygon"
    assert frame.geometry.iloc[2] is None


def test_non_finite_coordinates_name_their_rows(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("lon,lat\n120.5,41.6\ninf,41.6\n120.5,-inf\n", encoding="utf-8")
    message = _raise_message(path)
    assert "2 features have coordinates that are not numbers" in message
    assert message.endswith(": 1, 2")
