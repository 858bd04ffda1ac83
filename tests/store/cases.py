"""Small layers for the store's contract tests, and where a store under test lives."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import shapely

from store import LayerSchema, SeedLayer

START = dt.date(2020, 1, 1)
TODAY = dt.date(2026, 12, 2)
SITES = LayerSchema(
    key="sites",
    id_field="uid",
    geometry="polygon",
    fields=(
        ("uid", "text"),
        ("name", "text"),
        ("stage", "text"),
        ("invest", "int"),
        ("land", "float"),
    ),
)
POINTS = LayerSchema(
    key="points", id_field="uid", geometry="point", fields=(("uid", "text"), ("jobs", "int"))
)


def square(x: float, y: float, size: float = 0.01) -> shapely.Polygon:
    return shapely.box(x, y, x + size, y + size)


def sites_frame(count: int = 5) -> gpd.GeoDataFrame:
    """`count` enclave-like sites, 洽谈 except the first (签约)."""
    return gpd.GeoDataFrame(
        {
            "uid": [f"s{i}" for i in range(count)],
            "name": [f"项目{i}" for i in range(count)],
            "stage": ["签约" if i == 0 else "洽谈" for i in range(count)],
            "invest": [1000 * (i + 1) for i in range(count)],
            "land": [10.5 * (i + 1) for i in range(count)],
        },
        geometry=[square(120.4 + 0.02 * i, 41.5) for i in range(count)],
        crs="EPSG:4326",
    )


def points_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"uid": ["p1", "p2"], "jobs": [3, 4]},
        geometry=[shapely.Point(120.5, 41.6), shapely.Point(120.51, 41.61)],
        crs="EPSG:4326",
    )


def seed_layers(history: tuple = ()) -> list[SeedLayer]:
    """The two test layers; `history` gives earlier states of some sites."""
    return [
        SeedLayer(SITES, sites_frame(), "EPSG:4549", START, history),
        SeedLayer(POINTS, points_frame(), "EPSG:4326", START),
    ]
