"""The versioned layer store's contract: layers of features keyed by an id, every change a
new version that is appended to the history, and the state of any date or version read back.

Two stores keep it: an embedded GeoPackage (`store.geopackage`) and PostGIS (`store.postgis`);
tests/store/ holds both to the same contract.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

import geopandas as gpd
import pandas as pd
import shapely

__all__ = [
    "ACTIONS",
    "FIELD_KINDS",
    "VERSION_KINDS",
    "DateRefused",
    "EditConflict",
    "FeatureState",
    "LayerSchema",
    "LayerStore",
    "NothingChanged",
    "PublishConflict",
    "SeedLayer",
    "StoreError",
    "Version",
]

FIELD_KINDS = ("text", "int", "float", "bool")
# add: a feature appears; change: its values or shape change; retire: it leaves the map.
ACTIONS = ("add", "change", "retire")
# seed: the first load of the shipped data; publish: a whole new file; edit: one feature;
# rollback: the layer put back as an earlier version stood (itself a new version).
VERSION_KINDS = ("seed", "publish", "edit", "rollback")


class StoreError(Exception):
    """A store that cannot do what was asked: the message names the store and the problem."""


class DateRefused(StoreError):
    """A change dated in the future, or before the last change of what it changes."""

    def __init__(self, message: str, effective: dt.date, last: dt.date | None, today: dt.date):
        super().__init__(message)
        self.effective, self.last, self.today = effective, last, today


class NothingChanged(StoreError):
    """A publish or an edit that would change nothing (no version is written)."""


class PublishConflict(StoreError):
    """Someone published or edited the layer since the diff was made: nothing was written."""

    def __init__(self, layer: str, expected: int, head: int) -> None:
        super().__init__(
            f"layer '{layer}' is at version {head}, not {expected}: it changed since you looked"
        )
        self.layer, self.expected, self.head = layer, expected, head


@dataclass(frozen=True)
class FeatureState:
    """One feature as stored: its values, shape, the version that last changed it, and when
    that change took effect."""

    layer: str
    uid: str
    attributes: dict[str, object]
    geometry: shapely.Geometry | None
    version: int
    effective: dt.date
    action: str = "add"


class EditConflict(StoreError):
    """The feature changed since it was opened: nothing was written; `theirs` is how it is now
    (None when someone retired it)."""

    def __init__(self, layer: str, uid: str, expected: int | None, theirs: FeatureState | None):
        now = "retired" if theirs is None else f"at version {theirs.version}"
        super().__init__(
            f"feature '{uid}' of layer '{layer}' is {now}, not at version {expected}:"
            " someone changed it since you opened it"
        )
        self.layer, self.uid, self.expected, self.theirs = layer, uid, expected, theirs


@dataclass(frozen=True)
class LayerSchema:
    """What a layer's features hold: its id field, fields with kinds, and geometry kind."""

    key: str
    id_field: str
    geometry: str  # point, line or polygon
    fields: tuple[tuple[str, str], ...]  # (name, kind) in column order, the id among them

    def __post_init__(self) -> None:
        names = [name for name, _ in self.fields]
        problems = [f"field '{n}' has kind '{k}'" for n, k in self.fields if k not in FIELD_KINDS]
        if self.id_field not in names:
            problems.append(f"id field '{self.id_field}' is not a field")
        if len(set(names)) != len(names):
            problems.append("duplicate field names")
        if self.geometry not in ("point", "line", "polygon"):
            problems.append(f"geometry '{self.geometry}' is not point, line or polygon")
        if problems:
            raise StoreError(f"layer '{self.key}': " + "; ".join(problems))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.fields)

    def kind(self, name: str) -> str:
        return dict(self.fields)[name]


@dataclass(frozen=True)
class Version:
    """One version of a layer: who made it, when (UTC), why, and from which date it holds."""

    layer: str
    number: int
    kind: str
    author: str
    comment: str
    recorded_at: dt.datetime
    effective: dt.date
    added: int
    changed: int
    retired: int
    restores: int | None = None  # a rollback: the version it put back


@dataclass(frozen=True)
class SeedLayer:
    """A layer as first loaded: its current features, where they came from, and the earlier
    states of some features (uid, effective date, action, full attributes after the event)."""

    schema: LayerSchema
    frame: gpd.GeoDataFrame  # EPSG:4326
    source_crs: str
    start: dt.date  # features without a history hold from this date
    history: tuple[tuple[str, dt.date, str, dict[str, object]], ...] = field(default=())


class LayerStore(Protocol):
    """A versioned store of the atlas's layers (GeoPackage file or PostGIS database)."""

    name: str  # says where it is, for messages (no password)

    def is_empty(self) -> bool:
        """Whether no layer has been loaded yet."""

    def seed(self, layers: list[SeedLayer], *, author: str) -> None:
        """Load every layer into an empty store, as version 1; StoreError if not empty."""

    def add_layers(self, layers: list[SeedLayer], *, author: str) -> list[str]:
        """Load the layers the store does not hold yet (added to the atlas after the store was
        seeded), each as its version 1; the keys added. Layers it holds are left as they are."""

    def heads(self) -> dict[str, int]:
        """Each layer's latest version number (changes whenever the layer does)."""

    def schema(self, layer: str) -> LayerSchema:
        """The layer's schema as stored."""

    def source_crs(self, layer: str) -> str:
        """The CRS the layer's source file was stored in."""

    def read(self, layer: str, *, as_of: dt.date | None = None) -> gpd.GeoDataFrame:
        """The layer's features now, or as they stood at the end of `as_of` (EPSG:4326)."""

    def read_version(self, layer: str, version: int) -> gpd.GeoDataFrame:
        """The layer's features as they stood once version `version` was written."""

    def feature(self, layer: str, uid: str) -> FeatureState | None:
        """One feature now (None if there is none, or it was retired)."""

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
        """Make `frame` the layer's features: added, changed and missing (retired) features
        written as one new version, in one transaction. PublishConflict if the layer is no
        longer at `base_version`; NothingChanged if `frame` equals the layer."""

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
        """Change one feature (or add it: `expected_version` None). EditConflict if it is not
        at `expected_version` now."""

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
        """Take one feature off the map from `effective` on; it stays in the history."""

    def rollback(
        self, layer: str, to_version: int, *, base_version: int, author: str, comment: str
    ) -> Version:
        """Put the layer back as it stood at `to_version`, as a new version effective today."""

    def versions(self, layer: str | None = None) -> list[Version]:
        """Every version, newest first (of one layer or all)."""

    def changes(
        self,
        *,
        layer: str | None = None,
        uid: str | None = None,
        author: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> pd.DataFrame:
        """The change log, newest first: one row per feature changed by a version, with the
        fields changed and their old and new values. Dates filter the effective date."""
