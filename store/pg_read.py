"""Reading the PostGIS store's tables: a layer now, as of a date or version, and one
feature's latest state; geometries travel as WKB through a binary cursor and are decoded at
once (shapely.from_wkb on the whole column)."""

from __future__ import annotations

from operator import itemgetter

import geopandas as gpd
import numpy as np
import psycopg
import shapely
from psycopg import sql

from geo.postgis import table_name
from store.base import FeatureState, LayerSchema
from store.changes import typed_frame
from store.pg_tables import column_list, history_table

__all__ = ["read_current", "read_latest", "read_states"]


def _frame(rows: list[tuple], schema: LayerSchema) -> gpd.GeoDataFrame:
    count = len(schema.names)  # the shape follows the fields (a read may add columns after it)
    columns = list(zip(*rows, strict=True)) if rows else [()] * (count + 1)
    shapes = shapely.from_wkb(np.asarray(columns[count], dtype=object))
    return typed_frame(columns[:count], shapes, schema)


def _fetch(connection: psycopg.Connection, statement: sql.Composable, parameters=()) -> list:
    with connection.cursor(binary=True) as cursor:
        return cursor.execute(statement, parameters).fetchall()


def read_current(connection: psycopg.Connection, schema: LayerSchema) -> gpd.GeoDataFrame:
    statement = sql.SQL("SELECT {}, ST_AsBinary(geom) FROM {} ORDER BY fid").format(
        column_list(schema.names), sql.Identifier(table_name(schema.key))
    )
    return _frame(_fetch(connection, statement), schema)


def read_states(
    connection: psycopg.Connection, schema: LayerSchema, condition: str, bound: object
) -> gpd.GeoDataFrame:
    """Each feature's latest state among the history rows meeting `condition` (not retired),
    in the order the features first appeared. Within a feature the history is in date order
    (each change is dated no earlier than the last), so its latest row is its last one."""
    statement = sql.SQL(
        "WITH last AS (SELECT MAX(seq) AS s, MIN(seq) AS first FROM {history}"
        " WHERE {condition} GROUP BY {id})"
        " SELECT {columns}, ST_AsBinary(h.geom), last.first FROM {history} h"
        " JOIN last ON h.seq = last.s WHERE h.atlas_action <> 'retire'"
    ).format(
        history=sql.Identifier(history_table(schema.key)),
        condition=sql.SQL(condition),
        id=sql.Identifier(schema.id_field),
        columns=column_list(schema.names, "h."),
    )
    rows = _fetch(connection, statement, (bound,))
    # Ordered here, not by the server: it would sort every row's shape, spilling to disk.
    rows.sort(key=itemgetter(len(schema.names) + 1))
    return _frame(rows, schema)


def read_latest(
    connection: psycopg.Connection, schema: LayerSchema, uid: str
) -> FeatureState | None:
    statement = sql.SQL(
        "SELECT {}, ST_AsBinary(geom), atlas_version, atlas_effective, atlas_action FROM {}"
        " WHERE {} = %s ORDER BY atlas_effective DESC, seq DESC LIMIT 1"
    ).format(
        column_list(schema.names),
        sql.Identifier(history_table(schema.key)),
        sql.Identifier(schema.id_field),
    )
    found = _fetch(connection, statement, (uid,))
    if not found:
        return None
    row, count = found[0], len(schema.names)
    return FeatureState(
        layer=schema.key,
        uid=uid,
        attributes=dict(zip(schema.names, row[:count], strict=True)),
        geometry=None if row[count] is None else shapely.from_wkb(bytes(row[count])),
        version=row[count + 1],
        effective=row[count + 2],
        action=row[count + 3],
    )
