"""CRS policy: measuring in the metric CRS, and guessing a missing CRS from coordinates."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import LineString, box

from geo.crs import METRIC_CRS, area_ha, area_m2, area_mu, guess_crs, length_km, to_display


def test_a_square_of_100_metres_is_15_mu_and_1_hectare() -> None:
    square = gpd.GeoSeries([box(545_000, 4_600_000, 545_100, 4_600_100)], crs=METRIC_CRS)
    assert area_m2(square).iloc[0] == pytest.approx(10_000)
    assert area_mu(square).iloc[0] == pytest.approx(15)
    assert area_ha(square).iloc[0] == pytest.approx(1)


def test_area_survives_a_round_trip_through_longitude_latitude() -> None:
    square = gpd.GeoSeries([box(545_000, 4_600_000, 546_000, 4_601_000)], crs=METRIC_CRS)
    assert area_mu(to_display(gpd.GeoDataFrame(geometry=square))).iloc[0] == pytest.approx(
        1500, rel=1e-9
    )


def test_a_3_kilometre_line_measures_3_km() -> None:
    line = gpd.GeoSeries([LineString([(545_000, 4_600_000), (545_000, 4_603_000)])], crs=METRIC_CRS)
    assert length_km(line).iloc[0] == pytest.approx(3)


@pytest.mark.parametrize(
    ("bounds", "crs", "reason_part"),
    [
        ((120.39, 41.40, 120.65, 41.78), "EPSG:4326", "longitude/latitude"),
        ((40_530_000, 4_580_000, 40_555_000, 4_620_000), "EPSG:4528", "zone prefix 40"),
        ((530_000, 4_580_000, 555_000, 4_620_000), "EPSG:4549", "without zone prefix"),
        ((20_530_000, 4_580_000, 20_555_000, 4_620_000), "EPSG:4498", "6-degree"),
    ],
)
def test_guess_crs_from_coordinate_ranges(bounds, crs: str, reason_part: str) -> None:
    guess = guess_crs(bounds)
    assert guess is not None
    assert guess.crs == crs
    assert reason_part in guess.reason


@pytest.mark.parametrize(
    "bounds", [(1e9, 0, 2e9, 1), (5_000, 10, 9_000, 20), (-1e7, -1e7, 1e7, 1e7)]
)
def test_no_guess_for_coordinates_that_fit_nothing(bounds) -> None:
    assert guess_crs(bounds) is None


def test_guessed_gauss_kruger_lands_in_the_district() -> None:
    for easting in (545_000, 40_545_000):
        guess = guess_crs((easting, 4_600_000, easting, 4_600_000))
        point = gpd.GeoSeries.from_xy([easting], [4_600_000], crs=guess.crs).to_crs(4326).iloc[0]
        assert 120.39 < point.x < 120.65 and 41.40 < point.y < 41.78
