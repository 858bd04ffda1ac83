"""The rules of seeding a layer, written once for both stores: each feature's values as plain
Python, and the states its shipped history (or a plain add on the layer's start) gives it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import geopandas as gpd

from store.base import LayerSchema, SeedLayer, StoreError
from store.changes import plain_value
from store.versioned import Row

__all__ = ["frame_records", "seed_events"]


def seed_events(
    frame: gpd.GeoDataFrame, layer: SeedLayer, records: list[dict], blobs: list
) -> list[tuple[Row, dt.date, bytes | None]]:
    """Every seeded state, feature by feature in the frame's order: the shipped history's
    events, or an add on the layer's start date for a feature without one."""
    schema = layer.schema
    every = (*schema.names, "geometry")
    by_uid: dict[str, list] = {}
    for uid, effective, action, attributes in sorted(layer.history, key=lambda e: e[1]):
        by_uid.setdefault(uid, []).append((effective, action, attributes))
    uids = [str(r[schema.id_field]) for r in records]
    unknown = sorted(set(by_uid) - set(uids))
    if unknown:
        raise StoreError(f"layer '{schema.key}': history names unknown features {unknown}")
    events: list[tuple[Row, dt.date, bytes | None]] = []
    for uid, record, blob in zip(uids, records, blobs, strict=True):
        before = None
        for effective, action, attributes in by_uid.get(uid, [(layer.start, "add", record)]):
            values = {n: plain_value(attributes.get(n), k) for n, k in schema.fields}
            fields = (
                every
                if before is None
                else tuple(n for n in schema.names if before[n] != values[n])
            )
            events.append((Row(uid, action, values, None, before, fields), effective, blob))
            before = values
        if before != record:
            raise StoreError(f"layer '{schema.key}': the history of '{uid}' ends elsewhere")
    return events


def frame_records(frame: gpd.GeoDataFrame, schema: LayerSchema) -> Iterator[dict]:
    """Each feature's field values as plain Python values of their kinds, in the frame's order."""
    columns = [frame[name].astype(object).to_numpy() for name in schema.names]
    for values in zip(*columns, strict=True):
        yield {n: plain_value(v, k) for (n, k), v in zip(schema.fields, values, strict=True)}
