"""Folium map parts built from layer specs: lean GeoJSON, escaped text, legends, highlights.

No Streamlit here: pages cache these parts and hand them to streamlit-folium.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Sequence

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import MacroElement, Template

from geo.geometry import simplify_for_display
from geo.offsets import WGS84, convert_geometries
from layers import LayerSpec
from layers.formatting import display_texts, escaped_texts
from maps.canvas_layer import CANVAS_THRESHOLD, CanvasLayer
from maps.compact_layer import CompactLayer, encode_features
from maps.frame_fit import FrameFit

__all__ = [
    "FEATURE_LAYER_PROPERTY",
    "base_map",
    "display_frame",
    "highlight_group",
    "layer_group",
    "layer_options",
    "legend",
    "outline_group",
    "proportional_group",
    "view_for",
]

# Every drawn feature carries its layer key and its stable id, so a click is resolved by id.
FEATURE_LAYER_PROPERTY = "_layer"
FEATURE_ID_PROPERTY = "_id"
# With 6-decimal rounding (≤ 0.1 m) this stays under one pixel up to zoom 18 (0.45 m/px at 41.6°N).
DISPLAY_TOLERANCE_M = 0.3
HIGHLIGHT_COLOR = "#00e5ff"
PROPORTIONAL_MAX_RADIUS = 18
LEGEND_OPEN_ROWS = 16  # a longer legend starts folded so it does not cover the map
LARGE_LEGEND_ZOOM = 1.6  # a big screen's legend, read from across a meeting room
LARGE_LEGEND_MIN_MAP_PX = 700  # on a narrower map (a phone) the legend keeps its usual size
# The extent a view must fit into, in screen pixels (the map is 600 px high, about as wide).
VIEW_FIT_PX = 520


# Fractional zoom, so a view fits its extent tightly rather than at the next whole zoom below.
ZOOM_SNAP = 0.1
FIT_PADDING_PX = 8
# A host page's fixed header over the top of its content (Streamlit's is 60 px): a map that
# fits the window leaves it this much room, so all of it can be seen below the header.
HOST_HEADER_PX = 64


def base_map(bounds: Sequence[float]) -> folium.Map:
    """An empty canvas-rendered map fitted tightly to `bounds` (minx, miny, maxx, maxy), no tiles,
    as high as the window allows when it is shown in a frame (`FrameFit`)."""
    center, zoom = view_for(bounds)
    fmap = folium.Map(
        location=list(center),
        tiles=None,
        zoom_start=zoom,
        prefer_canvas=True,
        control_scale=True,
        zoom_snap=ZOOM_SNAP,
        zoom_delta=0.5,
    )
    FitBounds(bounds).add_to(fmap)
    FrameFit(reserved_top_px=HOST_HEADER_PX).add_to(fmap)
    return fmap


class FitBounds(MacroElement):
    """Fit the map to the bounds once drawn, and again when its frame is resized, until the user
    moves it (the frame gets its final height after the script has run)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function() {
    var map = {{ this._parent.get_name() }};
    var bounds = L.latLngBounds({{ this.bounds_json }});
    var moved = false;
    function fit() {
        var size = map.getSize();
        if (moved || size.x < 50 || size.y < 50) return;
        map.fitBounds(bounds, {padding: [{{ this.padding }}, {{ this.padding }}], animate: false});
    }
    // Once the user (or a page's chosen view) has moved the map, it is left where it is.
    ["mousedown", "wheel", "touchstart", "keydown"].forEach(function(name) {
        map.getContainer().addEventListener(name, function() { moved = true; }, {passive: true});
    });
    var setView = map.setView;
    map.setView = function() {
        if (!fitting) moved = true;
        return setView.apply(this, arguments);
    };
    var fitting = false;
    map.on("resize", function() { fitting = true; try { fit(); } finally { fitting = false; } });
    fitting = true; try { fit(); } finally { fitting = false; }
})();
{% endmacro %}
"""
    )

    def __init__(self, bounds: Sequence[float]) -> None:
        super().__init__()
        self._name = "FitBounds"
        minx, miny, maxx, maxy = (float(v) for v in bounds)
        self.bounds_json = json.dumps([[miny, minx], [maxy, maxx]])
        self.padding = FIT_PADDING_PX


def display_frame(
    spec: LayerSpec,
    frame: gpd.GeoDataFrame,
    lang: str,
    *,
    datum: str = WGS84,
    simplify: bool = True,
    thin_only: bool = False,
) -> gpd.GeoDataFrame:
    """Only what the browser needs: id, tooltip and style fields as escaped text, light geometry
    (`simplify` off: the geometry as it is, for a tiler that generalises per zoom itself;
    `thin_only`: only needless vertices dropped, for the canvas renderer)."""
    columns = list(
        dict.fromkeys(
            [spec.id_field, *spec.tooltip, *([spec.style.by_field] if spec.style.by_field else [])]
        )
    )
    light = frame[[*columns, "geometry"]]
    if simplify and spec.geometry != "point":
        light = simplify_for_display(light, tolerance_m=DISPLAY_TOLERANCE_M, thin_only=thin_only)
    if datum != WGS84:
        light = convert_geometries(light, WGS84, datum)
    out = gpd.GeoDataFrame(
        {
            FEATURE_LAYER_PROPERTY: spec.key,
            FEATURE_ID_PROPERTY: escaped_texts(light[spec.id_field].astype(str)),
        },
        geometry=light.geometry,
        crs=light.crs,
        index=light.index,
    )
    for name in spec.tooltip:
        out[name] = display_texts(light[name])
    if spec.style.by_field:
        out["_color"] = _colors(spec, light[spec.style.by_field])
        if spec.style.by_field not in out:
            out[spec.style.by_field] = display_texts(light[spec.style.by_field])
    else:
        out["_color"] = spec.style.color
    return out


def _colors(spec: LayerSpec, values: pd.Series) -> np.ndarray:
    """Each feature's colour from its styled value, looked up once per distinct value."""
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    return np.array([spec.style.color_for(value) for value in distinct], dtype=object)[codes]


def layer_group(
    spec: LayerSpec,
    frame: gpd.GeoDataFrame,
    lang: str,
    *,
    show: bool = True,
    datum: str = WGS84,
    interactive: bool = True,
) -> folium.FeatureGroup:
    """One switchable layer: canvas circle markers for points, simplified shapes otherwise."""
    group = folium.FeatureGroup(name=html.escape(spec.title(lang)), show=show)
    if frame.empty:
        return group
    # The canvas renderer simplifies each ring per screen pixel as it draws: here only
    # needless vertices are dropped (a full simplification of 100k polygons took 1.5 s).
    data = display_frame(spec, frame, lang, datum=datum, thin_only=len(frame) > CANVAS_THRESHOLD)
    style_field = spec.style.by_field
    columns = list(dict.fromkeys([*spec.tooltip, *([style_field] if style_field else [])]))
    canvas = len(data) > CANVAS_THRESHOLD
    payload = encode_features(
        data, id_column=FEATURE_ID_PROPERTY, columns=columns, projected=canvas
    )
    options = layer_options(spec, lang, interactive=interactive)
    renderer = CanvasLayer if canvas else CompactLayer
    renderer(payload, options).add_to(group)
    return group


def layer_options(spec: LayerSpec, lang: str, *, interactive: bool = True) -> dict:
    """How the browser draws a layer's features (style from its spec, labelled tooltip)."""
    return {
        "layer": spec.key,
        "geometry": spec.geometry,
        "styleField": spec.style.by_field,
        "colors": {html.escape(c.value): c.color for c in spec.style.categories},
        "color": spec.style.color,
        "weight": spec.style.weight,
        "fillOpacity": 0.0 if spec.geometry == "line" else spec.style.fill_opacity,
        "radius": spec.style.radius,
        "interactive": interactive,
        "tooltip": [[name, html.escape(spec.field(name).label(lang))] for name in spec.tooltip],
    }


def _geojson(
    spec: LayerSpec,
    data: gpd.GeoDataFrame,
    lang: str,
    style,
    *,
    marker=None,
    interactive: bool = True,
) -> folium.GeoJson:
    """The GeoJSON layer of display features, with the spec's labelled tooltip."""
    tooltip_fields = list(spec.tooltip) if interactive else []
    aliases = [html.escape(spec.field(name).label(lang)) for name in tooltip_fields]
    return folium.GeoJson(
        json.loads(data.to_json(drop_id=True)),
        name=html.escape(spec.title(lang)),
        style_function=style,
        marker=marker,
        tooltip=folium.GeoJsonTooltip(fields=tooltip_fields, aliases=aliases, sticky=False)
        if tooltip_fields
        else None,
        smooth_factor=1.0,
        interactive=interactive,
    )


def outline_group(
    frame: gpd.GeoDataFrame, name: str, color: str, *, datum: str = WGS84
) -> folium.FeatureGroup:
    """A switchable layer of thick outlines over chosen features (clicks pass through)."""
    group = folium.FeatureGroup(name=html.escape(name))
    if frame.empty:
        return group
    shapes = simplify_for_display(frame[["geometry"]], tolerance_m=DISPLAY_TOLERANCE_M)
    if datum != WGS84:
        shapes = convert_geometries(shapes, WGS84, datum)
    folium.GeoJson(
        json.loads(shapes.to_json(drop_id=True)),
        style_function=lambda _feature: {"color": color, "weight": 3, "fillOpacity": 0.0},
        interactive=False,
    ).add_to(group)
    return group


def highlight_group(frame: gpd.GeoDataFrame, *, datum: str = WGS84) -> folium.FeatureGroup:
    """A non-interactive outline drawn over the chosen features (township or feature)."""
    group = folium.FeatureGroup(name="highlight", control=False)
    if frame.empty:
        return group
    shapes = frame[["geometry"]]
    if datum != WGS84:
        shapes = convert_geometries(shapes, WGS84, datum)
    folium.GeoJson(
        json.loads(shapes.to_json(drop_id=True)),
        style_function=lambda _feature: {
            "color": HIGHLIGHT_COLOR,
            "weight": 5,
            "fillOpacity": 0.05,
        },
        marker=folium.CircleMarker(radius=12, color=HIGHLIGHT_COLOR, weight=4, fill=False),
        interactive=False,
    ).add_to(group)
    return group


def legend(
    specs: Sequence[LayerSpec],
    lang: str,
    *,
    extra: Sequence[tuple[str, str]] = (),
    large: bool = False,
) -> MacroElement:
    """A legend box listing every layer on the map with its colours (all text escaped); a
    `large` one (for a big screen) is drawn bigger and starts open."""
    entries = []
    for spec in specs:
        title = html.escape(spec.title(lang))
        if spec.style.categories:
            items = "".join(
                _legend_row(c.color, html.escape(c.label(lang))) for c in spec.style.categories
            )
            entries.append(f"<div style='font-weight:bold;margin-top:4px'>{title}</div>{items}")
        else:
            # A layer of one colour is a heading of its own, not a row of the group above it.
            entries.append(_legend_row(spec.style.color, title, heading=True))
    entries += [_legend_row(color, html.escape(label)) for color, label in extra]
    # A <details> box, so the legend folds away where it covers the map; long ones start folded.
    summary = "Legend" if lang == "en" else "图例"
    rows = len(entries) + sum(len(s.style.categories) for s in specs)
    state = " open" if large or rows <= LEGEND_OPEN_ROWS else ""
    return Legend(
        f"<details{state}><summary style='cursor:pointer;font-weight:bold'>{summary}</summary>{''.join(entries)}</details>",
        zoom=LARGE_LEGEND_ZOOM if large else 1.0,
    )


def _legend_row(color: str, label: str, *, heading: bool = False) -> str:
    style = " style='font-weight:bold;margin-top:4px'" if heading else ""
    return f'<div{style}><span style="{_SWATCH_STYLE};background:{color}"></span>{label}</div>'


_LEGEND_STYLE = (
    "background:rgba(255,255,255,0.92);padding:6px 10px;border-radius:4px;font-size:12px;"
    "line-height:18px;max-height:320px;overflow-y:auto;box-shadow:0 1px 4px rgba(0,0,0,0.3)"
)
_SWATCH_STYLE = "display:inline-block;width:12px;height:12px;margin-right:6px;vertical-align:middle;border:1px solid #555"


class Legend(MacroElement):
    """A Leaflet control holding the legend, so it lives inside the map wherever it is embedded."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function() {
    var legend = L.control({position: "bottomleft"});
    legend.onAdd = function(map) {
        var div = L.DomUtil.create("div", "atlas-legend");
        div.setAttribute("style", {{ this.style_json }});
        // A large legend only where the map is wide: on a phone it would cover the map.
        div.style.zoom = map.getSize().x >= {{ this.large_from_px }} ? {{ this.zoom }} : 1;
        div.innerHTML = {{ this.html_json }};
        return div;
    };
    legend.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
"""
    )

    def __init__(self, entries_html: str, *, zoom: float = 1.0) -> None:
        super().__init__()
        self._name = "Legend"
        self.style_json = json.dumps(_LEGEND_STYLE)
        self.zoom = f"{zoom:g}"
        self.large_from_px = LARGE_LEGEND_MIN_MAP_PX
        self.html_json = json.dumps(entries_html)


def view_for(bounds: Sequence[float], *, max_zoom: int = 16) -> tuple[tuple[float, float], int]:
    """Center (lat, lon) and the zoom that fits `bounds` (minx, miny, maxx, maxy) in the map."""
    minx, miny, maxx, maxy = bounds
    # Degrees of latitude stretch by 1/cos(lat) on screen (Mercator); ~1.34 at 41.6°N.
    stretch = 1 / math.cos(math.radians((miny + maxy) / 2))
    span = max(maxx - minx, (maxy - miny) * stretch, 1e-5)
    zoom = math.floor(math.log2(360 * VIEW_FIT_PX / 256 / span))
    return (float(miny + maxy) / 2, float(minx + maxx) / 2), max(8, min(zoom, max_zoom))


def proportional_group(
    spec: LayerSpec, frame: gpd.GeoDataFrame, field: str, lang: str, *, datum: str = WGS84
) -> folium.FeatureGroup:
    """Circles at each feature, area proportional to `field`, coloured like the layer; clickable."""
    group = folium.FeatureGroup(
        name=html.escape(f"{spec.title(lang)} · {spec.field(field).label(lang)}")
    )
    values = pd.to_numeric(frame[field], errors="coerce")
    if frame.empty or not (values > 0).any():
        return group
    anchors = frame.copy()
    anchors["geometry"] = frame.geometry.representative_point()
    data = display_frame(spec, anchors, lang, datum=datum)
    data["_radius"] = (
        (PROPORTIONAL_MAX_RADIUS * (values / values.max()).clip(lower=0) ** 0.5)
        .clip(lower=3)
        .round(1)
    )
    # Big circles first, small ones over them: every circle shows, and a click (which Leaflet's
    # canvas gives to the last drawn circle containing the pointer) selects the one seen there.
    data = data.sort_values("_radius", ascending=False, kind="stable")

    def style(feature: dict) -> dict:
        properties = feature["properties"]
        color = properties["_color"]
        return {
            "color": color,
            "fillColor": color,
            "weight": 2,
            "fillOpacity": 0.3,
            "radius": properties["_radius"],
        }

    _geojson(spec, data, lang, style, marker=folium.CircleMarker(radius=6, fill=True)).add_to(group)
    return group
