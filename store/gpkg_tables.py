"""The GeoPackage store's tables: the layout GDAL and QGIS read, and the rows one seed or one
version writes (every statement inside the caller's transaction)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from store.base import FeatureState, LayerSchema, SeedLayer, StoreError, Version
from store.changes import normalised, promoted, typed_frame
from store.gpkg_blob import from_blobs, to_blobs
from store.seed_rules import frame_records, seed_events
from store.versioned import Row

__all__ = [
    "CATALOGUE",
    "META_STATEMENTS",
    "append_history",
    "append_only",
    "apply_to_current",
    "create_tables",
    "history_table",
    "insert_version",
    "layer_indexes",
    "read_current",
    "read_current_file",
    "read_latest",
    "read_states",
    "read_states_file",
    "seed_layer",
]

_GEOMETRY_TYPES = {"point": "Point", "line": "MultiLineString", "polygon": "MultiPolygon"}
_DTYPES = {"text": object, "int": "int64", "float": "float64", "bool": "bool"}
# Columns the history tables add to the layer's own.
_HISTORY_COLUMNS = {
    "atlas_version": "int64",
    "atlas_action": object,
    "atlas_effective": object,
    "atlas_recorded": object,
}
CATALOGUE = """
CREATE TABLE atlas_layers (
    key TEXT PRIMARY KEY, id_field TEXT NOT NULL, geometry TEXT NOT NULL, fields TEXT NOT NULL,
    source_crs TEXT NOT NULL, start TEXT NOT NULL, head INTEGER NOT NULL
);
CREATE TABLE atlas_versions (
    id INTEGER PRIMARY KEY, layer TEXT NOT NULL, version INTEGER NOT NULL, kind TEXT NOT NULL,
    author TEXT NOT NULL, comment TEXT NOT NULL, recorded_at TEXT NOT NULL,
    effective TEXT NOT NULL, added INTEGER NOT NULL, changed INTEGER NOT NULL,
    retired INTEGER NOT NULL, restores INTEGER, UNIQUE (layer, version)
);
CREATE TABLE atlas_changes (
    id INTEGER PRIMARY KEY, layer TEXT NOT NULL, version INTEGER NOT NULL, uid TEXT NOT NULL,
    action TEXT NOT NULL, effective TEXT NOT NULL, recorded_at TEXT NOT NULL,
    author TEXT NOT NULL, comment TEXT NOT NULL, fields TEXT NOT NULL, before TEXT, after TEXT
);
CREATE INDEX atlas_changes_by_feature ON atlas_changes (layer, uid);
CREATE INDEX atlas_changes_by_date ON atlas_changes (effective);
"""
# The store's own version, and its history tables listed for QGIS and GDAL (attribute tables).
META_STATEMENTS = (
    "CREATE TABLE IF NOT EXISTS atlas_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description) VALUES"
    " ('atlas_versions', 'attributes', 'atlas_versions', 'Every version of every layer'),"
    " ('atlas_changes', 'attributes', 'atlas_changes', 'Every change: who, when, old and new')",
)
CATALOGUE += "".join(f"{statement};\n" for statement in META_STATEMENTS)


def history_table(layer: str) -> str:
    """The table holding every state of layer `layer`'s features."""
    return f"{layer}_history"


def append_only(table: str) -> str:
    return "".join(
        f'CREATE TRIGGER "{table}_no_{verb.lower()}" BEFORE {verb} ON "{table}" '
        "BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;"
        for verb in ("UPDATE", "DELETE")
    )


def _utc_text(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


# --- table layout ----------------------------------------------------------------------------


def create_tables(path: Path, schema: LayerSchema, *, overwrite: bool = False) -> None:
    """The layer's current and history tables, made by GDAL so QGIS reads them as layers
    (`overwrite`: replacing tables of the same name, left by an interrupted attempt)."""
    columns = {name: pd.Series([], dtype=_DTYPES[kind]) for name, kind in schema.fields}
    history = {**columns, **{n: pd.Series([], dtype=d) for n, d in _HISTORY_COLUMNS.items()}}
    for table, data in ((schema.key, columns), (history_table(schema.key), history)):
        empty = gpd.GeoDataFrame(data, geometry=gpd.GeoSeries([], crs="EPSG:4326"))
        pyogrio.write_dataframe(
            empty,
            path,
            layer=table,
            driver="GPKG",
            geometry_type=_GEOMETRY_TYPES[schema.geometry],
            layer_options={
                "SPATIAL_INDEX": "NO",
                "FID": "fid",
                "GEOMETRY_NAME": "geom",
                **({"OVERWRITE": "YES"} if overwrite else {}),
            },
        )


def layer_indexes(schema: LayerSchema) -> str:
    """Indexes of the layer's tables (ids, dates, versions), and its history append-only."""
    table, history, id_field = schema.key, history_table(schema.key), schema.id_field
    return (
        f'CREATE UNIQUE INDEX "{table}_by_id" ON "{table}" ("{id_field}");'
        f'CREATE INDEX "{history}_by_id" ON "{history}" ("{id_field}", atlas_effective, fid);'
        f'CREATE INDEX "{history}_by_version" ON "{history}" (atlas_version);'
        + append_only(history)
    )


def seed_layer(
    connection: sqlite3.Connection, layer: SeedLayer, author: str, now: dt.datetime
) -> None:
    schema = layer.schema
    table, id_field = schema.key, schema.id_field
    frame = normalised(layer.frame, schema)
    version = Version(
        layer=table,
        number=1,
        kind="seed",
        author=author,
        comment="",
        recorded_at=now,
        effective=layer.start,
        added=len(frame),
        changed=0,
        retired=0,
    )
    insert_version(connection, version)
    records = list(frame_records(frame, schema))
    blobs = to_blobs(list(frame.geometry))
    _insert_current(connection, schema, records, blobs)
    events = seed_events(frame, layer, records, blobs)
    _insert_history(connection, schema, version, events)
    _insert_changes(connection, schema, version, events)
    connection.execute(
        "INSERT INTO atlas_layers VALUES (?, ?, ?, ?, ?, ?, 1)",
        (
            table,
            id_field,
            schema.geometry,
            json.dumps(schema.fields),
            layer.source_crs,
            layer.start.isoformat(),
        ),
    )


def insert_version(connection: sqlite3.Connection, version: Version) -> None:
    connection.execute(
        "INSERT INTO atlas_versions (layer, version, kind, author, comment, recorded_at,"
        " effective, added, changed, retired, restores) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (
            version.layer,
            version.number,
            version.kind,
            version.author,
            version.comment,
            _utc_text(version.recorded_at),
            version.effective.isoformat(),
            version.added,
            version.changed,
            version.retired,
            version.restores,
        ),
    )


def _quoted(names: tuple[str, ...]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def _insert_current(
    connection: sqlite3.Connection, schema: LayerSchema, records: list[dict], blobs: list
) -> None:
    names = schema.names
    placeholders = ", ".join("?" * (len(names) + 1))
    connection.executemany(
        f'INSERT INTO "{schema.key}" ({_quoted(names)}, geom) VALUES ({placeholders})',
        ([*(r[n] for n in names), b] for r, b in zip(records, blobs, strict=True)),
    )


def _insert_history(
    connection: sqlite3.Connection,
    schema: LayerSchema,
    version: Version,
    events: list[tuple[Row, dt.date, bytes | None]],
) -> None:
    names = schema.names
    columns = (
        f"{_quoted(names)}, geom, atlas_version, atlas_action, atlas_effective, atlas_recorded"
    )
    placeholders = ", ".join("?" * (len(names) + 5))
    recorded = _utc_text(version.recorded_at)
    connection.executemany(
        f'INSERT INTO "{history_table(schema.key)}" ({columns}) VALUES ({placeholders})',
        (
            [
                *(row.attributes[n] for n in names),
                blob,
                version.number,
                row.action,
                effective.isoformat(),
                recorded,
            ]
            for row, effective, blob in events
        ),
    )


def _insert_changes(
    connection: sqlite3.Connection,
    schema: LayerSchema,
    version: Version,
    events: list[tuple[Row, dt.date, bytes | None]],
) -> None:
    recorded = _utc_text(version.recorded_at)
    connection.executemany(
        "INSERT INTO atlas_changes (layer, version, uid, action, effective, recorded_at, author,"
        " comment, fields, before, after) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (
            (
                schema.key,
                version.number,
                row.uid,
                row.action,
                effective.isoformat(),
                recorded,
                version.author,
                version.comment,
                json.dumps(list(row.fields)),
                None if row.before is None else json.dumps(row.before, ensure_ascii=False),
                None if row.action == "retire" else json.dumps(row.attributes, ensure_ascii=False),
            )
            for row, effective, _ in events
        ),
    )


def append_history(
    connection: sqlite3.Connection, schema: LayerSchema, version: Version, rows: list[Row]
) -> None:
    blobs = to_blobs(_promoted_shapes(rows, schema))
    events = [(row, version.effective, blob) for row, blob in zip(rows, blobs, strict=True)]
    _insert_history(connection, schema, version, events)
    _insert_changes(connection, schema, version, events)


def _promoted_shapes(rows: list[Row], schema: LayerSchema) -> list:
    shapes = np.array([row.geometry for row in rows], dtype=object)
    return list(promoted(shapes, schema.geometry))


def apply_to_current(connection: sqlite3.Connection, schema: LayerSchema, rows: list[Row]) -> None:
    table, id_field, names = schema.key, schema.id_field, schema.names
    gone = [(row.uid,) for row in rows if row.action == "retire"]
    connection.executemany(f'DELETE FROM "{table}" WHERE "{id_field}" = ?', gone)
    added = [row for row in rows if row.action == "add"]
    _insert_current(
        connection, schema, [r.attributes for r in added], to_blobs(_promoted_shapes(added, schema))
    )
    changed = [row for row in rows if row.action == "change"]
    assignments = ", ".join(f'"{n}" = ?' for n in names)
    blobs = to_blobs(_promoted_shapes(changed, schema))
    connection.executemany(
        f'UPDATE "{table}" SET {assignments}, geom = ? WHERE "{id_field}" = ?',
        (
            [*(r.attributes[n] for n in names), b, r.uid]
            for r, b in zip(changed, blobs, strict=True)
        ),
    )


# --- reading features -----------------------------------------------------------------------


def _frame(rows: list[tuple], schema: LayerSchema) -> gpd.GeoDataFrame:
    count = len(schema.names)  # the shape follows the fields (a read may add columns after it)
    columns = list(zip(*rows, strict=True)) if rows else [()] * (count + 1)
    return typed_frame(columns[:count], from_blobs(list(columns[count])), schema)


def read_current_file(path: Path, schema: LayerSchema) -> gpd.GeoDataFrame:
    """The layer's current table read by GDAL through Arrow, the fastest reader of a GeoPackage
    (a committed state: the store is in WAL mode, so a writer meanwhile does not block it)."""
    return _read_file(path, schema, layer=schema.key, columns=list(schema.names))


def _read_file(path: Path, schema: LayerSchema, **query: object) -> gpd.GeoDataFrame:
    try:
        frame = pyogrio.read_dataframe(path, use_arrow=True, **query)
    except pyogrio.errors.DataSourceError as error:
        raise StoreError(f"{path.name}: cannot read layer '{schema.key}' ({error})") from error
    if frame.empty:  # GDAL gives an empty result no columns
        return _frame([], schema)
    columns = [frame[name] for name in schema.names]
    return typed_frame(columns, frame.geometry.array, schema)


def read_current(connection: sqlite3.Connection, schema: LayerSchema) -> gpd.GeoDataFrame:
    rows = connection.execute(
        f'SELECT {_quoted(schema.names)}, geom FROM "{schema.key}" ORDER BY fid'
    ).fetchall()
    return _frame(rows, schema)


def _states_sql(schema: LayerSchema, condition: str) -> str:
    """Each feature's latest state among the history rows meeting `condition` (not retired),
    in the order the features first appeared."""
    history, id_field = history_table(schema.key), schema.id_field
    columns = ", ".join(f'h."{n}"' for n in schema.names)
    return (
        f'WITH last AS (SELECT MAX(fid) AS f, MIN(fid) AS first FROM "{history}"'
        f' WHERE {condition} GROUP BY "{id_field}")'
        f' SELECT {columns}, h.geom FROM "{history}" h JOIN last ON h.fid = last.f'
        " WHERE h.atlas_action != 'retire' ORDER BY last.first"
    )


def read_states(
    connection: sqlite3.Connection, schema: LayerSchema, condition: str, bound: object
) -> gpd.GeoDataFrame:
    """The layer's features as of `condition` (with one `?` for `bound`), inside a transaction."""
    rows = connection.execute(_states_sql(schema, condition), (bound,)).fetchall()
    return _frame(rows, schema)


def read_states_file(
    path: Path, schema: LayerSchema, *, as_of: dt.date | None = None, version: int | None = None
) -> gpd.GeoDataFrame:
    """The layer's features as of a date or a version, read by GDAL through Arrow."""
    if as_of is not None:
        condition, bound = "atlas_effective <= ?", dt.date.fromisoformat(as_of.isoformat())
    else:
        condition, bound = "atlas_version <= ?", int(version)
    try:
        literal = f"'{bound}'" if as_of is not None else str(bound)
        return _read_file(path, schema, sql=_states_sql(schema, condition.replace("?", literal)))
    except pyogrio.errors.DataLayerError:  # GDAL cannot type a result without rows
        with closing(sqlite3.connect(path)) as connection:
            return read_states(connection, schema, condition, str(bound) if as_of else bound)


def read_latest(
    connection: sqlite3.Connection, schema: LayerSchema, uid: str
) -> FeatureState | None:
    found = connection.execute(
        f"SELECT {_quoted(schema.names)}, geom, atlas_version, atlas_effective, atlas_action"
        f' FROM "{history_table(schema.key)}" WHERE "{schema.id_field}" = ?'
        " ORDER BY fid DESC LIMIT 1",
        (uid,),
    ).fetchone()
    if found is None:
        return None
    count = len(schema.names)
    shape = from_blobs([found[count]])[0]
    return FeatureState(
        layer=schema.key,
        uid=uid,
        attributes=dict(zip(schema.names, found[:count], strict=True)),
        geometry=shape,
        version=found[count + 1],
        effective=dt.date.fromisoformat(found[count + 2]),
        action=found[count + 3],
    )
