"""planning.bands: distance bands to the nearest service, and the bands per township."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box

from geo.crs import METRIC_CRS
from layers import load_layer
from planning.bands import band_labels, bands_by_township, distance_bands

X, Y = 500_000.0, 4_600_000.0  # a place in EPSG:4549 (no transform: distances are exact)


def _frame(geometries: list, index: list[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=geometries, index=pd.Index(index), crs=METRIC_CRS)


SERVICES = _frame(
    [
        Point(X, Y),
        LineString([(X + 20_000, Y - 5_000), (X + 20_000, Y + 5_000)]),  # a road, north-south
        box(X - 20_000, Y - 100, X - 19_000, Y + 100),  # a park, 1 km wide
    ],
    ["clinic", "road", "park"],
)


def test_targets_land_in_the_band_of_their_nearest_service() -> None:
    targets = _frame(
        [
            Point(X + 500, Y),  # 0.5 km from the clinic
            Point(X, Y + 2_000),  # 2 km from the clinic
            Point(X + 16_000, Y),  # 4 km from the road (16 from the clinic)
            Point(X + 27_000, Y + 3_000),  # 7 km from the road
            Point(X - 18_900, Y + 50),  # 0.1 km east of the park's edge
            box(X + 300, Y - 10, X + 320, Y + 10),  # a polygon: from its representative point
        ],
        ["a", "b", "c", "d", "e", "f"],
    )
    bands = distance_bands(targets, SERVICES)
    assert bands.index.tolist() == ["a", "b", "c", "d", "e", "f"]
    assert bands["service"].tolist() == ["clinic", "clinic", "road", "road", "park", "clinic"]
    assert bands["km"].to_numpy() == pytest.approx([0.5, 2.0, 4.0, 7.0, 0.1, 0.31])
    assert bands["band"].tolist() == [0, 1, 2, 3, 0, 0]
    assert bands["band_en"].tolist() == ["< 1 km", "1–3 km", "3–5 km", "> 5 km", "< 1 km", "< 1 km"]
    assert bands["band_zh"].tolist()[:4] == ["1 公里以内", "1–3 公里", "3–5 公里", "5 公里以上"]


def test_a_target_exactly_on_an_edge_goes_to_the_farther_band() -> None:
    """Bands are closed below and open above: exactly 1 km is "1–3 km", exactly 5 km "> 5 km"."""
    targets = _frame(
        [Point(X + 1_000, Y), Point(X, Y - 3_000), Point(X + 5_000, Y)], ["1", "3", "5"]
    )
    bands = distance_bands(targets, SERVICES.loc[["clinic"]])
    assert bands["km"].tolist() == [1.0, 3.0, 5.0]
    assert bands["band_en"].tolist() == ["1–3 km", "3–5 km", "> 5 km"]


def test_other_edges_make_other_bands() -> None:
    assert band_labels((0.5, 2), "en") == ["< 0.5 km", "0.5–2 km", "> 2 km"]
    assert band_labels((10,), "zh") == ["10 公里以内", "10 公里以上"]
    targets = _frame([Point(X + 100, Y), Point(X + 1_000, Y), Point(X + 9_000, Y)], list("abc"))
    assert distance_bands(targets, SERVICES.loc[["clinic"]], (0.5, 2))["band"].tolist() == [0, 1, 2]


@pytest.mark.parametrize(
    "edges", [(), (0, 1), (-1, 2), (1, 1), (3, 1), (1, math.inf), (1, math.nan), ("x",), None]
)
def test_edges_must_be_positive_and_strictly_increasing(edges) -> None:
    targets = _frame([Point(X, Y)], ["a"])
    with pytest.raises(ValueError, match="edges"):
        distance_bands(targets, SERVICES, edges)


def test_no_services_is_an_error() -> None:
    with pytest.raises(ValueError, match="no services"):
        distance_bands(_frame([Point(X, Y)], ["a"]), SERVICES.iloc[0:0])


def test_no_targets_is_an_empty_table() -> None:
    bands = distance_bands(_frame([], []), SERVICES)
    assert bands.empty and list(bands.columns) == ["service", "km", "band", "band_zh", "band_en"]


def test_real_households_to_the_nearest_welfare_post_by_township() -> None:
    households = load_layer("households")
    posts = load_layer("welfare_posts")
    bands = distance_bands(households, posts)
    assert len(bands) == len(households)
    assert bands["km"].notna().all()
    # The nearest found by the tree is as near as any (a plain, slow check on a sample).
    sample = households.to_crs(METRIC_CRS).geometry.iloc[:50].representative_point()
    metric_posts = posts.to_crs(METRIC_CRS).geometry
    brute = np.array([metric_posts.distance(point).min() for point in sample]) / 1000
    assert bands["km"].iloc[:50].to_numpy() == pytest.approx(brute)

    table = bands_by_township(bands, households["town_code"], "zh")
    townships = load_layer("townships")
    assert table["乡镇街道"].tolist()[: len(townships)] == townships["name"].tolist()
    assert table["乡镇街道"].iloc[-1] == "全区"
    labels = band_labels((1, 3, 5), "zh")
    district = table.iloc[-1]
    assert district["合计"] == len(households)
    assert table.iloc[:-1]["合计"].sum() == len(households)
    assert (table[labels].sum(axis=1) == table["合计"]).all()
    assert district["1 公里以内占比 (%)"] == pytest.approx(
        round(100 * (bands["band"] == 0).mean(), 1)
    )


def test_targets_of_no_known_township_get_their_own_row_in_english() -> None:
    targets = _frame([Point(X + 500, Y), Point(X + 2_000, Y), Point(X + 9_000, Y)], list("abc"))
    bands = distance_bands(targets, SERVICES.loc[["clinic"]])
    codes = pd.Series(["211302205", None, "nowhere"], index=list("abc"))
    table = bands_by_township(bands, codes, "en")
    assert table.columns.tolist() == [
        "Township",
        "< 1 km",
        "1–3 km",
        "3–5 km",
        "> 5 km",
        "Total",
        "Share < 1 km (%)",
    ]
    rows = table.set_index("Township")
    assert rows.loc["Township unknown", "Total"] == 2
    assert rows.loc["District", "Total"] == 3
    assert rows.loc["District", "Share < 1 km (%)"] == pytest.approx(33.3)
    changbao = load_layer("townships").set_index("code").loc["211302205", "name_en"]
    assert rows.loc[changbao, "< 1 km"] == 1
    assert rows.drop(index=["District"])["Total"].sum() == 3
