"""Distance bands: how far each target (household, village …) is from its nearest service
(a clinic, a workshop, a bus stop …), in bands of km, and the bands counted per township."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.stats import nearest_km
from layers import load_layer

__all__ = ["DEFAULT_EDGES_KM", "band_labels", "bands_by_township", "distance_bands"]

DEFAULT_EDGES_KM = (1.0, 3.0, 5.0)
_UNKNOWN = ("乡镇街道不明", "Township unknown")
_DISTRICT = ("全区", "District")
_UNKNOWN_CODE, _DISTRICT_CODE = "__unknown__", "__district__"
_EDGES_ATTR = "edges_km"  # distance_bands records its edges in the table's attrs


def band_labels(edges_km: Sequence[float], lang: str) -> list[str]:
    """The bands' labels, nearest first: "< 1 km", "1–3 km" …, "> 5 km" (zh "1 公里以内" …)."""
    edges = _edges(edges_km)
    low, high = f"{edges[0]:g}", f"{edges[-1]:g}"
    middle = [f"{a:g}–{b:g}" for a, b in itertools.pairwise(edges)]
    if lang == "en":
        return [f"< {low} km", *(f"{band} km" for band in middle), f"> {high} km"]
    return [f"{low} 公里以内", *(f"{band} 公里" for band in middle), f"{high} 公里以上"]


def distance_bands(
    targets: gpd.GeoDataFrame,
    services: gpd.GeoDataFrame,
    edges_km: Sequence[float] = DEFAULT_EDGES_KM,
) -> pd.DataFrame:
    """Per target (index as `targets`): the index label of the nearest service ("service"), the
    km to it ("km": from the target's representative point to the nearest point of the
    service, in the metric CRS), its band ("band": 0 nearest) and the band's labels ("band_zh",
    "band_en"). Bands are closed below, open above: a target exactly 1 km away is in "1–3 km"."""
    edges = _edges(edges_km)
    if services.empty:
        raise ValueError("distance bands: no services given to measure the distance to")
    nearest = nearest_km(targets, services)
    band = np.searchsorted(edges, nearest["km"].to_numpy(), side="right")
    zh, en = np.array(band_labels(edges, "zh")), np.array(band_labels(edges, "en"))
    table = pd.DataFrame(
        {
            "service": nearest["target"],
            "km": nearest["km"],
            "band": band,
            "band_zh": zh[band],
            "band_en": en[band],
        },
        index=targets.index,
    )
    table.attrs[_EDGES_ATTR] = edges
    return table


def bands_by_township(bands: pd.DataFrame, township_codes: pd.Series, lang: str) -> pd.DataFrame:
    """One row per township (layer townships' order and names, in `lang`): targets in each band
    of a distance_bands table, their total and the share (%) in the nearest band; targets of
    no known township in one more row, and the district total last. `township_codes` is
    indexed as `bands`."""
    en = lang == "en"
    labels = _labels_of(bands, lang)
    townships = load_layer("townships")
    names = dict(zip(townships["code"], townships["name_en" if en else "name"], strict=True))
    codes = township_codes.reindex(bands.index)
    codes = codes.where(codes.isin(list(names)), _UNKNOWN_CODE)
    counts = pd.crosstab(codes, bands["band"]).reindex(
        index=[*names, _UNKNOWN_CODE], columns=range(len(labels)), fill_value=0
    )
    if counts.loc[_UNKNOWN_CODE].sum() == 0:
        counts = counts.drop(index=_UNKNOWN_CODE)
    counts.loc[_DISTRICT_CODE] = counts.sum()
    township, total, share = (
        ("Township", "Total", f"Share {labels[0]} (%)")
        if en
        else ("乡镇街道", "合计", f"{labels[0]}占比 (%)")
    )
    table = pd.DataFrame(counts.to_numpy(dtype=int), columns=labels)
    names[_UNKNOWN_CODE], names[_DISTRICT_CODE] = _UNKNOWN[en], _DISTRICT[en]
    table.insert(0, township, [names[code] for code in counts.index])
    table[total] = table[labels].sum(axis=1)
    table[share] = (100 * table[labels[0]] / table[total].where(table[total] > 0)).round(1)
    return table


def _labels_of(bands: pd.DataFrame, lang: str) -> list[str]:
    """The band labels of a distance_bands table, every band (its edges are in its attrs)."""
    edges = bands.attrs.get(_EDGES_ATTR)
    if edges is None:
        raise ValueError("bands_by_township takes a table made by distance_bands")
    return band_labels(edges, lang)


def _edges(edges_km: Sequence[float]) -> tuple[float, ...]:
    """The edges as floats; ValueError unless they are positive and strictly increasing."""
    try:
        edges = tuple(float(edge) for edge in edges_km)
    except (TypeError, ValueError):
        raise ValueError(f"band edges must be numbers of km, got {edges_km!r}") from None
    if not edges:
        raise ValueError("band edges: give at least one distance (km)")
    if not all(np.isfinite(edge) and edge > 0 for edge in edges):
        raise ValueError(f"band edges must be positive finite km, got {list(edges)}")
    if any(b <= a for a, b in itertools.pairwise(edges)):
        raise ValueError(f"band edges must be strictly increasing, got {list(edges)}")
    return edges
