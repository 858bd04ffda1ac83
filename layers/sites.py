"""Facts of enclave investment sites for site sheets and shared maps, all computed from data."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geo.stats import density, distances_km, feature_measures, nearest_km
from layers import get_layer, load_layer
from layers.landmarks import AIRPORT, CITY_CENTRE, TOWNSHIP_SEAT

__all__ = ["SITE_FACT_COLUMNS", "SITE_LAYER", "site_facts", "site_frame"]

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


def _landmark(landmarks: gpd.GeoDataFrame, kind: str) -> gpd.GeoSeries:
    chosen = landmarks[landmarks["kind"] == kind]
    if len(chosen) != 1:
        raise ValueError(f"the landmarks layer needs exactly one '{kind}', has {len(chosen)}")
    return chosen.geometry
