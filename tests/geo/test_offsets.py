"""Tests for geo.offsets: WGS-84 / GCJ-02 / BD-09 conversions of arrays and geometries."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import LineString, MultiLineString, Point, Polygon

from geo.errors import DataError
from geo.offsets import (
    BD09,
    GCJ02,
    SYSTEMS,
    WGS84,
    bd09_to_gcj02,
    convert,
    convert_geometries,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    wgs84_to_gcj02,
)

GEOD = Geod(ellps="WGS84")
# Shuangta District, Chaoyang, Liaoning.
DISTRICT_LON = (120.39, 120.65)
DISTRICT_LAT = (41.40, 41.78)

# Published WGS-84 -> GCJ-02 pairs (wgs_lon, wgs_lat, gcj_lon, gcj_lat).
# From googollee/eviltransform, python/test.py and go/transform_test.go (TESTS: Shanghai,
# Shenzhen, Beijing; the source lists them as lat, lng).
EVILTRANSFORM_WGS_GCJ = [
    (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),
    (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),
    (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),
]
# From wandergis/coordtransform, test/app.js: every function applied to (116.404, 39.915).
WANDERGIS_INPUT = (116.404, 39.915)
WANDERGIS_WGS84_TO_GCJ02 = (116.41024449916938, 39.91640428150164)
WANDERGIS_GCJ02_TO_BD09 = (116.41036949371029, 39.92133699351021)
# These two are that library's one-step approximate inverses, good to a few centimetres.
WANDERGIS_GCJ02_TO_WGS84 = (116.39775550083061, 39.91359571849836)
WANDERGIS_BD09_TO_GCJ02 = (116.39762729119315, 39.90865673957631)

OUTSIDE_CHINA = [
    (-0.1276, 51.5072),  # London
    (-74.006, 40.7128),  # New York
    (139.6917, 35.6895),  # Tokyo, east of the box's 137.8347°E
    (151.2093, -33.8688),  # Sydney
    (37.6173, 55.7558),  # Moscow
]


def metres(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Geodesic distance in metres between two sets of lon/lat points."""
    lon1, lat1, lon2, lat2 = np.broadcast_arrays(lon1, lat1, lon2, lat2)
    return np.asarray(GEOD.inv(lon1, lat1, lon2, lat2)[2])


def district_grid(n: int = 61) -> tuple[np.ndarray, np.ndarray]:
    """An n x n grid of points covering the district bounds, a little widened."""
    lon, lat = np.meshgrid(
        np.linspace(DISTRICT_LON[0] - 0.05, DISTRICT_LON[1] + 0.05, n),
        np.linspace(DISTRICT_LAT[0] - 0.05, DISTRICT_LAT[1] + 0.05, n),
    )
    return lon.ravel(), lat.ravel()


def reference_gcj(lon: float, lat: float) -> tuple[float, float]:
    """WGS-84 -> GCJ-02 for one point, written from the published formula independently.

    The shift is a sum of polynomial and sine terms in metres-like units on the
    Krasovsky ellipsoid, divided by the meridian (M) and prime-vertical (N) radii.
    """
    a, e2 = 6378245.0, 0.00669342162296594323
    x, y = lon - 105.0, lat - 35.0
    common = 40.0 / 3.0 * (math.sin(6.0 * math.pi * x) + math.sin(2.0 * math.pi * x))
    north = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y**2
        + 0.1 * x * y
        + 0.2 * math.sqrt(abs(x))
        + common
        + 40.0 / 3.0 * math.sin(math.pi * y)
        + 80.0 / 3.0 * math.sin(math.pi * y / 3.0)
        + 320.0 / 3.0 * math.sin(math.pi * y / 12.0)
        + 640.0 / 3.0 * math.sin(math.pi * y / 30.0)
    )
    east = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x**2
        + 0.1 * x * y
        + 0.1 * math.sqrt(abs(x))
        + common
        + 40.0 / 3.0 * math.sin(math.pi * x)
        + 80.0 / 3.0 * math.sin(math.pi * x / 3.0)
        + 100.0 * math.sin(math.pi * x / 12.0)
        + 200.0 * math.sin(math.pi * x / 30.0)
    )
    phi = math.radians(lat)
    w = 1.0 - e2 * math.sin(phi) ** 2
    m = a * (1.0 - e2) / w**1.5
    n = a / math.sqrt(w)
    return lon + math.degrees(east / (n * math.cos(phi))), lat + math.degrees(north / m)


# --- published reference values -------------------------------------------------------------


@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), EVILTRANSFORM_WGS_GCJ)
def test_wgs_to_gcj_matches_eviltransform(wlon, wlat, glon, glat):
    lon, lat = wgs84_to_gcj02(wlon, wlat)
    assert lon == pytest.approx(glon, abs=1e-9)
    assert lat == pytest.approx(glat, abs=1e-9)


@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), EVILTRANSFORM_WGS_GCJ)
def test_gcj_to_wgs_recovers_eviltransform_points(wlon, wlat, glon, glat):
    lon, lat = gcj02_to_wgs84(glon, glat)
    assert metres(lon, lat, wlon, wlat).max() < 0.001


def test_wgs_to_gcj_matches_wandergis():
    assert wgs84_to_gcj02(*WANDERGIS_INPUT) == pytest.approx(WANDERGIS_WGS84_TO_GCJ02, abs=1e-9)


def test_gcj_to_bd_matches_wandergis():
    assert gcj02_to_bd09(*WANDERGIS_INPUT) == pytest.approx(WANDERGIS_GCJ02_TO_BD09, abs=1e-9)


@pytest.mark.parametrize(
    ("func", "forward", "published"),
    [
        (gcj02_to_wgs84, wgs84_to_gcj02, WANDERGIS_GCJ02_TO_WGS84),
        (bd09_to_gcj02, gcj02_to_bd09, WANDERGIS_BD09_TO_GCJ02),
    ],
)
def test_inverses_refine_wandergis_one_step_values(func, forward, published):
    lon, lat = func(*WANDERGIS_INPUT)
    # Close to the library's one-step approximation ...
    assert metres(lon, lat, *published).max() < 0.5
    # ... but exact: mapping the result forward gives the input back.
    assert forward(lon, lat) == pytest.approx(WANDERGIS_INPUT, abs=1e-9)


# --- the defining formulas -----------------------------------------------------------------


def test_wgs_to_gcj_matches_independent_formula_over_district():
    lon, lat = district_grid(21)
    glon, glat = wgs84_to_gcj02(lon, lat)
    expected = np.array([reference_gcj(x, y) for x, y in zip(lon, lat, strict=True)])
    np.testing.assert_allclose(glon, expected[:, 0], rtol=0, atol=1e-10)
    np.testing.assert_allclose(glat, expected[:, 1], rtol=0, atol=1e-10)


def test_gcj_offset_in_district_is_several_hundred_metres():
    lon, lat = district_grid()
    glon, glat = wgs84_to_gcj02(lon, lat)
    shift = metres(lon, lat, glon, glat)
    assert shift.min() > 100
    assert shift.max() < 700
    # GCJ-02 pushes points east and north here.
    assert np.all(glon > lon)
    assert np.all(glat > lat)


def test_bd_offset_from_gcj_is_about_0_0065_by_0_006_degrees():
    lon, lat = district_grid()
    blon, blat = gcj02_to_bd09(lon, lat)
    np.testing.assert_allclose(blon - lon, 0.0065, atol=0.0008)
    np.testing.assert_allclose(blat - lat, 0.006, atol=0.0008)


# --- round trips ---------------------------------------------------------------------------


@pytest.mark.parametrize("via", [GCJ02, BD09])
def test_round_trip_through_offset_system_over_district(via):
    lon, lat = district_grid()
    there = convert(lon, lat, WGS84, via)
    assert metres(lon, lat, *there).min() > 100  # the shift really happened
    back_lon, back_lat = convert(*there, via, WGS84)
    error = metres(lon, lat, back_lon, back_lat)
    assert error.max() < 0.5
    assert error.max() < 0.001  # the iterative inverses are good to well under a millimetre


@pytest.mark.parametrize("source", SYSTEMS)
@pytest.mark.parametrize("target", SYSTEMS)
def test_convert_any_to_any_round_trips(source, target):
    lon, lat = district_grid(11)
    back = convert(*convert(lon, lat, source, target), target, source)
    assert metres(lon, lat, *back).max() < 0.001


def test_bd_round_trip_starting_from_bd():
    lon, lat = district_grid()
    wlon, wlat = convert(lon, lat, BD09, WGS84)
    assert metres(lon, lat, wlon, wlat).min() > 500
    assert metres(lon, lat, *convert(wlon, wlat, WGS84, BD09)).max() < 0.001


# --- outside China, shapes and types -------------------------------------------------------


@pytest.mark.parametrize(("lon", "lat"), OUTSIDE_CHINA)
@pytest.mark.parametrize("func", [wgs84_to_gcj02, gcj02_to_wgs84])
def test_outside_china_points_are_unchanged(func, lon, lat):
    assert func(lon, lat) == (lon, lat)


def test_mixed_array_shifts_only_points_in_china():
    lon = np.array([120.45, -0.1276, 120.6, 139.6917])
    lat = np.array([41.55, 51.5072, 41.7, 35.6895])
    glon, glat = wgs84_to_gcj02(lon, lat)
    inside = np.array([True, False, True, False])
    np.testing.assert_array_equal(glon[~inside], lon[~inside])
    np.testing.assert_array_equal(glat[~inside], lat[~inside])
    assert np.all(metres(lon[inside], lat[inside], glon[inside], glat[inside]) > 100)
    wlon, wlat = gcj02_to_wgs84(glon, glat)
    assert metres(lon, lat, wlon, wlat).max() < 0.001


def test_scalars_give_floats_and_arrays_keep_their_shape():
    lon, lat = wgs84_to_gcj02(120.45, 41.55)
    assert type(lon) is float
    assert type(lat) is float
    grid_lon, grid_lat = np.meshgrid(np.linspace(120.4, 120.6, 3), np.linspace(41.4, 41.7, 4))
    for func in (wgs84_to_gcj02, gcj02_to_wgs84, gcj02_to_bd09, bd09_to_gcj02):
        out_lon, out_lat = func(grid_lon, grid_lat)
        assert out_lon.shape == out_lat.shape == (4, 3)
    assert wgs84_to_gcj02([120.45], [41.55])[0].shape == (1,)


def test_inverse_ignores_missing_coordinates():
    lon, lat = gcj02_to_wgs84(np.array([120.45, np.nan]), np.array([41.55, np.nan]))
    assert np.isnan(lon[1])
    assert np.isnan(lat[1])
    assert wgs84_to_gcj02(lon[0], lat[0]) == pytest.approx((120.45, 41.55), abs=1e-9)


# --- convert -------------------------------------------------------------------------------


def test_convert_same_system_returns_inputs_unchanged():
    lon, lat = np.array([120.45, 120.5]), np.array([41.55, 41.6])
    for system in SYSTEMS:
        out_lon, out_lat = convert(lon, lat, system, system)
        assert out_lon is lon
        assert out_lat is lat


def test_convert_chains_through_gcj():
    lon, lat = district_grid(7)
    assert np.array_equal(convert(lon, lat, WGS84, BD09), gcj02_to_bd09(*wgs84_to_gcj02(lon, lat)))
    assert np.array_equal(convert(lon, lat, BD09, WGS84), gcj02_to_wgs84(*bd09_to_gcj02(lon, lat)))
    assert np.array_equal(convert(lon, lat, WGS84, GCJ02), wgs84_to_gcj02(lon, lat))


def test_convert_accepts_names_in_any_case():
    assert convert(120.45, 41.55, "wgs84", "gcj02") == wgs84_to_gcj02(120.45, 41.55)


@pytest.mark.parametrize(("source", "target"), [("WGS-84", GCJ02), (GCJ02, "Mercator"), ("", BD09)])
def test_convert_unknown_system_raises_value_error(source, target):
    with pytest.raises(ValueError, match=r"WGS84, GCJ02, BD09"):
        convert(120.45, 41.55, source, target)


# --- convert_geometries --------------------------------------------------------------------


def sample_frame(crs: str = "EPSG:4326") -> gpd.GeoDataFrame:
    shell = [(120.40, 41.40), (120.60, 41.40), (120.60, 41.70), (120.40, 41.70)]
    hole = [(120.45, 41.45), (120.50, 41.45), (120.50, 41.50), (120.45, 41.50)]
    geometries = [
        Polygon(shell, [hole]),
        MultiLineString([[(120.41, 41.41), (120.42, 41.43)], [(120.55, 41.6), (120.6, 41.75)]]),
        Point(120.45, 41.55),
        Polygon(),
        None,
    ]
    return gpd.GeoDataFrame(
        {"name": ["园区", "道路", "项目点", "空", "无"], "budget": [1.5, 2.0, 3.25, 0.0, np.nan]},
        geometry=geometries,
        index=pd.Index([10, 20, 30, 40, 50], name="fid"),
        crs=crs,
    )


@pytest.mark.parametrize(("source", "target"), [(WGS84, GCJ02), (GCJ02, WGS84), (WGS84, BD09)])
def test_convert_geometries_converts_every_coordinate(source, target):
    gdf = sample_frame()
    before = gdf.copy()
    out = convert_geometries(gdf, source, target)

    assert out is not gdf
    assert isinstance(out, gpd.GeoDataFrame)
    assert out.crs.equals("EPSG:4326")
    pd.testing.assert_frame_equal(out.drop(columns="geometry"), gdf.drop(columns="geometry"))
    assert list(out.geom_type[:3]) == ["Polygon", "MultiLineString", "Point"]
    assert len(out.geometry.iloc[0].interiors) == 1
    assert out.geometry.iloc[3].is_empty
    assert out.geometry.iloc[4] is None

    coords = shapely.get_coordinates(gdf.geometry.values)
    new_coords = shapely.get_coordinates(out.geometry.values)
    assert new_coords.shape == coords.shape
    expected_lon, expected_lat = convert(coords[:, 0], coords[:, 1], source, target)
    np.testing.assert_array_equal(new_coords[:, 0], expected_lon)
    np.testing.assert_array_equal(new_coords[:, 1], expected_lat)
    assert metres(coords[:, 0], coords[:, 1], new_coords[:, 0], new_coords[:, 1]).min() > 100

    # The input is untouched.
    assert gdf.crs.equals("EPSG:4326")
    assert gdf.geometry.geom_equals_exact(before.geometry, tolerance=0).iloc[:4].all()
    assert gdf.geometry.iloc[4] is None
    pd.testing.assert_frame_equal(gdf.drop(columns="geometry"), before.drop(columns="geometry"))


def test_convert_geometries_round_trip_over_district_outline():
    outline = Polygon(
        [(120.39, 41.40), (120.65, 41.40), (120.65, 41.78), (120.39, 41.78)]
    ).segmentize(0.01)
    gdf = gpd.GeoDataFrame({"name": ["双塔区"]}, geometry=[outline], crs="EPSG:4326")
    back = convert_geometries(convert_geometries(gdf, WGS84, BD09), BD09, WGS84)
    a = shapely.get_coordinates(gdf.geometry.values)
    b = shapely.get_coordinates(back.geometry.values)
    assert metres(a[:, 0], a[:, 1], b[:, 0], b[:, 1]).max() < 0.001


def test_convert_geometries_geoseries_and_cgcs2000():
    series = sample_frame("EPSG:4490").geometry.rename("shape")
    out = convert_geometries(series, WGS84, GCJ02)
    assert isinstance(out, gpd.GeoSeries)
    assert out.name == "shape"
    assert out.crs.equals("EPSG:4326")
    assert series.crs.equals("EPSG:4490")
    assert out.index.equals(series.index)
    point = out.iloc[2]
    assert (point.x, point.y) == wgs84_to_gcj02(120.45, 41.55)


def test_convert_geometries_keeps_z():
    series = gpd.GeoSeries(
        [Point(120.45, 41.55, 123.0), LineString([(120.4, 41.4), (120.5, 41.5)])]
    )
    out = convert_geometries(series.set_crs("EPSG:4326"), WGS84, GCJ02)
    assert out.iloc[0].has_z
    assert out.iloc[0].z == 123.0
    assert (out.iloc[0].x, out.iloc[0].y) == wgs84_to_gcj02(120.45, 41.55)


def test_convert_geometries_same_system_returns_equal_copy():
    gdf = sample_frame()
    out = convert_geometries(gdf, GCJ02, GCJ02)
    assert out is not gdf
    assert out.geometry.geom_equals_exact(gdf.geometry, tolerance=0).iloc[:4].all()


def test_convert_geometries_rejects_projected_crs():
    gdf = sample_frame().to_crs("EPSG:4549")
    with pytest.raises(DataError, match="longitude/latitude only") as info:
        convert_geometries(gdf, WGS84, GCJ02)
    assert "4549" in str(info.value)


def test_convert_geometries_rejects_missing_crs():
    gdf = sample_frame().set_crs(None, allow_override=True)
    with pytest.raises(DataError, match="no CRS"):
        convert_geometries(gdf, WGS84, GCJ02)


def test_convert_geometries_unknown_system_raises_value_error():
    with pytest.raises(ValueError, match="WGS84"):
        convert_geometries(sample_frame(), WGS84, "Baidu")
