"""The tile server's views: schema `atlas_tiles`, one view per layer over its current features
(`layer_<key>`), with exactly what a vector tile of the layer carries (maps.tiles.tile_frame):
`_id` and the tooltip and style fields as HTML-escaped display text (figures formatted as
layers.formatting.format_figure does), `_color` by the style's categories, and the geometry
(EPSG:4326 as stored). Never an internal field. Made by the tables' owner; the login role
`atlas_tiles` may read these views and nothing else.

The layer specs come from the caller (this package sits below `layers`): anything with a
spec's `key`, `id_field`, `tooltip` and `style` (`by_field`, `categories`, `color`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

import psycopg
from psycopg import sql

from geo.postgis import table_name

__all__ = [
    "TILE_ROLE",
    "TILE_SCHEMA",
    "TileLayerSpec",
    "create_tile_views",
    "grant_tile_role",
    "tile_columns",
]

TILE_SCHEMA = "atlas_tiles"
TILE_ROLE = "atlas_tiles"
ID_COLUMN, COLOR_COLUMN, GEOMETRY_COLUMN = "_id", "_color", "geom"
# html.escape's replacements, in its order (& first, so nothing is escaped twice).
_HTML_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;"))
# format_figure: thousands separators; two decimals, dropped when both are zero. to_char of a
# double prints it as C's printf does, correctly rounded as Python's round() and format are.
_INTEGER_PATTERN = "FM9,999,999,999,999,999,990"
_DECIMAL_PATTERN = "FM999,999,999,999,990.00"


class _Category(Protocol):
    value: str
    color: str


class _Style(Protocol):
    color: str
    by_field: str | None
    categories: Sequence[_Category]


class TileLayerSpec(Protocol):
    """What a view needs of a layer spec (layers.LayerSpec has it)."""

    key: str
    id_field: str
    tooltip: Sequence[str]
    style: _Style


def tile_columns(spec: TileLayerSpec) -> list[str]:
    """The view's columns besides the geometry: `_id`, tooltip fields, `_color`, style field."""
    names = [ID_COLUMN, *spec.tooltip, COLOR_COLUMN]
    if spec.style.by_field and spec.style.by_field not in names:
        names.append(spec.style.by_field)
    return list(dict.fromkeys(names))


def create_tile_views(connection: psycopg.Connection, specs: Iterable[TileLayerSpec]) -> list[str]:
    """Replace schema atlas_tiles with one view per spec whose layer the store holds (in one
    transaction, as the tables' owner); the keys given a view."""
    with connection.transaction():
        kinds = _field_kinds(connection)
        connection.execute(
            sql.SQL("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}").format(
                schema=sql.Identifier(TILE_SCHEMA)
            )
        )
        made = []
        for spec in specs:
            if spec.key in kinds:
                connection.execute(_view(spec, kinds[spec.key]))
                made.append(spec.key)
    return made


def grant_tile_role(connection: psycopg.Connection, role: str = TILE_ROLE) -> None:
    """Let `role` read the tile views and nothing else of the store (run after the views)."""
    grantee, schema = sql.Identifier(role), sql.Identifier(TILE_SCHEMA)
    database = connection.info.dbname
    for statement in (
        "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {grantee}",
        "GRANT USAGE ON SCHEMA {schema} TO {grantee}",
        "GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {grantee}",
        # tipg keeps its catalogue functions in pg_temp
        "GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {grantee}",
    ):
        connection.execute(
            sql.SQL(statement).format(
                grantee=grantee, schema=schema, database=sql.Identifier(database)
            )
        )


def _field_kinds(connection: psycopg.Connection) -> dict[str, dict[str, str]]:
    """Each stored layer's field → kind (text, int, float, bool), from the store catalogue."""
    rows = connection.execute("SELECT key, fields FROM atlas_layers").fetchall()
    return {key: {name: kind for name, kind in fields} for key, fields in rows}


def _view(spec: TileLayerSpec, kinds: dict[str, str]) -> sql.Composable:
    columns = []
    for name in tile_columns(spec):
        if name == ID_COLUMN:
            value = _escaped(sql.SQL("{}::text").format(sql.Identifier(spec.id_field)))
        elif name == COLOR_COLUMN:
            value = _color(spec)
        else:
            value = _display(name, kinds[name])
        columns.append(sql.SQL("{} AS {}").format(value, sql.Identifier(name)))
    columns.append(sql.Identifier(GEOMETRY_COLUMN))
    return sql.SQL("CREATE VIEW {schema}.{view} AS SELECT {columns} FROM public.{table}").format(
        schema=sql.Identifier(TILE_SCHEMA),
        view=sql.Identifier(spec.key),
        columns=sql.SQL(", ").join(columns),
        table=sql.Identifier(table_name(spec.key)),
    )


def _escaped(text: sql.Composable) -> sql.Composable:
    """`text` as html.escape gives it, "" for NULL."""
    for raw, escaped in _HTML_ESCAPES:
        text = sql.SQL("replace({}, {}, {})").format(text, sql.Literal(raw), sql.Literal(escaped))
    return sql.SQL("COALESCE({}, '')").format(text)


def _display(name: str, kind: str) -> sql.Composable:
    """The field's value as maps.parts shows it: text escaped, figures formatted, "" if none."""
    column = sql.Identifier(name)
    if kind == "int":
        return sql.SQL("COALESCE(to_char({}, {}), '')").format(
            column, sql.Literal(_INTEGER_PATTERN)
        )
    if kind == "float":
        printed = sql.SQL("to_char({}, {})").format(column, sql.Literal(_DECIMAL_PATTERN))
        return sql.SQL(
            "CASE WHEN {column} IS NULL OR {column} = 'NaN' THEN ''"
            " WHEN {printed} LIKE '%.00' THEN regexp_replace(left({printed}, -3), '^-0$', '0')"
            " ELSE {printed} END"
        ).format(column=column, printed=printed)
    if kind == "bool":  # maps.parts shows no yes/no field yet: say so rather than guess
        raise ValueError(f"field {name!r}: a yes/no field has no tile text yet")
    return _escaped(sql.SQL("{}::text").format(column))


def _color(spec: TileLayerSpec) -> sql.Composable:
    """The style's colour of each feature: its category's, else the layer's."""
    default = sql.Literal(spec.style.color)
    if not spec.style.by_field or not spec.style.categories:
        return default
    cases = sql.SQL(" ").join(
        sql.SQL("WHEN {} THEN {}").format(sql.Literal(c.value), sql.Literal(c.color))
        for c in spec.style.categories
    )
    return sql.SQL("CASE {}::text {} ELSE {} END").format(
        sql.Identifier(spec.style.by_field), cases, default
    )
