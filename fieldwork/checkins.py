"""Check-ins brought back from the field: read, convert, match to targets, record, report.

A check-in file is a phone form's CSV, GPX waypoints or tracks, GeoJSON or KML.  Every point
is matched to the nearest target within a tolerance (or, where it names a target's id, to that
target if within the tolerance: people of one household stand close together) and recorded as a
visit (time, team, note) in the visit store, all in one transaction.  Every point the file holds appears in the report
with what became of it: recorded, duplicate, outside the district, matching no target, no time,
or not a point.  Nothing is dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from fieldwork.checkin_matching import match_points
from fieldwork.coverage import TargetSet, load_targets
from fieldwork.visits import ImportRecord, Visit, VisitStore
from geo.archive import check_size
from geo.errors import DataError
from geo.io import read_vector
from geo.limits import UploadLimits
from geo.offsets import BD09, GCJ02, WGS84, convert_geometries
from geo.sniff import check_untrusted

__all__ = [
    "CHECKIN_SUFFIXES",
    "CHINA_TIME",
    "STATUSES",
    "CheckinReport",
    "import_checkins",
    "read_checkins",
    "read_checkins_task",
]

CHECKIN_SUFFIXES = (".csv", ".gpx", ".geojson", ".json", ".kml", ".kmz")
CHINA_TIME = timezone(timedelta(hours=8))  # times written without a zone are Beijing time
STATUSES = ("recorded", "duplicate", "outside_district", "no_match", "no_time", "not_a_point")
REPORT_COLUMNS = [
    "source_row",
    "lon",
    "lat",
    "visited_at",
    "team",
    "note",
    "status",
    "target_uid",
    "target_name",
    "distance_m",
]
_TIME_COLUMNS = ("time", "visited_at", "timestamp", "datetime", "签到时间", "走访时间", "时间")
_TEAM_COLUMNS = ("team", "工作队", "队伍", "小组")
_NOTE_COLUMNS = ("note", "notes", "备注", "desc", "description", "comment", "name")
_ID_COLUMNS = ("target_uid", "对象编号", "编号")  # the target visited, by its id
_DATUM_COLUMNS = ("datum", "坐标系", "coord_sys")
_DATUM_WORDS = {
    WGS84: ("wgs84", "wgs-84", "wgs 84", "gps", "cgcs2000", "4326"),
    GCJ02: ("gcj02", "gcj-02", "gcj", "高德", "amap", "腾讯", "火星"),
    BD09: ("bd09", "bd-09", "baidu", "百度"),
}


@dataclass(frozen=True)
class CheckinReport:
    """What became of every point of one file, and the import it made (None if none)."""

    file_name: str
    rows: pd.DataFrame  # REPORT_COLUMNS, one row per point of the file
    import_id: int | None
    recorded_targets: tuple[str, ...] = field(default=())

    def count(self, status: str) -> int:
        return int((self.rows["status"] == status).sum())


def read_checkins(
    path: str | Path,
    *,
    datum: str | None = None,
    file_name: str | None = None,
    limits: UploadLimits | None = None,
) -> gpd.GeoDataFrame:
    """The file's points in WGS-84 with source_row, visited_at (UTC or NaT), team, note, datum.

    `datum` (WGS84, GCJ02, BD09) is what the user says the coordinates are; without it a
    datum column of the file decides per point, else WGS-84.  Non-point features are kept with
    an empty geometry and `kind` 'not_a_point', so the report can list them.
    """
    label = file_name or Path(path).name
    try:
        frames = _read_layers(Path(path), label, limits)
    except DataError as error:  # name the file as the user knows it, not its temporary copy
        raise DataError(label, error.problem) from error
    points = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    columns = {str(c).strip().lower(): c for c in points.columns}
    out = gpd.GeoDataFrame(
        {
            "source_row": points["_source_row"],
            "visited_at": _times(points, columns),
            "team": _text_column(points, columns, _TEAM_COLUMNS),
            "note": _text_column(points, columns, _NOTE_COLUMNS),
            "target_id": _text_column(points, columns, _ID_COLUMNS),
            "datum": _datums(points, columns, datum, label),
        },
        geometry=points.geometry,
        crs=points.crs,
    )
    kinds = out.geometry.geom_type.fillna("")
    out["is_point"] = kinds.eq("Point")
    out.loc[~out["is_point"], "geometry"] = None
    for source in (GCJ02, BD09):
        chosen = out["datum"].eq(source) & out["is_point"]
        if chosen.any():
            out.loc[chosen, "geometry"] = convert_geometries(out[chosen], source, WGS84).geometry
    return out


def read_checkins_task(
    path: str,
    *,
    file_name: str,
    limits: UploadLimits,
    progress: Callable[[str, float], None],
    datum: str | None = None,
) -> gpd.GeoDataFrame:
    """What the limited upload worker runs for a check-in file (geo.upload_worker.run_limited):
    the file's size and content checked as for any upload, then read_checkins."""
    progress("check", 0.1)
    check_size(Path(path), limits, file_name)
    check_untrusted(Path(path), file_name, limits)
    progress("read", 0.3)
    return read_checkins(path, datum=datum, file_name=file_name, limits=limits)


def _read_layers(path: Path, label: str, limits: UploadLimits | None) -> list[gpd.GeoDataFrame]:
    """The point layers of the file: for GPX, waypoints and track points; else the one layer."""
    if path.suffix.lower() not in CHECKIN_SUFFIXES:
        raise DataError(
            label, f"not a check-in file ({path.suffix}); use {', '.join(CHECKIN_SUFFIXES)}"
        )
    if path.suffix.lower() != ".gpx":
        frame = read_vector(path, limits=limits)
        frame["_source_row"] = [f"{_row_word(path)} {n}" for n in range(1, len(frame) + 1)]
        return [frame]
    frames = []
    for layer, word in (("waypoints", "waypoint"), ("track_points", "track point")):
        if _layer_is_empty(path, layer):
            continue
        frame = read_vector(path, layer=layer, limits=limits)
        frame["_source_row"] = [f"{word} {n}" for n in range(1, len(frame) + 1)]
        frames.append(frame)
    if not frames:
        raise DataError(label, "no waypoints and no track points")
    return frames


def _layer_is_empty(path: Path, layer: str) -> bool:
    try:
        return pyogrio.read_info(path, layer=layer, force_feature_count=True)["features"] == 0
    except pyogrio.errors.DataLayerError:
        return True
    except pyogrio.errors.DataSourceError as error:
        raise DataError(str(path), f"unreadable: {error}") from error


def _row_word(path: Path) -> str:
    return "row" if path.suffix.lower() == ".csv" else "feature"


def _find(columns: dict[str, object], names: Sequence[str]) -> object | None:
    return next((columns[name] for name in names if name in columns), None)


def _times(points: pd.DataFrame, columns: dict[str, object]) -> pd.Series:
    column = _find(columns, _TIME_COLUMNS)
    if column is None:
        return pd.Series(pd.NaT, index=points.index, dtype="datetime64[ns, UTC]")
    values = points[column]
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert("UTC").astype("datetime64[ns, UTC]")
    parsed = [_one_time(value) for value in values]
    return pd.Series(parsed, index=points.index, dtype="datetime64[ns, UTC]")


def _one_time(value: object) -> pd.Timestamp:
    """A timestamp in UTC; a time without a zone is Beijing time; NaT if unreadable."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return pd.NaT
    try:
        stamp = pd.Timestamp(str(value).strip())
    except (ValueError, TypeError):
        return pd.NaT
    if stamp is pd.NaT:
        return pd.NaT
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize(CHINA_TIME)
    return stamp.tz_convert("UTC")


def _text_column(
    points: pd.DataFrame, columns: dict[str, object], names: Sequence[str]
) -> pd.Series:
    """Per point, the first non-empty text among the columns `names` (in that order)."""
    result = pd.Series("", index=points.index, dtype=object)
    for name in names:
        if name in columns:
            values = points[columns[name]].map(_clean_text)
            result = result.where(result != "", values)
    return result


def _clean_text(value: object) -> str:
    return (
        ""
        if value is None or (not isinstance(value, str) and pd.isna(value))
        else str(value).strip()
    )


def _datums(
    points: pd.DataFrame, columns: dict[str, object], datum: str | None, label: str
) -> pd.Series:
    if datum is not None:
        if datum not in (WGS84, GCJ02, BD09):
            raise ValueError(f"unknown datum '{datum}'; use {WGS84}, {GCJ02} or {BD09}")
        return pd.Series(datum, index=points.index)
    column = _find(columns, _DATUM_COLUMNS)
    if column is None:
        return pd.Series(WGS84, index=points.index)
    named = points[column].map(_datum_named)
    unknown = named.isna() & points[column].notna()
    if unknown.any():
        values = ", ".join(sorted({str(v) for v in points.loc[unknown, column]}))
        raise DataError(label, f"unknown coordinate system in column '{column}': {values}")
    return named.fillna(WGS84)


def _datum_named(value: object) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = re.sub(r"\s+", " ", str(value).strip().lower())
    for datum, words in _DATUM_WORDS.items():
        if any(word in text for word in words):
            return datum
    return None


# --- matching and recording ---------------------------------------------------------------------


def import_checkins(
    path: str | Path,
    *,
    target_set: TargetSet,
    store: VisitStore,
    team: str,
    tolerance_m: float,
    datum: str | None = None,
    fallback_time: datetime | None = None,
    file_name: str | None = None,
    now: datetime | None = None,
    townships: Sequence[str] | None = None,
    points: gpd.GeoDataFrame | None = None,
    username: str = "",
) -> CheckinReport:
    """Read, match and record one file; a report row for every point of it.

    `team` is used where the file names none; `fallback_time` (aware) where a point has no
    time; `townships` limits the targets to those townships (a field team's own).
    All visits of the file are recorded in one transaction, or none (on any error).
    `points` are the file's points when read_checkins_task has read them already.
    The import records `username` (who imported it; "" without sign-in) and the townships of
    the targets it matched, else `townships`: who may see it in the history.
    """
    label = file_name or Path(path).name
    if fallback_time is not None and fallback_time.tzinfo is None:
        raise ValueError("fallback_time must be timezone-aware")
    if points is None:  # else read already (by read_checkins_task, in the limited worker)
        points = read_checkins(path, datum=datum, file_name=label)
    points["team"] = points["team"].where(points["team"] != "", team.strip())
    if fallback_time is not None:
        points["visited_at"] = points["visited_at"].fillna(
            pd.Timestamp(fallback_time).tz_convert("UTC")
        )
    rows = match_points(points, target_set, tolerance_m, townships)
    if (rows["status"].eq("pending") & rows["team"].eq("")).any():
        raise DataError(label, "the file names no team for some points: enter the team")
    visits = [_visit(row, target_set) for row in rows[rows["status"] == "pending"].itertuples()]
    record = ImportRecord(
        file_name=label,
        team=team.strip(),
        datum=",".join(sorted(set(points["datum"]))),
        points=len(points),
        imported_at=now or datetime.now(UTC),
        username=username,
        townships=_matched_townships(rows, target_set) or tuple(townships or ()),
    )
    result = store.record_import(record, visits)
    duplicate_rows = {visit.source_row for visit in result.duplicates}
    pending = rows["status"] == "pending"
    rows.loc[pending, "status"] = np.where(
        rows.loc[pending, "source_row"].isin(duplicate_rows), "duplicate", "recorded"
    )
    recorded = tuple(sorted({visit.target_uid for visit in result.recorded}))
    return CheckinReport(label, rows[REPORT_COLUMNS], result.import_id, recorded)


def _matched_townships(rows: pd.DataFrame, target_set: TargetSet) -> tuple[str, ...]:
    """The township codes of the targets the file's points matched (recorded or repeated)."""
    matched = set(rows.loc[rows["target_uid"].ne(""), "target_uid"])
    if not matched:
        return ()
    targets = load_targets(target_set)
    return tuple(sorted(set(targets.loc[targets["uid"].isin(matched), "town_code"])))


def _visit(row, target_set: TargetSet) -> Visit:
    return Visit(
        target_layer=target_set.layer,
        target_uid=row.target_uid,
        visited_at=row.visited_at.to_pydatetime(),
        team=row.team,
        note=row.note,
        lon=float(row.lon),
        lat=float(row.lat),
        distance_m=float(row.distance_m),
        source_row=row.source_row,
    )
