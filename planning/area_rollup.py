"""The roll-up of a study area: every chosen layer's totals inside it, as the township panel's
roll-up gives them per township (layers.figures.township_rollup), plus area and length inside.

Cached: each layer's metric copy, measures and spatial index (geo.area_stats.index_layer),
once per layer and version of the data (layers.data_version(); an uploaded layer by its key,
size and bounds). A query then costs an index lookup, vectorised point-in-area tests and the
intersection of the features crossing the area's boundary only.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import geopandas as gpd
import pandas as pd

from geo.area_stats import IndexedLayer, features_in_area, index_layer, rollup_in_area
from layers import REGISTRY, data_version, get_layer, load_layer
from layers.figures import CONTEXT_LAYERS, totals_options, zone_total
from planning.area import StudyArea

__all__ = ["area_features", "area_rollup"]

_COLUMNS = ["layer", "label", "value", "unit"]
# The rows added for every polygon or line layer (unless a total of the spec says the same),
# and the count of an uploaded layer (which has no totals): label zh, label en, unit zh, en.
_AREA_ROW = ("面积", "Area", "亩", "mu")
_LENGTH_ROW = ("长度", "Length", "千米", "km")
_COUNT_ROW = ("数量", "Features", "个", "")


def area_rollup(area: StudyArea, layers: Sequence[str], lang: str) -> pd.DataFrame:
    """Layer title, label, value and unit of each layer's totals inside `area`, by the township
    roll-up's rule (points inside, polygons by representative point, lines by a part of
    positive length; area and length split by intersection), then the area (亩) of a polygon
    layer and the length (km) of a line layer inside. Context layers are left out; an uploaded
    layer gets its count and area or length. A layer with nothing inside shows zeros."""
    en = lang == "en"
    rows: list[tuple] = []
    for key in layers:
        if key in CONTEXT_LAYERS:
            continue
        spec = get_layer(key)
        if key in REGISTRY and not spec.totals:
            continue
        indexed, frame = _indexed(key, _version(key))
        zone = rollup_in_area(indexed, frame, area.metric, **totals_options(spec))
        title = spec.title(lang)
        ops = {total.op for total in spec.totals}
        for total in spec.totals:
            label, unit = (total.label_en, total.unit_en) if en else (total.label_zh, total.unit_zh)
            rows.append((title, label, round(zone_total(total, zone), 2), unit))
        extra = []
        if not spec.totals:
            extra.append((_COUNT_ROW, float(zone["count"])))
        if "area_mu" in zone and not ops & {"area_mu", "area_km2"}:
            extra.append((_AREA_ROW, float(zone["area_mu"])))
        if "length_km" in zone and "length_km" not in ops:
            extra.append((_LENGTH_ROW, float(zone["length_km"])))
        for (label_zh, label_en, unit_zh, unit_en), value in extra:
            rows.append(
                (title, label_en if en else label_zh, round(value, 2), unit_en if en else unit_zh)
            )
    return pd.DataFrame(rows, columns=_COLUMNS)


def area_features(area: StudyArea, layer: str) -> gpd.GeoDataFrame:
    """The public fields and geometry (EPSG:4326) of the features of `layer` counted inside
    `area`, by the roll-up's rule (for download)."""
    spec = get_layer(layer)
    indexed, _ = _indexed(layer, _version(layer))
    frame = load_layer(layer)
    public = [f.name for f in spec.public_fields if f.name in frame.columns]
    hits = features_in_area(indexed, area.metric)
    return frame.iloc[hits.rows][[*public, frame.geometry.name]].reset_index(drop=True)


def _version(key: str) -> tuple:
    """What a layer's index depends on: the data's version, or an uploaded layer's shape."""
    if key in REGISTRY:
        return data_version()
    frame = load_layer(key)
    return (len(frame), tuple(frame.total_bounds))


@lru_cache(maxsize=64)
def _indexed(key: str, version: tuple) -> tuple[IndexedLayer, pd.DataFrame]:
    """A layer's metric index and its attributes (no geometry), once per layer and version."""
    frame = load_layer(key)
    return index_layer(frame.geometry), pd.DataFrame(frame.drop(columns=frame.geometry.name))
