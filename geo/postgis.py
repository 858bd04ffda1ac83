"""Layers in PostGIS: written with their SRID and a spatial index, read back as GeoDataFrames,
and spatial questions (roll-ups by zone) asked of the database.

psycopg only (the GDAL in pyogrio's wheels has no PostgreSQL driver): geometries travel as
extended WKB, attributes as text, integers or doubles.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import shapely
from psycopg import sql

from geo.crs import METRIC_CRS, SQUARE_METRES_PER_MU
from geo.errors import DataError

__all__ = [
    "DATABASE_URL_ENV",
    "connected",
    "read_layer",
    "redacted",
    "rollup_sql",
    "table_name",
    "write_layer",
]

# One setting moves the atlas to a shared PostGIS database (layers and visits).
DATABASE_URL_ENV = "ATLAS_DATABASE_URL"
GEOMETRY_COLUMN = "geom"
_METRIC_SRID = int(METRIC_CRS.split(":")[1])


@contextmanager
def connected(url: str, name: str) -> Iterator[psycopg.Connection]:
    """An autocommit connection to `url` (closed afterwards); DataError naming `name` if none
    can be made within 10 s."""
    try:
        connection = psycopg.connect(url, connect_timeout=10, autocommit=True)
    except psycopg.OperationalError as error:
        raise DataError(name, f"cannot connect to the database ({error})") from error
    with connection:
        yield connection


def redacted(url: str) -> str:
    """A database URL without its password, to name the database in messages."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    info.pop("password", None)
    return " ".join(f"{key}={value}" for key, value in sorted(info.items()))


def place(url: str) -> str:
    """Where the database at `url` is, for people: `atlas @ db.office` or, over a local socket,
    `atlas @ localhost`; never a password, a password file or a server path."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    host = str(info.get("host") or "").split(",")[0]
    shown = "localhost" if not host or host.startswith("/") else host
    return f"{info.get('dbname') or info.get('user') or ''} @ {shown}"


def table_name(key: str) -> str:
    """The table holding layer `key`."""
    return f"layer_{key}"


def write_layer(connection: psycopg.Connection, table: str, frame: gpd.GeoDataFrame) -> int:
    """Replace `table` with the features of `frame` (its CRS becomes the SRID); rows written."""
    srid = frame.crs.to_epsg()
    if srid is None:
        raise ValueError(f"{table}: the frame's CRS has no EPSG code to use as SRID")
    columns = [c for c in frame.columns if c != frame.geometry.name]
    definitions = [
        sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(_sql_type(frame[c]))) for c in columns
    ]
    geometry = sql.SQL("{} geometry(Geometry, {})").format(
        sql.Identifier(GEOMETRY_COLUMN), sql.Literal(srid)
    )
    with connection.transaction():
        connection.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(table)))
        connection.execute(
            sql.SQL("CREATE TABLE {} (fid BIGSERIAL PRIMARY KEY, {})").format(
                sql.Identifier(table), sql.SQL(", ").join([*definitions, geometry])
            )
        )
        copy = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table),
            sql.SQL(", ").join(sql.Identifier(c) for c in [*columns, GEOMETRY_COLUMN]),
        )
        wkb = shapely.to_wkb(
            shapely.set_srid(frame.geometry.to_numpy(), srid), hex=True, include_srid=True
        )
        with connection.cursor().copy(copy) as writer:
            for values, shape in zip(frame[columns].itertuples(index=False), wkb, strict=True):
                writer.write_row([*(_cell(v) for v in values), shape])
        connection.execute(
            sql.SQL("CREATE INDEX {} ON {} USING GIST ({})").format(
                sql.Identifier(f"{table}_geom"),
                sql.Identifier(table),
                sql.Identifier(GEOMETRY_COLUMN),
            )
        )
        connection.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(table)))
    return len(frame)


def read_layer(
    connection: psycopg.Connection, table: str, *, where: sql.Composable | None = None
) -> gpd.GeoDataFrame:
    """The features of `table` (optionally filtered), in its SRID, in the order written."""
    srid = _srid(connection, table)
    query = sql.SQL(
        "SELECT *, ST_AsBinary({geom}) AS __wkb FROM {table}{where} ORDER BY fid"
    ).format(
        geom=sql.Identifier(GEOMETRY_COLUMN),
        table=sql.Identifier(table),
        where=sql.SQL(" WHERE ") + where if where is not None else sql.SQL(""),
    )
    cursor = connection.execute(query)
    names = [column.name for column in cursor.description]
    table_rows = pd.DataFrame.from_records(cursor.fetchall(), columns=names)
    shapes = shapely.from_wkb(table_rows["__wkb"].map(bytes).to_numpy()) if len(table_rows) else []
    attributes = table_rows.drop(columns=["fid", GEOMETRY_COLUMN, "__wkb"])
    return gpd.GeoDataFrame(attributes, geometry=gpd.GeoSeries(shapes, crs=srid), crs=srid)


def _srid(connection: psycopg.Connection, table: str) -> int:
    return connection.execute(
        "SELECT Find_SRID('public', %s, %s)", (table, GEOMETRY_COLUMN)
    ).fetchone()[0]


def rollup_sql(
    connection: psycopg.Connection,
    table: str,
    zones: str,
    *,
    zone_key: str,
    sum_fields: Sequence[str] = (),
    count_where: Sequence[tuple[str, str, object]] = (),
    distinct: Sequence[str] = (),
) -> pd.DataFrame:
    """Per zone, computed in the database like geo.stats.rollup_by_zone: features in the zone
    (points and polygons whose point on surface lies in it, lines passing through it with a part
    of positive length) counted, with sums of `sum_fields`, counts of `count_where` (column,
    field, value), distinct non-empty values of `distinct` as distinct_<field>, and the area
    (亩) or length (km) of the parts inside."""
    geom = sql.Identifier(GEOMETRY_COLUMN)
    zone_geom = sql.SQL("z.") + sql.Identifier(GEOMETRY_COLUMN)
    # Cut in the metric CRS, as geo.stats.rollup_by_zone does, so both measure the same parts.
    metric = sql.SQL(
        "ST_Intersection(ST_Transform(f.{g}, {srid}), ST_Transform({zg}, {srid}))"
    ).format(g=geom, zg=zone_geom, srid=sql.Literal(_METRIC_SRID))
    inside = sql.SQL(
        "(CASE WHEN ST_Dimension(f.{g}) = 1 THEN ST_Length({metric}) > 0"
        " ELSE ST_Within(ST_PointOnSurface(f.{g}), {zg}) END)"
    ).format(g=geom, zg=zone_geom, metric=metric)
    sums = [
        sql.SQL("COALESCE(SUM(f.{c}) FILTER (WHERE {inside}), 0) AS {c}").format(
            c=sql.Identifier(name), inside=inside
        )
        for name in sum_fields
    ]
    sums += [
        sql.SQL("COUNT(f.fid) FILTER (WHERE {inside} AND f.{field} = {value}) AS {name}").format(
            inside=inside,
            field=sql.Identifier(field),
            value=sql.Literal(value),
            name=sql.Identifier(name),
        )
        for name, field, value in count_where
    ]
    sums += [
        sql.SQL("COUNT(DISTINCT NULLIF(f.{f}::text, '')) FILTER (WHERE {inside}) AS {n}").format(
            f=sql.Identifier(field), inside=inside, n=sql.Identifier(f"distinct_{field}")
        )
        for field in distinct
    ]
    query = sql.SQL(
        """
        SELECT z.{key} AS zone,
               COUNT(f.fid) FILTER (WHERE {inside}) AS count,
               {sums}
               COALESCE(SUM(ST_Area({metric})), 0) / {mu} AS area_mu,
               COALESCE(SUM(ST_Length({metric})), 0) / 1000 AS length_km
        FROM {zones} z LEFT JOIN {table} f ON ST_Intersects(f.{g}, {zg})
        GROUP BY z.{key} ORDER BY z.{key}
        """
    ).format(
        key=sql.Identifier(zone_key),
        g=geom,
        zg=zone_geom,
        sums=sql.SQL("").join(s + sql.SQL(",") for s in sums),
        inside=inside,
        metric=metric,
        mu=sql.Literal(SQUARE_METRES_PER_MU),
        zones=sql.Identifier(zones),
        table=sql.Identifier(table),
    )
    cursor = connection.execute(query)
    names = [column.name for column in cursor.description]
    result = pd.DataFrame.from_records(cursor.fetchall(), columns=names).set_index("zone")
    return result.rename_axis(zone_key).astype(float).astype({"count": int})


def _sql_type(values: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(values):
        return "boolean"
    if pd.api.types.is_integer_dtype(values):
        return "bigint"
    if pd.api.types.is_float_dtype(values):
        return "double precision"
    return "text"


def _cell(value: object) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value
