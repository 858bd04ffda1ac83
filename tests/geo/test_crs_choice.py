"""Known answers for geo.crs_choice through geo.io: CRS read, given, guessed, axes swapped."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import shapely

from geo.errors import SwappedAxes
from geo.io import read_vector, read_vector_with_report
from geo.shapefile_write import write_shapefile
from tests.geo.io_cases import (
    GK_POINTS,
    LONLAT_POINTS,
    _assert_in_district,
    _villages,
)

# --- shapefile CRS ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("easting_offset", "expected_crs"), [(0, "EPSG:4549"), (40_000_000, "EPSG:4528")]
)
def test_gauss_kruger_without_prj_is_guessed(
    tmp_path: Path, easting_offset: float, expected_crs: str
) -> None:
    points = [(x + easting_offset, y) for x, y in GK_POINTS]
    shp = write_shapefile(_villages(points, None), tmp_path / "noprj.shp")
    assert not shp.with_suffix(".prj").exists()

    frame, report = read_vector_with_report(shp)

    _assert_in_district(frame)
    assert report.crs_source == expected_crs
    assert "guessed" in report.crs_reason
    assert "no CRS" in report.crs_reason


@pytest.mark.parametrize(("easting_offset", "crs"), [(0, "EPSG:4549"), (40_000_000, "EPSG:4528")])
def test_gauss_kruger_with_prj_is_honoured(tmp_path: Path, easting_offset: float, crs: str) -> None:
    points = [(x + easting_offset, y) for x, y in GK_POINTS]
    shp = write_shapefile(_villages(points, crs), tmp_path / "prj.shp")
    assert shp.with_suffix(".prj").exists()

    frame, report = read_vector_with_report(shp)

    _assert_in_district(frame)
    assert report.crs_source == crs
    assert report.crs_reason == "read from the file"


def test_both_gauss_kruger_forms_land_on_the_same_spot(tmp_path: Path) -> None:
    plain = write_shapefile(_villages(GK_POINTS, None), tmp_path / "plain.shp")
    zoned = [(x + 40_000_000, y) for x, y in GK_POINTS]
    prefixed = write_shapefile(_villages(zoned, None), tmp_path / "prefixed.shp")

    a = shapely.get_coordinates(read_vector(plain).geometry.array)
    b = shapely.get_coordinates(read_vector(prefixed).geometry.array)

    assert np.allclose(a, b, rtol=0, atol=1e-9)


def test_crs_argument_is_used_when_the_file_has_none(tmp_path: Path) -> None:
    shp = write_shapefile(_villages(GK_POINTS, None), tmp_path / "given.shp")

    frame, report = read_vector_with_report(shp, crs="EPSG:4549")

    _assert_in_district(frame)
    assert report.crs_source == "EPSG:4549"
    assert "crs=" in report.crs_reason


def test_crs_argument_does_not_override_the_file(tmp_path: Path) -> None:
    shp = write_shapefile(_villages(GK_POINTS, "EPSG:4549"), tmp_path / "own.shp")

    frame, report = read_vector_with_report(shp, crs="EPSG:4528")

    _assert_in_district(frame)
    assert report.crs_source == "EPSG:4549"
    assert "ignored" in report.crs_reason


def test_geographic_prj_contradicted_by_metre_coordinates_falls_back_to_guess(
    tmp_path: Path,
) -> None:
    wrong = _villages(GK_POINTS, None).set_crs("EPSG:4490")
    shp = write_shapefile(wrong, tmp_path / "wrongprj.shp")

    frame, report = read_vector_with_report(shp)

    _assert_in_district(frame)
    assert report.crs_source == "EPSG:4549"
    assert "declares EPSG:4490" in report.crs_reason


def test_cgcs2000_geographic_is_converted(tmp_path: Path) -> None:
    shp = write_shapefile(_villages(LONLAT_POINTS, "EPSG:4490"), tmp_path / "cgcs.shp")

    frame, report = read_vector_with_report(shp)

    _assert_in_district(frame)
    assert report.crs_source == "EPSG:4490"


def test_latitude_written_first_is_detected_and_can_be_swapped(tmp_path: Path) -> None:
    path = tmp_path / "swapped.csv"
    path.write_text("lon,lat,名称\n41.6,120.5,房中村\n41.57,120.45,坝南\n", encoding="utf-8")
    with pytest.raises(SwappedAxes, match="swapped"):
        read_vector(path)
    frame = read_vector(path, swap_xy=True)
    assert (frame.geometry.iloc[0].x, frame.geometry.iloc[0].y) == pytest.approx((120.5, 41.6))
