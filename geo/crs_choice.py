"""The CRS of features read from a file: declared, contradicted, chosen by the user or guessed.

A declared CRS is used unless the coordinates contradict it, it cannot be placed on the Earth
(a local/engineering CRS) or belongs to another body; then the user's choice applies, or a
guess from the coordinates, and the reason says which.  Latitude written first is detected.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pyproj
import shapely
from pyproj.exceptions import CRSError

from geo.crs import guess_crs, to_display
from geo.errors import DataError, SwappedAxes

__all__ = ["display_frame", "settle_crs"]

# China's extent, for telling latitude/longitude written the wrong way round.
_CHINA_LON = (73.0, 136.0)
_CHINA_LAT = (3.0, 54.0)
_EARTH_RADIUS_M = 6_378_137.0


def settle_crs(
    frame: gpd.GeoDataFrame, label: str, crs: str | None
) -> tuple[gpd.GeoDataFrame, str, str, bool]:
    """The frame with its CRS set, the CRS's name, how it was chosen, and whether guessed."""
    bounds = tuple(float(v) for v in frame.total_bounds)
    finite = all(math.isfinite(v) for v in bounds)
    if finite and _looks_swapped(bounds) and (frame.crs is None or frame.crs.is_geographic):
        raise SwappedAxes(
            label,
            "the coordinates look like latitude and longitude swapped (x from "
            f"{_number(bounds[0])} to {_number(bounds[2])} reads as latitudes, y from "
            f"{_number(bounds[1])} to {_number(bounds[3])} as longitudes); swap them to read",
        )
    declared = frame.crs
    doubt = ""
    if declared is not None:
        contradiction = _contradiction(declared, bounds) if finite else None
        if contradiction is None:
            reason = "read from the file"
            if crs is not None:
                reason += f" (crs={crs!r} ignored: the file declares its own)"
            return frame, _crs_name(declared), reason, False
        doubt = f"the file declares {_crs_name(declared)} but {contradiction}; "
    else:
        doubt = "the file has no CRS; "

    if crs is not None:
        try:
            chosen = pyproj.CRS.from_user_input(crs)
        except CRSError as error:
            raise DataError(label, f"invalid crs={crs!r}: {error}") from error
        frame = frame.set_crs(chosen, allow_override=True)
        return frame, _crs_name(chosen), doubt + f"given by the caller (crs={crs!r})", False
    if not finite:
        raise DataError(label, doubt + "no coordinates to guess a CRS from (all geometries empty)")
    guess = guess_crs(bounds)
    if guess is None:
        minx, miny, maxx, maxy = (_number(v) for v in bounds)
        raise DataError(
            label,
            doubt + "no CRS and none can be guessed from coordinates "
            f"(minx {minx}, miny {miny}, maxx {maxx}, maxy {maxy}); pass crs= to say which",
        )
    frame = frame.set_crs(guess.crs, allow_override=True)
    return frame, guess.crs, doubt + f"guessed from the coordinates: {guess.reason}", True


def _looks_swapped(bounds: tuple[float, float, float, float]) -> bool:
    """x within China's latitudes and y within its longitudes, but not the other way round."""
    minx, miny, maxx, maxy = bounds
    lat_as_x = _CHINA_LAT[0] <= minx <= maxx <= _CHINA_LAT[1]
    lon_as_y = _CHINA_LON[0] <= miny <= maxy <= _CHINA_LON[1]
    return lat_as_x and lon_as_y and maxy > 90


def _contradiction(declared: pyproj.CRS, bounds: tuple[float, float, float, float]) -> str | None:
    """Why coordinates cannot be in the declared CRS, or None if they may be."""
    if not (declared.is_geographic or declared.is_projected):
        return f"it is a {declared.type_name.lower()}, which cannot be placed on the Earth"
    if not _on_earth(declared):
        return "it is not a coordinate system of the Earth"
    minx, miny, maxx, maxy = bounds
    lon_lat = -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90
    if declared.is_geographic and not lon_lat:
        return "the coordinates are not longitudes/latitudes"
    if declared.is_projected and lon_lat:
        return "the coordinates look like longitudes/latitudes, not metres"
    return None


def _on_earth(crs: pyproj.CRS) -> bool:
    """Whether the CRS's ellipsoid is the Earth's (its semi-major axis within 10 km of it)."""
    ellipsoid = crs.ellipsoid
    return ellipsoid is not None and abs(ellipsoid.semi_major_metre - _EARTH_RADIUS_M) < 10_000


def _crs_name(crs: pyproj.CRS) -> str:
    """A short name for a CRS: its authority code when it has one."""
    authority = crs.to_authority(min_confidence=70)
    return ":".join(authority) if authority else crs.name


def _number(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def display_frame(frame: gpd.GeoDataFrame, label: str, crs: str, reason: str) -> gpd.GeoDataFrame:
    """The frame in EPSG:4326; DataError when its CRS cannot be converted (another body, …)."""
    try:
        shown = to_display(frame)
    except (pyproj.exceptions.ProjError, CRSError, ValueError, TypeError) as error:
        raise DataError(
            label, f"coordinates cannot be converted from {crs} to EPSG:4326 ({error})"
        ) from None
    if not np.isfinite(shapely.get_coordinates(shown.geometry.array)).all():
        raise DataError(
            label, f"coordinates cannot be converted from {crs} to EPSG:4326 ({reason})"
        )
    return shown
