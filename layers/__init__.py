"""The layer registry: every thematic layer of the atlas, listed explicitly, loaded once.

Imports `geo` only (no Streamlit, no maps).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import psycopg

from geo.crs import DISPLAY_CRS
from geo.errors import DataError
from geo.io import read_vector_with_report
from geo.postgis import DATABASE_URL_ENV, read_layer, redacted, table_name
from geo.stats import summarise
from layers import (
    aixin_base,
    closed_communities,
    district,
    employers,
    enclave_projects,
    exit_std,
    greenhouses,
    household_projects,
    households,
    industrial_park,
    industry_projects,
    landmarks,
    night_circles,
    night_lines,
    orchards,
    park_sites,
    river,
    sweet_potato,
    townships,
    villages,
    welfare_posts,
    workers,
    workshops,
)
from layers.spec import Category, Field, LayerSpec, LayerSpecError, Style, Total

__all__ = [
    "DATA_DIR",
    "LAYERS",
    "REGISTRY",
    "Category",
    "Field",
    "LayerSpec",
    "LayerSpecError",
    "Style",
    "Total",
    "check_layers",
    "database_url",
    "forget_session_layer",
    "get_layer",
    "is_layer",
    "layer_source_crs",
    "layer_total",
    "layer_totals",
    "load_layer",
    "register_session_layer",
    "total_value",
]

DATA_DIR = Path(
    os.environ.get("ATLAS_DATA_DIR", Path(__file__).resolve().parents[1] / "data" / "shapefiles")
)

LAYERS: tuple[LayerSpec, ...] = (
    district.LAYER,
    townships.LAYER,
    landmarks.LAYER,
    river.LAYER,
    villages.LAYER,
    households.LAYER,
    household_projects.LAYER,
    industry_projects.LAYER,
    industrial_park.LAYER,
    orchards.LAYER,
    greenhouses.LAYER,
    park_sites.LAYER,
    sweet_potato.LAYER,
    aixin_base.LAYER,
    enclave_projects.LAYER,
    night_lines.LAYER,
    night_circles.LAYER,
    closed_communities.LAYER,
    employers.LAYER,
    welfare_posts.LAYER,
    workshops.LAYER,
    workers.LAYER,
    exit_std.LAYER,
)
REGISTRY: dict[str, LayerSpec] = {spec.key: spec for spec in LAYERS}
if len(REGISTRY) != len(LAYERS):
    raise LayerSpecError("two layer specs share a key")


# Layers users added in their sessions (uploads), keyed by unguessable keys; the oldest go first.
_SESSION_LAYERS: dict[str, tuple[LayerSpec, gpd.GeoDataFrame]] = {}
MAX_SESSION_LAYERS = 200


def register_session_layer(spec: LayerSpec, frame: gpd.GeoDataFrame) -> None:
    """Make an uploaded layer known to get_layer and load_layer (not part of LAYERS)."""
    if spec.key in REGISTRY:
        raise LayerSpecError(f"'{spec.key}' is an atlas layer, not a session layer")
    _SESSION_LAYERS[spec.key] = (spec, frame.copy())
    while len(_SESSION_LAYERS) > MAX_SESSION_LAYERS:
        del _SESSION_LAYERS[next(iter(_SESSION_LAYERS))]


def forget_session_layer(key: str) -> None:
    """Remove an uploaded layer (nothing happens if it is already gone)."""
    _SESSION_LAYERS.pop(key, None)


def is_layer(key: str) -> bool:
    """Whether `key` names an atlas layer or a live session layer."""
    return key in REGISTRY or key in _SESSION_LAYERS


def get_layer(key: str) -> LayerSpec:
    """The spec registered under `key`; KeyError listing the known keys otherwise."""
    if key in REGISTRY:
        return REGISTRY[key]
    if key in _SESSION_LAYERS:
        return _SESSION_LAYERS[key][0]
    raise KeyError(f"no layer '{key}'; known layers: {', '.join(REGISTRY)}")


def check_layers() -> None:
    """Load every registered layer once (cached); DataError naming the first bad file."""
    for spec in LAYERS:
        _load(spec.key, DATA_DIR, database_url())


def load_layer(key: str) -> gpd.GeoDataFrame:
    """The layer's features in EPSG:4326 (a fresh copy of the once-loaded data)."""
    if key in _SESSION_LAYERS:
        return _SESSION_LAYERS[key][1].copy()
    frame, _ = _load(key, DATA_DIR, database_url())
    return frame.copy()


def layer_source_crs(key: str) -> str:
    """The CRS the layer's file is stored in (as read from it, or as guessed)."""
    _, source_crs = _load(key, DATA_DIR, database_url())
    return source_crs


def layer_totals(key: str, frame: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """The spec's key figures computed from the data: one row per total."""
    spec = get_layer(key)
    rows = [
        {
            "key": total.key,
            "label_zh": total.label("zh"),
            "label_en": total.label("en"),
            "value": layer_total(key, total.key, frame)[1],
        }
        for total in spec.totals
    ]
    return pd.DataFrame(rows, columns=["key", "label_zh", "label_en", "value"])


def layer_total(
    key: str, total_key: str, frame: gpd.GeoDataFrame | None = None
) -> tuple[Total, float]:
    """One total of a layer's spec with its value computed from the data (or from `frame`)."""
    spec = get_layer(key)
    total = next((t for t in spec.totals if t.key == total_key), None)
    if total is None:
        raise KeyError(f"layer '{key}' has no total '{total_key}'")
    if frame is None:  # the shipped data does not change while the app runs: compute once
        return total, _full_total(key, total_key)
    return total, total_value(total, frame)


def total_value(total: Total, frame: gpd.GeoDataFrame) -> float:
    """`total` computed from `frame` (0 for no features), in the total's unit."""
    if frame.empty:
        return 0.0
    if total.op == "share_where":  # a rate: the features counted, per 100 features
        counted = summarise(frame, "count_where", total.field, total.equals)
        return 100.0 * counted / len(frame) / total.scale
    return float(summarise(frame, total.op, total.field, total.equals)) / total.scale


@cache
def _full_total(key: str, total_key: str) -> float:
    total = next(t for t in get_layer(key).totals if t.key == total_key)
    return total_value(total, load_layer(key))


def database_url() -> str | None:
    """The shared PostGIS database the atlas reads its layers from, if one is configured."""
    return os.environ.get(DATABASE_URL_ENV) or None


@cache
def _load(key: str, data_dir: Path, url: str | None) -> tuple[gpd.GeoDataFrame, str]:
    """The layer's features (EPSG:4326) and the CRS its source was stored in."""
    spec = get_layer(key)
    if url is not None:
        frame, source_crs = _load_from_database(key, url)
        where = f"{redacted(url)} {table_name(key)}"
    else:
        frame, report = read_vector_with_report(data_dir / spec.source)
        source_crs, where = report.crs_source, data_dir / spec.source
    missing = [f.name for f in spec.fields if f.name not in frame.columns]
    if missing:
        raise DataError(
            where, f"layer '{key}' lacks the fields its spec declares: {', '.join(missing)}"
        )
    return frame, source_crs


def _load_from_database(key: str, url: str) -> tuple[gpd.GeoDataFrame, str]:
    name = redacted(url)
    try:
        with psycopg.connect(url, connect_timeout=10) as connection:
            found = connection.execute(
                "SELECT source_crs FROM atlas_layers WHERE key = %s", (key,)
            ).fetchone()
            if found is None:
                raise DataError(
                    name, f"layer '{key}' is not loaded: run scripts/postgis_layers.py load"
                )
            return read_layer(connection, table_name(key)).to_crs(DISPLAY_CRS), found[0]
    except psycopg.errors.UndefinedTable as error:
        raise DataError(name, "no atlas layers here: run scripts/postgis_layers.py load") from error
    except psycopg.OperationalError as error:
        raise DataError(name, f"cannot connect to the database ({error})") from error
