"""Visits and import records made for the visit-store tests (test_store.py and
test_store_backends.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from fieldwork.visits import ImportRecord, Visit

REPO_ROOT = Path(__file__).resolve().parents[2]
START = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def make_visit(uid: str = "v1", minutes: float = 0, team: str = "A", **changes: object) -> Visit:
    """A visit to village `uid` by `team`, `minutes` after START."""
    fields = {
        "target_layer": "villages",
        "target_uid": uid,
        "visited_at": START + timedelta(minutes=minutes),
        "team": team,
        "note": "",
        "lon": 120.5,
        "lat": 41.5,
        "distance_m": 10.0,
        "source_row": f"row {uid}",
    }
    return Visit(**{**fields, **changes})


def make_record(team: str = "A", points: int = 1, file_name: str = "checkins.csv") -> ImportRecord:
    """An import record of `points` points by `team`."""
    return ImportRecord(file_name, team, "WGS84", points, datetime(2026, 5, 2, 18, 0, tzinfo=UTC))


def many_visits(count: int, team: str = "A", prefix: str = "v") -> list[Visit]:
    """`count` distinct visits, one minute apart."""
    return [make_visit(f"{prefix}{i}", minutes=i, team=team) for i in range(count)]
