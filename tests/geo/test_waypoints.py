"""Known answers for geo.waypoints: GPX and KML waypoints read back by geo.io and by XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyproj
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon

from geo.io import read_vector
from geo.waypoints import waypoints_gpx, waypoints_kml

GPX = "{http://www.topografix.com/GPX/1/1}"
KML = "{http://www.opengis.net/kml/2.2}"
XSI = "{http://www.w3.org/2001/XMLSchema-instance}"
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'
TOLERANCE = 1e-7  # degrees, about 1 cm
HOSTILE_NAME = '<script>alert(1)</script> & "x"'
DESCRIPTION = (("村", "village"), ("乡镇街道", "township"), ("户数", "households"))
# Seven decimals each, so a writer that keeps fewer fails the round trip.
POSITIONS = [(120.4512345, 41.5523456), (120.6098765, 41.7012347), (120.5000001, 41.4000009)]


def _gap_list(crs: str | None = "EPSG:4326") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "name": ["房中村 王家", HOSTILE_NAME, "孙家湾镇 第三网格"],
            "village": ["房中村", "驼山子村", None],
            "township": ["孙家湾镇", "孙家湾镇", "长宝营子乡"],
            "households": [12.0, float("nan"), 3.5],
        },
        geometry=[Point(position) for position in POSITIONS],
        crs=crs,
    )


EXPECTED_DESCRIPTIONS = [
    "村: 房中村; 乡镇街道: 孙家湾镇; 户数: 12",
    "村: 驼山子村; 乡镇街道: 孙家湾镇",
    "乡镇街道: 长宝营子乡; 户数: 3.5",
]


def _gpx(frame: gpd.GeoDataFrame, **options: object) -> bytes:
    return waypoints_gpx(frame, name_field="name", description=DESCRIPTION, **options)


def _kml(frame: gpd.GeoDataFrame, **options: object) -> bytes:
    options.setdefault("document_name", "未覆盖清单 <缺口> & 走访")
    return waypoints_kml(frame, name_field="name", description=DESCRIPTION, **options)


WRITERS: dict[str, Callable[..., bytes]] = {"gpx": _gpx, "kml": _kml}


def _gpx_waypoints(data: bytes) -> list[tuple[float, float, str, str | None]]:
    """(lon, lat, name, desc) of every <wpt>, parsed with ElementTree."""
    root = ET.fromstring(data)
    return [
        (
            float(wpt.attrib["lon"]),
            float(wpt.attrib["lat"]),
            wpt.findtext(f"{GPX}name"),
            wpt.findtext(f"{GPX}desc"),
        )
        for wpt in root.iter(f"{GPX}wpt")
    ]


def _kml_placemarks(data: bytes) -> list[tuple[float, float, str, str | None]]:
    """(lon, lat, name, description) of every <Placemark>, parsed with ElementTree."""
    root = ET.fromstring(data)
    placemarks = []
    for placemark in root.iter(f"{KML}Placemark"):
        # "lon,lat" or "lon,lat,altitude" (KML 2.2 allows both; libkml writes an altitude of 0).
        lon, lat, *_ = placemark.findtext(f"{KML}Point/{KML}coordinates").strip().split(",")
        name = placemark.findtext(f"{KML}name")
        description = placemark.findtext(f"{KML}description")
        placemarks.append((float(lon), float(lat), name, description))
    return placemarks


PARSERS = {"gpx": _gpx_waypoints, "kml": _kml_placemarks}


def _written_points(fmt: str, frame: gpd.GeoDataFrame) -> list[tuple[float, float]]:
    return [(lon, lat) for lon, lat, _, _ in PARSERS[fmt](WRITERS[fmt](frame))]


# --- round trip through the project's reader --------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "name_column", "description_column"),
    [("gpx", "name", "desc"), ("kml", "Name", "description")],
)
def test_round_trip_through_read_vector(
    tmp_path: Path, fmt: str, name_column: str, description_column: str
) -> None:
    path = tmp_path / f"缺口清单.{fmt}"
    path.write_bytes(WRITERS[fmt](_gap_list()))

    read = read_vector(path)

    assert len(read) == len(POSITIONS)
    assert read[name_column].tolist() == ["房中村 王家", HOSTILE_NAME, "孙家湾镇 第三网格"]
    assert read[description_column].tolist() == EXPECTED_DESCRIPTIONS
    for (lon, lat), point in zip(POSITIONS, read.geometry, strict=True):
        assert point.x == pytest.approx(lon, abs=TOLERANCE)
        assert point.y == pytest.approx(lat, abs=TOLERANCE)


# --- coordinates --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["gpx", "kml"])
def test_projected_frame_is_written_in_lon_lat(fmt: str) -> None:
    metres = [(500000.0, 4600000.0), (545000.0, 4610500.0)]
    frame = gpd.GeoDataFrame(
        {"name": ["甲", "乙"], "village": None, "township": None, "households": None},
        geometry=[Point(xy) for xy in metres],
        crs="EPSG:4549",
    )
    to_lon_lat = pyproj.Transformer.from_crs("EPSG:4549", "EPSG:4326", always_xy=True)

    written = _written_points(fmt, frame)

    for (x, y), (lon, lat) in zip(metres, written, strict=True):
        expected_lon, expected_lat = to_lon_lat.transform(x, y)
        assert lon == pytest.approx(expected_lon, abs=TOLERANCE)
        assert lat == pytest.approx(expected_lat, abs=TOLERANCE)
    assert 119 < written[0][0] < 121 and 41 < written[0][1] < 42


@pytest.mark.parametrize("fmt", ["gpx", "kml"])
def test_polygon_and_line_are_written_at_a_point_on_them(fmt: str) -> None:
    # A U shape whose centroid (120.50, ~41.52) lies in the notch, outside the polygon.
    u_shape = Polygon(
        [(120.40, 41.50), (120.60, 41.50), (120.60, 41.60), (120.55, 41.60), (120.55, 41.52),
         (120.45, 41.52), (120.45, 41.60), (120.40, 41.60)]
    )  # fmt: skip
    assert not u_shape.centroid.within(u_shape)
    road = LineString([(120.40, 41.40), (120.50, 41.45), (120.60, 41.40)])
    frame = gpd.GeoDataFrame(
        {"name": ["园区", "道路"], "village": None, "township": None, "households": None},
        geometry=[u_shape, road],
        crs="EPSG:4326",
    )

    (polygon_point, line_point) = (Point(p) for p in _written_points(fmt, frame))

    assert polygon_point.within(u_shape)
    assert line_point.distance(road) < TOLERANCE


# --- what cannot be written ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["gpx", "kml"])
def test_features_without_geometry_are_named(fmt: str) -> None:
    frame = gpd.GeoDataFrame(
        {"name": list("abcde"), "village": None, "township": None, "households": None},
        geometry=[Point(120.5, 41.5), None, shapely.Point(), Point(120.6, 41.6), Polygon()],
        index=[1, 4, 9, 11, 12],
        crs="EPSG:4326",
    )

    with pytest.raises(ValueError, match=r"^3 features have no geometry: 4, 9, 12$"):
        WRITERS[fmt](frame)


@pytest.mark.parametrize("fmt", ["gpx", "kml"])
def test_empty_frame_is_refused(fmt: str) -> None:
    with pytest.raises(ValueError, match=r"^no features to write$"):
        WRITERS[fmt](_gap_list().iloc[0:0])


@pytest.mark.parametrize("fmt", ["gpx", "kml"])
def test_frame_without_crs_is_refused(fmt: str) -> None:
    with pytest.raises(ValueError, match="no CRS"):
        WRITERS[fmt](_gap_list(crs=None))


@pytest.mark.parametrize("fmt", ["gpx", "kml"])
def test_missing_columns_are_named(fmt: str) -> None:
    with pytest.raises(ValueError, match="'township'"):
        WRITERS[fmt](_gap_list().drop(columns="township"))


# --- the documents ------------------------------------------------------------------------------


def test_gpx_is_a_gpx_1_1_document_of_waypoints() -> None:
    data = _gpx(_gap_list(), creator='外业 "组" & <一>')

    assert data.startswith(DECLARATION + b"\n")
    root = ET.fromstring(data)
    assert root.tag == f"{GPX}gpx"
    assert {key: root.attrib.get(key) for key in ("version", "creator")} == {
        "version": "1.1",
        "creator": '外业 "组" & <一>',
    }
    assert set(root.attrib) <= {"version", "creator", f"{XSI}schemaLocation"}
    waypoints = root.findall(f"{GPX}wpt")
    # Nothing but the waypoints, after the optional <metadata> (GDAL writes the bounds there).
    assert len(waypoints) == len(POSITIONS) == len([c for c in root if c.tag != f"{GPX}metadata"])
    for wpt in waypoints:
        assert -90 <= float(wpt.attrib["lat"]) <= 90
        assert -180 <= float(wpt.attrib["lon"]) <= 180
        assert [child.tag for child in wpt][:1] == [f"{GPX}name"]  # GPX 1.1: name before desc


def test_kml_is_a_kml_2_2_document_of_placemarks() -> None:
    data = _kml(_gap_list())

    assert data.startswith(DECLARATION + b"\n")
    root = ET.fromstring(data)
    assert root.tag == f"{KML}kml"
    (document,) = list(root)
    assert document.tag == f"{KML}Document"
    assert document.findtext(f"{KML}name") == "未覆盖清单 <缺口> & 走访"
    assert [name for _, _, name, _ in _kml_placemarks(data)] == _gap_list()["name"].tolist()


@pytest.mark.parametrize("fmt", ["gpx", "kml"])
def test_coordinates_have_seven_decimals(fmt: str) -> None:
    text = WRITERS[fmt](_gap_list()).decode("utf-8")

    assert 'lat="41.5523456" lon="120.4512345"' in text or "120.4512345,41.5523456" in text
    assert "41.4000009" in text


@pytest.mark.parametrize("fmt", ["gpx", "kml"])
def test_missing_values_and_whole_numbers(fmt: str) -> None:
    frame = gpd.GeoDataFrame(
        {
            "name": [None, 7.0, 2],
            "village": [float("nan"), pd.NA, "房中村"],
            "township": [None, None, None],
            "households": [None, 1e20, 0.25],
        },
        geometry=[Point(120.5, 41.5)] * 3,
        crs="EPSG:4326",
    )

    written = PARSERS[fmt](WRITERS[fmt](frame))

    assert [name or "" for _, _, name, _ in written] == ["", "7", "2"]
    assert [description for _, _, _, description in written] == [
        None,
        "户数: 1e+20",
        "村: 房中村; 户数: 0.25",
    ]
