"""A Leaflet layer whose features travel as columns: ids, dictionary-coded text, encoded geometry.

Inline GeoJSON repeats every key and writes coordinates in full; here each text column is a
list of distinct values plus one small code per feature, and coordinates are encoded polylines.
Geometry is flat: counts of parts, rings and vertices, and one encoded polyline of every vertex.
The browser rebuilds ordinary GeoJSON features (properties included, so a click still reports
the feature's layer and id) and draws them on the map's canvas.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, Figure, MacroElement, Template

from maps.polyline import encode_polyline

__all__ = [
    "HELPERS_JS",
    "MERCATOR_UNITS",
    "CompactLayer",
    "RawScriptElement",
    "encode_features",
    "script_json",
]

_JINJA_OPENERS = re.compile(r"\{(?=[{%#])")
POINT_PRECISION = 5  # 1e-5° ≈ 1 m: below a pixel up to zoom 17
SHAPE_PRECISION = 6
# Projected coordinates: 2**20 steps to a zoom-0 pixel, a quarter of a pixel at zoom 18
# (0.1 m here, as the 6 decimals of a degree of the unprojected encoding).
MERCATOR_UNITS = 2**20
MAX_LATITUDE = 85.0511287798  # Web Mercator's edge (Leaflet's)
_TILE = 256
_POLYGON = 3  # shapely type ids
_POLYGON_TYPES = (3, 6)  # Polygon, MultiPolygon


def encode_features(
    frame: gpd.GeoDataFrame, *, id_column: str, columns: list[str], projected: bool = False
) -> dict:
    """The payload of a layer: ids, dictionary-coded text columns, encoded geometry.

    `projected`: coordinates sent as Web-Mercator pixels at zoom 0 from the layer's top-left
    corner (`origin`), in 1/MERCATOR_UNITS of a pixel, so the browser projects nothing.
    """
    kinds = set(frame.geometry.geom_type)
    payload: dict = {"ids": frame[id_column].astype(str).tolist(), "columns": {}}
    for name in columns:
        codes, values = pd.factorize(frame[name].astype(str).to_numpy())
        payload["columns"][name] = {"values": values.tolist(), "codes": codes.tolist()}
    geometries = np.asarray(frame.geometry.array, dtype=object)
    if kinds <= {"Point"}:
        coords = shapely.get_coordinates(geometries)
        key, precision = "points", POINT_PRECISION
    else:
        coords, shapes = _flat_shapes(geometries)
        payload.update(shapes)
        key, precision = "coords", SHAPE_PRECISION
    payload["bounds"] = _bounds(coords)
    if projected:
        pixels, origin = _mercator_from_origin(coords)
        payload[key] = encode_polyline(pixels * MERCATOR_UNITS, 0)
        payload.update(origin=origin, unit=MERCATOR_UNITS)
    else:
        payload[key] = encode_polyline(coords, precision)
        payload["precision"] = precision
    return payload


def _mercator_from_origin(coords: np.ndarray) -> tuple[np.ndarray, list[float]]:
    """lon/lat → Web-Mercator pixels at zoom 0 (as Leaflet's, y down), less their top-left."""
    lon = coords[:, 0]
    lat = np.radians(np.clip(coords[:, 1], -MAX_LATITUDE, MAX_LATITUDE))
    x = _TILE * (lon + 180.0) / 360.0
    y = _TILE * (0.5 - np.log(np.tan(np.pi / 4 + lat / 2)) / (2 * np.pi))
    if len(x) == 0:
        return np.zeros((0, 2)), [0.0, 0.0]
    origin = [float(x.min()), float(y.min())]
    return np.column_stack([x - origin[0], y - origin[1]]), origin


def _flat_shapes(geometries: np.ndarray) -> tuple[np.ndarray, dict]:
    """Every vertex (lon/lat) and the geometry of every feature as flat columns, built from
    whole arrays.

    `kinds` has one letter per feature: 'P' polygons (also a missing or empty geometry, with no
    parts) or 'L' lines. Feature f has `parts[f]` parts; part p has `rings[p]` lines (a polygon
    part its exterior ring, then its holes; a line part one line); line r has `vertices[r]`
    vertices; the vertices are returned in that order (encoded as `coords`).
    """
    types = shapely.get_type_id(geometries)
    absent = shapely.is_missing(geometries) | shapely.is_empty(geometries)
    kinds = np.where(absent | np.isin(types, _POLYGON_TYPES), "P", "L")
    parts, part_feature = shapely.get_parts(geometries, return_index=True)
    present = ~shapely.is_empty(parts)
    parts, part_feature = parts[present], part_feature[present]
    # The lines to encode: every ring of a polygon part (exterior first), or the part itself.
    is_polygon = shapely.get_type_id(parts) == _POLYGON
    rings, ring_of = shapely.get_rings(parts[is_polygon], return_index=True)
    ring_part = np.concatenate([np.flatnonzero(is_polygon)[ring_of], np.flatnonzero(~is_polygon)])
    lines = np.concatenate([rings, parts[~is_polygon]])
    if not is_polygon.all():  # lines and polygons mixed: back into the order of their parts
        order = np.argsort(ring_part, kind="stable")
        ring_part, lines = ring_part[order], lines[order]
    coords, vertex_line = shapely.get_coordinates(lines, return_index=True)
    return coords, {
        "kinds": "".join(kinds.tolist()),
        "parts": np.bincount(part_feature, minlength=len(geometries)).tolist(),
        "rings": np.bincount(ring_part, minlength=len(parts)).tolist(),
        "vertices": np.bincount(vertex_line, minlength=len(lines)).tolist(),
    }


def _bounds(coords: np.ndarray) -> list[float]:
    """[min lon, min lat, max lon, max lat] of the vertices (zeros when there are none)."""
    if len(coords) == 0:
        return [0.0, 0.0, 0.0, 0.0]
    lon, lat = coords[:, 0], coords[:, 1]  # one column at a time: min(axis=0) is slow here
    return [float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())]


class _Raw(Element):
    """Text placed in the page as it is: not compiled as a template (branca would tokenise a
    layer's megabytes of script as Jinja, twice per map)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs) -> str:
        return self._text


class RawScriptElement(MacroElement):
    """A MacroElement whose rendered script goes into the page as raw text, and whose
    `payload_json` (if set) goes into the page's body as a JSON data block, which the script
    reads with `JSON.parse` (Chromium loads 100k polygons' data so in 0.92 s against 1.15 s
    as a script literal, with half the heap)."""

    payload_json: str | None = None

    @functools.cached_property
    def payload_id(self) -> str:
        """The data block's id, named by its content: the same data, the same page text (the
        map component keeps a map whose script is unchanged); other data, another script."""
        digest = hashlib.blake2b((self.payload_json or "").encode("utf-8"), digest_size=12)
        return f"atlas-payload-{digest.hexdigest()}"

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        assert isinstance(figure, Figure), (
            "You cannot render this Element if it is not in a Figure."
        )
        if self.payload_json is not None:
            block = f'<script type="application/json" id="{self.payload_id}">{self.payload_json}</script>'
            figure.html.add_child(_Raw(block), name=self.payload_id)
        script = self._template.module.__dict__["script"]
        figure.script.add_child(_Raw(script(self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


class CompactLayer(RawScriptElement):
    """Features decoded in the browser into an L.geoJSON layer on the parent group."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function() {
    var payload = JSON.parse(document.getElementById("{{ this.payload_id }}").textContent);
    var options = {{ this.options_json }};
    {{ this.helpers_js }}
    var geometries = payload.points !== undefined ? null : shapesOf(payload);
    var points = payload.points !== undefined ? decode(payload.points, payload.precision) : null;
    function decode(text, precision) {
        var out = [];
        decodePolyline(text, precision, function(lon, lat) { out.push([lon, lat]); });
        return out;
    }
    function geometry(i) {
        return points ? {type: "Point", coordinates: points[i]} : geometries[i];
    }
    var features = payload.ids.map(function(id, i) {
        var properties = {_layer: options.layer, _id: id};
        Object.keys(payload.columns).forEach(function(name) {
            var column = payload.columns[name];
            properties[name] = column.values[column.codes[i]];
        });
        return {type: "Feature", properties: properties, geometry: geometry(i)};
    });
    function colorOf(feature) {
        var value = options.styleField ? feature.properties[options.styleField] : null;
        return (value !== null && options.colors[value]) || options.color;
    }
    var layer = L.geoJSON(features, {
        interactive: options.interactive,
        style: function(feature) {
            var color = colorOf(feature);
            return {color: color, fillColor: color, weight: options.weight,
                    fillOpacity: options.fillOpacity, opacity: 1};
        },
        pointToLayer: function(feature, latlng) {
            var color = colorOf(feature);
            return L.circleMarker(latlng, {radius: options.radius, color: color, fillColor: color,
                                           weight: 1, fillOpacity: 0.85, interactive: options.interactive});
        }
    });
    if (options.interactive && options.tooltip.length > 0) {
        // One tooltip for the whole layer, filled for the feature under the pointer (not one per
        // feature). Values and labels were HTML-escaped on the server: no data runs as markup.
        layer.bindTooltip(function(featureLayer) {
            var properties = featureLayer.feature.properties;
            return tooltipTable(options.tooltip, function(name) { return properties[name]; });
        }, {sticky: false});
    }

    // The map component listens for clicks on the layers present when the map loaded. A layer
    // switched on later has only this listener, so its clicks go through a layer that has one.
    layer.on("click", function(e) {
        if (((layer._events && layer._events.click) || []).length > ownClickListeners) return;
        var map = layer._map;
        var target = map && Object.values(map._layers).find(function(other) {
            return other !== layer && !layer.hasLayer(other) && other.listens && other.listens("click");
        });
        if (target) target.fire("click", {latlng: e.latlng, sourceTarget: e.layer, layer: e.layer});
    });
    // The tooltip binding and the relay above; any more are the component's.
    var ownClickListeners = ((layer._events && layer._events.click) || []).length;
    layer.addTo({{ this._parent.get_name() }});


})();
{% endmacro %}
"""
    )

    def __init__(self, payload: dict, options: dict) -> None:
        super().__init__()
        self._name = "CompactLayer"
        self.payload_json = script_json(payload)
        self.options_json = script_json(options)
        self.helpers_js = HELPERS_JS


# JavaScript shared by the compact and the canvas layer: the polyline decoder (Google's
# algorithm, lat first; `emit(lon, lat)` per vertex; arithmetic rather than 32-bit bit
# operations, so values of any precision decode), the flat geometry read back as GeoJSON, and
# the tooltip table (cells arrive HTML-escaped from the server, so nothing from data runs as
# markup).
HELPERS_JS = """
function decodePolyline(text, precision, emit) {
    var index = 0, lat = 0, lon = 0, factor = Math.pow(10, precision), length = text.length;
    while (index < length) {
        var result = 0, scale = 1, b;
        do { b = text.charCodeAt(index++) - 63; result += (b & 31) * scale; scale *= 32; }
        while (b >= 32);
        lat += (result % 2) ? -(result + 1) / 2 : result / 2;
        result = 0; scale = 1;
        do { b = text.charCodeAt(index++) - 63; result += (b & 31) * scale; scale *= 32; }
        while (b >= 32);
        lon += (result % 2) ? -(result + 1) / 2 : result / 2;
        emit(lon / factor, lat / factor);
    }
}
// GeoJSON geometries, one per feature, from the flat columns of `encode_features`.
function shapesOf(payload) {
    var flat = [], out = [], v = 0, r = 0, p = 0;
    decodePolyline(payload.coords, payload.precision, function(lon, lat) { flat.push([lon, lat]); });
    for (var f = 0; f < payload.kinds.length; f++) {
        var parts = [];
        for (var q = 0; q < payload.parts[f]; q++, p++) {
            var lines = [];
            for (var k = 0; k < payload.rings[p]; k++, r++) {
                lines.push(flat.slice(v, v + payload.vertices[r]));
                v += payload.vertices[r];
            }
            parts.push(lines);
        }
        out.push(payload.kinds[f] === "P" ? {type: "MultiPolygon", coordinates: parts}
            : {type: "MultiLineString", coordinates: parts.map(function(lines) { return lines[0]; })});
    }
    return out;
}
function tooltipTable(items, valueOf) {
    var rows = items.map(function(item) {
        return "<tr><th style='text-align:left;padding-right:8px'>" + item[1] + "</th><td>" +
               valueOf(item[0]) + "</td></tr>";
    });
    return "<table>" + rows.join("") + "</table>";
}
"""


def script_json(value: object) -> str:
    """JSON safe inside a <script> and through folium's templates.

    Every '<' is written \\u003c (no '</script>' or '<!--' for the HTML parser to act on) and
    line separators escaped; a '{' that would open a Jinja tag ('{{', '{%', '{#': branca
    re-reads rendered scripts as templates) is written \\u007b, which can only occur inside a
    JSON string, since compact JSON opens objects with '{"'.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_plain)
    text = text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return _JINJA_OPENERS.sub(r"\\u007b", text)


def _plain(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    if pd.isna(value):
        return None
    raise TypeError(f"cannot encode {type(value).__name__}")
