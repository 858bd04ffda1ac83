"""CRS policy: display in EPSG:4326, measure in one metric CRS, guess a missing CRS."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

__all__ = [
    "DISPLAY_CRS",
    "METRIC_CRS",
    "SQUARE_METRES_PER_MU",
    "CrsGuess",
    "area_ha",
    "area_m2",
    "area_mu",
    "guess_crs",
    "length_km",
    "to_display",
    "to_metric",
]

DISPLAY_CRS = "EPSG:4326"
# CGCS2000 / 3-degree Gauss-Krüger CM 120°E: the district (120.39–120.65°E) lies within
# 0.65° of the central meridian, so its scale error is below 1e-4 and areas are true to 0.01%.
METRIC_CRS = "EPSG:4549"
SQUARE_METRES_PER_MU = 10000 / 15
SQUARE_METRES_PER_HECTARE = 10_000

_GK3_ZONES = range(25, 46)  # EPSG:4513 (zone 25) … EPSG:4533 (zone 45), zone number in easting
_GK6_ZONES = range(13, 24)  # EPSG:4491 (zone 13) … EPSG:4501 (zone 23), zone number in easting
_FALSE_EASTING_SPAN = (100_000, 900_000)
_NORTHING_SPAN = (1_000_000, 6_000_000)  # China's latitudes in Gauss-Krüger metres


@dataclass(frozen=True)
class CrsGuess:
    """A CRS inferred from coordinate ranges, with the reason shown to the user."""

    crs: str
    reason: str


def to_display(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The frame in the display CRS (EPSG:4326)."""
    return gdf if gdf.crs is not None and gdf.crs.equals(DISPLAY_CRS) else gdf.to_crs(DISPLAY_CRS)


def to_metric(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> gpd.GeoDataFrame | gpd.GeoSeries:
    """The frame in the metric CRS used for every area and length."""
    return gdf.to_crs(METRIC_CRS)


def area_m2(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> pd.Series:
    """Area of each feature in square metres, measured in the metric CRS."""
    return to_metric(gdf).area


def area_mu(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> pd.Series:
    """Area of each feature in 亩 (1 亩 = 10000/15 m²)."""
    return area_m2(gdf) / SQUARE_METRES_PER_MU


def area_ha(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> pd.Series:
    """Area of each feature in hectares."""
    return area_m2(gdf) / SQUARE_METRES_PER_HECTARE


def length_km(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> pd.Series:
    """Length of each feature in kilometres, measured in the metric CRS."""
    return to_metric(gdf).length / 1000


def guess_crs(bounds: tuple[float, float, float, float]) -> CrsGuess | None:
    """Guess the CRS of coordinates from their bounds (minx, miny, maxx, maxy), or None."""
    minx, miny, maxx, maxy = bounds
    if -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90:
        return CrsGuess(
            DISPLAY_CRS, "坐标在经纬度范围内 (coordinates are within longitude/latitude ranges)"
        )
    if not (_NORTHING_SPAN[0] <= miny <= maxy <= _NORTHING_SPAN[1]):
        return None
    zone = int(minx // 1_000_000)
    if zone == int(maxx // 1_000_000) and _within_false_easting(minx % 1_000_000, maxx % 1_000_000):
        if zone in _GK3_ZONES:
            return CrsGuess(
                f"EPSG:{4513 + zone - 25}",
                f"东坐标带 {zone} 带号前缀，CGCS2000 3 度带高斯-克吕格 "
                f"(easting carries zone prefix {zone}: CGCS2000 3-degree Gauss-Krüger)",
            )
        if zone in _GK6_ZONES:
            return CrsGuess(
                f"EPSG:{4491 + zone - 13}",
                f"东坐标带 {zone} 带号前缀，CGCS2000 6 度带高斯-克吕格 "
                f"(easting carries zone prefix {zone}: CGCS2000 6-degree Gauss-Krüger)",
            )
    if _within_false_easting(minx, maxx):
        return CrsGuess(
            METRIC_CRS,
            "东坐标无带号，按本区所在 3 度带（中央经线 120°E）解读 "
            "(easting without zone prefix: read as the district's 3-degree zone, CM 120°E)",
        )
    return None


def _within_false_easting(minx: float, maxx: float) -> bool:
    return _FALSE_EASTING_SPAN[0] <= minx <= maxx <= _FALSE_EASTING_SPAN[1]
