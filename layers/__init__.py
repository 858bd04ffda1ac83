"""The layer registry: every thematic layer of the atlas, listed explicitly, read from the
layer store (seeded from data/shapefiles on first use) as it is now or on a chosen date.

Imports `geo` and `store` only (no Streamlit, no maps).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache, lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.errors import DataError
from geo.postgis import DATABASE_URL_ENV
from geo.stats import summarise
from layers import (
    aixin_base,
    basic_farmland,
    closed_communities,
    district,
    eco_redline,
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
    urban_boundary,
    villages,
    welfare_posts,
    workers,
    workshops,
)
from layers.spec import Category, Field, LayerSpec, LayerSpecError, Style, Total
from layers.store_seed import SEED_AUTHOR, layer_schema, seed_layers
from store import GeoPackageStore, LayerStore, StoreError

__all__ = [
    "DATA_DIR",
    "LAYERS",
    "REGISTRY",
    "STORE_ENV",
    "Category",
    "Field",
    "LayerSpec",
    "LayerSpecError",
    "Style",
    "Total",
    "check_layers",
    "data_version",
    "database_url",
    "default_store_path",
    "forget_session_layer",
    "get_layer",
    "is_layer",
    "layer_source_crs",
    "layer_store",
    "layer_total",
    "layer_totals",
    "load_layer",
    "register_session_layer",
    "total_value",
    "view_date",
    "viewing",
]

DATA_DIR = Path(
    os.environ.get("ATLAS_DATA_DIR", Path(__file__).resolve().parents[1] / "data" / "shapefiles")
)
# Where the layer store lives on a laptop (one GeoPackage file); a shared server sets
# ATLAS_DATABASE_URL instead. The default is outside the checkout: edits outlive a new clone.
STORE_ENV = "ATLAS_STORE"

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
    urban_boundary.LAYER,
    eco_redline.LAYER,
    basic_farmland.LAYER,
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


def default_store_path() -> Path:
    """The laptop's store: $XDG_DATA_HOME (or ~/.local/share)/shuangta-atlas/atlas.gpkg."""
    home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(home) / "shuangta-atlas" / "atlas.gpkg"


def layer_store() -> LayerStore:
    """The store the server's settings name, seeded with the shipped data on first use."""
    where = os.environ.get(STORE_ENV) or str(default_store_path())
    return _opened_store(database_url(), where, str(DATA_DIR))


@cache
def _opened_store(url: str | None, path: str, data_dir: str) -> LayerStore:
    if url is not None:
        from store.postgis import PostgisStore  # psycopg only where a database is configured

        store: LayerStore = PostgisStore(url)
    else:
        store = GeoPackageStore(path)
    try:
        if store.is_empty():
            _seed(store, Path(data_dir))
        else:
            if isinstance(store, GeoPackageStore):
                store.upgrade()  # a file made by an earlier version of the atlas
            _add_new_layers(store, Path(data_dir))
        _check_schemas(store)
    except StoreError as error:
        raise DataError(store.name, str(error)) from error
    return store


def _seed(store: LayerStore, data_dir: Path) -> None:
    try:
        store.seed(seed_layers(LAYERS, data_dir), author=SEED_AUTHOR)
    except StoreError:
        if store.is_empty():
            raise  # not another process seeding at the same moment: a real failure


def _add_new_layers(store: LayerStore, data_dir: Path) -> None:
    """Layers registered since the store was seeded join it from the shipped data."""
    heads = store.heads()
    missing = tuple(spec for spec in LAYERS if spec.key not in heads)
    if missing:
        store.add_layers(seed_layers(missing, data_dir), author=SEED_AUTHOR)


def _check_schemas(store: LayerStore) -> None:
    """The store must hold every layer with the fields its spec declares."""
    heads = store.heads()
    for spec in LAYERS:
        if spec.key not in heads:
            raise StoreError(f"layer '{spec.key}' is not in the store")
        stored = dict(store.schema(spec.key).fields)
        missing = [n for n, kind in layer_schema(spec).fields if stored.get(n) != kind]
        if missing:
            raise StoreError(
                f"layer '{spec.key}' lacks the fields its spec declares: {', '.join(missing)}"
            )


# The date the atlas is seen as of in this context (a page run): None is now.
_AS_OF: ContextVar[dt.date | None] = ContextVar("atlas_as_of", default=None)
# The layers' versions read once for this context, so one page run sees one state.
_HEADS: ContextVar[dict[str, int] | None] = ContextVar("atlas_heads", default=None)


@contextmanager
def viewing(as_of: dt.date | None) -> Iterator[None]:
    """Within the block, every layer is read as it stood at the end of `as_of` (None: now),
    at the versions current on entry."""
    date_token = _AS_OF.set(as_of)
    heads_token = _HEADS.set(dict(layer_store().heads()))
    try:
        yield
    finally:
        _HEADS.reset(heads_token)
        _AS_OF.reset(date_token)


def view_date() -> dt.date | None:
    """The date the atlas is being seen as of (None: now)."""
    return _AS_OF.get()


def data_version() -> tuple:
    """What the data being seen depends on (the store, layer versions, date): a cache key."""
    return layer_store().name, tuple(sorted(_heads().items())), _AS_OF.get()


def _heads() -> dict[str, int]:
    heads = _HEADS.get()
    return heads if heads is not None else layer_store().heads()


def check_layers() -> None:
    """Open the layer store (seeding it on first use) and read every layer once; DataError
    naming the store and the first problem."""
    for spec in LAYERS:
        load_layer(spec.key)


def load_layer(key: str) -> gpd.GeoDataFrame:
    """The layer's features in EPSG:4326 as they are now, or on the date being viewed."""
    if key in _SESSION_LAYERS:
        return _SESSION_LAYERS[key][1].copy()
    get_layer(key)
    store = layer_store()
    return _read(store, key, _heads()[key], _AS_OF.get()).copy()


@lru_cache(maxsize=512)  # month-end reads of the timelines too: most layers are small
def _read(store: LayerStore, key: str, version: int, as_of: dt.date | None) -> gpd.GeoDataFrame:
    """One layer at one version and date, read once (the version is part of the key only)."""
    try:
        return store.read(key, as_of=as_of)
    except StoreError as error:
        raise DataError(store.name, str(error)) from error


def layer_source_crs(key: str) -> str:
    """The CRS the layer's file is stored in (as read from it, or as guessed)."""
    return layer_store().source_crs(key)


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
    if frame is None:  # computed once per version of the data being seen
        return total, _full_total(key, total_key, data_version())
    return total, total_value(total, frame)


def total_value(total: Total, frame: gpd.GeoDataFrame) -> float:
    """`total` computed from `frame` (0 for no features), in the total's unit."""
    if frame.empty:
        return 0.0
    if total.op == "share_where":  # a rate: the features counted, per 100 features
        counted = summarise(frame, "count_where", total.field, total.equals)
        return 100.0 * counted / len(frame) / total.scale
    return float(summarise(frame, total.op, total.field, total.equals)) / total.scale


@lru_cache(maxsize=512)
def _full_total(key: str, total_key: str, version: tuple) -> float:
    total = next(t for t in get_layer(key).totals if t.key == total_key)
    return total_value(total, load_layer(key))


def database_url() -> str | None:
    """The shared PostGIS database the atlas keeps its layers in, if one is configured."""
    return os.environ.get(DATABASE_URL_ENV) or None
