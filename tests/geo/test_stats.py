"""Statistics as pure functions, with answers worked out by hand on small fixtures."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box

from geo.crs import METRIC_CRS
from geo.stats import (
    coverage_rate,
    density,
    distances_km,
    feature_measures,
    nearest_km,
    rollup_by_zone,
    summarise,
)

# Two zones side by side, each 1 km × 1 km (1500 亩).
ZONES = gpd.GeoDataFrame(
    {"code": ["west", "east"]},
    geometry=[
        box(500_000, 4_600_000, 501_000, 4_601_000),
        box(501_000, 4_600_000, 502_000, 4_601_000),
    ],
    crs=METRIC_CRS,
).to_crs(4326)


def _frame(rows: list[dict], geometries: list) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, geometry=geometries, crs=METRIC_CRS).to_crs(4326)


def test_feature_measures_in_mu_hectares_and_km() -> None:
    frame = _frame(
        [{}, {}], [box(500_000, 4_600_000, 500_200, 4_600_100), LineString([(0, 0), (0, 2500)])]
    )
    measures = feature_measures(frame)
    assert measures.loc[0, "area_mu"] == pytest.approx(30)
    assert measures.loc[0, "area_ha"] == pytest.approx(2)
    assert measures.loc[1, "length_km"] == pytest.approx(2.5, rel=1e-3)


def test_density_per_mu_and_division_by_zero() -> None:
    assert density(3000, 30) == 100
    assert pd.isna(density(10, 0))
    per_mu = density(pd.Series([600.0, 50.0]), pd.Series([6.0, 0.0]))
    assert per_mu.iloc[0] == 100 and pd.isna(per_mu.iloc[1])


def test_summarise_each_operation() -> None:
    frame = _frame(
        [
            {"status": "签约", "invest": 100, "proj": "A"},
            {"status": "洽谈", "invest": 250, "proj": "A"},
        ],
        [box(500_000, 4_600_000, 500_100, 4_600_100), box(501_000, 4_600_000, 501_100, 4_600_200)],
    )
    assert summarise(frame, "count") == 2
    assert summarise(frame, "sum", "invest") == 350
    assert summarise(frame, "distinct", "proj") == 1
    assert summarise(frame, "count_where", "status", "签约") == 1
    assert summarise(frame, "area_mu") == pytest.approx(45)
    with pytest.raises(ValueError, match="unknown statistic 'median'"):
        summarise(frame, "median")


def test_rollup_counts_points_and_sums_fields_by_zone() -> None:
    points = _frame(
        [{"households": 3}, {"households": 4}, {"households": 5}],
        [Point(500_500, 4_600_500), Point(500_900, 4_600_100), Point(501_500, 4_600_500)],
    )
    table = rollup_by_zone(points, ZONES, zone_key="code", sum_fields=("households",))
    assert table.loc["west", "count"] == 2 and table.loc["east", "count"] == 1
    assert table.loc["west", "households"] == 7 and table.loc["east", "households"] == 5


def test_rollup_splits_the_area_of_a_polygon_crossing_a_border() -> None:
    # 400 m × 100 m straddling the border: 300 m west, 100 m east.
    parcel = _frame([{"invest": 90}], [box(500_700, 4_600_400, 501_100, 4_600_500)])
    table = rollup_by_zone(parcel, ZONES, zone_key="code", sum_fields=("invest",))
    assert table.loc["west", "area_mu"] == pytest.approx(45, rel=1e-4)
    assert table.loc["east", "area_mu"] == pytest.approx(15, rel=1e-4)
    assert table["count"].sum() == 1  # counted once, where its representative point lies
    assert table.loc["west", "invest"] == 90


def test_rollup_measures_line_length_inside_each_zone() -> None:
    line = _frame([{}], [LineString([(500_500, 4_600_500), (501_700, 4_600_500)])])
    table = rollup_by_zone(line, ZONES, zone_key="code")
    assert table.loc["west", "length_km"] == pytest.approx(0.5, rel=1e-4)
    assert table.loc["east", "length_km"] == pytest.approx(0.7, rel=1e-4)


def test_rollup_counts_a_line_in_every_zone_it_passes_through() -> None:
    # One street crossing the border, one inside the east zone, one touching the border only.
    lines = _frame(
        [{"kind": "街"}, {"kind": "街"}, {"kind": "廊"}],
        [
            LineString([(500_500, 4_600_500), (501_700, 4_600_500)]),
            LineString([(501_200, 4_600_200), (501_800, 4_600_200)]),
            LineString([(500_500, 4_600_800), (501_000, 4_600_800)]),
        ],
    )
    table = rollup_by_zone(
        lines, ZONES, zone_key="code", count_where=[("streets", "kind", "街")], distinct=("kind",)
    )
    assert table.loc["west", "count"] == 2 and table.loc["east", "count"] == 2
    assert table.loc["west", "streets"] == 1 and table.loc["east", "streets"] == 2
    assert table.loc["west", "distinct_kind"] == 2 and table.loc["east", "distinct_kind"] == 1
    assert table.loc["west", "length_km"] == pytest.approx(1.0, rel=1e-4)
    assert table.loc["east", "length_km"] == pytest.approx(1.3, rel=1e-4)


def test_rollup_lists_zones_without_features() -> None:
    point = _frame([{}], [Point(500_500, 4_600_500)])
    table = rollup_by_zone(point, ZONES, zone_key="code")
    assert table.loc["east", "count"] == 0


def test_coverage_rate_overall_and_per_group() -> None:
    covered = pd.Series([True, True, False, True])
    town = pd.Series(["甲", "甲", "乙", "乙"])
    overall = coverage_rate(covered)
    assert overall["rate"].iloc[0] == 0.75
    per_town = coverage_rate(covered, by=town)
    assert per_town.loc["甲", "rate"] == 1.0
    assert per_town.loc["乙", "covered"] == 1 and per_town.loc["乙", "targets"] == 2


def test_distance_from_a_polygons_centre_to_a_point_in_km() -> None:
    # A 200 m square centred 3 km west and 4 km south of the target: 5 km away.
    sites = _frame([{}], [box(499_900, 4_599_900, 500_100, 4_600_100)])
    target = gpd.GeoSeries([Point(503_000, 4_604_000)], crs=METRIC_CRS).to_crs(4326)
    assert distances_km(sites, target).iloc[0] == pytest.approx(5.0, abs=1e-3)


def test_distance_needs_exactly_one_target() -> None:
    sites = _frame([{}], [Point(500_000, 4_600_000)])
    targets = gpd.GeoSeries([Point(0, 0), Point(1, 1)], crs=4326)
    with pytest.raises(ValueError, match="exactly one target"):
        distances_km(sites, targets)


def test_nearest_target_and_its_distance() -> None:
    sites = _frame([{}, {}], [Point(500_000, 4_600_000), Point(510_000, 4_600_000)])
    seats = _frame(
        [{"name": "a"}, {"name": "b"}, {"name": "c"}],
        [Point(500_000, 4_601_500), Point(511_000, 4_600_000), Point(505_000, 4_600_000)],
    ).set_index(pd.Index(["seat-a", "seat-b", "seat-c"]))
    nearest = nearest_km(sites, seats)
    assert list(nearest["target"]) == ["seat-a", "seat-b"]
    assert list(nearest["km"]) == pytest.approx([1.5, 1.0], abs=1e-3)
    with pytest.raises(ValueError, match="no targets"):
        nearest_km(sites, seats.iloc[0:0])


def test_rollup_counts_matching_values_and_distinct_ones_per_zone() -> None:
    points = _frame(
        [
            {"status": "签约", "project": "BF1"},
            {"status": "洽谈", "project": "BF1"},
            {"status": "签约", "project": ""},
            {"status": "签约", "project": "BF2"},
        ],
        [
            Point(500_200, 4_600_500),
            Point(500_700, 4_600_500),
            Point(500_800, 4_600_500),
            Point(501_500, 4_600_500),
        ],
    )
    table = rollup_by_zone(
        points,
        ZONES,
        zone_key="code",
        count_where=[("signed", "status", "签约")],
        distinct=("project",),
    )
    assert table.loc["west", "signed"] == 2 and table.loc["east", "signed"] == 1
    assert table.loc["west", "distinct_project"] == 1  # BF1 twice; the empty value not counted
    assert table.loc["east", "distinct_project"] == 1
