"""Poverty alleviation: pairing households, household projects, industry projects."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from shapely.geometry import Point

from scripts.sample_data.common import (
    SEED,
    Township,
    allocate,
    metric_frame,
    points_near,
    shuffled_labels,
    split_total,
    township_by_code,
)

_COURTYARD_MODES = ("庭院养殖", "庭院种植")
_ENTRUSTED_MODES = ("委托养殖", "委托种植")
_HOUSEHOLD_PROJECT_TYPES = ("庭院养鸡", "庭院养羊", "庭院养牛", "庭院种植", "委托养殖", "光伏收益")


def households_layer(
    figures: dict[str, int], townships: list[Township], villages: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """The pairing households, spread over the villages, each with a mode, project and gain."""
    rng = np.random.default_rng(SEED + 2)
    total = figures["pairing_households"]
    changbao = figures["changbao_households"]
    village_weights = np.where(villages["poor_level"] != "", 3.0, 1.0) * rng.uniform(
        0.6, 1.4, len(villages)
    )
    in_changbao = (villages["town_code"] == "211302205").to_numpy()
    counts = np.zeros(len(villages), dtype=int)
    counts[in_changbao] = allocate(changbao, village_weights[in_changbao])
    counts[~in_changbao] = allocate(total - changbao, village_weights[~in_changbao])
    courtyard = figures["courtyard_households"]
    modes = shuffled_labels(
        rng,
        {
            _COURTYARD_MODES[0]: courtyard // 2 + 1,
            _COURTYARD_MODES[1]: courtyard - courtyard // 2 - 1,
            _ENTRUSTED_MODES[0]: (total - courtyard) // 2,
            _ENTRUSTED_MODES[1]: total - courtyard - (total - courtyard) // 2,
        },
    )
    rng.permutation(total)  # drawn as before, so positions and gains stay as they were
    project_of = _pairing_projects(
        figures["pairing_projects"], np.repeat(villages["town_code"].to_numpy(), counts)
    )
    gains = split_total(rng, figures["pairing_gain_per_household"] * total, total, 500, 1100)
    rows, points = [], []
    for village, count in zip(villages.itertuples(), counts, strict=True):
        township = township_by_code(townships, village.town_code)
        for point in points_near(rng, township.area, village.geometry, 500, int(count)):
            index = len(rows)
            rows.append(
                {
                    "uid": f"pair-{index + 1:05d}",
                    "hh_id": f"SHT-HH-{index + 1:05d}",
                    "town_code": village.town_code,
                    "town": village.town,
                    "village": village.name,
                    "mode": modes[index],
                    "aid_proj": project_of[index],
                    "gain_yuan": gains[index],
                }
            )
            points.append(point)
    return metric_frame(rows, points)


# Share of pairing projects whose party organisation also serves a second township.
_TWO_TOWNSHIP_SHARE = 0.2


def _pairing_projects(number: int, town_of_household: np.ndarray) -> list[str]:
    """A pairing project (one party organisation's) for each household: each project serves the
    households of one township, a fifth of them of a second one too, and every project serves
    at least one household in each of its townships."""
    rng = np.random.default_rng(SEED + 12)
    towns, sizes = np.unique(town_of_household, return_counts=True)
    home = np.repeat(towns, allocate(number, sizes.astype(float)))
    served: list[list[str]] = [[town] for town in home]
    for index in rng.choice(number, round(number * _TWO_TOWNSHIP_SHARE), replace=False):
        others = towns[towns != home[index]]
        weights = sizes[towns != home[index]].astype(float)
        served[index].append(str(rng.choice(others, p=weights / weights.sum())))
    names = [f"BF{n:03d}" for n in range(1, number + 1)]
    project_of = np.empty(len(town_of_household), dtype=object)
    for town in towns:
        local = [name for name, places in zip(names, served, strict=True) if town in places]
        where = rng.permutation(np.flatnonzero(town_of_household == town))
        if len(where) < len(local):
            raise ValueError(f"{town}: {len(where)} households for {len(local)} pairing projects")
        project_of[where] = [local[i % len(local)] for i in range(len(where))]
    return list(project_of)


def household_projects_layer(
    figures: dict[str, int], households: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """One project per household, a second one for some, next to the household."""
    rng = np.random.default_rng(SEED + 3)
    total = figures["household_projects"]
    owners = list(range(len(households))) + list(
        rng.choice(len(households), total - len(households), replace=False)
    )
    minimum = figures["household_project_min_gain"]
    rows, points = [], []
    for number, owner in enumerate(sorted(owners), start=1):
        household = households.iloc[owner]
        project_type = _HOUSEHOLD_PROJECT_TYPES[int(rng.integers(len(_HOUSEHOLD_PROJECT_TYPES)))]
        rows.append(
            {
                "uid": f"hhproj-{number:05d}",
                "hh_id": household["hh_id"],
                "town_code": household["town_code"],
                "town": household["town"],
                "village": household["village"],
                "type": project_type,
                "gain_pp": int(minimum + 50 * rng.integers(0, 13)),
            }
        )
        point = household.geometry
        points.append(Point(point.x + rng.normal(0, 15), point.y + rng.normal(0, 15)))
    return metric_frame(rows, points)


_INDUSTRY_TYPES = ("设施农业", "林果", "养殖", "农产品加工", "特色种植")


def industry_projects_layer(
    figures: dict[str, int], townships: list[Township], villages: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """Industry projects by level: 长宝营子's as reported, the rest over the other rural townships."""
    rng = np.random.default_rng(SEED + 4)
    total = figures["industry_projects"]
    changbao = township_by_code(townships, "211302205")
    plan: list[tuple[str, Township]] = [("乡级", changbao)] * figures["changbao_township_projects"]
    plan += [("村级", changbao)] * figures["changbao_village_bases"]
    others = [t for t in townships if t.kind != "街道" and t.code != changbao.code]
    district_level = 8
    plan += [("区级", others[i % len(others)]) for i in range(district_level)]
    plan += [("乡级", others[i % len(others)]) for i in range(9)]
    plan += [("村级", others[i % len(others)]) for i in range(total - len(plan))]
    rows, points = [], []
    for number, (level, township) in enumerate(plan, start=1):
        local = villages[villages["town_code"] == township.code]
        village = local.iloc[int(rng.integers(len(local)))]
        project_type = _INDUSTRY_TYPES[int(rng.integers(len(_INDUSTRY_TYPES)))]
        label = "产业基地" if township is changbao and level == "村级" else "产业扶贫项目"
        rows.append(
            {
                "uid": f"industry-{number:03d}",
                "name": f"{village['name']}{project_type}{label}",
                "level": level,
                "type": project_type,
                "town_code": township.code,
                "town": township.name,
                "village": village["name"] if level == "村级" else "",
                "return_pct": round(10 + 0.5 * int(rng.integers(0, 17)), 1),
            }
        )
        anchor = village.geometry if level == "村级" else township.seat
        points.append(points_near(rng, township.area, anchor, 300, 1)[0])
    return metric_frame(rows, points)
