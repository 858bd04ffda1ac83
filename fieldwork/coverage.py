"""Coverage checks: which targets (villages, households, communities, 街道, registered poor people
able to work) a rule counts as covered.

A target set names the layer its targets come from and the rules that apply to it; a rule is
one of: covered by a pairing project, visited within N days, within X metres of a programme
site, or (for 街道) holding at least K demonstration communities; for people able to work,
employed, employed in the district, trained, or employment confirmed by a visit within N days
(fieldwork.employment).  Evaluating a rule gives every
target a `covered` flag and the `measure` behind it (days since the last visit, metres to the
nearest site, demonstration communities counted), from which rates, gap lists and reasons follow.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime

import geopandas as gpd
import pandas as pd

from fieldwork.employment import (
    EMPLOYMENT_FIELDS,
    EMPLOYMENT_RULES,
    days_since_confirmation,
    employment_reason,
    holds,
)
from geo.crs import to_metric
from geo.stats import coverage_rate
from layers import get_layer, load_layer
from layers.report import published_figure

__all__ = [
    "PRESETS",
    "RULE_KINDS",
    "SITE_LAYERS",
    "TARGET_SETS",
    "VISIT_RULES",
    "Preset",
    "Rule",
    "TargetSet",
    "coverage_by_township",
    "evaluate",
    "gap_list",
    "gap_reason",
    "get_target_set",
    "load_targets",
]

RULE_KINDS = ("pairing", "visited", "near_site", "at_least_k", *EMPLOYMENT_RULES)
VISIT_RULES = ("visited", "confirmed")  # the rules that read the recorded visits
# Programme sites a target may be near: the poverty-alleviation layers with places to visit.
SITE_LAYERS = (
    "industry_projects",
    "household_projects",
    "park_sites",
    "aixin_base",
    "orchards",
    "greenhouses",
    "sweet_potato",
)
DEMO_VALUE = "是"
PAIRING_FIELD = "aid_proj"  # the household's pairing (assistance) project


@dataclass(frozen=True)
class TargetSet:
    """What a field team checks: features of one layer, and the rules that apply to them."""

    key: str
    title_zh: str
    title_en: str
    layer: str
    rules: tuple[str, ...]
    name_field: str
    village_field: str | None = None
    keep: tuple[str, str] | None = None  # (field, value): only features whose field equals value
    carry: tuple[str, ...] = ()  # fields of the layer the rules read, kept with the targets

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh


TARGET_SETS: tuple[TargetSet, ...] = (
    TargetSet(
        "villages", "行政村", "Villages", "villages", ("visited", "near_site"), "name", "name"
    ),
    TargetSet(
        "households",
        "建档立卡贫困户",
        "Registered poor households",
        "households",
        ("pairing", "visited", "near_site"),
        "uid",
        "village",
    ),
    TargetSet(
        "communities",
        "老旧小区",
        "Closed communities",
        "closed_communities",
        ("visited", "near_site"),
        "name",
        "shequ",
    ),
    TargetSet(
        "demo_streets",
        "各街道示范小区",
        "Demonstration communities per subdistrict",
        "townships",
        ("at_least_k",),
        "name",
        keep=("kind", "街道"),
    ),
    # Person rows: the synthetic feature id stands for the person; no name, no household id.
    TargetSet(
        "workers",
        "有劳动能力的贫困人口",
        "Registered poor people able to work",
        "workers",
        ("employed", "in_district", "trained", "confirmed", "visited"),
        "uid",
        "village",
        carry=EMPLOYMENT_FIELDS,
    ),
)


@dataclass(frozen=True)
class Rule:
    """One coverage rule with its parameters (only those of its kind matter)."""

    kind: str
    days: int = 30
    metres: float = 500.0
    site_layer: str = "industry_projects"
    k: int = 5

    def __post_init__(self) -> None:
        if self.kind not in RULE_KINDS:
            raise ValueError(f"unknown rule '{self.kind}'; rules: {', '.join(RULE_KINDS)}")
        if self.days < 0 or self.metres < 0 or self.k < 1:
            raise ValueError("days and metres must not be negative, and K must be at least 1")
        if self.site_layer not in SITE_LAYERS:
            raise ValueError(f"'{self.site_layer}' is not a programme site layer")


@dataclass(frozen=True)
class Preset:
    """A target from the report: a target set, a rule and the share of targets to cover."""

    key: str
    title_zh: str
    title_en: str
    target_set: str
    rule: Rule
    target_rate: float

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh


PRESETS: tuple[Preset, ...] = (
    Preset(
        "pairing_all_households",
        "结对帮扶覆盖全部建档立卡贫困户",
        "Pairing projects cover every registered household",
        "households",
        Rule("pairing"),
        1.0,
    ),
    Preset(
        "demo_per_street",
        f"每个街道至少 {published_figure('demo_communities_per_street')} 个示范小区",
        f"At least {published_figure('demo_communities_per_street')} demonstration communities"
        " in every subdistrict",
        "demo_streets",
        Rule("at_least_k", k=published_figure("demo_communities_per_street")),
        1.0,
    ),
    Preset(
        "employed_all_workers",
        f"{published_figure('jobs_capable_poor')} 名有劳动能力的贫困人口全部就业",
        f"All {published_figure('jobs_capable_poor')} poor people able to work employed",
        "workers",
        Rule("employed"),
        published_figure("jobs_employment_rate") / 100,
    ),
)


def get_target_set(key: str) -> TargetSet:
    """The target set `key`; KeyError listing the known ones."""
    for target_set in TARGET_SETS:
        if target_set.key == key:
            return target_set
    raise KeyError(f"no target set '{key}'; known: {', '.join(t.key for t in TARGET_SETS)}")


def load_targets(target_set: TargetSet) -> gpd.GeoDataFrame:
    """The targets as uid, name, town_code, town, village, geometry (EPSG:4326), and the
    pairing project where the pairing rule applies."""
    spec = get_layer(target_set.layer)
    frame = load_layer(target_set.layer)
    if target_set.keep is not None:
        field, value = target_set.keep
        frame = frame[frame[field] == value]
    codes = frame[spec.township_field].astype(str)
    names = load_layer("townships").set_index("code")["name"]
    village = frame[target_set.village_field] if target_set.village_field else ""
    targets = gpd.GeoDataFrame(
        {
            "uid": frame[spec.id_field].astype(str),
            "name": frame[target_set.name_field].astype(str),
            "town_code": codes,
            "town": codes.map(names).fillna(""),
            "village": village,
        },
        geometry=frame.geometry,
        crs=frame.crs,
    )
    if "pairing" in target_set.rules:
        targets[PAIRING_FIELD] = frame[PAIRING_FIELD].to_numpy()
    for field in target_set.carry:
        targets[field] = frame[field].to_numpy()
    return targets.reset_index(drop=True)


def evaluate(
    target_set: TargetSet,
    rule: Rule,
    *,
    visits: pd.DataFrame | None = None,
    now: datetime | None = None,
    targets: gpd.GeoDataFrame | None = None,
    sites: gpd.GeoDataFrame | None = None,
    communities: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Every target with `covered` (bool) and `measure`, the figure the rule judged.

    measure: pairing, employed, in_district, trained 1/0; visited: days since the last visit
    (NaN: never); confirmed: days since the last visit confirming employment; near_site: metres
    to the nearest site; at_least_k: demonstration communities counted.  `visits` are the
    store's visits (needed by 'visited' and 'confirmed'). `targets`, `sites` and `communities` replace the shipped
    targets, the rule's site layer and the closed communities (small fixtures, subsets).
    """
    if rule.kind not in target_set.rules:
        raise ValueError(f"rule '{rule.kind}' does not apply to {target_set.title_en.lower()}")
    result = (load_targets(target_set) if targets is None else targets).copy()
    if rule.kind == "pairing":
        measure = _paired(result)
        covered = measure > 0
    elif rule.kind == "visited":
        measure = _days_since_visit(result, target_set, visits, now)
        covered = measure <= rule.days
    elif rule.kind == "confirmed":
        measure = days_since_confirmation(result, target_set.layer, visits, now)
        covered = measure <= rule.days
    elif rule.kind in EMPLOYMENT_RULES:
        measure = holds(result, rule.kind)
        covered = measure > 0
    elif rule.kind == "near_site":
        site_frame = load_layer(rule.site_layer) if sites is None else sites
        measure = _metres_to_site(result, site_frame)
        covered = measure <= rule.metres
    else:
        measure = _demo_communities(
            result, load_layer("closed_communities") if communities is None else communities
        )
        covered = measure >= rule.k
    result["measure"] = measure.to_numpy()
    result["covered"] = covered.fillna(False).astype(bool).to_numpy()
    return result


def _paired(targets: gpd.GeoDataFrame) -> pd.Series:
    """1 where the target names a pairing (assistance) project, else 0."""
    project = targets[PAIRING_FIELD].fillna("").astype(str).str.strip()
    return (project != "").astype(int)


def _days_since_visit(
    targets: gpd.GeoDataFrame,
    target_set: TargetSet,
    visits: pd.DataFrame | None,
    now: datetime | None,
) -> pd.Series:
    if visits is None:
        raise ValueError("the 'visited' rule needs the recorded visits")
    if now is None or now.tzinfo is None:
        raise ValueError("the 'visited' rule needs the current time, timezone-aware")
    mine = visits[visits["target_layer"] == target_set.layer]
    last = mine.groupby("target_uid")["visited_at"].max()
    last_visit = pd.Series(
        pd.to_datetime(last.reindex(targets["uid"]).to_numpy(), utc=True), index=targets.index
    )
    return (pd.Timestamp(now) - last_visit).dt.total_seconds() / 86_400


def _metres_to_site(targets: gpd.GeoDataFrame, site_frame: gpd.GeoDataFrame) -> pd.Series:
    sites = to_metric(site_frame[["geometry"]])
    metric = to_metric(targets[["geometry"]])
    joined = gpd.sjoin_nearest(metric, sites, how="left", distance_col="distance_m")
    nearest = joined.groupby(level=0)["distance_m"].min()
    return nearest.reindex(targets.index)


def _demo_communities(targets: gpd.GeoDataFrame, communities: gpd.GeoDataFrame) -> pd.Series:
    demo = communities[communities["demo"] == DEMO_VALUE]
    counts = demo.groupby(demo["town_code"].astype(str)).size()
    return targets["town_code"].map(counts).fillna(0).astype(int)


def coverage_by_township(evaluated: gpd.GeoDataFrame, target_rate: float) -> pd.DataFrame:
    """Per township: targets, covered, rate, the target rate, targets short of it, and whether met."""
    table = coverage_rate(evaluated["covered"], by=evaluated["town_code"])
    table = table.rename_axis("town_code").reset_index()
    names = evaluated.drop_duplicates("town_code").set_index("town_code")["town"]
    table.insert(1, "town", table["town_code"].map(names))
    table["target_rate"] = target_rate
    needed = (table["targets"] * target_rate).map(lambda value: math.ceil(round(value, 9)))
    table["short"] = (needed - table["covered"]).clip(lower=0).astype(int)
    table["met"] = table["short"] == 0
    return table.sort_values("town_code").reset_index(drop=True)


def gap_list(evaluated: gpd.GeoDataFrame, rule: Rule, lang: str) -> gpd.GeoDataFrame:
    """The targets not covered, sorted by township and village, each with why (in `lang`)."""
    gaps = evaluated[~evaluated["covered"]].copy()
    anchors = gaps.geometry.representative_point()
    gaps["lon"] = anchors.x.round(6)
    gaps["lat"] = anchors.y.round(6)
    gaps["reason"] = [gap_reason(rule, measure, lang) for measure in gaps["measure"]]
    gaps = gaps.sort_values(
        ["town_code", "village", "name", "uid"], kind="stable", key=_natural_order
    )
    return gaps[["town", "village", "name", "uid", "lon", "lat", "reason", "geometry"]].reset_index(
        drop=True
    )


def _natural_order(values: pd.Series) -> pd.Series:
    """Sort keys reading digit runs as numbers: 示例2村 before 示例10村."""
    return (
        values.fillna("")
        .astype(str)
        .map(
            lambda text: tuple(
                (0, int(part), "") if part.isdigit() else (1, 0, part)
                for part in re.split(r"(\d+)", text)
                if part
            )
        )
    )


def gap_reason(rule: Rule, measure: float, lang: str) -> str:
    """Why a target is not covered, e.g. 'last visit 45 days ago (rule: 30 days)'."""
    en = lang == "en"
    if rule.kind == "pairing":
        return "no pairing project" if en else "无结对帮扶项目"
    if rule.kind in EMPLOYMENT_RULES:
        return employment_reason(rule.kind, measure, rule.days, lang)
    if rule.kind == "visited":
        if pd.isna(measure):
            return (
                f"never visited (rule: {rule.days} days)"
                if en
                else f"从未走访（要求 {rule.days} 天内）"
            )
        days = math.floor(measure)
        if en:
            return f"last visit {days} days ago (rule: {rule.days} days)"
        return f"上次走访在 {days} 天前（要求 {rule.days} 天内）"
    if rule.kind == "near_site":
        site = get_layer(rule.site_layer).title(lang)
        if en:
            return f"nearest {site} {measure:,.0f} m away (rule: {rule.metres:,.0f} m)"
        return f"最近的{site}相距 {measure:,.0f} 米（要求 {rule.metres:,.0f} 米内）"
    if en:
        return f"{int(measure)} demonstration communities (rule: at least {rule.k})"
    return f"示范小区 {int(measure)} 个（要求至少 {rule.k} 个）"
