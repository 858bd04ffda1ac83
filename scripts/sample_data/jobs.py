"""Poverty alleviation through jobs: the employed poor people, employers, posts, workshops, exits.

The report gives totals by channel (see data/sources/figures.csv); who is employed where, which
villages hold the posts, where the employers and workshops are and how the exit-standard people
are spread over the villages are illustrative (data/README.md).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from scripts.sample_data.common import (
    SEED,
    Township,
    allocate,
    metric_frame,
    points_near,
    read_source_csv,
    township_by_code,
)

ENTERPRISE = "企业安置"
OUTSIDE = "市外务工"
GRADUATES = "事业编制"
POSTS = "公益性岗位"
WORKSHOP = "扶贫车间"
MUTUAL = "互助就业"
OTHER = "其他（未细分）"
IN_DISTRICT, OUTSIDE_CITY, NOT_SAID = "区内", "市外", "未细分"
# "60余人": the figure is its lower bound 60; the sample's few over it are illustrative.
WORKSHOP_SAMPLE_EXTRA = 3
# Illustrative: households with two capable members (the rest of the people have one each).
_TWO_WORKER_HOUSEHOLDS = 534
# Illustrative annual income ranges (元) by channel, all at or above the report's 6000.
_INCOME = {
    ENTERPRISE: (20_000, 36_000),
    OUTSIDE: (18_000, 36_000),
    GRADUATES: (30_000, 48_000),
    POSTS: (6_000, 12_000),
    WORKSHOP: (6_000, 15_000),
    MUTUAL: (6_000, 15_000),
    OTHER: (6_000, 20_000),
}
_WORKSHOP_KINDS = ("服装加工", "扫帚编织")
_EXAMPLE_EMPLOYER = "朝阳凌凌水泥"
_EXAMPLE_VILLAGE = "长宝营子村"
_HOUSEHOLD_COLUMNS = ["hh_id", "town_code", "town", "village"]
# Points stay this far (m) inside their township, so no reprojection moves one across its border.
_BORDER_MARGIN = 10.0


def channel_counts(figures: dict[str, int]) -> dict[str, int]:
    """People per channel: the report's named channels, the rest not broken down."""
    named = {
        ENTERPRISE: figures["jobs_enterprise"],
        OUTSIDE: figures["jobs_outside_city"],
        GRADUATES: figures["jobs_graduates"],
        POSTS: figures["jobs_welfare_posts"],
        WORKSHOP: figures["jobs_workshop_min"] + WORKSHOP_SAMPLE_EXTRA,
        MUTUAL: figures["jobs_mutual_aid"],
    }
    return {**named, OTHER: figures["jobs_capable_poor"] - sum(named.values())}


def jobs_layers(
    figures: dict[str, int],
    townships: list[Township],
    villages: gpd.GeoDataFrame,
    households: gpd.GeoDataFrame,
) -> dict[str, gpd.GeoDataFrame]:
    """The workers (person-level, internal ids) and the layers counted from them."""
    rng = np.random.default_rng(SEED + 20)
    employers = read_source_csv("employers_named.csv")
    people = _people(rng, figures["jobs_capable_poor"], households)
    _assign_channels(rng, figures, people, employers)
    inner = {t.code: t.area.buffer(-_BORDER_MARGIN) for t in townships}
    workshops = _workshops_layer(inner, villages, people)
    return {
        "employers": _employers_layer(rng, townships, employers, people),
        "welfare_posts": _posts_layer(rng, inner, villages, people),
        "workshops": workshops,
        "workers": _workers_layer(rng, figures, inner, people, households),
        "exit_std": _exit_layer(rng, figures, inner, villages, households),
    }


def _people(rng: np.random.Generator, total: int, households: gpd.GeoDataFrame) -> pd.DataFrame:
    """Each capable poor person's household (row `owner`) and home: one or two per household."""
    first = rng.choice(len(households), total - _TWO_WORKER_HOUSEHOLDS, replace=False)
    second = rng.choice(first, _TWO_WORKER_HOUSEHOLDS, replace=False)
    owners = np.sort(np.concatenate([first, second]))
    people = households.iloc[owners][_HOUSEHOLD_COLUMNS].reset_index(drop=True)
    people["owner"] = owners
    return people


def _assign_channels(
    rng: np.random.Generator, figures: dict[str, int], people: pd.DataFrame, employers: list[dict]
) -> None:
    """Each person's channel and, for an enterprise placement, employer (the example holds)."""
    counts = channel_counts(figures)
    labels = np.array([label for label, n in counts.items() for _ in range(n)], dtype=object)
    channel = labels[rng.permutation(len(labels))]
    weights = np.array([3.0 if e["source"].startswith("report") else 1.0 for e in employers])
    placed = allocate(counts[ENTERPRISE], weights * rng.uniform(0.8, 1.2, len(employers)))
    names = np.repeat([e["name"] for e in employers], placed)[rng.permutation(int(placed.sum()))]
    employer = np.full(len(channel), "", dtype=object)
    employer[channel == ENTERPRISE] = names
    village = people["village"].to_numpy()
    if not ((employer == _EXAMPLE_EMPLOYER) & (village == _EXAMPLE_VILLAGE)).any():
        # The report's example: someone of 长宝营子村 works at 凌凌水泥 (swap two people's jobs).
        there = int(np.flatnonzero(employer == _EXAMPLE_EMPLOYER)[0])
        local = int(np.flatnonzero((village == _EXAMPLE_VILLAGE) & (channel != ENTERPRISE))[0])
        channel[[there, local]] = channel[[local, there]]
        employer[[there, local]] = employer[[local, there]]
    people["channel"], people["employer"] = channel, employer
    people["post_vil"] = np.where(channel == POSTS, village, "")


def _workshops_layer(
    inner: dict[str, BaseGeometry], villages: gpd.GeoDataFrame, people: pd.DataFrame
) -> gpd.GeoDataFrame:
    """One workshop per township with home-based workers, at the village most of them live in;
    each of those people gets its name in `people["workshop"]`."""
    home_based = people[people["channel"] == WORKSHOP]
    people["workshop"] = ""
    rows, points = [], []
    for number, (code, local) in enumerate(home_based.groupby("town_code", sort=True), start=1):
        village_name = local["village"].value_counts().sort_index().idxmax()
        village = villages[villages["name"] == village_name].iloc[0]
        name = f"{village_name}扶贫车间"
        people.loc[local.index, "workshop"] = name
        rows.append(
            {
                "uid": f"workshop-{number}",
                "name": name,
                "kind": _WORKSHOP_KINDS[(number - 1) % len(_WORKSHOP_KINDS)],
                "town_code": code,
                "town": village.town,
                "village": village_name,
                "jobs": len(local),
            }
        )
        points.append(_near(inner[code], village.geometry, 150, number))
    return metric_frame(rows, points)


def _employers_layer(
    rng: np.random.Generator,
    townships: list[Township],
    employers: list[dict],
    people: pd.DataFrame,
) -> gpd.GeoDataFrame:
    """Enterprises in the district with their placements; wages and example only as reported."""
    placed = people["employer"].value_counts()
    rows, points = [], []
    for number, entry in enumerate(employers, start=1):
        township = township_by_code(townships, entry["township_code"])
        rows.append(
            {
                "uid": f"employer-{number}",
                "name": entry["name"],
                "name_en": entry["name_en"],
                "town_code": township.code,
                "town": township.name,
                "placed": int(placed.get(entry["name"], 0)),
                "wage_mon": int(entry["wage_month"]) if entry["wage_month"] else None,
                "example": entry["example"],
                "source": "报道点名" if entry["source"].startswith("report") else "示例",
            }
        )
        spread = 1500 if township.kind == "街道" else 3000
        points.append(points_near(rng, township.area.buffer(-200), township.seat, spread, 1)[0])
    return metric_frame(rows, points)


def _posts_layer(
    rng: np.random.Generator,
    inner: dict[str, BaseGeometry],
    villages: gpd.GeoDataFrame,
    people: pd.DataFrame,
) -> gpd.GeoDataFrame:
    """Public-welfare posts by village: one point beside each village holding some."""
    posts = people.loc[people["post_vil"] != "", "post_vil"].value_counts()
    rows, points = [], []
    for village in villages.itertuples():
        if village.name not in posts:
            continue
        rows.append(
            {
                "uid": f"posts-{len(rows) + 1:03d}",
                "name": f"{village.name}公益性岗位",
                "town_code": village.town_code,
                "town": village.town,
                "village": village.name,
                "posts": int(posts[village.name]),
            }
        )
        points.append(points_near(rng, inner[village.town_code], village.geometry, 120, 1)[0])
    return metric_frame(rows, points)


def _workers_layer(
    rng: np.random.Generator,
    figures: dict[str, int],
    inner: dict[str, BaseGeometry],
    people: pd.DataFrame,
    households: gpd.GeoDataFrame,
) -> gpd.GeoDataFrame:
    """One row per capable poor person: synthetic ids only, at home beside their household."""
    trained = np.zeros(len(people), dtype=bool)
    trained[rng.choice(len(people), figures["jobs_trained"], replace=False)] = True
    workplace = {OUTSIDE: OUTSIDE_CITY, OTHER: NOT_SAID}
    rows, points = [], []
    for index, person in enumerate(people.itertuples()):
        low, high = _INCOME[person.channel]
        rows.append(
            {
                "uid": f"worker-{index + 1:05d}",
                "wk_id": f"SHT-WK-{index + 1:05d}",
                "hh_id": person.hh_id,
                "town_code": person.town_code,
                "town": person.town,
                "village": person.village,
                "channel": person.channel,
                "workplace": workplace.get(person.channel, IN_DISTRICT),
                "employer": person.employer,
                "workshop": person.workshop,
                "post_vil": person.post_vil,
                "employed": "是",
                "trained": "是" if trained[index] else "否",
                "income": int(100 * rng.integers(low // 100, high // 100 + 1)),
            }
        )
        home = households.geometry.iloc[person.owner]
        points.append(points_near(rng, inner[person.town_code], home, 15, 1)[0])
    return metric_frame(rows, points)


def _exit_layer(
    rng: np.random.Generator,
    figures: dict[str, int],
    inner: dict[str, BaseGeometry],
    villages: gpd.GeoDataFrame,
    households: gpd.GeoDataFrame,
) -> gpd.GeoDataFrame:
    """People who reached the exit standard, counted by village (the report gives totals only)."""
    weights = households["village"].value_counts().reindex(villages["name"], fill_value=0)
    weights = weights.to_numpy(dtype=float) * rng.uniform(0.7, 1.3, len(villages))
    poor = allocate(figures["exit_poor"], weights)
    low_income = allocate(figures["exit_low_income"], weights)
    rows, points = [], []
    for village, poor_ok, low_ok in zip(villages.itertuples(), poor, low_income, strict=True):
        if poor_ok + low_ok == 0:
            continue
        rows.append(
            {
                "uid": f"exit-{len(rows) + 1:03d}",
                "name": f"{village.name}脱贫验收达标",
                "town_code": village.town_code,
                "town": village.town,
                "village": village.name,
                "poor_ok": int(poor_ok),
                "lowinc_ok": int(low_ok),
            }
        )
        points.append(points_near(rng, inner[village.town_code], village.geometry, 120, 1)[0])
    return metric_frame(rows, points)


def _near(region: BaseGeometry, anchor: Point, spread: float, salt: int) -> Point:
    """A point near `anchor` inside `region`, from its own seeded generator."""
    rng = np.random.default_rng(SEED + 40 + salt)
    return points_near(rng, region, anchor, spread, 1)[0]
