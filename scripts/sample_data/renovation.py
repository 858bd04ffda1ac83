"""The renovated neighbourhoods: closed communities by 街道, grades, demonstration and plan."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from shapely.geometry import Polygon

from scripts.sample_data.common import (
    SEED,
    Township,
    allocate,
    metric_frame,
    place_rectangle,
    split_total,
)

COMMUNITIES_IN_PLAN = 80  # closed communities in this year's renovation plan (45 demo + 35 others)


_GRADES = {"A": 0.3, "B": 0.45, "C": 0.25}


def closed_communities_layer(
    figures: dict[str, int], townships: list[Township]
) -> gpd.GeoDataFrame:
    """The closed communities of the 9 街道 with grades, buildings, demonstration and plan."""
    rng = np.random.default_rng(SEED + 9)
    streets = [t for t in townships if t.kind == "街道"]
    total = figures["closed_communities"]
    per_street = allocate(total, np.ones(len(streets)))
    buildings = split_total(rng, figures["community_buildings"], total, 1, 9)
    grades = rng.choice(list(_GRADES), size=total, p=list(_GRADES.values()))
    demo_per_street = figures["demo_communities_per_street"]
    rows, areas = [], []
    offset = 0
    plan_flags = np.zeros(total, dtype=bool)
    for street, count in zip(streets, per_street, strict=True):
        local = list(range(offset, offset + int(count)))
        offset += int(count)
        demo = set(rng.choice(local, demo_per_street, replace=False).tolist())
        placed: list[Polygon] = []
        for index in local:
            land = 4000 + 2500 * buildings[index]
            placed.append(place_rectangle(rng, street.area.buffer(-60), land, avoid=placed, gap=25))
            number = index - local[0] + 1
            shequ = (
                "坝南社区"
                if street.name == "光明街道" and number <= 5
                else f"{street.name.removesuffix('街道')}第{(number - 1) // 5 + 1}社区"
            )
            rows.append(
                {
                    "uid": f"community-{index + 1:03d}",
                    "name": f"{street.name.removesuffix('街道')}第{number}小区",
                    "street": street.name,
                    "town_code": street.code,
                    "shequ": shequ,
                    "buildings": buildings[index],
                    "grade": str(grades[index]),
                    "demo": "是" if index in demo else "否",
                    "manager": "朝阳市环境集团",
                    "reno_m2": 0.0,
                }
            )
            plan_flags[index] = index in demo
        areas += placed
    others = rng.choice(
        np.flatnonzero(~plan_flags), COMMUNITIES_IN_PLAN - int(plan_flags.sum()), replace=False
    )
    plan_flags[others] = True
    planned = np.flatnonzero(plan_flags)
    floor = split_total(rng, figures["renovation_floor_area"], len(planned), 1000, 4200)
    for index, value in zip(planned, floor, strict=True):
        rows[index]["reno_m2"] = float(value)
    return metric_frame(rows, areas)
