"""The layer store in PostGIS, for a shared deployment: the same contract as the GeoPackage
store, server-side, with several app processes writing at once.

Current features live in `layer_<key>` (what geo.postgis reads, rolls up and searches by
index), every state of them in `history_<key>`, versions and changes in `atlas_versions` and
`atlas_changes`, and the layers in `atlas_layers`. One transaction per version; a publisher
locks its layer's catalogue row (SELECT … FOR UPDATE), so a second one waits and then finds
the layer moved on. History, versions and changes are append-only: triggers refuse UPDATE,
DELETE and TRUNCATE whoever tries, and the app's role (`grant_app_role`) may only insert.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import geopandas as gpd
import pandas as pd
import psycopg
from psycopg import sql

from geo.postgis import redacted
from store.base import FeatureState, LayerSchema, SeedLayer, StoreError, Version
from store.pg_read import read_current, read_latest, read_states
from store.pg_tables import (
    APPEND_ONLY_TABLES,
    CATALOGUE,
    append_history,
    append_only,
    apply_to_current,
    grant_app_role,
    history_table,
    insert_version,
    seed_layer,
)
from store.versioned import Row, VersionedStore, beijing_today, changes_frame, version_from_row

__all__ = ["PostgisStore", "grant_app_role", "history_table"]

SEED_LOCK = 7_204_118  # pg_advisory_xact_lock key: one process seeds (the visit store's is 117)
LOCK_TIMEOUT = "30s"  # a publisher waits this long for another to finish, as GeoPackage's does
CONNECT_TIMEOUT_S = 10


class PostgisStore(VersionedStore):
    """A versioned layer store in the PostGIS database at `url`."""

    def __init__(
        self,
        url: str,
        *,
        today: Callable[[], dt.date] = beijing_today,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        super().__init__(today=today, now=now)
        self.url = url
        self.name = redacted(url)
        self._schemas: dict[str, LayerSchema] = {}

    def __repr__(self) -> str:
        return f"PostgisStore({self.name!r})"

    # --- reads ---------------------------------------------------------------------------

    def is_empty(self) -> bool:
        with self._connection() as connection:
            return _is_empty(connection)

    def heads(self) -> dict[str, int]:
        return dict(self._query("SELECT key, head FROM atlas_layers ORDER BY key"))

    def schema(self, layer: str) -> LayerSchema:
        if layer not in self._schemas:
            found = self._query(
                "SELECT id_field, geometry, fields FROM atlas_layers WHERE key = %s", (layer,)
            )
            if not found:
                raise StoreError(f"{self.name}: no layer '{layer}'")
            id_field, geometry, fields = found[0]
            self._schemas[layer] = LayerSchema(
                layer, id_field, geometry, tuple(tuple(f) for f in fields)
            )
        return self._schemas[layer]

    def source_crs(self, layer: str) -> str:
        return self._catalogue(layer, "source_crs")

    def start(self, layer: str) -> dt.date:
        """The date the layer's records begin."""
        return self._catalogue(layer, "start")

    def read(self, layer: str, *, as_of: dt.date | None = None) -> gpd.GeoDataFrame:
        schema = self.schema(layer)
        with self._connection() as connection:
            if as_of is None:
                return read_current(connection, schema)
            return read_states(connection, schema, "atlas_effective <= %s", as_of)

    def read_version(self, layer: str, version: int) -> gpd.GeoDataFrame:
        schema = self.schema(layer)
        with self._connection() as connection:
            return read_states(connection, schema, "atlas_version <= %s", version)

    def versions(self, layer: str | None = None) -> list[Version]:
        rows = self._query(
            "SELECT layer, version, kind, author, comment, recorded_at, effective, added,"
            " changed, retired, restores FROM atlas_versions"
            " WHERE %s::text IS NULL OR layer = %s ORDER BY id DESC",
            (layer, layer),
        )
        return [version_from_row(row) for row in rows]

    def changes(
        self,
        *,
        layer: str | None = None,
        uid: str | None = None,
        author: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> pd.DataFrame:
        conditions: list[sql.Composable] = []
        parameters: list[object] = []
        for column, value in (("layer", layer), ("uid", uid), ("author", author)):
            if value is not None:
                conditions.append(sql.SQL("{} = %s").format(sql.Identifier(column)))
                parameters.append(value)
        for operator, value in ((">=", since), ("<=", until)):
            if value is not None:
                conditions.append(sql.SQL(f"effective {operator} %s"))
                parameters.append(value)
        where = (
            sql.SQL(" WHERE ") + sql.SQL(" AND ").join(conditions) if conditions else sql.SQL("")
        )
        rows = self._query(
            sql.SQL(
                "SELECT layer, version, uid, action, effective, recorded_at, author, comment,"
                " fields, before, after FROM atlas_changes{} ORDER BY id DESC"
            ).format(where),
            tuple(parameters),
        )
        return changes_frame(rows)

    @contextmanager
    def _read_latest(self) -> Iterator[Callable[[str, str], FeatureState | None]]:
        with self._connection() as connection:
            yield lambda layer, uid: read_latest(connection, self.schema(layer), uid)

    # --- writes --------------------------------------------------------------------------

    def seed(self, layers: list[SeedLayer], *, author: str) -> None:
        """Every layer as version 1, in one transaction under an advisory lock: a second
        process seeding at once waits, then finds the store full and is refused."""
        with self._connection() as connection:
            try:
                with connection.transaction():
                    connection.execute("SELECT pg_advisory_xact_lock(%s)", (SEED_LOCK,))
                    if not _is_empty(connection):
                        raise StoreError(f"{self.name}: the store already holds layers")
                    _drop_loaded_copies(connection)
                    connection.execute(CATALOGUE)
                    for table in APPEND_ONLY_TABLES:
                        connection.execute(append_only(table))
                    for layer in layers:
                        seed_layer(connection, layer, author, self._now())
            except psycopg.Error as error:
                raise StoreError(f"{self.name}: the layers were not seeded ({error})") from error

    def add_layers(self, layers: list[SeedLayer], *, author: str) -> list[str]:
        """Add the layers the database lacks in one transaction under the seeding lock (a
        second process waits, then finds them there). Needs the tables' owner: the app's role
        may not create tables, so the shared set-up adds them (scripts/shared/database.py)."""
        with self._connection() as connection:
            try:
                with connection.transaction():
                    connection.execute("SELECT pg_advisory_xact_lock(%s)", (SEED_LOCK,))
                    held = {row[0] for row in connection.execute("SELECT key FROM atlas_layers")}
                    new = [layer for layer in layers if layer.schema.key not in held]
                    for layer in new:
                        seed_layer(connection, layer, author, self._now())
            except psycopg.Error as error:
                keys = ", ".join(layer.schema.key for layer in layers)
                raise StoreError(
                    f"{self.name}: layers {keys} were not added ({error}); new layers are"
                    " added by the tables' owner: run the shared set-up again"
                ) from error
        return [layer.schema.key for layer in new]

    @contextmanager
    def _write(self) -> Iterator[_Writer]:
        with self._connection() as connection:
            try:
                with connection.transaction():
                    connection.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
                    yield _Writer(connection, self)
            except psycopg.Error as error:
                raise StoreError(f"{self.name}: the change was not written ({error})") from error

    # --- plumbing ------------------------------------------------------------------------

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection]:
        """A connection in autocommit (transactions are explicit), closed afterwards."""
        try:
            connection = psycopg.connect(
                self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S
            )
        except psycopg.OperationalError as error:
            raise StoreError(f"{self.name}: cannot connect to the database ({error})") from error
        with connection:
            yield connection

    def _query(self, statement: str | sql.Composable, parameters: tuple = ()) -> list[tuple]:
        with self._connection() as connection:
            try:
                return connection.execute(statement, parameters).fetchall()
            except psycopg.errors.UndefinedTable as error:
                raise StoreError(f"{self.name}: no layer store here yet") from error
            except psycopg.Error as error:
                raise StoreError(f"{self.name}: cannot read the layer store ({error})") from error

    def _catalogue(self, layer: str, column: str) -> object:
        found = self._query(
            sql.SQL("SELECT {} FROM atlas_layers WHERE key = %s").format(sql.Identifier(column)),
            (layer,),
        )
        if not found:
            raise StoreError(f"{self.name}: no layer '{layer}'")
        return found[0][0]


def _catalogue_columns(connection: psycopg.Connection) -> set[str]:
    rows = connection.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = 'atlas_layers'"
    ).fetchall()
    return {row[0] for row in rows}


def _is_empty(connection: psycopg.Connection) -> bool:
    """No store catalogue, or only the one scripts/postgis_layers.py `load` writes (copies of
    the shapefiles, reloaded at will: a store seeded here replaces them)."""
    if "head" not in _catalogue_columns(connection):
        return True
    return connection.execute("SELECT NOT EXISTS (SELECT FROM atlas_layers)").fetchone()[0]


def _drop_loaded_copies(connection: psycopg.Connection) -> None:
    """The catalogue of plain copies that `load` made, if any (their tables are replaced)."""
    if _catalogue_columns(connection):
        connection.execute("DROP TABLE atlas_layers")


class _Writer:
    """One transaction; `head` locks the layer's catalogue row until it ends."""

    def __init__(self, connection: psycopg.Connection, store: PostgisStore) -> None:
        self._db, self._store = connection, store

    def head(self, layer: str) -> int:
        found = self._db.execute(
            "SELECT head FROM atlas_layers WHERE key = %s FOR UPDATE", (layer,)
        ).fetchone()
        if found is None:
            raise StoreError(f"{self._store.name}: no layer '{layer}'")
        return found[0]

    def last_effective(self, layer: str) -> dt.date | None:
        statement = sql.SQL("SELECT MAX(atlas_effective) FROM {}").format(
            sql.Identifier(history_table(layer))
        )
        return self._db.execute(statement).fetchone()[0]

    def latest(self, layer: str, uid: str) -> FeatureState | None:
        return read_latest(self._db, self._store.schema(layer), uid)

    def current(self, layer: str) -> gpd.GeoDataFrame:
        return read_current(self._db, self._store.schema(layer))

    def at_version(self, layer: str, version: int) -> gpd.GeoDataFrame:
        return read_states(self._db, self._store.schema(layer), "atlas_version <= %s", version)

    def write(self, version: Version, rows: list[Row]) -> None:
        schema = self._store.schema(version.layer)
        insert_version(self._db, version)
        append_history(self._db, schema, version, rows)
        apply_to_current(self._db, schema, rows)
        self._db.execute(
            "UPDATE atlas_layers SET head = %s, features = features + %s WHERE key = %s",
            (version.number, version.added - version.retired, version.layer),
        )
