"""The layer store in one GeoPackage file, for a planner's laptop: QGIS opens the current
features as ordinary layers (`<key>`) and their history as layers too (`<key>_history`).

Written with sqlite3 in one transaction per version (BEGIN IMMEDIATE, WAL journal): a crash
leaves the file as it was. History tables, versions and changes are append-only: triggers
refuse any UPDATE or DELETE on them, whoever tries.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager, suppress
from pathlib import Path

import geopandas as gpd
import pandas as pd

from store.base import FeatureState, LayerSchema, SeedLayer, StoreError, Version
from store.gpkg_tables import (
    CATALOGUE,
    META_STATEMENTS,
    append_history,
    append_only,
    apply_to_current,
    create_tables,
    history_table,
    insert_version,
    layer_indexes,
    read_current,
    read_current_file,
    read_latest,
    read_states,
    read_states_file,
    seed_layer,
)
from store.versioned import Row, VersionedStore, beijing_today, changes_frame, version_from_row

__all__ = ["GeoPackageStore", "history_table"]

BUSY_TIMEOUT_S = 30
SCHEMA_VERSION = 1
GEOPACKAGE_VERSION = 10400  # PRAGMA user_version of a GeoPackage 1.4 file, as GDAL writes it


class GeoPackageStore(VersionedStore):
    """A versioned layer store in the GeoPackage file `path`."""

    def __init__(
        self,
        path: Path | str,
        *,
        today: Callable[[], dt.date] = beijing_today,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        super().__init__(today=today, now=now)
        self.path = Path(path)
        self.name = str(self.path)
        self._schemas: dict[str, LayerSchema] = {}

    def __repr__(self) -> str:
        return f"GeoPackageStore({self.name!r})"

    def upgrade(self) -> None:
        """Bring a store made by an earlier version of the atlas up to this one: its schema
        version in `atlas_meta` rather than in PRAGMA user_version (the GeoPackage's own,
        which GDAL checks), the history tables listed for QGIS. Nothing else changes."""
        if self.is_empty():
            return
        with closing(self._connect()) as connection:
            known = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'atlas_meta'"
            ).fetchone()
            if known:
                return
            connection.execute("BEGIN IMMEDIATE")
            for statement in META_STATEMENTS:
                connection.execute(statement)
            connection.execute(
                "INSERT OR IGNORE INTO atlas_meta VALUES ('schema_version', ?)",
                (str(SCHEMA_VERSION),),
            )
            connection.execute(f"PRAGMA user_version = {GEOPACKAGE_VERSION}")
            connection.execute("COMMIT")

    # --- reads ---------------------------------------------------------------------------

    def is_empty(self) -> bool:
        return not self.path.exists()

    def heads(self) -> dict[str, int]:
        return dict(self._query("SELECT key, head FROM atlas_layers ORDER BY key"))

    def schema(self, layer: str) -> LayerSchema:
        if layer not in self._schemas:
            found = self._query(
                "SELECT id_field, geometry, fields FROM atlas_layers WHERE key = ?", (layer,)
            )
            if not found:
                raise StoreError(f"{self.name}: no layer '{layer}'")
            id_field, geometry, fields = found[0]
            self._schemas[layer] = LayerSchema(
                layer, id_field, geometry, tuple(tuple(f) for f in json.loads(fields))
            )
        return self._schemas[layer]

    def source_crs(self, layer: str) -> str:
        found = self._query("SELECT source_crs FROM atlas_layers WHERE key = ?", (layer,))
        if not found:
            raise StoreError(f"{self.name}: no layer '{layer}'")
        return found[0][0]

    def start(self, layer: str) -> dt.date:
        """The date the layer's records begin."""
        found = self._query("SELECT start FROM atlas_layers WHERE key = ?", (layer,))
        return dt.date.fromisoformat(found[0][0])

    def read(self, layer: str, *, as_of: dt.date | None = None) -> gpd.GeoDataFrame:
        schema = self.schema(layer)
        if as_of is None:
            return read_current_file(self.path, schema)
        return read_states_file(self.path, schema, as_of=as_of)

    def read_version(self, layer: str, version: int) -> gpd.GeoDataFrame:
        return read_states_file(self.path, self.schema(layer), version=version)

    def versions(self, layer: str | None = None) -> list[Version]:
        where, parameters = ("WHERE layer = ?", (layer,)) if layer else ("", ())
        rows = self._query(
            "SELECT layer, version, kind, author, comment, recorded_at, effective, added,"
            f" changed, retired, restores FROM atlas_versions {where} ORDER BY id DESC",
            parameters,
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
        conditions, parameters = [], []
        for column, value in (("layer", layer), ("uid", uid), ("author", author)):
            if value is not None:
                conditions.append(f"{column} = ?")
                parameters.append(value)
        if since is not None:
            conditions.append("effective >= ?")
            parameters.append(since.isoformat())
        if until is not None:
            conditions.append("effective <= ?")
            parameters.append(until.isoformat())
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        rows = self._query(
            "SELECT layer, version, uid, action, effective, recorded_at, author, comment, fields,"
            f" before, after FROM atlas_changes {where} ORDER BY id DESC",
            tuple(parameters),
        )
        return changes_frame(rows)

    @contextmanager
    def _read_latest(self) -> Iterator[Callable[[str, str], FeatureState | None]]:
        with closing(self._connect()) as connection:
            yield lambda layer, uid: read_latest(connection, self.schema(layer), uid)

    # --- writes --------------------------------------------------------------------------

    def seed(self, layers: list[SeedLayer], *, author: str) -> None:
        """Write every layer into a new file beside the store, then link it into place: two
        processes seeding at once leave one complete store, never a half-written one."""
        if not self.is_empty():
            raise StoreError(f"{self.name}: the store already holds layers")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(f".{self.path.stem}.{os.getpid()}.partial.gpkg")
        partial.unlink(missing_ok=True)
        try:
            for layer in layers:
                create_tables(partial, layer.schema)
            with closing(sqlite3.connect(partial, isolation_level=None)) as connection:
                connection.executescript(
                    CATALOGUE
                    + append_only("atlas_versions")
                    + append_only("atlas_changes")
                    + "".join(layer_indexes(layer.schema) for layer in layers)
                )
                connection.execute("BEGIN")
                for layer in layers:
                    seed_layer(connection, layer, author, self._now())
                # Not PRAGMA user_version: that is the GeoPackage's own version (GDAL checks it).
                connection.execute(
                    "INSERT INTO atlas_meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
                )
                connection.execute("COMMIT")
            with suppress(FileExistsError):  # another process seeded first: its store stands
                os.link(partial, self.path)
        finally:
            partial.unlink(missing_ok=True)

    def add_layers(self, layers: list[SeedLayer], *, author: str) -> list[str]:
        """Add the layers the file lacks, under a lock file (two processes starting at once
        add them once): GDAL makes the tables, then one transaction loads them."""
        with _locked(self.path.with_name(f".{self.path.name}.lock")):
            held = self.heads()
            new = [layer for layer in layers if layer.schema.key not in held]
            if not new:
                return []
            for layer in new:
                create_tables(self.path, layer.schema, overwrite=True)
            with closing(self._connect()) as connection:
                connection.executescript("".join(layer_indexes(layer.schema) for layer in new))
                connection.execute("BEGIN IMMEDIATE")
                try:
                    for layer in new:
                        seed_layer(connection, layer, author, self._now())
                except BaseException:
                    connection.execute("ROLLBACK")
                    raise
                connection.execute("COMMIT")
        return [layer.schema.key for layer in new]

    @contextmanager
    def _write(self) -> Iterator[_Writer]:
        with closing(self._connect()) as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield _Writer(connection, self)
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    # --- plumbing ------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if not self.path.exists():
            raise StoreError(f"{self.name}: no layer store here yet")
        connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        return connection

    def _query(self, sql: str, parameters: tuple = ()) -> list[tuple]:
        try:
            with closing(self._connect()) as connection:
                return connection.execute(sql, parameters).fetchall()
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.name}: cannot read the layer store ({error})") from error


class _Writer:
    """One BEGIN IMMEDIATE transaction: other writers wait until it ends."""

    def __init__(self, connection: sqlite3.Connection, store: GeoPackageStore) -> None:
        self._db, self._store = connection, store

    def head(self, layer: str) -> int:
        found = self._db.execute("SELECT head FROM atlas_layers WHERE key = ?", (layer,)).fetchone()
        if found is None:
            raise StoreError(f"{self._store.name}: no layer '{layer}'")
        return found[0]

    def last_effective(self, layer: str) -> dt.date | None:
        table = history_table(layer)
        found = self._db.execute(f'SELECT MAX(atlas_effective) FROM "{table}"').fetchone()[0]
        return None if found is None else dt.date.fromisoformat(found)

    def latest(self, layer: str, uid: str) -> FeatureState | None:
        return read_latest(self._db, self._store.schema(layer), uid)

    def current(self, layer: str) -> gpd.GeoDataFrame:
        return read_current(self._db, self._store.schema(layer))

    def at_version(self, layer: str, version: int) -> gpd.GeoDataFrame:
        return read_states(self._db, self._store.schema(layer), "atlas_version <= ?", version)

    def write(self, version: Version, rows: list[Row]) -> None:
        schema = self._store.schema(version.layer)
        insert_version(self._db, version)
        append_history(self._db, schema, version, rows)
        apply_to_current(self._db, schema, rows)
        self._db.execute(
            "UPDATE atlas_layers SET head = ? WHERE key = ?", (version.number, version.layer)
        )


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on `path` (made if missing) for the block: other processes wait."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
