"""Villages, district bounds and the refusal helper shared by the geo.io tests
(test_io.py, test_io_errors.py, test_crs_choice.py, test_shapefile_write.py)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from geo.errors import DataError
from geo.io import read_vector

NAMES = ["长宝营子乡", "驼山子村"]
# CGCS2000 3-degree Gauss-Krüger CM 120°E, inside Shuangta District.
GK_POINTS = [(545000.0, 4600000.0), (546500.0, 4601500.0)]
LONLAT_POINTS = [(120.50, 41.60), (120.55, 41.65)]
DISTRICT_LON = (120.39, 120.65)
DISTRICT_LAT = (41.40, 41.78)


def _villages(points: list[tuple[float, float]], crs: str | None) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": NAMES, "code": [1, 2]}, geometry=[Point(p) for p in points], crs=crs
    )


def _assert_in_district(frame: gpd.GeoDataFrame) -> None:
    assert frame.crs.equals("EPSG:4326")
    minx, miny, maxx, maxy = frame.total_bounds
    assert DISTRICT_LON[0] <= minx <= maxx <= DISTRICT_LON[1]
    assert DISTRICT_LAT[0] <= miny <= maxy <= DISTRICT_LAT[1]


def _raise_message(source: Path, **kwargs: object) -> str:
    with pytest.raises(DataError) as caught:
        read_vector(source, **kwargs)
    assert source.name in str(caught.value)
    return str(caught.value)
