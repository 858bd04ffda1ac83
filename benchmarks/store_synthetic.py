"""The synthetic layer of the layer store benchmark: polygons over the district with 11
fields, a seeded history, and copies of it with a share of its features changed."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from store import LayerSchema

SEED = 20261202
# The district's extent (degrees) and the metres in one degree at its latitude.
LON, LAT = (120.39, 120.65), (41.40, 41.78)
M_PER_DEG_LON, M_PER_DEG_LAT = 83_200.0, 111_100.0
VERTICES = (12, 40)
RADIUS_M = (35.0, 65.0)
START = dt.date(2020, 1, 1)
HISTORY_END = dt.date(2024, 12, 31)
AS_OF = dt.date(2022, 7, 1)  # the middle of the seeded history
TODAY = dt.date(2026, 12, 2)
HISTORY_SHARE = 0.3
# Each publish: the share of features it changes, and its effective date (after the history).
PUBLISHES = ((0.001, dt.date(2025, 3, 1)), (0.01, dt.date(2025, 6, 1)), (0.1, dt.date(2025, 9, 1)))
TARGET_PUBLISH = 0.01
TOWNSHIPS = ("双塔镇", "桃花吐镇", "长宝镇", "孙家湾镇", "大平房镇", "龙城街道", "燕都街道")
STAGES = ("洽谈", "签约", "在建", "投产")
OWNERS = ("区农经局", "乡政府", "村委会", "合作社", "企业")
SCHEMA = LayerSchema(
    key="bench",
    id_field="uid",
    geometry="polygon",
    fields=(
        ("uid", "text"),
        ("name", "text"),
        ("township", "text"),
        ("stage", "text"),
        ("owner", "text"),
        ("invest", "int"),
        ("jobs", "int"),
        ("year", "int"),
        ("area_mu", "float"),
        ("land_ha", "float"),
        ("output", "float"),
    ),
)


def _spots(rng: np.random.Generator, count: int) -> tuple[np.ndarray, np.ndarray]:
    """`count` random longitudes and latitudes inside the district, 0.002° clear of its box."""
    x = rng.uniform(LON[0] + 0.002, LON[1] - 0.002, count)
    y = rng.uniform(LAT[0] + 0.002, LAT[1] - 0.002, count)
    return x, y


def polygons(rng: np.random.Generator, count: int) -> np.ndarray:
    """`count` irregular polygons of 12-40 vertices, ~100 m across, inside the district."""
    x, y = _spots(rng, count)
    sizes = rng.integers(VERTICES[0], VERTICES[1] + 1, count)
    ring = np.repeat(np.arange(count), sizes)
    # Each vertex's angle: its place around its own ring, jittered so no two rings are alike.
    place = np.arange(len(ring)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    angle = 2 * np.pi * (place + rng.uniform(-0.3, 0.3, len(ring))) / sizes[ring]
    radius = rng.uniform(*RADIUS_M, count)[ring] * rng.uniform(0.75, 1.0, len(ring))
    coords = np.column_stack(
        [
            x[ring] + radius * np.cos(angle) / M_PER_DEG_LON,
            y[ring] + radius * np.sin(angle) / M_PER_DEG_LAT,
        ]
    )
    return shapely.polygons(shapely.linearrings(coords, indices=ring))


def synthetic_frame(
    count: int, rng: np.random.Generator, *, geometry: str = "polygon"
) -> gpd.GeoDataFrame:
    """`count` features with the 11 fields: polygons (see `polygons`) or, given "point", points."""
    if geometry == "polygon":
        shapes = polygons(rng, count)
    elif geometry == "point":
        shapes = shapely.points(*_spots(rng, count))
    else:
        raise ValueError(f"geometry must be 'polygon' or 'point', not {geometry!r}")
    return gpd.GeoDataFrame(
        {
            "uid": [f"b{i:07d}" for i in range(count)],
            "name": [f"示例地块{i}" for i in range(count)],
            "township": rng.choice(TOWNSHIPS, count),
            "stage": rng.choice(STAGES, count),
            "owner": rng.choice(OWNERS, count),
            "invest": rng.integers(10, 50_000, count),
            "jobs": rng.integers(0, 500, count),
            "year": rng.integers(2000, 2021, count),
            "area_mu": rng.uniform(1, 200, count).round(2),
            "land_ha": rng.uniform(0.1, 15, count).round(3),
            "output": rng.uniform(0, 1e5, count).round(1),
        },
        geometry=shapes,
        crs="EPSG:4326",
    )


def synthetic_history(
    frame: gpd.GeoDataFrame, rng: np.random.Generator
) -> tuple[tuple[str, dt.date, str, dict[str, object]], ...]:
    """30% of features with 1-3 earlier states on earlier dates: an add, changes of stage,
    investment and jobs, and last the frame's own row."""
    days = (HISTORY_END - START).days
    chosen = np.sort(rng.choice(len(frame), int(len(frame) * HISTORY_SHARE), replace=False))
    records = frame.drop(columns="geometry").iloc[chosen].to_dict("records")
    events = []
    for record in records:
        earlier = int(rng.integers(1, 4))
        offsets = np.sort(rng.choice(days, earlier + 1, replace=False))
        for step, offset in enumerate(offsets):
            if step == earlier:
                state = record
            else:
                state = {
                    **record,
                    "stage": STAGES[min(step, len(STAGES) - 1)],
                    "invest": int(record["invest"]) // (earlier - step + 1),
                    "jobs": int(record["jobs"]) // (earlier - step + 1),
                }
            action = "add" if step == 0 else "change"
            events.append((record["uid"], START + dt.timedelta(days=int(offset)), action, state))
    return tuple(events)


def changed_frame(
    frame: gpd.GeoDataFrame, share: float, rng: np.random.Generator, first_new: int
) -> tuple[gpd.GeoDataFrame, int]:
    """`frame` with `share` of its features changed (half their values, half moved ~20 m)
    and a few added and retired; the new frame and its number of changed features."""
    count = max(2, round(len(frame) * share))
    few = max(1, count // 100)
    picked = rng.choice(len(frame), count + few, replace=False)
    values, moved, retired = picked[: count // 2], picked[count // 2 : count], picked[count:]
    new = frame.copy()
    new.loc[new.index[values], "invest"] += 1
    new.loc[new.index[values], "stage"] = "投产"
    new.loc[new.index[values], "area_mu"] += 0.5
    shift = rng.uniform(-20, 20, (len(moved), 2)) / [M_PER_DEG_LON, M_PER_DEG_LAT]
    geometry = new.geometry.to_numpy().copy()
    for row, (dx, dy) in zip(moved, shift, strict=True):
        geometry[row] = shapely.transform(geometry[row], lambda c, d=(dx, dy): c + d)
    new = new.set_geometry(gpd.GeoSeries(geometry, index=new.index, crs=frame.crs))
    added = synthetic_frame(few, rng)
    added["uid"] = [f"b{first_new + i:07d}" for i in range(few)]
    new = new.drop(index=new.index[retired])
    new = gpd.GeoDataFrame(
        pd.concat([new, added], ignore_index=True), geometry="geometry", crs=frame.crs
    )
    return new, count + 2 * few
