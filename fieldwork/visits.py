"""What field teams record: visits and imports, and the `VisitStore` interface that keeps them.

The SQLite store (`fieldwork.store`) and the PostGIS store (`fieldwork.postgis_store`) both
implement `VisitStore`; the rest of the atlas sees only this module's types.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

import pandas as pd

__all__ = [
    "DATUMS",
    "IMPORT_COLUMNS",
    "UTC_TIME",
    "VISIT_COLUMNS",
    "ImportRecord",
    "ImportResult",
    "Visit",
    "VisitStore",
    "typed_frame",
    "visible_imports",
]

DATUMS = ("WGS84", "GCJ02", "BD09")
UTC_TIME = "datetime64[ns, UTC]"

VISIT_COLUMNS = {
    "import_id": "int64",
    "target_layer": "str",
    "target_uid": "str",
    "visited_at": UTC_TIME,
    "team": "str",
    "note": "str",
    "lon": "float64",
    "lat": "float64",
    "distance_m": "float64",
    "source_row": "str",
}
IMPORT_COLUMNS = {
    "import_id": "int64",
    "file_name": "str",
    "team": "str",
    "username": "str",  # who imported it ("" on a laptop without sign-in)
    "townships": "str",  # the township codes of its matched targets, joined by ","
    "datum": "str",
    "points": "int64",
    "recorded": "int64",
    "duplicates": "int64",
    "imported_at": UTC_TIME,
}


def _require_aware(value: datetime, field: str) -> None:
    """Raise ValueError unless `value` is a timezone-aware datetime."""
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ValueError(f"{field} must be a timezone-aware datetime, got {value!r}")


@dataclass(frozen=True)
class Visit:
    """One target visited by a team, matched from one point of an imported file."""

    target_layer: str
    target_uid: str
    visited_at: datetime
    team: str
    note: str
    lon: float
    lat: float
    distance_m: float
    source_row: str

    def __post_init__(self) -> None:
        _require_aware(self.visited_at, "visited_at")


@dataclass(frozen=True)
class ImportRecord:
    """One file of check-ins imported by a team: who imported it, and for which townships
    (the codes of the targets it matched, else the importer's own)."""

    file_name: str
    team: str
    datum: str
    points: int
    imported_at: datetime
    username: str = ""
    townships: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _require_aware(self.imported_at, "imported_at")
        if not set(self.datum.split(",")) <= set(DATUMS):  # one datum, or several: "GCJ02,WGS84"
            raise ValueError(f"datum must be one of {', '.join(DATUMS)}, got {self.datum!r}")
        bad = [code for code in self.townships if not code or "," in code]
        if bad or not isinstance(self.townships, tuple):
            raise ValueError(f"townships must be a tuple of codes, got {self.townships!r}")
        object.__setattr__(self, "townships", tuple(sorted(set(self.townships))))

    @property
    def township_text(self) -> str:
        """The township codes as the stores keep them: sorted, joined by ','."""
        return ",".join(self.townships)


@dataclass(frozen=True)
class ImportResult:
    """What an import stored, and which of its visits the store already held."""

    import_id: int
    recorded: tuple[Visit, ...]
    duplicates: tuple[Visit, ...]


@runtime_checkable
class VisitStore(Protocol):
    """Where recorded visits live; an import lands whole or not at all."""

    def record_import(self, record: ImportRecord, visits: Iterable[Visit]) -> ImportResult:
        """Store one import and its visits in one transaction; skip visits already stored."""
        ...

    def visits(self, target_layer: str | None = None) -> pd.DataFrame:
        """Stored visits (of one layer, or all), ordered by time of visit."""
        ...

    def imports(self) -> pd.DataFrame:
        """Every import with its counts, who made it and its townships, oldest first; pass
        it through `visible_imports` before showing it to a user."""
        ...


def visible_imports(
    imports: pd.DataFrame, *, username: str, townships: Sequence[str] | None
) -> pd.DataFrame:
    """The imports (rows of `VisitStore.imports`) a user may see.

    `townships` None (planners, a laptop without sign-in): all of them. Otherwise (a field
    team) those whose townships all lie in `townships`, and those naming no township that
    `username` made; never an import of another township, nor its counts.
    """
    if townships is None:
        return imports
    scope = set(townships)
    codes = imports["townships"].map(lambda text: set(filter(None, str(text).split(","))))
    own = imports["username"].eq(username) & bool(username)
    inside = codes.map(lambda mine: bool(mine) and mine <= scope).astype(bool)
    return imports[inside | (codes.map(len).eq(0) & own)]


def typed_frame(rows: list[tuple], columns: dict[str, str]) -> pd.DataFrame:
    """Rows as a frame with the given column dtypes; UTC times from ISO 8601 text or datetimes."""
    frame = pd.DataFrame.from_records(rows, columns=list(columns))
    for name, dtype in columns.items():
        if dtype == UTC_TIME:
            text = frame[name].map(lambda v: isinstance(v, str)).all()
            parsed = pd.to_datetime(frame[name], utc=True, format="ISO8601" if text else None)
            frame[name] = parsed.astype(UTC_TIME)
        else:
            frame[name] = frame[name].astype(dtype)
    return frame
