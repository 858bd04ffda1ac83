"""What both stores share: features put in the schema's form, and what differs between the
layer as stored and a new version of it (added, changed with the fields, retired)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from store.base import DateRefused, LayerSchema, StoreError

__all__ = [
    "CHANGE_COLUMNS",
    "GEOMETRY_FIELD",
    "LayerDiff",
    "check_effective",
    "diff_layers",
    "feature_fields_changed",
    "normalised",
    "plain_value",
    "promoted",
    "typed_frame",
]

# The pseudo-field naming a change of shape in a change's list of fields.
GEOMETRY_FIELD = "geometry"
CHANGE_COLUMNS = [
    "layer",
    "version",
    "uid",
    "action",
    "effective",
    "recorded_at",
    "author",
    "comment",
    "fields",
    "before",
    "after",
]
# Shapes closer than this (degrees, about 1 cm) are the same shape: a file round-tripped
# through another CRS must not show every feature as moved.
_SAME_SHAPE_DEGREES = 1e-7
# A kind stored as multi-part: the single-part type id promoted, and the maker of its multi.
_MULTI = {"line": (1, shapely.multilinestrings), "polygon": (3, shapely.multipolygons)}


def promoted(geometries: np.ndarray, kind: str) -> np.ndarray:
    """Lines and polygons as their multi-part kind (one type per table, as QGIS wants)."""
    if kind not in _MULTI:
        return geometries
    type_id, make = _MULTI[kind]
    single = np.flatnonzero(shapely.get_type_id(geometries) == type_id)
    out = geometries.copy()
    if len(single):
        out[single] = make(geometries[single], indices=np.arange(len(single)))
    return out


def plain_value(value: object, kind: str) -> object:
    """A value as the store keeps it: str, int, float, bool or None."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "bool":
        return bool(value)
    return str(value)


def normalised(frame: gpd.GeoDataFrame, schema: LayerSchema) -> gpd.GeoDataFrame:
    """`frame` with the schema's columns in order, values of their kinds, shapes promoted to
    multi-part, in EPSG:4326; StoreError naming what is missing or wrong."""
    missing = [name for name in schema.names if name not in frame.columns]
    if missing:
        raise StoreError(f"layer '{schema.key}' lacks fields {', '.join(missing)}")
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        raise StoreError(f"layer '{schema.key}': features must be in EPSG:4326")
    ids = frame[schema.id_field]
    if ids.isna().any() or ids.astype(str).duplicated().any():
        raise StoreError(f"layer '{schema.key}': feature ids must be present and unique")
    columns = {}
    for name, kind in schema.fields:
        columns[name] = _column(frame[name], kind, f"layer '{schema.key}' field '{name}'")
    geometry = promoted(np.asarray(frame.geometry.array, dtype=object), schema.geometry)
    return gpd.GeoDataFrame(columns, geometry=geometry, crs="EPSG:4326").reset_index(drop=True)


def typed_frame(columns: list, shapes: object, schema: LayerSchema) -> gpd.GeoDataFrame:
    """A frame of the schema's columns (value sequences, in its order) in the types every store
    returns: int64 (Int64 with gaps), float64, boolean, str."""
    data = {
        name: _typed(values, kind)
        for (name, kind), values in zip(schema.fields, columns, strict=True)
    }
    return gpd.GeoDataFrame(data, geometry=shapes, crs="EPSG:4326")


def _typed(values: object, kind: str) -> pd.Series:
    series = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    series = series.reset_index(drop=True)
    if kind == "int":
        return series.astype("Int64") if series.isna().any() else series.astype("int64")
    if kind == "float":
        return series.astype("float64")
    if kind == "bool":
        return series.astype("boolean")
    return series.astype("str")


def _column(values: pd.Series, kind: str, where: str) -> pd.Series:
    try:
        if kind == "text":
            missing = values.isna().to_numpy()
            texts = values.astype(object).to_numpy(copy=True)
            texts[~missing] = values[~missing].astype(str).to_numpy(dtype=object)
            texts[missing] = None
            return pd.Series(texts, index=values.index, dtype=object)
        if kind == "int":
            numbers = pd.to_numeric(values)
            if numbers.isna().any():
                return numbers.astype("Int64")
            return numbers.astype("int64")
        if kind == "float":
            return pd.to_numeric(values).astype("float64")
        return values.astype("boolean")
    except (TypeError, ValueError) as error:
        raise StoreError(f"{where}: values are not of kind {kind} ({error})") from error


@dataclass(frozen=True)
class LayerDiff:
    """A new version of a layer against the stored one, feature by feature."""

    layer: str
    added: gpd.GeoDataFrame  # new features (normalised)
    retired: gpd.GeoDataFrame  # stored features missing from the new version
    changed: gpd.GeoDataFrame  # new values of changed features
    before: gpd.GeoDataFrame  # their stored values, same order
    fields: tuple[tuple[str, ...], ...]  # per changed feature: the fields that changed

    @property
    def empty(self) -> bool:
        return not (len(self.added) or len(self.retired) or len(self.changed))


def diff_layers(stored: gpd.GeoDataFrame, new: gpd.GeoDataFrame, schema: LayerSchema) -> LayerDiff:
    """Added, changed (with their fields) and retired features of `new` (both normalised)."""
    key = schema.id_field
    # Plain Python strings and sets: pandas' isin on Arrow strings took seconds per 100k ids.
    old_ids = stored[key].astype(str).to_numpy(dtype=object)
    new_ids = new[key].astype(str).to_numpy(dtype=object)
    in_old, in_new = _members(new_ids, old_ids), _members(old_ids, new_ids)
    added = new[~in_old]
    retired = stored[~in_new]
    both_new = new[in_old].set_index(pd.Index(new_ids[in_old]))
    both_old = stored.set_index(pd.Index(old_ids)).loc[both_new.index]
    differs = np.zeros((len(both_new), len(schema.fields) + 1), dtype=bool)
    for column, (name, kind) in enumerate(schema.fields):
        differs[:, column] = _values_differ(both_old[name], both_new[name], kind)
    differs[:, -1] = ~shapely.equals_exact(
        np.asarray(both_old.geometry.array, dtype=object),
        np.asarray(both_new.geometry.array, dtype=object),
        tolerance=_SAME_SHAPE_DEGREES,
    )
    rows = differs.any(axis=1)
    names = [*schema.names, GEOMETRY_FIELD]
    fields = tuple(tuple(n for n, d in zip(names, row, strict=True) if d) for row in differs[rows])
    return LayerDiff(
        layer=schema.key,
        added=added.reset_index(drop=True),
        retired=retired.reset_index(drop=True),
        changed=both_new[rows].reset_index(drop=True),
        before=both_old[rows].reset_index(drop=True),
        fields=fields,
    )


def _members(values: np.ndarray, among: np.ndarray) -> np.ndarray:
    """Whether each of `values` is one of `among`."""
    known = set(among)
    return np.fromiter((value in known for value in values), dtype=bool, count=len(values))


def _values_differ(old: pd.Series, new: pd.Series, kind: str) -> np.ndarray:
    old_missing, new_missing = old.isna().to_numpy(), new.isna().to_numpy()
    if kind == "float":
        a = old.to_numpy(dtype=float, na_value=np.nan)
        b = new.to_numpy(dtype=float, na_value=np.nan)
        same = np.isclose(a, b, rtol=1e-12, atol=0.0)
    else:
        a = np.where(old_missing, None, old.astype(object).to_numpy())
        b = np.where(new_missing, None, new.astype(object).to_numpy())
        same = np.asarray(a == b, dtype=bool)
    same = np.where(old_missing | new_missing, old_missing & new_missing, same)
    return ~same.astype(bool)


def feature_fields_changed(
    schema: LayerSchema,
    before: dict[str, object],
    after: dict[str, object],
    old_shape: shapely.Geometry | None,
    new_shape: shapely.Geometry | None,
) -> tuple[str, ...]:
    """The fields (and 'geometry') in which one feature's two states differ."""
    changed = [
        name
        for name, kind in schema.fields
        if plain_value(before.get(name), kind) != plain_value(after.get(name), kind)
    ]
    if old_shape is None or new_shape is None:
        if old_shape is not new_shape:
            changed.append(GEOMETRY_FIELD)
    elif not shapely.equals_exact(old_shape, new_shape, tolerance=_SAME_SHAPE_DEGREES):
        changed.append(GEOMETRY_FIELD)
    return tuple(changed)


def check_effective(effective: dt.date, last: dt.date | None, today: dt.date, what: str) -> None:
    """A change takes effect no later than today and not before the last change of `what`
    (the history stays in date order, so every date's picture is the one recorded)."""
    if effective > today:
        raise DateRefused(
            f"{what}: the date {effective} is in the future (today is {today})",
            effective,
            last,
            today,
        )
    if last is not None and effective < last:
        raise DateRefused(
            f"{what}: the date {effective} is before its last change ({last})",
            effective,
            last,
            today,
        )
