"""planning.area: study areas from drawings, features and townships; hostile drawings refused."""

from __future__ import annotations

import json
import math

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Point, box

from geo.crs import SQUARE_METRES_PER_MU, to_metric
from geo.offsets import GCJ02, WGS84, convert
from layers import load_layer
from planning.area import (
    AreaRefused,
    drawn_area,
    feature_area,
    measure_drawing,
    township_area,
)

# The village of 长宝营子 (layer villages), well inside the district.
CHANGBAO = (120.56437, 41.65173)


def _metric(shape: object) -> shapely.Geometry:
    return to_metric(gpd.GeoSeries([shape], crs="EPSG:4326")).iloc[0]


def _feature(geometry: dict, **properties) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def _polygon(minx: float, miny: float, maxx: float, maxy: float) -> dict:
    ring = [[minx, miny], [maxx, miny], [maxx, maxy], [minx, maxy], [minx, miny]]
    return _feature({"type": "Polygon", "coordinates": [ring]})


def _circle(radius: object, centre: tuple[float, float] = CHANGBAO) -> dict:
    return _feature({"type": "Point", "coordinates": list(centre)}, radius=radius)


def test_a_circle_measures_pi_r_squared() -> None:
    expected = math.pi * 2000**2
    area = drawn_area(_circle(2000), WGS84)
    assert area.area_m2 == pytest.approx(expected, rel=0.001)
    assert area.notes_zh == ()
    assert area.area_mu == pytest.approx(area.area_m2 / SQUARE_METRES_PER_MU)
    assert area.area_km2 == pytest.approx(expected / 1e6, rel=0.001)
    assert area.perimeter_km == pytest.approx(2 * math.pi * 2, rel=0.001)
    measures = measure_drawing(_circle(2000), WGS84)
    assert measures.kind == "circle"
    assert measures.area_m2 == pytest.approx(expected, rel=0.005)
    assert measures.area_ha == pytest.approx(expected / 1e4, rel=0.005)
    assert measures.length_km is None


def test_a_drawn_polygon_and_line_are_measured_in_the_metric_crs() -> None:
    square = _polygon(120.55, 41.64, 120.56, 41.65)
    expected = _metric(box(120.55, 41.64, 120.56, 41.65))
    measures = measure_drawing(square, WGS84)
    assert measures.kind == "polygon"
    assert measures.area_m2 == pytest.approx(expected.area, rel=1e-9)
    assert measures.perimeter_km == pytest.approx(expected.length / 1000, rel=1e-9)
    line = _feature({"type": "LineString", "coordinates": [[120.55, 41.64], [120.56, 41.64]]})
    measured = measure_drawing(line, WGS84)
    assert measured.kind == "line"
    assert measured.area_m2 is None
    assert measured.length_km == pytest.approx(0.832, abs=0.005)  # 0.01° of longitude at 41.6° N


def test_gcj02_drawings_are_shifted_to_wgs84() -> None:
    lon, lat = 120.55, 41.64
    area = drawn_area(_polygon(lon, lat, lon + 0.01, lat + 0.01), GCJ02)
    expected = convert(lon, lat, GCJ02, WGS84)
    assert area.wgs84.exterior.coords[0] == pytest.approx(expected, abs=1e-9)
    metres = _metric(Point(lon, lat)).distance(_metric(Point(*expected)))
    assert 100 < metres < 1000  # GCJ-02 is several hundred metres off here
    circle = drawn_area(_circle(1000, (lon, lat)), GCJ02)
    assert (circle.wgs84.centroid.x, circle.wgs84.centroid.y) == pytest.approx(expected, abs=1e-6)


def test_a_bow_tie_is_repaired_with_a_note() -> None:
    a, b, c, d = 120.55, 41.64, 120.56, 41.65
    bow = {"type": "Polygon", "coordinates": [[[a, b], [c, d], [c, b], [a, d], [a, b]]]}
    area = drawn_area(_feature(bow), WGS84)
    assert area.metric.is_valid
    whole = drawn_area(_polygon(a, b, c, d), WGS84)
    assert area.area_m2 == pytest.approx(whole.area_m2 / 2, rel=1e-3)
    assert any("修复" in note for note in area.notes_zh)
    assert any("repaired" in note for note in area.notes_en)


def test_a_shape_partly_outside_the_district_is_clipped_with_a_note() -> None:
    district = to_metric(load_layer("district")).geometry.iloc[0]
    _, miny, maxx, maxy = load_layer("district").total_bounds
    bounds = (maxx - 0.05, (miny + maxy) / 2, maxx + 0.05, (miny + maxy) / 2 + 0.05)
    drawn = _polygon(*bounds)
    area = drawn_area(drawn, WGS84)
    raw = measure_drawing(drawn, WGS84)
    assert area.area_m2 < raw.area_m2
    inside = shapely.intersection(district, _metric(box(*bounds)))
    assert area.area_m2 == pytest.approx(inside.area, rel=1e-6)
    assert any("双塔区" in note for note in area.notes_zh)
    assert any("Clipped" in note for note in area.notes_en)


def test_a_shape_outside_the_district_is_refused_naming_it() -> None:
    with pytest.raises(AreaRefused) as refused:
        drawn_area(_polygon(116.3, 39.9, 116.4, 40.0), WGS84)  # Beijing
    assert "双塔区" in refused.value.message("zh")
    assert "双塔区" in refused.value.message("en")


NAN_POSITION = json.loads(
    '{"type": "Polygon", "coordinates": [[[NaN, 41.6], [120.5, 41.6], [120.5, 41.7], [NaN, 41.6]]]}'
)
INFINITE = json.loads(
    '{"type": "Polygon", "coordinates": [[[Infinity, 41.6], [120.5, 41.6], '
    "[120.5, 41.7], [Infinity, 41.6]]]}"
)
MANY = [
    [120.5 + 0.01 * math.cos(i / 1000), 41.6 + 0.01 * math.sin(i / 1000)] for i in range(10_001)
]


@pytest.mark.parametrize(
    "feature",
    [
        "POLYGON ((0 0, 1 0, 1 1, 0 0))",
        ["not", "a", "feature"],
        None,
        _feature(NAN_POSITION),
        _feature(INFINITE),
        _feature(
            {
                "type": "Polygon",
                "coordinates": [
                    [["120.5", "41.6"], ["120.6", "41.6"], ["120.6", "41.7"], ["120.5", "41.6"]]
                ],
            }
        ),
        _feature({"type": "Polygon", "coordinates": [[*MANY, MANY[0]]]}),
        _feature({"type": "Polygon", "coordinates": [[[[[[120.5]]]]]]}),
        _feature({"type": "Polygon", "coordinates": {"ring": [120.5, 41.6]}}),
        _feature(
            {"type": "Polygon", "coordinates": [[[True, False], [1, 2], [3, 4], [True, False]]]}
        ),
        _feature({"type": "Polygon", "coordinates": [[[10, 10], [11, 10], [11, 11], [10, 10]]]}),
        _feature({"type": "GeometryCollection", "geometries": []}),
        _feature({"type": "LineString", "coordinates": [[120.5, 41.6], [120.6, 41.6]]}),
        _feature({"type": "Point", "coordinates": [120.5, 41.6]}),
        _feature(None),
        _circle(-100),
        _circle(0),
        _circle(60_000),
        _circle("1e400"),
        _circle(json.loads("1e400")),
        _circle(10**400),
        _circle(True),
        _circle([2000]),
        _circle(2000, (1e400, 41.6)),
    ],
    ids=lambda value: None,
)
def test_hostile_drawings_are_refused_with_a_message(feature: object) -> None:
    with pytest.raises(AreaRefused) as refused:
        drawn_area(feature, WGS84)  # type: ignore[arg-type]
    for lang in ("zh", "en"):
        message = refused.value.message(lang)
        assert message and len(message) < 200
        assert "Traceback" not in message and "/" not in message.replace("km", "")


def test_a_line_or_point_is_refused_for_an_area_saying_what_to_draw() -> None:
    line = _feature({"type": "LineString", "coordinates": [[120.5, 41.6], [120.6, 41.6]]})
    with pytest.raises(AreaRefused, match="polygon, rectangle or circle") as refused:
        drawn_area(line, WGS84)
    assert "多边形" in refused.value.message("zh")


def test_a_township_outline_is_its_own_area() -> None:
    townships = load_layer("townships")
    area = township_area("211302205")
    own = to_metric(townships[townships["code"] == "211302205"]).geometry.iloc[0]
    assert area.area_m2 == pytest.approx(own.area, rel=1e-9)
    assert area.notes_zh == ()
    assert area.label("zh") == "长宝营子乡"
    with pytest.raises(KeyError):
        township_area("999")


def test_a_buffered_feature_is_labelled_and_clipped_to_the_district() -> None:
    area = feature_area("industrial_park", "park-changbao", 2000)
    assert area.label("zh") == "长宝营子乡扶贫产业园 周边 2,000 米"
    assert area.label("en").startswith("within 2,000 m of ")
    park = to_metric(load_layer("industrial_park")).geometry.iloc[0]
    district = to_metric(load_layer("district")).geometry.iloc[0]
    expected = park.buffer(2000).intersection(district)
    assert area.area_m2 == pytest.approx(expected.area, rel=1e-4)


@pytest.mark.parametrize("buffer_m", [-1, 50_001, math.nan, math.inf, "100", None])
def test_a_buffer_out_of_range_is_refused(buffer_m: object) -> None:
    with pytest.raises(AreaRefused):
        feature_area("industrial_park", "park-changbao", buffer_m)  # type: ignore[arg-type]


def test_a_village_is_a_point_and_needs_a_distance_around_it() -> None:
    with pytest.raises(AreaRefused, match="distance around") as refused:
        feature_area("villages", "village-037", 0)
    assert "长宝营子村" in refused.value.message("zh")
    area = feature_area("villages", "village-037", 1000)
    assert area.area_m2 == pytest.approx(math.pi * 1000**2, rel=0.005)
