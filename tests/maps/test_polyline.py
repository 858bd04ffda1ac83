"""Encoded polylines match Google's reference and round-trip at their precision."""

from __future__ import annotations

import numpy as np
import pytest

from maps.polyline import decode_polyline, encode_polyline, encode_polylines


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


def _one_value_at_a_time(coords: np.ndarray, precision: int) -> str:
    """Google's algorithm value by value: what the vectorised encoder must reproduce."""
    scaled = np.round(np.asarray(coords, dtype=float)[:, ::-1] * 10**precision).astype(np.int64)
    deltas = np.diff(scaled, axis=0, prepend=np.zeros((1, 2), dtype=np.int64)).ravel()
    chars = []
    for value in ((deltas << 1) ^ (deltas >> 63)).tolist():
        while value >= 0x20:
            chars.append(chr(((value & 0x1F) | 0x20) + 63))
            value >>= 5
        chars.append(chr(value + 63))
    return "".join(chars)


@pytest.mark.parametrize("precision", [5, 6, 7])
def test_many_lines_at_once_equal_each_line_encoded_alone(precision: int) -> None:
    rng = np.random.default_rng(3)
    counts = np.array([0, 1, 3, 0, 0, 40, 2, 0, 500, 1])
    coords = np.column_stack(
        [rng.uniform(-180, 180, counts.sum()), rng.uniform(-90, 90, counts.sum())]
    )
    coords[:3] = [[0.0, 0.0], [-180.0, -90.0], [180.0, 90.0]]
    texts = encode_polylines(coords, counts, precision)
    starts = np.cumsum(counts) - counts
    assert texts == [
        _one_value_at_a_time(coords[start : start + n], precision)
        for start, n in zip(starts, counts, strict=True)
    ]
    for text, start, n in zip(texts, starts, counts, strict=True):
        assert np.allclose(
            decode_polyline(text, precision),
            coords[start : start + n],
            atol=1e-12 + 0.5 * 10**-precision,
        )


def test_no_lines_and_only_empty_lines() -> None:
    assert encode_polylines(np.empty((0, 2)), np.array([], dtype=int), 6) == []
    assert encode_polylines(np.empty((0, 2)), np.array([0, 0]), 6) == ["", ""]
