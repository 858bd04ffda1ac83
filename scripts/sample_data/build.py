"""Every layer of the sample data, built theme by theme, with how each is written."""

from __future__ import annotations

import geopandas as gpd

from geo.crs import DISPLAY_CRS, METRIC_CRS
from geo.io import read_vector
from layers.report import published_figures
from scripts.sample_data.common import SOURCES
from scripts.sample_data.constraints import constraint_layers
from scripts.sample_data.enclave import enclave_projects_layer
from scripts.sample_data.jobs import jobs_layers
from scripts.sample_data.night import night_economy_layers
from scripts.sample_data.park_and_fields import aixin_base_layer, park_layers, sweet_potato_layer
from scripts.sample_data.places import (
    district_layer,
    landmarks_layer,
    partition_townships,
    river_layer,
    townships_layer,
    villages_layer,
)
from scripts.sample_data.poverty import (
    household_projects_layer,
    households_layer,
    industry_projects_layer,
)
from scripts.sample_data.renovation import closed_communities_layer

# The survey-style layers: stored as planning bureaus deliver data (GK CM 120°E, GBK, no .cpg).
SURVEY_LAYERS = ("closed_communities", "basic_farmland", "eco_redline", "urban_boundary")


def build_layers() -> dict[str, tuple[gpd.GeoDataFrame, dict]]:
    """Every layer as (metric-CRS frame, write options), keyed by layer key."""
    figures = published_figures()
    outline = (
        read_vector(SOURCES / "district_outline.geojson").to_crs(METRIC_CRS).geometry.union_all()
    )
    townships = partition_townships(outline)
    river = river_layer(outline)
    villages = villages_layer(townships)
    households = households_layer(figures, townships, villages)
    park_parts = park_layers(figures, townships, villages)
    enclave = enclave_projects_layer(figures, townships)
    layers = {
        "district": district_layer(outline),
        "townships": townships_layer(townships),
        "landmarks": landmarks_layer(townships),
        "river": river,
        "villages": villages,
        "households": households,
        "household_projects": household_projects_layer(figures, households),
        "industry_projects": industry_projects_layer(figures, townships, villages),
        **park_parts,
        "sweet_potato": sweet_potato_layer(figures, townships, villages),
        "aixin_base": aixin_base_layer(figures, townships, villages),
        "enclave_projects": enclave,
        **night_economy_layers(river),
        "closed_communities": closed_communities_layer(figures, townships),
        **jobs_layers(figures, townships, villages, households),
        **constraint_layers(
            townships,
            outline,
            river,
            enclave,
            park_parts["park_sites"],
            park_parts["industrial_park"],
        ),
    }
    built = {}
    for key, frame in layers.items():
        if key in SURVEY_LAYERS:
            built[key] = (frame, {"encoding": "GBK", "write_cpg": False})
        else:
            built[key] = (frame.to_crs(DISPLAY_CRS), {"encoding": "UTF-8"})
    return built
