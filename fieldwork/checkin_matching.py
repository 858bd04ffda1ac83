"""Which target each check-in point visited: the nearest within the tolerance, or the one it
names by id (still within the tolerance), with each point's status before it is recorded."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from fieldwork.coverage import TargetSet, load_targets
from geo.crs import to_metric
from layers import load_layer

__all__ = ["match_points"]


def match_points(
    points: gpd.GeoDataFrame,
    target_set: TargetSet,
    tolerance_m: float,
    townships: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Each point's status before recording ('pending' when it will be recorded) and target."""
    rows = pd.DataFrame(
        {
            "source_row": points["source_row"],
            "lon": points.geometry.x.where(points["is_point"]).round(7),
            "lat": points.geometry.y.where(points["is_point"]).round(7),
            "visited_at": points["visited_at"],
            "team": points["team"],
            "note": points["note"],
            "status": "pending",
            "target_uid": "",
            "target_name": "",
            "distance_m": np.nan,
        }
    )
    rows.loc[~points["is_point"], "status"] = "not_a_point"
    district = load_layer("district").geometry.union_all()
    located = points["is_point"]
    inside = pd.Series(False, index=points.index)
    inside[located] = points[located].geometry.within(district)
    rows.loc[located & ~inside, "status"] = "outside_district"
    rows.loc[(rows["status"] == "pending") & points["visited_at"].isna(), "status"] = "no_time"
    candidates = rows["status"] == "pending"
    if candidates.any():
        nearest = _nearest_targets(points[candidates], target_set, tolerance_m, townships)
        rows.loc[nearest.index, ["target_uid", "target_name", "distance_m"]] = nearest[
            ["uid", "name", "distance_m"]
        ].to_numpy()
        rows.loc[candidates & rows["target_uid"].eq(""), "status"] = "no_match"
    _mark_duplicates_in_file(rows)
    return rows


def _nearest_targets(
    points: gpd.GeoDataFrame,
    target_set: TargetSet,
    tolerance_m: float,
    townships: Sequence[str] | None,
) -> pd.DataFrame:
    """Per point, the nearest target within the tolerance; the named one where it names one."""
    targets = load_targets(target_set)
    if townships is not None:
        targets = targets[targets["town_code"].isin(townships)]
    targets = to_metric(targets[["uid", "name", "geometry"]])
    metric = to_metric(points[["geometry"]])
    named = points.get("target_id", pd.Series("", index=points.index)).ne("")
    joined = gpd.sjoin_nearest(
        metric[~named], targets, how="inner", max_distance=tolerance_m, distance_col="distance_m"
    )
    joined = joined.sort_values("distance_m", kind="stable")
    joined = joined[~joined.index.duplicated(keep="first")]
    found = pd.concat([joined, _named_targets(metric[named], points["target_id"], targets)])
    found = found[found["distance_m"] <= tolerance_m]
    found["distance_m"] = found["distance_m"].round(1)
    return found[["uid", "name", "distance_m"]]


def _named_targets(
    metric: gpd.GeoDataFrame, ids: pd.Series, targets: gpd.GeoDataFrame
) -> pd.DataFrame:
    """The target each point names by id (those it names among `targets`), with the distance."""
    by_uid = targets.set_index("uid")
    wanted = ids[metric.index]
    known = wanted.isin(by_uid.index)
    chosen = by_uid.loc[wanted[known]]
    return pd.DataFrame(
        {
            "uid": wanted[known].to_numpy(),
            "name": chosen["name"].to_numpy(),
            "distance_m": metric[known].distance(chosen.geometry, align=False).to_numpy(),
        },
        index=metric.index[known],
    )


def _mark_duplicates_in_file(rows: pd.DataFrame) -> None:
    """A second point for the same target, team and minute in one file is a duplicate."""
    pending = rows["status"] == "pending"
    minute = rows["visited_at"].dt.floor("min")
    key = pd.DataFrame({"uid": rows["target_uid"], "team": rows["team"], "minute": minute})
    repeated = key[pending].duplicated(keep="first")
    rows.loc[repeated[repeated].index, "status"] = "duplicate"
