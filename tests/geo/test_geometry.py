"""Known answers for geo.geometry.repair_geometries."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Point, Polygon

from geo.geometry import repair_geometries

BOW_TIE = Polygon([(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)])
SQUARE = Polygon([(0, 0), (1, 0), (1, 1), (0, 1)])


def _frame(geometries: list, index: list | None = None) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": [f"f{i}" for i in range(len(geometries))]},
        geometry=geometries,
        index=index,
        crs="EPSG:4549",
    )


def test_bow_tie_is_repaired_into_two_triangles_and_reported() -> None:
    frame = _frame([SQUARE, BOW_TIE], index=["a", "b"])

    repaired, notes = repair_geometries(frame)

    assert len(repaired) == 2
    fixed = repaired.geometry["b"]
    assert fixed.is_valid
    assert fixed.geom_type == "MultiPolygon"
    assert len(fixed.geoms) == 2
    assert fixed.area == pytest.approx(0.5)
    assert repaired.geometry["a"].equals(SQUARE)
    assert len(notes) == 1
    assert notes[0].startswith("row b:")
    assert "Self-intersection" in notes[0]
    assert "MultiPolygon" in notes[0]


def test_input_is_not_modified_and_crs_is_kept() -> None:
    frame = _frame([BOW_TIE])

    repaired, _ = repair_geometries(frame)

    assert not frame.geometry.iloc[0].is_valid
    assert repaired.crs == frame.crs
    assert list(repaired.columns) == list(frame.columns)


def test_polygon_keeps_only_its_polygonal_parts() -> None:
    # make_valid returns GEOMETRYCOLLECTION (POLYGON (...), LINESTRING (0 0, 2 2)) for this one.
    with_spike = Polygon([(0, 0), (4, 0), (4, 4), (0, 4), (0, 0), (2, 2), (0, 0)])
    assert shapely.make_valid(with_spike).geom_type == "GeometryCollection"

    repaired, notes = repair_geometries(_frame([with_spike]))

    fixed = repaired.geometry.iloc[0]
    assert fixed.geom_type == "Polygon"
    assert fixed.is_valid
    assert fixed.area == pytest.approx(16)
    assert "LineString" in notes[0]
    assert notes[0].startswith("row 0:")


def test_polygon_that_collapses_is_kept_as_an_empty_polygon() -> None:
    flat = Polygon([(0, 0), (1, 0), (2, 0), (0, 0)])

    repaired, notes = repair_geometries(_frame([SQUARE, flat]))

    assert len(repaired) == 2
    fixed = repaired.geometry.iloc[1]
    assert fixed.is_empty
    assert fixed.geom_type in {"Polygon", "MultiPolygon"}
    assert "empty" in notes[0]


def test_valid_none_and_empty_geometries_are_left_alone() -> None:
    frame = _frame([SQUARE, None, Polygon(), Point(1, 2)])

    repaired, notes = repair_geometries(frame)

    assert notes == []
    assert len(repaired) == 4
    assert repaired.geometry.iloc[1] is None
    assert repaired.geometry.iloc[2].is_empty
    assert repaired.geometry.iloc[3].equals(Point(1, 2))
