"""Encoded polylines match Google's reference and round-trip at their precision."""

from __future__ import annotations

import numpy as np
import pytest

from maps.polyline import decode_polyline, encode_polyline


def test_google_reference_example() -> None:
    # developers.google.com/maps/documentation/utilities/polylinealgorithm (lat, lon order there)
    coords = np.array([[-120.2, 38.5], [-120.95, 40.7], [-126.453, 43.252]])
    assert encode_polyline(coords, 5) == "_p~iF~ps|U_ulLnnqC_mqNvxq`@"


@pytest.mark.parametrize("precision", [5, 6])
def test_round_trip_over_the_district(precision: int) -> None:
    rng = np.random.default_rng(7)
    coords = np.column_stack([rng.uniform(120.39, 120.65, 500), rng.uniform(41.40, 41.78, 500)])
    decoded = decode_polyline(encode_polyline(coords, precision), precision)
    assert np.abs(decoded - coords).max() <= 0.5 * 10**-precision + 1e-12


def test_empty_input_gives_empty_text() -> None:
    assert encode_polyline(np.empty((0, 2)), 5) == ""
