"""The versioned layer store: every layer's features now, on any past date, and every change
with who made it, when and why. A GeoPackage file on a laptop, PostGIS on a shared server."""

from store.base import (
    DateRefused,
    EditConflict,
    FeatureState,
    LayerSchema,
    LayerStore,
    NothingChanged,
    PublishConflict,
    SeedLayer,
    StoreError,
    Version,
)
from store.changes import CHANGE_COLUMNS, GEOMETRY_FIELD, LayerDiff
from store.geopackage import GeoPackageStore, history_table
from store.versioned import BEIJING, beijing_today

__all__ = [
    "BEIJING",
    "CHANGE_COLUMNS",
    "GEOMETRY_FIELD",
    "DateRefused",
    "EditConflict",
    "FeatureState",
    "GeoPackageStore",
    "LayerDiff",
    "LayerSchema",
    "LayerStore",
    "NothingChanged",
    "PublishConflict",
    "SeedLayer",
    "StoreError",
    "Version",
    "beijing_today",
    "history_table",
]
