"""The rules both stores follow, written once: conflicts, dates, diffs and what one version
writes. A store supplies reads and one `_write` transaction (`Writer`)."""

from __future__ import annotations

import datetime as dt
import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from store.base import (
    EditConflict,
    FeatureState,
    LayerSchema,
    NothingChanged,
    PublishConflict,
    StoreError,
    Version,
)
from store.changes import (
    CHANGE_COLUMNS,
    LayerDiff,
    check_effective,
    diff_layers,
    feature_fields_changed,
    normalised,
    plain_value,
    promoted,
)

__all__ = [
    "BEIJING",
    "Row",
    "VersionedStore",
    "Writer",
    "beijing_today",
    "changes_frame",
    "version_from_row",
]

BEIJING = dt.timezone(dt.timedelta(hours=8))


def beijing_today() -> dt.date:
    """Today's date in Beijing: the calendar the district's changes are dated in."""
    return dt.datetime.now(BEIJING).date()


def version_from_row(row: tuple) -> Version:
    """A version from its catalogue row (layer, version, kind, author, comment, recorded_at,
    effective, added, changed, retired, restores), dates as text (GeoPackage) or values (PostGIS)."""
    recorded, effective = row[5], row[6]
    if isinstance(recorded, str):
        recorded = dt.datetime.fromisoformat(recorded)
    if isinstance(effective, str):
        effective = dt.date.fromisoformat(effective)
    return Version(
        layer=row[0],
        number=row[1],
        kind=row[2],
        author=row[3],
        comment=row[4],
        recorded_at=recorded.astimezone(dt.UTC),
        effective=effective,
        added=row[7],
        changed=row[8],
        retired=row[9],
        restores=row[10],
    )


def changes_frame(rows: list[tuple]) -> pd.DataFrame:
    """The change log's rows (CHANGE_COLUMNS) with dates, UTC times and decoded field values,
    from either store (the GeoPackage keeps dates and JSON as text)."""
    frame = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    frame["effective"] = frame["effective"].map(
        lambda value: dt.date.fromisoformat(value) if isinstance(value, str) else value
    )
    frame["recorded_at"] = pd.to_datetime(frame["recorded_at"], format="ISO8601", utc=True)
    for column in ("fields", "before", "after"):
        frame[column] = frame[column].map(
            lambda value: json.loads(value) if isinstance(value, str) else value
        )
    frame["fields"] = frame["fields"].map(tuple)
    return frame


@dataclass(frozen=True)
class Row:
    """One feature's change within a version: its state after (None attributes: retired)."""

    uid: str
    action: str
    attributes: dict[str, object]
    geometry: shapely.Geometry | None
    before: dict[str, object] | None
    fields: tuple[str, ...]


class Writer(Protocol):
    """One write transaction on a store, the layer locked against other writers."""

    def head(self, layer: str) -> int:
        """The layer's latest version (locking it until the transaction ends)."""

    def last_effective(self, layer: str) -> dt.date | None:
        """The latest effective date in the layer's history."""

    def latest(self, layer: str, uid: str) -> FeatureState | None:
        """The feature's latest state in the history, retired or not (None: never seen)."""

    def current(self, layer: str) -> gpd.GeoDataFrame:
        """The layer's features now."""

    def at_version(self, layer: str, version: int) -> gpd.GeoDataFrame:
        """The layer's features as version `version` left them."""

    def write(self, version: Version, rows: list[Row]) -> None:
        """Append the version, its history and change rows; update the current features."""


class VersionedStore(ABC):
    """publish, edit, retire, rollback and diff on top of a store's reads and writer."""

    name: str

    def __init__(
        self,
        *,
        today: Callable[[], dt.date] = beijing_today,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self._today, self._now = today, now

    @abstractmethod
    def _write(self) -> AbstractContextManager[Writer]: ...

    @abstractmethod
    def schema(self, layer: str) -> LayerSchema: ...

    @abstractmethod
    def heads(self) -> dict[str, int]: ...

    @abstractmethod
    def read(self, layer: str, *, as_of: dt.date | None = None) -> gpd.GeoDataFrame: ...

    def diff(self, layer: str, frame: gpd.GeoDataFrame) -> tuple[LayerDiff, int]:
        """What publishing `frame` would change, and the version it was compared with."""
        schema = self.schema(layer)
        new = normalised(frame, schema)
        head = self.heads()[layer]
        return diff_layers(self.read(layer), new, schema), head

    def publish(
        self,
        layer: str,
        frame: gpd.GeoDataFrame,
        *,
        base_version: int,
        author: str,
        comment: str,
        effective: dt.date,
    ) -> Version:
        schema = self.schema(layer)
        new = normalised(frame, schema)
        with self._write() as writer:
            head = writer.head(layer)
            if head != base_version:
                raise PublishConflict(layer, base_version, head)
            check_effective(effective, writer.last_effective(layer), self._today(), layer)
            changes = diff_layers(writer.current(layer), new, schema)
            return self._commit(writer, changes, "publish", head, author, comment, effective)

    def rollback(
        self, layer: str, to_version: int, *, base_version: int, author: str, comment: str
    ) -> Version:
        schema = self.schema(layer)
        today = self._today()
        with self._write() as writer:
            head = writer.head(layer)
            if head != base_version:
                raise PublishConflict(layer, base_version, head)
            if not 1 <= to_version < head:
                raise StoreError(f"layer '{layer}' has no earlier version {to_version}")
            check_effective(today, writer.last_effective(layer), today, layer)
            earlier = normalised(writer.at_version(layer, to_version), schema)
            changes = diff_layers(writer.current(layer), earlier, schema)
            return self._commit(
                writer, changes, "rollback", head, author, comment, today, restores=to_version
            )

    def edit(
        self,
        layer: str,
        uid: str,
        *,
        attributes: dict[str, object],
        geometry: shapely.Geometry,
        expected_version: int | None,
        author: str,
        comment: str,
        effective: dt.date,
    ) -> Version:
        schema = self.schema(layer)
        values = self._attributes(schema, uid, attributes)
        shape = promoted(np.array([geometry], dtype=object), schema.geometry)[0]
        with self._write() as writer:
            head = writer.head(layer)
            latest = writer.latest(layer, uid)
            alive = latest if latest is not None and latest.action != "retire" else None
            if (alive.version if alive else None) != expected_version:
                raise EditConflict(layer, uid, expected_version, alive)
            check_effective(effective, latest.effective if latest else None, self._today(), uid)
            if alive is None:
                row = Row(uid, "add", values, shape, None, (*schema.names, "geometry"))
            else:
                fields = feature_fields_changed(
                    schema, alive.attributes, values, alive.geometry, shape
                )
                if not fields:
                    raise NothingChanged(f"feature '{uid}' of layer '{layer}' is unchanged")
                row = Row(uid, "change", values, shape, alive.attributes, fields)
            return self._write_version(
                writer, layer, head, "edit", author, comment, effective, [row]
            )

    def retire(
        self,
        layer: str,
        uid: str,
        *,
        expected_version: int,
        author: str,
        comment: str,
        effective: dt.date,
    ) -> Version:
        with self._write() as writer:
            head = writer.head(layer)
            latest = writer.latest(layer, uid)
            alive = latest if latest is not None and latest.action != "retire" else None
            if alive is None or alive.version != expected_version:
                raise EditConflict(layer, uid, expected_version, alive)
            check_effective(effective, alive.effective, self._today(), uid)
            row = Row(uid, "retire", alive.attributes, alive.geometry, alive.attributes, ())
            return self._write_version(
                writer, layer, head, "edit", author, comment, effective, [row]
            )

    def feature(self, layer: str, uid: str) -> FeatureState | None:
        with self._read_latest() as latest:
            state = latest(layer, uid)
        return state if state is not None and state.action != "retire" else None

    @abstractmethod
    def _read_latest(self) -> AbstractContextManager[Callable[[str, str], FeatureState | None]]:
        """A function giving a feature's latest state, valid inside the context."""

    # --- one version ---------------------------------------------------------------------

    def _commit(
        self,
        writer: Writer,
        changes: LayerDiff,
        kind: str,
        head: int,
        author: str,
        comment: str,
        effective: dt.date,
        *,
        restores: int | None = None,
    ) -> Version:
        if changes.empty:
            raise NothingChanged(f"layer '{changes.layer}' would not change")
        rows = list(_rows(self.schema(changes.layer), changes))
        return self._write_version(
            writer, changes.layer, head, kind, author, comment, effective, rows, restores
        )

    def _write_version(
        self,
        writer: Writer,
        layer: str,
        head: int,
        kind: str,
        author: str,
        comment: str,
        effective: dt.date,
        rows: list[Row],
        restores: int | None = None,
    ) -> Version:
        if not author.strip():
            raise StoreError("a change needs the name of who makes it")
        counts = {action: sum(r.action == action for r in rows) for action in ACTION_ORDER}
        version = Version(
            layer=layer,
            number=head + 1,
            kind=kind,
            author=author.strip(),
            comment=comment.strip(),
            recorded_at=self._now(),
            effective=effective,
            added=counts["add"],
            changed=counts["change"],
            retired=counts["retire"],
            restores=restores,
        )
        writer.write(version, rows)
        return version

    @staticmethod
    def _attributes(schema: LayerSchema, uid: str, attributes: dict[str, object]) -> dict:
        unknown = sorted(set(attributes) - set(schema.names))
        if unknown:
            raise StoreError(f"layer '{schema.key}' has no fields {', '.join(unknown)}")
        values = {}
        for name, kind in schema.fields:
            try:
                values[name] = plain_value(attributes.get(name), kind)
            except (TypeError, ValueError) as error:
                raise StoreError(
                    f"field '{name}': {attributes.get(name)!r} is not {kind}"
                ) from error
        if values[schema.id_field] != uid:
            raise StoreError(f"feature '{uid}': its id field holds {values[schema.id_field]!r}")
        return values


ACTION_ORDER = ("add", "change", "retire")


def _records(frame: gpd.GeoDataFrame, schema: LayerSchema) -> Iterator[dict[str, object]]:
    columns = [frame[name].astype(object).to_numpy() for name in schema.names]
    for values in zip(*columns, strict=True):
        yield {
            name: plain_value(value, kind)
            for (name, kind), value in zip(schema.fields, values, strict=True)
        }


def _rows(schema: LayerSchema, changes: LayerDiff) -> Iterator[Row]:
    every = (*schema.names, "geometry")
    for record, shape in zip(_records(changes.added, schema), changes.added.geometry, strict=True):
        yield Row(str(record[schema.id_field]), "add", record, shape, None, every)
    before = _records(changes.before, schema)
    after = _records(changes.changed, schema)
    for old, new, shape, fields in zip(
        before, after, changes.changed.geometry, changes.fields, strict=True
    ):
        yield Row(str(new[schema.id_field]), "change", new, shape, old, fields)
    for record, shape in zip(
        _records(changes.retired, schema), changes.retired.geometry, strict=True
    ):
        yield Row(str(record[schema.id_field]), "retire", record, shape, record, ())
