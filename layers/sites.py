"""Facts of enclave investment sites for site sheets and shared maps, all computed from data."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from geo.stats import density, distances_km, feature_measures, nearest_km
from layers import get_layer, load_layer
from layers.formatting import format_figure
from layers.landmarks import AIRPORT, CITY_CENTRE, TOWNSHIP_SEAT

__all__ = [
    "SITE_FACT_COLUMNS",
    "SITE_LAYER",
    "CardLine",
    "fact_label",
    "site_card",
    "site_facts",
    "site_frame",
]

SITE_LAYER = "enclave_projects"
SITE_FACT_COLUMNS = [
    "uid",
    "name",
    "name_en",
    "status",
    "status_en",
    "industry",
    "industry_en",
    "town",
    "town_en",
    "lon",
    "lat",
    "land_mu",
    "land_ha",
    "invest_wan",
    "jobs",
    "intensity",
    "centre_km",
    "airport_km",
    "seat",
    "seat_en",
    "seat_km",
]
COORDINATE_DECIMALS = 5  # about 1 m
# Labels and units of the facts that are not fields of the layer: (zh, en, unit zh, unit en).
_DERIVED_LABELS = {
    "coordinates": ("坐标 (WGS-84)", "Coordinates (WGS-84)", "", ""),
    "land_ha": ("用地面积", "Land area", "公顷", "ha"),
    "intensity": ("投资强度", "Investment intensity", "万元/亩", "10k yuan/mu"),
    "centre_km": ("距市中心", "Distance to city centre", "千米", "km"),
    "airport_km": ("距朝阳机场", "Distance to Chaoyang Airport", "千米", "km"),
    "seat": ("最近乡镇驻地", "Nearest township seat", "", ""),
    "seat_km": ("距最近乡镇驻地", "Distance to nearest seat", "千米", "km"),
}


def fact_label(column: str, lang: str) -> tuple[str, str]:
    """(label, unit) of a site fact in `lang`: from the layer spec where the fact is a field."""
    if column in _DERIVED_LABELS:
        zh, en, unit_zh, unit_en = _DERIVED_LABELS[column]
        return (en, unit_en) if lang == "en" else (zh, unit_zh)
    field = get_layer(SITE_LAYER).field(column)
    return (field.label_en, field.unit_en) if lang == "en" else (field.label_zh, field.unit_zh)


def site_frame(uids: list[str] | tuple[str, ...]) -> gpd.GeoDataFrame:
    """The public fields of the sites `uids`, in that order; KeyError naming unknown ids."""
    spec = get_layer(SITE_LAYER)
    frame = load_layer(SITE_LAYER)
    by_id = frame.set_index(spec.id_field, drop=False)
    unknown = [uid for uid in uids if uid not in by_id.index]
    if unknown:
        raise KeyError(f"no enclave site with id {', '.join(unknown)}")
    public = [field.name for field in spec.public_fields]
    return by_id.loc[list(uids), [*public, "geometry"]].reset_index(drop=True)


def site_facts(sites: gpd.GeoDataFrame) -> pd.DataFrame:
    """One row per site: location, figures, intensity and distances to landmarks (km)."""
    spec = get_layer(SITE_LAYER)
    landmarks = load_layer("landmarks")
    measures = feature_measures(sites)
    centre = sites.geometry.representative_point()
    seats = landmarks[landmarks["kind"] == TOWNSHIP_SEAT]
    nearest = nearest_km(sites, seats)
    townships = load_layer("townships").set_index("code")
    stage_en = {c.value: c.label_en for c in spec.style.categories}
    invest = pd.to_numeric(sites["invest_wan"])
    facts = pd.DataFrame(
        {
            "uid": sites[spec.id_field],
            "name": sites["name"],
            "name_en": sites["name_en"],
            "status": sites["status"],
            "status_en": sites["status"].map(stage_en),
            "industry": sites["industry"],
            "industry_en": sites["indust_en"],
            "town": sites["town"],
            "town_en": sites["town_code"].map(townships["name_en"]),
            "lon": centre.x.round(COORDINATE_DECIMALS),
            "lat": centre.y.round(COORDINATE_DECIMALS),
            "land_mu": measures["area_mu"].round(2),
            "land_ha": measures["area_ha"].round(2),
            "invest_wan": invest,
            "jobs": pd.to_numeric(sites["jobs"]),
            "intensity": density(invest, measures["area_mu"]).round(2),
            "centre_km": distances_km(sites, _landmark(landmarks, CITY_CENTRE)).round(1),
            "airport_km": distances_km(sites, _landmark(landmarks, AIRPORT)).round(1),
            "seat": nearest["target"].map(seats["name"]),
            "seat_en": nearest["target"].map(seats["name_en"]),
            "seat_km": nearest["km"].round(1),
        },
        index=sites.index,
    )
    return facts[SITE_FACT_COLUMNS].reset_index(drop=True)


@dataclass(frozen=True)
class CardLine:
    """One line of a site's public card: label, value with its unit, and for the stage the
    colour the map draws it in."""

    label: str
    value: str
    color: str | None = None


def site_card(uid: str, lang: str) -> tuple[str, list[CardLine]]:
    """The site's name and its card (the rows the layer spec's `card` names), in `lang`."""
    spec = get_layer(SITE_LAYER)
    facts = site_facts(site_frame([uid])).iloc[0]
    lines = []
    for row in spec.card:
        field = spec.field(row.field)
        english = f"{row.field}_en"
        value = facts[english if lang == "en" and english in facts else row.field]
        if value is None or pd.isna(value) or value == "":
            continue
        if field.kind in ("int", "float"):
            unit, scale = row.unit_and_scale(field, lang)
            value = f"{format_figure(float(value) / scale)} {unit}".strip()
        color = spec.style.color_for(facts[row.field]) if row.field == spec.style.by_field else None
        lines.append(
            CardLine(field.label_en if lang == "en" else field.label_zh, str(value), color)
        )
    return str(facts["name_en" if lang == "en" else "name"]), lines


def _landmark(landmarks: gpd.GeoDataFrame, kind: str) -> gpd.GeoSeries:
    chosen = landmarks[landmarks["kind"] == kind]
    if len(chosen) != 1:
        raise ValueError(f"the landmarks layer needs exactly one '{kind}', has {len(chosen)}")
    return chosen.geometry
