"""Study areas a planner counts and measures in: a drawn shape, a feature (with a buffer) or a
township, held in WGS-84 for the map and in the metric CRS (EPSG:4549) for every figure."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.crs import (
    DISPLAY_CRS,
    METRIC_CRS,
    SQUARE_METRES_PER_HECTARE,
    SQUARE_METRES_PER_MU,
    to_display,
    to_metric,
)
from geo.drawn_geojson import DrawnGeometryError, drawn_shape
from geo.offsets import WGS84, convert
from layers import data_version, get_layer, load_layer

__all__ = [
    "MAX_BUFFER_M",
    "MAX_RADIUS_M",
    "AreaRefused",
    "Measures",
    "StudyArea",
    "drawn_area",
    "feature_area",
    "measure_drawing",
    "township_area",
]

MAX_RADIUS_M = 50_000.0
MAX_BUFFER_M = 50_000.0
# A circle is a buffer of 4 × 64 segments: its area is πr² to 0.01% (0.1% needs 4 × 21).
_CIRCLE_QUAD_SEGS = 64
# Outside the district by less than this (m²), a shape is its own: a township's outline, a
# feature on the border, are not "clipped" for rounding in the boundary's coordinates.
_CLIP_TOLERANCE_M2 = 1.0
_POLYGONAL = ("Polygon", "MultiPolygon")
_LINEAR = ("LineString", "MultiLineString")
_DISTRICT_ZH, _DISTRICT_EN = "双塔区", "Shuangta District (双塔区)"


class AreaRefused(ValueError):
    """A shape that cannot be a study area or be measured, with a message for the user."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en

    def message(self, lang: str) -> str:
        """The message in English for "en", in Chinese otherwise."""
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class StudyArea:
    """An area to count in: its shape in EPSG:4326 and EPSG:4549, its label, and what was done
    to it (repaired, clipped to the district …)."""

    wgs84: BaseGeometry
    metric: BaseGeometry
    label_zh: str
    label_en: str
    notes_zh: tuple[str, ...] = ()
    notes_en: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        """The label in English for "en", in Chinese otherwise."""
        return self.label_en if lang == "en" else self.label_zh

    def notes(self, lang: str) -> tuple[str, ...]:
        """The notes in English for "en", in Chinese otherwise."""
        return self.notes_en if lang == "en" else self.notes_zh

    @property
    def area_m2(self) -> float:
        """Area in square metres, in the metric CRS."""
        return float(self.metric.area)

    @property
    def area_mu(self) -> float:
        """Area in 亩."""
        return self.area_m2 / SQUARE_METRES_PER_MU

    @property
    def area_ha(self) -> float:
        """Area in hectares."""
        return self.area_m2 / SQUARE_METRES_PER_HECTARE

    @property
    def area_km2(self) -> float:
        """Area in square kilometres."""
        return self.area_m2 / 1e6

    @property
    def perimeter_km(self) -> float:
        """Length of the outline (every ring) in kilometres."""
        return float(self.metric.length) / 1000


@dataclass(frozen=True)
class Measures:
    """What the measure tool shows: a line's length, or an area's size and perimeter."""

    kind: str  # "line", "polygon" or "circle"
    length_km: float | None = None
    area_m2: float | None = None
    area_mu: float | None = None
    area_ha: float | None = None
    perimeter_km: float | None = None


def drawn_area(feature: dict, datum: str) -> StudyArea:
    """The study area drawn on the map (a Polygon Feature, or a Point with properties.radius in
    metres for a circle), its coordinates in `datum` (geo.offsets: WGS84, GCJ02 …); repaired
    if it crosses itself, clipped to the district; AreaRefused for anything else."""
    geometry, radius = _drawn(feature)
    kind = geometry["type"]
    if kind == "Point" and radius is not None:
        wgs84, metric = _circle(_shape(geometry, datum), radius)
        lon, lat = wgs84.centroid.x, wgs84.centroid.y
        label_zh = f"以 ({lon:.5f}, {lat:.5f}) 为圆心、半径 {radius:,.0f} 米的圆"
        label_en = f"circle of radius {radius:,.0f} m around ({lon:.5f}, {lat:.5f})"
        return _in_district(wgs84, metric, label_zh, label_en, (), ())
    if kind not in _POLYGONAL:
        raise AreaRefused(
            "统计范围须是面：请画多边形、矩形或圆。",
            "An area must enclose something: draw a polygon, rectangle or circle.",
        )
    wgs84 = _shape(geometry, datum)
    notes_zh: tuple[str, ...] = ()
    notes_en: tuple[str, ...] = ()
    if not wgs84.is_valid:
        wgs84 = _polygonal(shapely.make_valid(wgs84))
        notes_zh = ("所画图形的边相交，已自动修复。",)
        notes_en = ("The drawn outline crossed itself; it was repaired.",)
    metric = _to(wgs84, METRIC_CRS)
    return _in_district(wgs84, metric, "所画范围", "drawn area", notes_zh, notes_en)


def feature_area(layer: str, uid: str, buffer_m: float) -> StudyArea:
    """The area of feature `uid` of `layer` (uploaded session layers too), grown by `buffer_m`
    metres (0–50,000; a point or line needs more than 0), clipped to the district."""
    spec = get_layer(layer)
    frame = load_layer(layer)
    matches = frame[frame[spec.id_field] == uid]
    if matches.empty:
        raise KeyError(f"layer '{layer}' has no feature '{uid}'")
    row = matches.iloc[0]
    name_zh = str(row[spec.name_field])
    english = row.get("name_en") if spec.name_field == "name" else None
    name_en = str(english) if isinstance(english, str) and english else name_zh
    buffer_m = _buffer(buffer_m)
    metric = _to(row.geometry, METRIC_CRS, source=frame.crs)
    if buffer_m == 0:
        if metric.geom_type not in _POLYGONAL:
            raise AreaRefused(
                f"{name_zh} 是点或线，没有面积：请给出周边距离（米）。",
                f"{name_en} is a point or a line and has no area: give a distance around it (m).",
            )
        label_zh, label_en = name_zh, name_en
    else:
        metric = metric.buffer(buffer_m, quad_segs=_CIRCLE_QUAD_SEGS // 4)
        label_zh = f"{name_zh} 周边 {buffer_m:,.0f} 米"
        label_en = f"within {buffer_m:,.0f} m of {name_en}"
    return _in_district(_to(metric, DISPLAY_CRS), metric, label_zh, label_en, (), ())


def township_area(code: str) -> StudyArea:
    """The outline of the township with statistical code `code` (layer "townships")."""
    townships = load_layer("townships")
    matches = townships[townships["code"] == code]
    if matches.empty:
        raise KeyError(f"no township with code '{code}'")
    return feature_area("townships", str(matches.iloc[0][get_layer("townships").id_field]), 0)


def measure_drawing(feature: dict, datum: str) -> Measures:
    """Length (km) of a drawn line, or area (m², 亩, ha) and perimeter (km) of a drawn polygon or
    circle, measured in the metric CRS as drawn (not clipped to the district)."""
    geometry, radius = _drawn(feature)
    kind = geometry["type"]
    if kind == "Point" and radius is not None:
        metric = _circle(_shape(geometry, datum), radius)[1]
        kind = "circle"
    elif kind in _LINEAR:
        metric = _to(_shape(geometry, datum), METRIC_CRS)
        return Measures(kind="line", length_km=float(metric.length) / 1000)
    elif kind in _POLYGONAL:
        wgs84 = _shape(geometry, datum)
        metric = _to(wgs84 if wgs84.is_valid else _polygonal(shapely.make_valid(wgs84)), METRIC_CRS)
        kind = "polygon"
    else:
        raise AreaRefused(
            "只能量测线、多边形、矩形或圆。",
            "Only a line, polygon, rectangle or circle can be measured.",
        )
    area = float(metric.area)
    return Measures(
        kind=kind,
        area_m2=area,
        area_mu=area / SQUARE_METRES_PER_MU,
        area_ha=area / SQUARE_METRES_PER_HECTARE,
        perimeter_km=float(metric.length) / 1000,
    )


def _drawn(feature: object) -> tuple[dict, float | None]:
    """The GeoJSON geometry of a drawn Feature and its circle radius (None if none)."""
    if not isinstance(feature, dict):
        raise AreaRefused("所画图形无法读取。", "The drawn shape cannot be read.")
    geometry = feature.get("geometry") if feature.get("type") == "Feature" else feature
    if not isinstance(geometry, dict) or not isinstance(geometry.get("type"), str):
        raise AreaRefused("所画图形没有几何数据。", "The drawn shape has no geometry.")
    properties = feature.get("properties") if feature.get("type") == "Feature" else None
    radius = properties.get("radius") if isinstance(properties, dict) else None
    if radius is None or geometry["type"] != "Point":
        return geometry, None
    if isinstance(radius, bool) or not isinstance(radius, int | float):
        raise AreaRefused("圆的半径不是数字。", "The circle's radius is not a number.")
    try:
        radius = float(radius)
    except OverflowError:
        radius = math.inf
    if not (math.isfinite(radius) and 0 < radius <= MAX_RADIUS_M):
        raise AreaRefused(
            f"圆的半径须大于 0、不超过 {MAX_RADIUS_M / 1000:g} 公里。",
            f"The circle's radius must be above 0 and at most {MAX_RADIUS_M / 1000:g} km.",
        )
    return geometry, radius


def _shape(geometry: dict, datum: str) -> BaseGeometry:
    """The checked geometry, shifted from `datum` to WGS-84."""
    try:
        drawn = drawn_shape(geometry)
    except DrawnGeometryError as error:
        raise AreaRefused(error.zh + "。", error.en[:1].upper() + error.en[1:] + ".") from None

    def shift(coords: np.ndarray) -> np.ndarray:
        lon, lat = convert(coords[:, 0], coords[:, 1], datum, WGS84)
        return np.column_stack([lon, lat])

    return shapely.transform(drawn, shift)


def _circle(centre: BaseGeometry, radius: float) -> tuple[BaseGeometry, BaseGeometry]:
    """A circle (WGS-84, metric) of `radius` metres around `centre`, drawn in the metric CRS."""
    metric = _to(centre, METRIC_CRS).buffer(radius, quad_segs=_CIRCLE_QUAD_SEGS)
    return _to(metric, DISPLAY_CRS), metric


def _polygonal(geometry: BaseGeometry) -> BaseGeometry:
    """The polygonal parts of a repaired geometry; AreaRefused when nothing encloses an area."""
    parts = [
        part
        for part in getattr(geometry, "geoms", [geometry])
        for part in getattr(part, "geoms", [part])
        if part.geom_type == "Polygon" and not part.is_empty
    ]
    if not parts:
        raise AreaRefused("所画图形围不出面积。", "The drawn shape encloses no area.")
    return shapely.union_all(parts)


def _buffer(buffer_m: object) -> float:
    if isinstance(buffer_m, bool) or not isinstance(buffer_m, int | float):
        raise AreaRefused("周边距离不是数字。", "The distance around is not a number.")
    value = float(buffer_m)
    if not (math.isfinite(value) and 0 <= value <= MAX_BUFFER_M):
        raise AreaRefused(
            f"周边距离须在 0 到 {MAX_BUFFER_M:,.0f} 米之间。",
            f"The distance around must be between 0 and {MAX_BUFFER_M:,.0f} m.",
        )
    return value


def _in_district(
    wgs84: BaseGeometry,
    metric: BaseGeometry,
    label_zh: str,
    label_en: str,
    notes_zh: tuple[str, ...],
    notes_en: tuple[str, ...],
) -> StudyArea:
    """The area clipped to the district (with a note), or AreaRefused if it lies outside."""
    district = _district_metric(data_version())
    inside = metric.intersection(district)
    inside = _polygonal(inside) if inside.area > 0 else inside
    if inside.is_empty or inside.area <= 0:
        raise AreaRefused(
            f"所选范围在{_DISTRICT_ZH}以外。", f"The area lies outside {_DISTRICT_EN}."
        )
    outside_m2 = metric.area - inside.area
    if outside_m2 > _CLIP_TOLERANCE_M2:
        outside_mu = outside_m2 / SQUARE_METRES_PER_MU
        notes_zh += (f"已裁剪到{_DISTRICT_ZH}范围内（区外 {outside_mu:,.1f} 亩不计）。",)
        notes_en += (f"Clipped to {_DISTRICT_EN}: {outside_mu:,.1f} mu outside were left out.",)
        metric, wgs84 = inside, _to(inside, DISPLAY_CRS)
    return StudyArea(wgs84, metric, label_zh, label_en, notes_zh, notes_en)


@lru_cache(maxsize=8)
def _district_metric(version: tuple) -> BaseGeometry:
    """The district outline in the metric CRS, once per version of the data."""
    district = to_metric(load_layer("district"))
    outline = shapely.union_all(np.asarray(district.geometry.values, dtype=object))
    shapely.prepare(outline)
    return outline


def _to(geometry: BaseGeometry, crs: str, source: object = None) -> BaseGeometry:
    """One geometry transformed to `crs` (METRIC_CRS or DISPLAY_CRS) from `source` (by default
    the other of the two), by geo.crs."""
    if source is None:
        source = METRIC_CRS if crs == DISPLAY_CRS else DISPLAY_CRS
    series = gpd.GeoSeries([geometry], crs=source)
    return (to_display(series) if crs == DISPLAY_CRS else to_metric(series)).iloc[0]
