"""What field teams record: visits and imports, and the `VisitStore` interface that keeps them.

The SQLite store (`fieldwork.store`) and the PostGIS store (`fieldwork.postgis_store`) both
implement `VisitStore`; the rest of the atlas sees only this module's types.
"""

from __future__ import annotations

from collections.abc import Iterable
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
    """One file of check-ins imported by a team."""

    file_name: str
    team: str
    datum: str
    points: int
    imported_at: datetime

    def __post_init__(self) -> None:
        _require_aware(self.imported_at, "imported_at")
        if not set(self.datum.split(",")) <= set(DATUMS):  # one datum, or several: "GCJ02,WGS84"
            raise ValueError(f"datum must be one of {', '.join(DATUMS)}, got {self.datum!r}")


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
        """Every import with its counts, oldest first."""
        ...


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
