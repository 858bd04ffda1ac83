"""A frame as it came from a file, before its CRS is settled: what every reader returns."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd

from geo.errors import ReadNotice

__all__ = ["GEOMETRY_COLUMN", "Loaded", "renamed_geometry_field"]

# What GeoPandas calls the geometry: a field of a file with this name must be kept under another.
GEOMETRY_COLUMN = "geometry"


@dataclass(frozen=True)
class Loaded:
    """Features as read, how their text was decoded, the layer read, and what reading changed."""

    frame: gpd.GeoDataFrame
    driver: str
    encoding: str | None
    encoding_reason: str
    layer: str | None
    notices: tuple[ReadNotice, ...] = ()


def renamed_geometry_field(
    taken: Iterable[str], *, kind: str, clashes_with: str
) -> tuple[str, ReadNotice]:
    """The first free name "geometry_N" for a field called "geometry", and the notice saying so.

    `kind` ("column", "field") and `clashes_with` word the notice as the reader knows it.
    """
    names = set(taken)
    number = 1
    while f"{GEOMETRY_COLUMN}_{number}" in names:
        number += 1
    new = f"{GEOMETRY_COLUMN}_{number}"
    detail = f"the {kind} '{GEOMETRY_COLUMN}' would clash with {clashes_with}; kept as '{new}'"
    return new, ReadNotice("column_renamed", 1, detail)
