"""Known answers for geo.shapefile_write: deterministic parts, .cpg, text the encoding holds."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from geo.errors import DataError
from geo.shapefile_write import write_shapefile
from tests.geo.io_cases import (
    GK_POINTS,
    _villages,
)

# --- writing -------------------------------------------------------------------------------------


def test_write_shapefile_is_deterministic(tmp_path: Path) -> None:
    villages = _villages(GK_POINTS, "EPSG:4549")

    first = write_shapefile(villages, tmp_path / "one" / "v.shp", encoding="GBK")
    second = write_shapefile(villages, tmp_path / "two" / "v.shp", encoding="GBK")

    for suffix in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
        assert first.with_suffix(suffix).read_bytes() == second.with_suffix(suffix).read_bytes()


def test_write_shapefile_parts_and_cpg(tmp_path: Path) -> None:
    villages = _villages(GK_POINTS, "EPSG:4549")

    shp = write_shapefile(villages, tmp_path / "deep" / "er" / "v.shp", encoding="GBK")
    assert shp == tmp_path / "deep" / "er" / "v.shp"
    assert sorted(p.suffix for p in shp.parent.iterdir()) == [
        ".cpg",
        ".dbf",
        ".prj",
        ".shp",
        ".shx",
    ]
    assert shp.with_suffix(".cpg").read_text().strip() == "GBK"
    assert "长宝营子乡".encode("gbk") in shp.with_suffix(".dbf").read_bytes()

    write_shapefile(villages, shp, encoding="GBK", write_cpg=False)
    assert not shp.with_suffix(".cpg").exists()


def test_write_shapefile_refuses_text_the_encoding_cannot_hold(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"name": ["村😀"]}, geometry=[Point(1, 2)], crs="EPSG:4549")

    with pytest.raises(DataError, match="cannot be written in GBK"):
        write_shapefile(frame, tmp_path / "emoji.shp", encoding="GBK")
