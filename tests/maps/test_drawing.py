"""The drawing tools: only local assets, Chinese texts, the editable feature embedded, and a
drawn feature read back only when it is a sound geometry of the layer's kind inside China."""

from __future__ import annotations

import json
import math
import re

import folium
import pytest
from shapely.geometry import LineString, MultiPolygon, Point, Polygon

from maps.assets import STATIC_URL, VENDOR_DIR, localise_assets
from maps.drawing import _TEXTS, MAX_VERTICES, add_drawing_tools, drawn_geometry

SQUARE = [[123.40, 41.60], [123.41, 41.60], [123.41, 41.61], [123.40, 41.60]]
LINE = [[123.40, 41.60], [123.42, 41.61]]


def _page(kind: str, editable=None, lang: str = "zh") -> str:
    fmap = folium.Map(location=[41.6, 123.4], zoom_start=12, tiles=None)
    add_drawing_tools(fmap, kind, editable, lang)
    return localise_assets(fmap).get_root().render()


def _returned(geometry: dict, *, wrap: bool = True) -> dict:
    feature = {"type": "Feature", "properties": {}, "geometry": geometry} if wrap else geometry
    return {"all_drawings": [feature], "last_active_drawing": feature}


def _keys(tree: dict, prefix: str = "") -> set[str]:
    keys = set()
    for key, value in tree.items():
        keys |= _keys(value, f"{prefix}{key}.") if isinstance(value, dict) else {prefix + key}
    return keys


@pytest.mark.parametrize("kind", ["point", "line", "polygon"])
def test_the_plugin_comes_only_from_the_apps_own_files(kind: str) -> None:
    page = _page(kind)
    loaded = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', page)
    draw = [url for url in loaded if "draw" in url]
    assert draw == [
        f"{STATIC_URL}/leaflet-draw/leaflet.draw.js",
        f"{STATIC_URL}/leaflet-draw/leaflet.draw.css",
    ]
    assert all(url.startswith(f"{STATIC_URL}/") for url in loaded), loaded
    assert "https://" not in page.split("<body>")[0] and "cdnjs" not in page
    for url in draw:
        assert (VENDOR_DIR / url.removeprefix(f"{STATIC_URL}/")).is_file(), "run `make`"
    assert (VENDOR_DIR / "leaflet-draw" / "images" / "spritesheet.svg").is_file()


@pytest.mark.parametrize(
    ("kind", "tool"), [("point", "marker"), ("line", "polyline"), ("polygon", "polygon")]
)
def test_only_the_layers_kind_can_be_drawn(kind: str, tool: str) -> None:
    page = _page(kind)
    options = json.loads(re.search(r"draw: (\{.*\}),\n", page).group(1))
    assert [name for name, value in options.items() if value] == [tool]


def test_toolbar_texts_are_chinese_by_default_and_english_on_request() -> None:
    chinese, english = _page("polygon"), _page("polygon", lang="en")
    assert "画面" in chinese and "编辑图形" in chinese and "保存修改" in chinese
    assert "Draw a polygon" in english and "画面" not in english
    assert _keys(_TEXTS["zh"]) == _keys(_TEXTS["en"])  # every text in both languages


def test_the_editable_feature_is_embedded_and_the_map_fitted_to_it() -> None:
    page = _page("point", Point(123.456789, 41.654321))
    assert '{"type":"Point","coordinates":[123.456789,41.654321]}' in page.replace(" ", "")
    assert "fitBounds" in page
    square = _page("polygon", Polygon(SQUARE))
    assert "[[[123.4,41.6],[123.41,41.6],[123.41,41.61],[123.4,41.6]]]" in square.replace(" ", "")


def test_an_editable_feature_of_another_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="a point layer takes Point, not LineString"):
        _page("point", LineString(LINE))
    with pytest.raises(ValueError, match="not one of"):
        _page("circle")


@pytest.mark.parametrize(
    ("kind", "geometry"),
    [
        ("point", {"type": "Point", "coordinates": [123.4, 41.6]}),
        ("line", {"type": "LineString", "coordinates": LINE}),
        ("polygon", {"type": "Polygon", "coordinates": [SQUARE]}),
        ("polygon", json.loads(json.dumps(MultiPolygon([Polygon(SQUARE)]).__geo_interface__))),
    ],
    ids=["point", "line", "polygon", "multipolygon"],
)
def test_a_drawing_of_the_layers_kind_is_read_back(kind: str, geometry: dict) -> None:
    drawn = drawn_geometry(_returned(geometry), kind)
    assert drawn.geom_type == geometry["type"] and drawn.is_valid
    assert drawn_geometry(_returned(geometry, wrap=False), kind).equals(drawn)
    only_last = {"last_active_drawing": _returned(geometry)["last_active_drawing"]}
    assert drawn_geometry(only_last, kind).equals(drawn)


def test_the_last_drawing_counts_and_a_3d_position_is_made_2d() -> None:
    first = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [123.0, 41.0]}}
    second = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [124.0, 42.0, 50]}}
    drawn = drawn_geometry({"all_drawings": [first, second]}, "point")
    assert (drawn.x, drawn.y, drawn.has_z) == (124.0, 42.0, False)


@pytest.mark.parametrize(
    "returned",
    [None, {}, {"all_drawings": None, "last_active_drawing": None}, {"all_drawings": []}],
    ids=["no-value", "empty", "nothing-drawn", "deleted"],
)
def test_nothing_drawn_is_none(returned) -> None:
    assert drawn_geometry(returned, "polygon") is None


@pytest.mark.parametrize(
    ("kind", "geometry", "message"),
    [
        ("point", {"type": "LineString", "coordinates": LINE}, "a point layer takes Point"),
        ("line", {"type": "Polygon", "coordinates": [SQUARE]}, "a line layer takes LineString"),
        ("polygon", {"type": "Point", "coordinates": [123.4, 41.6]}, "not Point"),
        ("point", {"type": "Point", "coordinates": [math.nan, 41.6]}, "not finite"),
        ("point", {"type": "Point", "coordinates": [1e308 * 10, 41.6]}, "not finite"),
        ("point", {"type": "Point", "coordinates": [10**400, 41.6]}, "not finite"),
        ("point", {"type": "Point", "coordinates": [123.4, 41.6, math.inf]}, "not finite"),
        ("point", {"type": "Point", "coordinates": [123.4, 41.6, 10**400]}, "not finite"),
        ("point", {"type": "Point", "coordinates": [1e12, 41.6]}, "outside China"),
        ("point", {"type": "Point", "coordinates": [2.35, 48.85]}, "outside China"),
        ("point", {"type": "Point", "coordinates": [41.6, 123.4]}, "outside China"),
        ("point", {"type": "Point", "coordinates": ["123.4", 41.6]}, "not a pair of numbers"),
        ("point", {"type": "Point", "coordinates": [True, 41.6]}, "not a pair of numbers"),
        ("point", {"type": "Point", "coordinates": [123.4]}, "not a pair of numbers"),
        ("point", {"type": "Point"}, "not a pair of numbers"),
        ("line", {"type": "LineString", "coordinates": [[123.4, 41.6]]}, "not a valid"),
        ("line", {"type": "LineString", "coordinates": []}, "has no coordinates"),
        ("line", {"type": "LineString", "coordinates": "123.4 41.6"}, "not nested lists"),
        ("polygon", {"type": "Polygon", "coordinates": SQUARE}, "not a pair of numbers"),
        ("polygon", {"type": "Polygon", "coordinates": [SQUARE[:2]]}, "not a valid"),
        (
            "polygon",
            {
                "type": "Polygon",
                "coordinates": [
                    [[123.4, 41.6], [123.41, 41.61], [123.41, 41.6], [123.4, 41.61], [123.4, 41.6]]
                ],
            },
            "Self-intersection",
        ),
        ("polygon", {"coordinates": [SQUARE]}, "has no GeoJSON geometry"),
        ("polygon", {"type": "Feature", "geometry": None}, "has no GeoJSON geometry"),
    ],
)
def test_a_drawing_that_is_not_a_sound_geometry_of_the_kind_is_refused(
    kind: str, geometry: dict, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        drawn_geometry(_returned(geometry, wrap=geometry.get("type") != "Feature"), kind)


def test_too_many_vertices_are_refused_before_they_are_read() -> None:
    ring = [
        [123.4 + 0.01 * math.cos(a / 1000), 41.6 + 0.01 * math.sin(a / 1000)] for a in range(6283)
    ]
    many = {"type": "Polygon", "coordinates": [[*ring, ring[0]], [*ring, ring[0]]]}
    with pytest.raises(ValueError, match=f"more than {MAX_VERTICES:,}"):
        drawn_geometry(_returned(many), "polygon")
    enough = {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
    assert drawn_geometry(_returned(enough), "polygon").geom_type == "Polygon"


@pytest.mark.parametrize(
    "returned",
    [
        ["not", "a", "dict"],
        {"all_drawings": "Point"},
        {"all_drawings": ["Point"]},
        {"all_drawings": [{"type": "Feature"}]},
        {"last_active_drawing": 5},
    ],
    ids=["list", "string-drawings", "string-feature", "no-geometry", "number"],
)
def test_a_malformed_value_is_refused(returned) -> None:
    with pytest.raises(ValueError):
        drawn_geometry(returned, "point")


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="not one of"):
        drawn_geometry(None, "circle")
