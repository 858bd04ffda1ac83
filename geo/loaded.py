"""A frame as it came from a file, before its CRS is settled: what every reader returns."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd

from geo.errors import ReadNotice

__all__ = ["Loaded"]


@dataclass(frozen=True)
class Loaded:
    """Features as read, how their text was decoded, the layer read, and what reading changed."""

    frame: gpd.GeoDataFrame
    driver: str
    encoding: str | None
    encoding_reason: str
    layer: str | None
    notices: tuple[ReadNotice, ...] = ()
