"""The PostGIS store's tables: catalogue, versions, changes, each layer's current features
(`layer_<key>`, as geo.postgis reads them) and history (`history_<key>`), and the rows one seed
or one version writes, every statement inside the caller's transaction."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence

import numpy as np
import psycopg
import shapely
from psycopg import sql

from geo.postgis import table_name
from store.base import LayerSchema, SeedLayer, Version
from store.changes import normalised, promoted
from store.seed_rules import frame_records, seed_events
from store.versioned import Row

__all__ = [
    "APPEND_ONLY_TABLES",
    "CATALOGUE",
    "append_history",
    "apply_to_current",
    "column_list",
    "create_layer_tables",
    "grant_app_role",
    "history_table",
    "insert_version",
    "seed_layer",
]

_SQL_TYPES = {"text": "TEXT", "int": "BIGINT", "float": "DOUBLE PRECISION", "bool": "BOOLEAN"}
_GEOMETRY_TYPES = {"point": "Point", "line": "MultiLineString", "polygon": "MultiPolygon"}
APPEND_ONLY_TABLES = ("atlas_versions", "atlas_changes")
_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION atlas_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the history is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END $$;
"""
CATALOGUE = (
    _APPEND_ONLY
    + """
CREATE TABLE atlas_layers (
    key TEXT PRIMARY KEY, id_field TEXT NOT NULL, geometry TEXT NOT NULL, fields JSON NOT NULL,
    source_crs TEXT NOT NULL, start DATE NOT NULL, head INTEGER NOT NULL,
    features INTEGER NOT NULL
);
CREATE TABLE atlas_versions (
    id BIGSERIAL PRIMARY KEY, layer TEXT NOT NULL, version INTEGER NOT NULL, kind TEXT NOT NULL,
    author TEXT NOT NULL, comment TEXT NOT NULL, recorded_at TIMESTAMPTZ NOT NULL,
    effective DATE NOT NULL, added INTEGER NOT NULL, changed INTEGER NOT NULL,
    retired INTEGER NOT NULL, restores INTEGER, UNIQUE (layer, version)
);
CREATE TABLE atlas_changes (
    id BIGSERIAL PRIMARY KEY, layer TEXT NOT NULL, version INTEGER NOT NULL, uid TEXT NOT NULL,
    action TEXT NOT NULL, effective DATE NOT NULL, recorded_at TIMESTAMPTZ NOT NULL,
    author TEXT NOT NULL, comment TEXT NOT NULL, fields JSON NOT NULL, before JSON, after JSON
);
CREATE INDEX atlas_changes_by_feature ON atlas_changes (layer, uid);
CREATE INDEX atlas_changes_by_date ON atlas_changes (effective);
"""
)
_HISTORY_COLUMNS = ("atlas_version", "atlas_action", "atlas_effective", "atlas_recorded")


def history_table(layer: str) -> str:
    """The table holding every state of layer `layer`'s features."""
    return f"history_{layer}"


def append_only(table: str) -> sql.Composable:
    """Triggers refusing UPDATE, DELETE and TRUNCATE on `table`, whoever tries."""
    name = sql.Identifier(table)
    return sql.SQL(
        "CREATE TRIGGER {row} BEFORE UPDATE OR DELETE ON {table}"
        " FOR EACH ROW EXECUTE FUNCTION atlas_append_only();"
        " CREATE TRIGGER {truncate} BEFORE TRUNCATE ON {table}"
        " FOR EACH STATEMENT EXECUTE FUNCTION atlas_append_only();"
    ).format(
        row=sql.Identifier(f"{table}_append_only"),
        truncate=sql.Identifier(f"{table}_no_truncate"),
        table=name,
    )


def column_list(names: Iterable[str], prefix: str = "") -> sql.Composable:
    """Quoted column names, comma-separated (each after `prefix`, e.g. a table alias)."""
    qualifier = sql.SQL(prefix)
    return sql.SQL(", ").join(qualifier + sql.Identifier(n) for n in names)


# --- table layout ----------------------------------------------------------------------------


def create_layer_tables(connection: psycopg.Connection, schema: LayerSchema) -> None:
    """The layer's current table (fid, fields, geom: what geo.postgis reads and rolls up) and
    its append-only history table, with their indexes."""
    columns = sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(n), sql.SQL(_SQL_TYPES[k])) for n, k in schema.fields
    )
    geometry = sql.SQL(f"geometry({_GEOMETRY_TYPES[schema.geometry]}, 4326)")
    current, history = table_name(schema.key), history_table(schema.key)
    statements = [
        sql.SQL("DROP TABLE IF EXISTS {}, {}").format(
            sql.Identifier(current), sql.Identifier(history)
        ),
        sql.SQL("CREATE TABLE {} (fid BIGSERIAL PRIMARY KEY, {}, geom {})").format(
            sql.Identifier(current), columns, geometry
        ),
        sql.SQL(
            "CREATE TABLE {} (seq BIGSERIAL PRIMARY KEY, {}, geom {}, atlas_version INTEGER"
            " NOT NULL, atlas_action TEXT NOT NULL, atlas_effective DATE NOT NULL,"
            " atlas_recorded TIMESTAMPTZ NOT NULL)"
        ).format(sql.Identifier(history), columns, geometry),
        append_only(history),
    ]
    for statement in statements:
        connection.execute(statement)


def create_layer_indexes(connection: psycopg.Connection, schema: LayerSchema) -> None:
    """Indexes made once the seed's rows are in (faster than growing them row by row)."""
    current, history = table_name(schema.key), history_table(schema.key)
    id_field = sql.Identifier(schema.id_field)
    for statement in (
        "CREATE UNIQUE INDEX {by_id} ON {current} ({id})",
        "CREATE INDEX {geom} ON {current} USING GIST (geom)",
        "CREATE INDEX {h_by_id} ON {history} ({id}, atlas_effective, seq)",
        "CREATE INDEX {h_by_version} ON {history} (atlas_version)",
        "ANALYZE {current}",
        "ANALYZE {history}",
    ):
        connection.execute(
            sql.SQL(statement).format(
                by_id=sql.Identifier(f"{current}_by_id"),
                geom=sql.Identifier(f"{current}_geom"),
                h_by_id=sql.Identifier(f"{history}_by_id"),
                h_by_version=sql.Identifier(f"{history}_by_version"),
                current=sql.Identifier(current),
                history=sql.Identifier(history),
                id=id_field,
            )
        )


def grant_app_role(connection: psycopg.Connection, role: str) -> None:
    """Let `role` read everything and write versions, but never UPDATE or DELETE history:
    SELECT, INSERT on history, versions and changes; full rights on the current tables."""
    keys = [row[0] for row in connection.execute("SELECT key FROM atlas_layers")]
    grantee = sql.Identifier(role)
    history = [sql.Identifier(t) for t in (*APPEND_ONLY_TABLES, *map(history_table, keys))]
    current = [sql.Identifier(t) for t in ("atlas_layers", *map(table_name, keys))]
    for statement, tables in (
        ("GRANT SELECT, INSERT ON {} TO {}", history),
        ("GRANT SELECT, INSERT, UPDATE, DELETE ON {} TO {}", current),
    ):
        connection.execute(sql.SQL(statement).format(sql.SQL(", ").join(tables), grantee))
    connection.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(grantee))
    connection.execute(
        sql.SQL("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {}").format(grantee)
    )


# --- writing ---------------------------------------------------------------------------------


def _ewkb(shapes: Sequence[shapely.Geometry | None]) -> list[str | None]:
    array = np.asarray(shapes, dtype=object)
    return list(shapely.to_wkb(shapely.set_srid(array, 4326), hex=True, include_srid=True))


def _promoted_ewkb(rows: Sequence[Row], schema: LayerSchema) -> list[str | None]:
    shapes = np.array([row.geometry for row in rows], dtype=object)
    return _ewkb(list(promoted(shapes, schema.geometry)))


def seed_layer(
    connection: psycopg.Connection, layer: SeedLayer, author: str, now: dt.datetime
) -> None:
    """The layer as version 1: its features, their seeded history and change rows."""
    schema = layer.schema
    frame = normalised(layer.frame, schema)
    version = Version(
        layer=schema.key,
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
    records = list(frame_records(frame, schema))
    shapes = _ewkb(list(frame.geometry))
    events = seed_events(frame, layer, records, shapes)
    create_layer_tables(connection, schema)
    insert_version(connection, version)
    _insert_current(connection, schema, records, shapes)
    _insert_history(connection, schema, version, events)
    _insert_changes(connection, schema, version, events)
    create_layer_indexes(connection, schema)
    connection.execute(
        "INSERT INTO atlas_layers VALUES (%s, %s, %s, %s, %s, %s, 1, %s)",
        (
            schema.key,
            schema.id_field,
            schema.geometry,
            json.dumps(schema.fields),
            layer.source_crs,
            layer.start,
            len(frame),
        ),
    )


def insert_version(connection: psycopg.Connection, version: Version) -> None:
    connection.execute(
        "INSERT INTO atlas_versions (layer, version, kind, author, comment, recorded_at,"
        " effective, added, changed, retired, restores)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (
            version.layer,
            version.number,
            version.kind,
            version.author,
            version.comment,
            version.recorded_at,
            version.effective,
            version.added,
            version.changed,
            version.retired,
            version.restores,
        ),
    )


def _copy(
    connection: psycopg.Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence]
) -> None:
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), column_list(columns)
    )
    with connection.cursor().copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _insert_current(
    connection: psycopg.Connection, schema: LayerSchema, records: list[dict], shapes: list
) -> None:
    names = schema.names
    _copy(
        connection,
        table_name(schema.key),
        (*names, "geom"),
        ([*(r[n] for n in names), s] for r, s in zip(records, shapes, strict=True)),
    )


def _insert_history(
    connection: psycopg.Connection,
    schema: LayerSchema,
    version: Version,
    events: list[tuple[Row, dt.date, str | None]],
) -> None:
    names = schema.names
    _copy(
        connection,
        history_table(schema.key),
        (*names, "geom", *_HISTORY_COLUMNS),
        (
            [
                *(row.attributes[n] for n in names),
                shape,
                version.number,
                row.action,
                effective,
                version.recorded_at,
            ]
            for row, effective, shape in events
        ),
    )


def _insert_changes(
    connection: psycopg.Connection,
    schema: LayerSchema,
    version: Version,
    events: list[tuple[Row, dt.date, str | None]],
) -> None:
    columns = ("layer", "version", "uid", "action", "effective", "recorded_at", "author")
    _copy(
        connection,
        "atlas_changes",
        (*columns, "comment", "fields", "before", "after"),
        (
            (
                schema.key,
                version.number,
                row.uid,
                row.action,
                effective,
                version.recorded_at,
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
    connection: psycopg.Connection, schema: LayerSchema, version: Version, rows: list[Row]
) -> None:
    """The version's history and change rows (appended: nothing earlier is touched)."""
    shapes = _promoted_ewkb(rows, schema)
    events = [(row, version.effective, shape) for row, shape in zip(rows, shapes, strict=True)]
    _insert_history(connection, schema, version, events)
    _insert_changes(connection, schema, version, events)


def apply_to_current(connection: psycopg.Connection, schema: LayerSchema, rows: list[Row]) -> None:
    """Only the rows that changed: retired deleted, added inserted, changed updated."""
    table, id_field = sql.Identifier(table_name(schema.key)), sql.Identifier(schema.id_field)
    gone = [row.uid for row in rows if row.action == "retire"]
    if gone:
        connection.execute(
            sql.SQL("DELETE FROM {} WHERE {} = ANY(%s::text[]::{}[])").format(
                table, id_field, sql.SQL(_SQL_TYPES[schema.kind(schema.id_field)])
            ),
            (gone,),
        )
    added = [row for row in rows if row.action == "add"]
    if added:
        _insert_current(
            connection, schema, [r.attributes for r in added], _promoted_ewkb(added, schema)
        )
    changed = [row for row in rows if row.action == "change"]
    if changed:
        names = schema.names
        assignments = sql.SQL(", ").join(
            sql.SQL("{} = %s").format(sql.Identifier(n)) for n in names
        )
        statement = sql.SQL("UPDATE {} SET {}, geom = %s::geometry WHERE {} = %s").format(
            table, assignments, id_field
        )
        shapes = _promoted_ewkb(changed, schema)
        with connection.cursor() as cursor:
            cursor.executemany(
                statement,
                [
                    [*(r.attributes[n] for n in names), s, r.uid]
                    for r, s in zip(changed, shapes, strict=True)
                ],
            )
