"""Chinese web-map coordinate offsets (WGS-84, GCJ-02, BD-09), vectorised with numpy."""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from pyproj import CRS

from geo.errors import DataError

__all__ = [
    "BD09",
    "GCJ02",
    "SYSTEMS",
    "WGS84",
    "bd09_to_gcj02",
    "convert",
    "convert_geometries",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "wgs84_to_gcj02",
]

WGS84 = "WGS84"
GCJ02 = "GCJ02"
BD09 = "BD09"
SYSTEMS = (WGS84, GCJ02, BD09)

Coordinate = float | NDArray[np.float64]
LonLat = tuple[Coordinate, Coordinate]
Frame = gpd.GeoDataFrame | gpd.GeoSeries

# GCJ-02 works on the Krasovsky 1940 ellipsoid.
_A = 6378245.0
_EE = 0.00669342162296594323
# BD-09 rotates and stretches GCJ-02 about the origin with this angular frequency.
_X_PI = np.pi * 3000.0 / 180.0
_BD_DLON, _BD_DLAT = 0.0065, 0.006
# The rough box in which GCJ-02 differs from WGS-84; points outside it are left as they are.
_CHINA_LON = (72.004, 137.8347)
_CHINA_LAT = (0.8293, 55.8271)
# Both inverses are solved by fixed-point iteration; the map is a near-identity, so each
# step gains about three decimal digits and the cap is never reached inside China.
_INVERSE_TOLERANCE_DEG = 1e-10
_INVERSE_MAX_ITERATIONS = 20
_LONLAT_EPSG = (4326, 4490)  # WGS 84 and CGCS2000 agree to centimetres: one display datum.
_RESULT_CRS = "EPSG:4326"
_FRAME_SOURCE = "<GeoDataFrame>"


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> LonLat:
    """WGS-84 longitude/latitude to GCJ-02 (unchanged outside China's rough box)."""
    x, y, scalar = _as_arrays(lon, lat)
    gx, gy = _wgs_to_gcj(x, y)
    return _pack(gx, gy, scalar)


def gcj02_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> LonLat:
    """GCJ-02 longitude/latitude to WGS-84, the exact inverse found by iteration."""
    x, y, scalar = _as_arrays(lon, lat)
    dx, dy = _gcj_delta(x, y)
    inside = _in_china(x, y)
    first = (np.where(inside, x - dx, x), np.where(inside, y - dy, y))
    wx, wy = _invert(_wgs_to_gcj, x, y, first)
    return _pack(wx, wy, scalar)


def gcj02_to_bd09(lon: ArrayLike, lat: ArrayLike) -> LonLat:
    """GCJ-02 longitude/latitude to Baidu BD-09."""
    x, y, scalar = _as_arrays(lon, lat)
    bx, by = _gcj_to_bd(x, y)
    return _pack(bx, by, scalar)


def bd09_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> LonLat:
    """Baidu BD-09 longitude/latitude to GCJ-02, the exact inverse found by iteration."""
    x, y, scalar = _as_arrays(lon, lat)
    u, v = x - _BD_DLON, y - _BD_DLAT
    z = np.hypot(u, v) - 0.00002 * np.sin(v * _X_PI)
    theta = np.arctan2(v, u) - 0.000003 * np.cos(u * _X_PI)
    gx, gy = _invert(_gcj_to_bd, x, y, (z * np.cos(theta), z * np.sin(theta)))
    return _pack(gx, gy, scalar)


_TO_GCJ: dict[str, Callable[[ArrayLike, ArrayLike], LonLat]] = {
    WGS84: wgs84_to_gcj02,
    BD09: bd09_to_gcj02,
}
_FROM_GCJ: dict[str, Callable[[ArrayLike, ArrayLike], LonLat]] = {
    WGS84: gcj02_to_wgs84,
    BD09: gcj02_to_bd09,
}


def convert(lon: ArrayLike, lat: ArrayLike, source: str, target: str) -> LonLat:
    """Longitude/latitude from one of SYSTEMS to another (names are case-insensitive)."""
    source, target = _system(source), _system(target)
    if source == target:
        return lon, lat
    if source != GCJ02:
        lon, lat = _TO_GCJ[source](lon, lat)
    if target != GCJ02:
        lon, lat = _FROM_GCJ[target](lon, lat)
    return lon, lat


def convert_geometries(data: Frame, source: str, target: str) -> Frame:
    """A new frame or series whose lon/lat geometries are shifted from source to target."""
    source, target = _system(source), _system(target)
    if not isinstance(data, gpd.GeoDataFrame | gpd.GeoSeries):
        raise TypeError(f"expected a GeoDataFrame or GeoSeries, got {type(data).__name__}")
    _check_lonlat(data)

    def shift(coords: NDArray[np.float64]) -> NDArray[np.float64]:
        out = coords.copy()
        out[:, 0], out[:, 1] = convert(coords[:, 0], coords[:, 1], source, target)
        return out

    geoms = np.asarray(data.geometry.values, dtype=object)
    shifted = geoms.copy() if source == target else shapely.transform(geoms, shift, include_z=None)
    if isinstance(data, gpd.GeoSeries):
        return gpd.GeoSeries(shifted, index=data.index, crs=_RESULT_CRS, name=data.name)
    result = data.set_crs(_RESULT_CRS, allow_override=True)  # a copy: the input is untouched
    result[data.geometry.name] = shifted
    return result


def _system(name: str) -> str:
    key = name.upper() if isinstance(name, str) else name
    if key not in SYSTEMS:
        raise ValueError(
            f"unknown coordinate system {name!r}; expected one of {', '.join(SYSTEMS)}"
        )
    return key


def _check_lonlat(data: Frame) -> None:
    crs = data.crs
    hint = (
        "offsets are applied to longitude/latitude only; "
        "reproject to EPSG:4326 (or CGCS2000 EPSG:4490) first"
    )
    if crs is None:
        raise DataError(_FRAME_SOURCE, f"the data has no CRS; {hint}")
    if crs.to_epsg() not in _LONLAT_EPSG and not crs.equals(CRS("OGC:CRS84")):
        raise DataError(_FRAME_SOURCE, f"the data is in {crs.to_string()}; {hint}")


def _as_arrays(lon: ArrayLike, lat: ArrayLike) -> tuple[NDArray, NDArray, bool]:
    x = np.asarray(lon, dtype=np.float64)
    y = np.asarray(lat, dtype=np.float64)
    return x, y, x.ndim == 0 and y.ndim == 0


def _pack(x: NDArray, y: NDArray, scalar: bool = False) -> LonLat:
    return (float(x), float(y)) if scalar else (x, y)


def _in_china(x: NDArray, y: NDArray) -> NDArray[np.bool_]:
    return (x >= _CHINA_LON[0]) & (x <= _CHINA_LON[1]) & (y >= _CHINA_LAT[0]) & (y <= _CHINA_LAT[1])


def _gcj_delta(lon: NDArray, lat: NDArray) -> tuple[NDArray, NDArray]:
    """GCJ-02 shift in degrees at a WGS-84 point, ignoring the China box."""
    x, y = lon - 105.0, lat - 35.0
    px, py = x * np.pi, y * np.pi
    ripple = (20.0 * np.sin(6.0 * px) + 20.0 * np.sin(2.0 * px)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    dlat += ripple + (20.0 * np.sin(py) + 40.0 * np.sin(py / 3.0)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(py / 12.0) + 320.0 * np.sin(py / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    dlon += ripple + (20.0 * np.sin(px) + 40.0 * np.sin(px / 3.0)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(px / 12.0) + 300.0 * np.sin(px / 30.0)) * 2.0 / 3.0
    rad_lat = np.radians(lat)
    magic = 1.0 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = dlat * 180.0 / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = dlon * 180.0 / (_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    return dlon, dlat


def _wgs_to_gcj(x: NDArray, y: NDArray) -> tuple[NDArray, NDArray]:
    dx, dy = _gcj_delta(x, y)
    inside = _in_china(x, y)
    return np.where(inside, x + dx, x), np.where(inside, y + dy, y)


def _gcj_to_bd(x: NDArray, y: NDArray) -> tuple[NDArray, NDArray]:
    z = np.hypot(x, y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + _BD_DLON, z * np.sin(theta) + _BD_DLAT


def _invert(
    forward: Callable[[NDArray, NDArray], tuple[NDArray, NDArray]],
    x: NDArray,
    y: NDArray,
    first: tuple[NDArray, NDArray],
) -> tuple[NDArray, NDArray]:
    """Solve forward(p) = (x, y) for p by fixed-point iteration from a first guess."""
    px, py = first
    for _ in range(_INVERSE_MAX_ITERATIONS):
        fx, fy = forward(px, py)
        ex, ey = fx - x, fy - y
        px, py = px - ex, py - ey
        # NaN residuals compare False, so missing coordinates do not keep the loop going.
        if not np.any(np.fmax(np.abs(ex), np.abs(ey)) > _INVERSE_TOLERANCE_DEG):
            break
    return px, py
