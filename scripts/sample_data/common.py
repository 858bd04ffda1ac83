"""What every builder shares: the seed, data/sources/ fact tables, metric shapes, exact splits."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer
from shapely import affinity
from shapely.geometry import Point, Polygon, box
from shapely.geometry.base import BaseGeometry

from geo.crs import DISPLAY_CRS, METRIC_CRS

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "data" / "sources"
SEED = 211302
# The 9 街道 share an illustrative urban core: the district outline inside this lon/lat box.
URBAN_CORE_BOX = (120.40, 41.525, 120.50, 41.615)

_TO_METRIC = Transformer.from_crs(DISPLAY_CRS, METRIC_CRS, always_xy=True)


@dataclass(frozen=True)
class Township:
    """A township-level unit with its seat and its (illustrative) area, both metric."""

    code: str
    name: str
    name_en: str
    kind: str
    seat: Point  # metric
    area: BaseGeometry  # metric


def township_by_code(townships: list[Township], code: str) -> Township:
    """The township with this statistical code."""
    return next(t for t in townships if t.code == code)


# --- fact tables ---------------------------------------------------------------------------


def read_source_csv(name: str) -> list[dict[str, str]]:
    """The rows of one fact table in data/sources/."""
    with (SOURCES / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def metric_frame(rows: list[dict], geometries: list[BaseGeometry]) -> gpd.GeoDataFrame:
    """A layer's frame in the metric CRS."""
    return gpd.GeoDataFrame(rows, geometry=geometries, crs=METRIC_CRS)


# --- geometry generators (metric CRS) ------------------------------------------------------


def to_metric(lon: float, lat: float) -> Point:
    """A lon/lat point in the metric CRS."""
    return Point(_TO_METRIC.transform(lon, lat))


def rectangle(center: Point, area: float, aspect: float, angle: float) -> Polygon:
    """A rectangle of exactly `area` m², `aspect` = length / width, rotated by `angle`°."""
    width = math.sqrt(area / aspect)
    length = width * aspect
    shape = box(
        center.x - length / 2, center.y - width / 2, center.x + length / 2, center.y + width / 2
    )
    return affinity.rotate(shape, angle, origin=center)


def place_rectangle(
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
        candidate = rectangle(center, area, rng.uniform(1.0, 2.5), rng.uniform(0, 180))
        if region.contains(candidate) and (
            obstacles is None or not obstacles.intersects(candidate)
        ):
            return candidate
    raise RuntimeError(f"no room for a rectangle of {area:.0f} m² in the region")


def points_near(
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


def split_total(rng: np.random.Generator, total: int, parts: int, low: int, high: int) -> list[int]:
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


def shuffled_labels(rng: np.random.Generator, counts: dict[str, int]) -> list[str]:
    """Each label repeated `count` times, in a seeded random order."""
    labels = [label for label, count in counts.items() for _ in range(count)]
    return [labels[i] for i in rng.permutation(len(labels))]


def allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to `weights` that add up to `total` (largest remainders)."""
    shares = weights / weights.sum() * total
    counts = np.floor(shares).astype(int)
    for index in np.argsort(-(shares - counts))[: total - counts.sum()]:
        counts[index] += 1
    return counts


def urban_core_box() -> Polygon:
    """URBAN_CORE_BOX as a polygon in the metric CRS."""
    return shapely.Polygon([to_metric(x, y) for x, y in _box_corners(URBAN_CORE_BOX)])


def _box_corners(bounds: tuple[float, float, float, float]) -> list[tuple[float, float]]:
    minx, miny, maxx, maxy = bounds
    return [(minx, miny), (maxx, miny), (maxx, maxy), (minx, maxy)]
