"""The 三区三线 check: how much of a site lies in each control-line layer (亩 and share, measured
in EPSG:4549) and whether its kind of project may lie there (data/rules/sanqu_sanxian.yaml).

Zones are read with layers.load_layer, so a planner's replacement and the date being viewed
apply; each zone layer is unioned once per data version.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo.crs import DISPLAY_CRS, METRIC_CRS, SQUARE_METRES_PER_MU
from layers import data_version, get_layer, load_layer
from planning.sanqu_rules import RULES_PATH, Category, Rule, Rules, read_rules

__all__ = [
    "RULES_PATH",
    "RuleResult",
    "Rules",
    "Verdict",
    "ZoneOverlap",
    "category_of",
    "check_layer",
    "check_site",
    "layer_verdicts",
    "load_rules",
]

_POLYGONAL = ("Polygon", "MultiPolygon")
_WORDS = {
    "zh": {"pass": "符合", "fail": "不符合", "join": "；", "lead": "不符合："},
    "en": {
        "pass": "Conforms",
        "fail": "Does not conform",
        "join": "; ",
        "lead": "Does not conform: ",
    },
}
_COLUMNS = {
    "zh": {
        "name": "名称",
        "category": "项目类别",
        "site_mu": "用地面积（亩）",
        "mu": "{zone}（亩）",
        "pct": "{zone}（%）",
        "verdict": "结论",
        "explanation": "说明",
    },
    "en": {
        "name": "Name",
        "category": "Category",
        "site_mu": "Site area (mu)",
        "mu": "{zone} (mu)",
        "pct": "{zone} (%)",
        "verdict": "Verdict",
        "explanation": "Explanation",
    },
}


@dataclass(frozen=True)
class ZoneOverlap:
    """The part of a site inside one zone layer."""

    zone: str  # layer key, e.g. "basic_farmland"
    title_zh: str
    title_en: str
    area_mu: float  # area of the site inside the zone (亩, metric CRS)
    share: float  # 0–1 of the site's area
    geometry: BaseGeometry  # the overlap, EPSG:4326 (empty if none)


@dataclass(frozen=True)
class RuleResult:
    """One rule's verdict on a site, explained with its figures."""

    rule: str
    passed: bool
    text_zh: str
    text_en: str
    short_zh: str = ""  # what a failure is, for the one-line summary ("" if passed)
    short_en: str = ""


@dataclass(frozen=True)
class Verdict:
    """A site checked against every zone layer and its category's rules."""

    site_name: str
    category: str
    category_zh: str
    category_en: str
    site_area_mu: float
    overlaps: tuple[ZoneOverlap, ...]  # one per zone layer, in the rules' order
    results: tuple[RuleResult, ...]
    passed: bool  # all rules passed
    site: BaseGeometry  # EPSG:4326

    def summary(self, lang: str) -> str:
        """'符合', or '不符合：' and what fails, e.g. '不符合：占用永久基本农田 3.20 亩'."""
        words = _WORDS["en" if lang == "en" else "zh"]
        if self.passed:
            return words["pass"]
        shorts = [r.short_en if lang == "en" else r.short_zh for r in self.results if not r.passed]
        return words["lead"] + words["join"].join(shorts)

    def explanation(self, lang: str) -> str:
        """Every rule's text in `lang`, one after another."""
        texts = [r.text_en if lang == "en" else r.text_zh for r in self.results]
        return _WORDS["en" if lang == "en" else "zh"]["join"].join(texts)

    def overlap(self, zone: str) -> ZoneOverlap:
        """The overlap with zone layer `zone`."""
        return next(o for o in self.overlaps if o.zone == zone)


def load_rules(path: Path | None = None) -> Rules:
    """The rules in `path` (default data/rules/sanqu_sanxian.yaml), validated; DataError naming
    the file and the problems. Read again only when the file changes."""
    path = Path(path or RULES_PATH)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = -1  # read_rules names the file and why it cannot be read
    return _rules(str(path), stamp)


@lru_cache(maxsize=16)
def _rules(path: str, stamp: int) -> Rules:
    return read_rules(Path(path))


def category_of(layer: str, row: pd.Series | dict, rules: Rules | None = None) -> str:
    """The category of a feature of `layer` by the rules' mapping (enclave sites: `industry`)."""
    rules = rules or load_rules()
    if layer not in rules.layers:
        raise KeyError(f"{rules.source}: no category mapping for layer '{layer}'")
    mapping = rules.layers[layer]
    value = row.get(mapping.field)
    return mapping.values.get(str(value), mapping.default) if value is not None else mapping.default


def check_site(site: BaseGeometry, category: str, name: str, rules: Rules | None = None) -> Verdict:
    """The verdict on one area (EPSG:4326): a drawn shape, an uploaded parcel or a feature."""
    rules = rules or load_rules()
    area = _polygonal(site, name)
    metric = gpd.GeoSeries([area], crs=DISPLAY_CRS).to_crs(METRIC_CRS).iloc[0]
    return _verdicts([name], [area], [metric], [category], rules)[0]


def layer_verdicts(layer: str, rules: Rules | None = None) -> tuple[Verdict, ...]:
    """The verdict on every feature of a polygon layer, category by the rules' mapping."""
    rules = rules or load_rules()
    spec = get_layer(layer)
    frame = load_layer(layer)
    names = [str(n) for n in frame[spec.name_field]]
    areas = [_polygonal(g, n) for g, n in zip(frame.geometry, names, strict=True)]
    metric = list(gpd.GeoSeries(areas, crs=DISPLAY_CRS).to_crs(METRIC_CRS))
    categories = [category_of(layer, row, rules) for _, row in frame.iterrows()]
    return _verdicts(names, areas, metric, categories, rules)


def check_layer(layer: str, lang: str, rules: Rules | None = None) -> pd.DataFrame:
    """Every site of `layer`: name, category, each zone's 亩 and %, verdict, explanation (the
    enclave page's table; columns labelled in `lang`, figures at full precision)."""
    rules = rules or load_rules()
    en = lang == "en"
    labels = _COLUMNS["en" if en else "zh"]
    spec = get_layer(layer)
    frame = load_layer(layer)
    rows = []
    for uid, verdict in zip(frame[spec.id_field], layer_verdicts(layer, rules), strict=True):
        row = {
            spec.id_field: uid,
            labels["name"]: verdict.site_name,
            labels["category"]: verdict.category_en if en else verdict.category_zh,
            labels["site_mu"]: verdict.site_area_mu,
        }
        for overlap in verdict.overlaps:
            title = overlap.title_en if en else overlap.title_zh
            row[labels["mu"].format(zone=title)] = overlap.area_mu
            row[labels["pct"].format(zone=title)] = 100.0 * overlap.share
        row[labels["verdict"]] = _WORDS["en" if en else "zh"]["pass" if verdict.passed else "fail"]
        row[labels["explanation"]] = verdict.explanation(lang)
        rows.append(row)
    return pd.DataFrame(rows)


# --- measuring ------------------------------------------------------------------------------


def _polygonal(site: BaseGeometry, name: str) -> BaseGeometry:
    """The site's area; ValueError for a point, a line or an empty shape."""
    if site is None or site.is_empty:
        raise ValueError(f"'{name}' has no shape: the 三区三线 check needs an area")
    if site.geom_type not in _POLYGONAL:
        parts = [g for g in getattr(site, "geoms", []) if g.geom_type in _POLYGONAL]
        if not parts:
            raise ValueError(
                f"'{name}' is a {site.geom_type}: the 三区三线 check measures areas;"
                " draw or upload the site's outline (a polygon)"
            )
        site = shapely.union_all(parts)
    return site if site.is_valid else shapely.make_valid(site)


@lru_cache(maxsize=16)
def _zone_index(zone: str, version: tuple) -> tuple[shapely.STRtree, tuple[BaseGeometry, ...]]:
    """The zone layer unioned once (metric CRS), its parts in a search tree."""
    frame = load_layer(zone).to_crs(METRIC_CRS)
    union = shapely.union_all(shapely.make_valid(frame.geometry.values))
    parts = tuple(g for g in getattr(union, "geoms", [union]) if g.area > 0)
    return shapely.STRtree(parts), parts


def _inside(site: BaseGeometry, zone: str, version: tuple) -> BaseGeometry:
    """The part of `site` (metric) inside the zone layer (metric; parts never overlap)."""
    tree, parts = _zone_index(zone, version)
    hits = tree.query(site, predicate="intersects")
    if len(hits) == 0:
        return shapely.Polygon()
    pieces = [site.intersection(parts[i]) for i in hits]
    polygons = [p for piece in pieces for p in _polygon_parts(piece)]
    return shapely.union_all(polygons) if polygons else shapely.Polygon()


def _polygon_parts(shape: BaseGeometry) -> list[BaseGeometry]:
    if shape.geom_type in _POLYGONAL:
        return [shape]
    return [g for g in getattr(shape, "geoms", []) if g.geom_type in _POLYGONAL]


def _verdicts(
    names: list[str],
    sites: list[BaseGeometry],
    metric: list[BaseGeometry],
    categories: list[str],
    rules: Rules,
) -> tuple[Verdict, ...]:
    version = data_version()
    inside = [[_inside(m, zone, version) for zone in rules.zones] for m in metric]
    flat = [g for row in inside for g in row]
    shown = list(gpd.GeoSeries(flat, crs=METRIC_CRS).to_crs(DISPLAY_CRS)) if flat else []
    titles = [(get_layer(z).title_zh, get_layer(z).title_en) for z in rules.zones]
    verdicts = []
    for index, (name, site, m, key) in enumerate(
        zip(names, sites, metric, categories, strict=True)
    ):
        category = rules.category(key)
        overlaps = tuple(
            ZoneOverlap(
                zone,
                title_zh,
                title_en,
                piece.area / SQUARE_METRES_PER_MU,
                piece.area / m.area,
                shown[index * len(rules.zones) + z],
            )
            for z, (zone, (title_zh, title_en), piece) in enumerate(
                zip(rules.zones, titles, inside[index], strict=True)
            )
        )
        results = tuple(_result(rule, overlaps, m.area) for rule in category.rules)
        verdicts.append(_verdict(name, category, m.area, overlaps, results, site))
    return tuple(verdicts)


def _verdict(
    name: str,
    category: Category,
    site_m2: float,
    overlaps: tuple[ZoneOverlap, ...],
    results: tuple[RuleResult, ...],
    site: BaseGeometry,
) -> Verdict:
    return Verdict(
        site_name=name,
        category=category.key,
        category_zh=category.title_zh,
        category_en=category.title_en,
        site_area_mu=site_m2 / SQUARE_METRES_PER_MU,
        overlaps=overlaps,
        results=results,
        passed=all(r.passed for r in results),
        site=site,
    )


def _result(rule: Rule, overlaps: tuple[ZoneOverlap, ...], site_m2: float) -> RuleResult:
    overlap = next(o for o in overlaps if o.zone == rule.zone)
    if rule.condition == "within":
        passed = overlap.share >= rule.min_share
    else:  # no_overlap
        passed = overlap.area_mu <= rule.tolerance_mu
    site_mu = site_m2 / SQUARE_METRES_PER_MU
    figures = {
        "zone_zh": overlap.title_zh,
        "zone_en": overlap.title_en,
        "site_mu": f"{site_mu:.2f}",
        "area_mu": f"{overlap.area_mu:.2f}",
        "share_pct": f"{overlap.share:.2%}",
        "outside_mu": f"{max(site_mu - overlap.area_mu, 0.0):.2f}",
        "min_share_pct": f"{rule.min_share:.1%}",
        "tolerance_mu": f"{rule.tolerance_mu:g}",
    }
    kind = "pass" if passed else "fail"
    return RuleResult(
        rule=rule.id,
        passed=passed,
        text_zh=rule.text(kind, "zh", **figures),
        text_en=rule.text(kind, "en", **figures),
        short_zh="" if passed else rule.text("short", "zh", **figures),
        short_en="" if passed else rule.text("short", "en", **figures),
    )
