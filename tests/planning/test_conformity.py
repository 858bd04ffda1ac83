"""The 三区三线 check on sites built from the zones themselves: a square well inside each zone,
one across its edge, one well outside; overlaps agree with shapely computed independently."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from shapely.geometry.base import BaseGeometry

from geo.crs import DISPLAY_CRS, METRIC_CRS, SQUARE_METRES_PER_MU
from layers import load_layer
from planning.conformity import Verdict, check_site

ZONES = ("urban_boundary", "basic_farmland", "eco_redline")
SIDE_M = 200.0  # a 200 m square: 60 亩
TOLERANCE_MU = 0.01


@pytest.fixture(scope="module")
def zones() -> dict[str, BaseGeometry]:
    """Each zone layer unioned, in the metric CRS (computed here, not by the engine)."""
    return {z: load_layer(z).to_crs(METRIC_CRS).geometry.union_all() for z in ZONES}


@pytest.fixture(scope="module")
def district() -> BaseGeometry:
    return load_layer("district").to_crs(METRIC_CRS).geometry.union_all()


def _square(centre: shapely.Point) -> BaseGeometry:
    half = SIDE_M / 2
    return shapely.box(centre.x - half, centre.y - half, centre.x + half, centre.y + half)


def _shown(metric: BaseGeometry) -> BaseGeometry:
    return gpd.GeoSeries([metric], crs=METRIC_CRS).to_crs(DISPLAY_CRS).iloc[0]


def _largest(shape: BaseGeometry) -> BaseGeometry:
    return max(getattr(shape, "geoms", [shape]), key=lambda g: g.area)


def _sites(zone: str, zones: dict, district: BaseGeometry) -> dict[str, BaseGeometry]:
    """Metric squares: inside the zone, across its edge, outside every zone (in the district)."""
    part = _largest(zones[zone])
    inside = _square(part.buffer(-SIDE_M).representative_point())
    others = shapely.union_all([g for z, g in zones.items() if z != zone]).buffer(SIDE_M)
    edge = part.exterior
    across = next(
        _square(edge.interpolate(f, normalized=True))
        for f in (i / 200 for i in range(200))
        if not _square(edge.interpolate(f, normalized=True)).intersects(others)
        and _square(edge.interpolate(f, normalized=True)).within(district)
    )
    free = district.buffer(-SIDE_M).difference(
        shapely.union_all(list(zones.values())).buffer(3 * SIDE_M)
    )
    outside = _square(_largest(free).representative_point())
    return {"inside": inside, "across": across, "outside": outside}


def _check(metric: BaseGeometry, category: str) -> Verdict:
    return check_site(_shown(metric), category, "测试地块")


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("where", ["inside", "across", "outside"])
def test_overlaps_equal_an_independent_computation(zone, where, zones, district) -> None:
    site = _sites(zone, zones, district)[where]
    verdict = _check(site, "工业")
    # The engine measured the shape after its trip through EPSG:4326; so does the check here.
    measured = gpd.GeoSeries([verdict.site], crs=DISPLAY_CRS).to_crs(METRIC_CRS).iloc[0]
    assert verdict.site_area_mu == pytest.approx(measured.area / SQUARE_METRES_PER_MU, abs=1e-6)
    for overlap in verdict.overlaps:
        expected = measured.intersection(zones[overlap.zone]).area / SQUARE_METRES_PER_MU
        assert abs(overlap.area_mu - expected) <= TOLERANCE_MU, overlap.zone
        assert overlap.share == pytest.approx(expected / verdict.site_area_mu, abs=1e-4)
        assert overlap.geometry.is_empty == (expected == 0)
    assert [o.zone for o in verdict.overlaps] == list(ZONES)
    share = verdict.overlap(zone).share
    assert {"inside": share > 0.999, "across": 0.05 < share < 0.95, "outside": share == 0}[where]


@pytest.mark.parametrize(
    ("zone", "where", "category", "passed", "failed_rules"),
    [
        ("urban_boundary", "inside", "工业", True, set()),
        ("urban_boundary", "across", "工业", False, {"inside_urban_boundary"}),
        ("urban_boundary", "outside", "工业", False, {"inside_urban_boundary"}),
        ("urban_boundary", "outside", "文旅", True, set()),
        ("basic_farmland", "inside", "农业", True, set()),
        ("basic_farmland", "inside", "文旅", False, {"no_basic_farmland"}),
        ("basic_farmland", "across", "商住", False, {"inside_urban_boundary", "no_basic_farmland"}),
        ("basic_farmland", "outside", "文旅", True, set()),
        ("eco_redline", "inside", "农业", False, {"no_eco_redline"}),
        ("eco_redline", "across", "文旅", False, {"no_eco_redline"}),
        ("eco_redline", "outside", "农业", True, set()),
    ],
)
def test_verdicts_follow_the_rules(
    zone, where, category, passed, failed_rules, zones, district
) -> None:
    verdict = _check(_sites(zone, zones, district)[where], category)
    assert verdict.passed is passed
    assert {r.rule for r in verdict.results if not r.passed} == failed_rules
    assert verdict.category == category and verdict.category_zh == category
    if passed:
        assert verdict.summary("zh") == "符合" and verdict.summary("en") == "Conforms"
    else:
        assert verdict.summary("zh").startswith("不符合：")
        assert verdict.summary("en").startswith("Does not conform: ")


def test_texts_carry_the_measured_figures(zones, district) -> None:
    verdict = _check(_sites("basic_farmland", zones, district)["inside"], "文旅")
    farmland = verdict.overlap("basic_farmland")
    result = next(r for r in verdict.results if r.rule == "no_basic_farmland")
    assert f"{farmland.area_mu:.2f} 亩" in result.text_zh
    assert f"{farmland.area_mu:.2f} mu" in result.text_en
    assert verdict.summary("zh") == f"不符合：占用永久基本农田 {farmland.area_mu:.2f} 亩"


def test_a_sliver_within_the_tolerance_passes(zones) -> None:
    part = _largest(zones["basic_farmland"])
    west = min(part.exterior.coords, key=lambda xy: xy[0])  # the block's westmost corner
    sliver = shapely.box(west[0] - 20, west[1] - 10, west[0] + 0.1, west[1] + 10)
    verdict = _check(sliver, "文旅")
    assert 0 < verdict.overlap("basic_farmland").area_mu <= TOLERANCE_MU
    assert verdict.passed, verdict.summary("en")


@pytest.mark.parametrize(
    "shape",
    [shapely.Point(120.45, 41.57), shapely.LineString([(120.45, 41.57), (120.46, 41.58)])],
    ids=["point", "line"],
)
def test_a_point_or_a_line_is_refused(shape) -> None:
    with pytest.raises(ValueError, match="三区三线 check measures areas"):
        check_site(shape, "工业", "测试")


def test_an_unknown_category_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="known: 工业, 商住, 文旅, 农业"):
        check_site(shapely.box(120.45, 41.57, 120.451, 41.571), "矿业", "测试")
