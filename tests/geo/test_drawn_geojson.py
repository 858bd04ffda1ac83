"""geo.drawn_geojson: a drawn GeoJSON geometry checked before it is trusted, refused in zh and en."""

from __future__ import annotations

import pytest

from geo.drawn_geojson import MAX_VERTICES, DrawnGeometryError, drawn_shape, positions


def test_a_sound_polygon_becomes_a_2d_shape() -> None:
    ring = [[120.5, 41.6, 3.0], [120.6, 41.6, 3.0], [120.6, 41.7, 3.0], [120.5, 41.6, 3.0]]
    shape = drawn_shape({"type": "Polygon", "coordinates": [ring]})
    assert shape.geom_type == "Polygon" and not shape.has_z


def test_a_self_intersecting_polygon_is_returned_for_the_caller_to_judge() -> None:
    bow = [[120.5, 41.6], [120.6, 41.7], [120.6, 41.6], [120.5, 41.7], [120.5, 41.6]]
    assert not drawn_shape({"type": "Polygon", "coordinates": [bow]}).is_valid


@pytest.mark.parametrize(
    ("geometry", "english"),
    [
        (None, "no GeoJSON geometry"),
        ({"type": "Circle", "coordinates": [1, 2]}, "not one of"),
        ({"type": "Point", "coordinates": [float("nan"), 41.6]}, "not finite"),
        ({"type": "Point", "coordinates": ["120.5", "41.6"]}, "not a pair of numbers"),
        ({"type": "Point", "coordinates": [True, 41.6]}, "not a pair of numbers"),
        ({"type": "Point", "coordinates": [10**400, 41.6]}, "not finite"),
        ({"type": "Point", "coordinates": [2.35, 48.85]}, "outside China"),
        ({"type": "LineString", "coordinates": "120.5 41.6"}, "not nested lists"),
        ({"type": "LineString", "coordinates": []}, "no coordinates"),
        ({"type": "Polygon", "coordinates": [[[120.5, 41.6], [120.6, 41.6]]]}, "not a valid"),
    ],
)
def test_unsound_geometries_are_refused_in_both_languages(geometry, english: str) -> None:
    with pytest.raises(DrawnGeometryError, match=english) as refused:
        drawn_shape(geometry)
    assert refused.value.en == str(refused.value)
    assert refused.value.zh and refused.value.zh != refused.value.en


def test_counting_positions_stops_past_the_limit() -> None:
    line = [[120.5, 41.6]] * (MAX_VERTICES + 1)
    assert len(positions([line, line, line], 2)) == MAX_VERTICES + 1  # the rest is not read
    with pytest.raises(DrawnGeometryError, match=f"more than {MAX_VERTICES:,}"):
        drawn_shape({"type": "MultiLineString", "coordinates": [line, line, line]})
