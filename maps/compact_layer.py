"""A Leaflet layer whose features travel as columns: ids, dictionary-coded text, encoded geometry.

Inline GeoJSON repeats every key and writes coordinates in full; here each text column is a
list of distinct values plus one small code per feature, and coordinates are encoded polylines.
The browser rebuilds ordinary GeoJSON features (properties included, so a click still reports
the feature's layer and id) and draws them on the map's canvas.
"""

from __future__ import annotations

import json
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement, Template

from maps.polyline import encode_polyline

__all__ = ["HELPERS_JS", "CompactLayer", "encode_features", "script_json"]

_JINJA_OPENERS = re.compile(r"\{(?=[{%#])")
POINT_PRECISION = 5  # 1e-5° ≈ 1 m: below a pixel up to zoom 17
SHAPE_PRECISION = 6


def encode_features(frame: gpd.GeoDataFrame, *, id_column: str, columns: list[str]) -> dict:
    """The payload of a layer: ids, dictionary-coded text columns, encoded geometry."""
    kinds = set(frame.geometry.geom_type)
    payload: dict = {"ids": frame[id_column].astype(str).tolist(), "columns": {}}
    for name in columns:
        values, codes = np.unique(frame[name].astype(str).to_numpy(), return_inverse=True)
        payload["columns"][name] = {"values": values.tolist(), "codes": codes.tolist()}
    if kinds <= {"Point"}:
        coords = shapely.get_coordinates(frame.geometry.to_numpy())
        payload["points"] = encode_polyline(coords, POINT_PRECISION)
        payload["precision"] = POINT_PRECISION
    else:
        payload["shapes"] = [_encode_shape(geometry) for geometry in frame.geometry]
        payload["precision"] = SHAPE_PRECISION
    return payload


def _encode_shape(geometry) -> list:
    """[kind, parts]: kind 'L' lines or 'P' polygons; parts are lists of encoded rings/lines."""
    if geometry is None or geometry.is_empty:
        return ["P", []]
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        polygons = getattr(geometry, "geoms", [geometry])
        return ["P", [[_ring(p.exterior), *(_ring(r) for r in p.interiors)] for p in polygons]]
    lines = getattr(geometry, "geoms", [geometry])
    return ["L", [[_ring(line)] for line in lines]]


def _ring(ring) -> str:
    return encode_polyline(np.asarray(ring.coords)[:, :2], SHAPE_PRECISION)


class CompactLayer(MacroElement):
    """Features decoded in the browser into an L.geoJSON layer on the parent group."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function() {
    var payload = {{ this.payload_json }};
    var options = {{ this.options_json }};
    {{ this.helpers_js }}
    function decode(text, precision) {
        var out = [];
        decodePolyline(text, precision, function(lon, lat) { out.push([lon, lat]); });
        return out;
    }
    function geometry(i) {
        if (payload.points !== undefined) {
            return {type: "Point", coordinates: points[i]};
        }
        var shape = payload.shapes[i];
        var parts = shape[1].map(function(part) {
            return part.map(function(ring) { return decode(ring, payload.precision); });
        });
        if (shape[0] === "P") { return {type: "MultiPolygon", coordinates: parts}; }
        return {type: "MultiLineString", coordinates: parts.map(function(part) { return part[0]; })};
    }
    var points = payload.points !== undefined ? decode(payload.points, payload.precision) : null;
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
# algorithm, lat first; `emit(lon, lat)` per vertex) and the tooltip table (cells arrive
# HTML-escaped from the server, so nothing from data runs as markup).
HELPERS_JS = """
function decodePolyline(text, precision, emit) {
    var index = 0, lat = 0, lon = 0, factor = Math.pow(10, precision);
    while (index < text.length) {
        var pair = [0, 0];
        for (var k = 0; k < 2; k++) {
            var result = 0, shift = 0, b;
            do { b = text.charCodeAt(index++) - 63; result |= (b & 31) << shift; shift += 5; }
            while (b >= 32);
            pair[k] = (result & 1) ? ~(result >> 1) : (result >> 1);
        }
        lat += pair[0]; lon += pair[1];
        emit(lon / factor, lat / factor);
    }
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

    '</' and line separators are escaped for the HTML parser; a '{' that would open a Jinja
    tag ('{{', '{%', '{#': branca re-reads rendered scripts as templates) is written \\u007b,
    which can only occur inside a JSON string, since compact JSON opens objects with '{"'.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_plain)
    text = text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return _JINJA_OPENERS.sub(r"\\u007b", text)


def _plain(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    if pd.isna(value):
        return None
    raise TypeError(f"cannot encode {type(value).__name__}")
