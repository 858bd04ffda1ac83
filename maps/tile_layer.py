"""A big layer drawn from its vector tiles (maps.tiles) by protomaps-leaflet, from npm.

The browser fetches only the tiles of the view, from a PMTiles archive (HTTP Range requests to
one file) or a z/x/y tile server, and draws them on canvas tiles: one colour per feature (the
tiles carry `_color`, as the whole-layer path's features do). Hovering shows the layer's
tooltip; a click reports the feature under the pointer (its layer and id, read from the tile)
exactly as a Leaflet feature would, so the app's panel answers it at full precision.
"""

from __future__ import annotations

import html

import folium
from branca.element import MacroElement, Template
from folium.elements import JSCSSMixin

from layers import LayerSpec
from maps.assets import LOCAL_ASSETS, STATIC_URL
from maps.compact_layer import HELPERS_JS, script_json
from maps.parts import layer_options

__all__ = ["TILE_PANE", "TileLayer", "tiled_group"]

# Tiles sit above the basemap (tilePane, 200) and below vector overlays (overlayPane, 400):
# the township outlines and the highlight stay on top of a dense layer.
TILE_PANE = "atlasTiles"
_TILE_PANE_Z = 350
# Pixels around the pointer within which a point or a line is hit (polygons: inside).
_BRUSH_PX = 6


class TileLayer(JSCSSMixin, MacroElement):
    """One layer's vector tiles, switchable with its feature group."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function() {
    var options = {{ this.options_json }};
    var map = {{ this._parent._parent.get_name() }}, group = {{ this._parent.get_name() }};
    {{ this.helpers_js }}
    if (!map.getPane("{{ this.pane }}")) {
        map.createPane("{{ this.pane }}").style.zIndex = {{ this.pane_z }};
    }
    function colorOf(z, feature) { return feature.props._color || options.color; }
    var P = protomapsL, rules = [];
    if (options.geometry === "point") {
        rules.push({dataSource: "atlas", dataLayer: options.dataLayer, symbolizer: new P.CircleSymbolizer({
            radius: options.radius, fill: colorOf, stroke: "#ffffff", width: 1, opacity: 0.9})});
    } else {
        // Shapes of one colour are painted together: one rule per colour, whose features are
        // added to one path and filled and outlined every BATCH features (a fill and a stroke
        // per feature was most of a redraw). A colour not in the legend falls back to one
        // feature at a time.
        var colors = Object.values(options.colors).concat([options.color]).filter(function(c, i, all) {
            return all.indexOf(c) === i;
        });
        colors.forEach(function(color) {
            rules.push({dataSource: "atlas", dataLayer: options.dataLayer, symbolizer: new Batched(color),
                        filter: function(z, feature) { return colorOf(z, feature) === color; }});
        });
        // Last: a colour outside the legend, each feature painted as it comes (so nothing is
        // left in a path when the tile is done).
        rules.push({dataSource: "atlas", dataLayer: options.dataLayer, symbolizer: new Batched(null),
                    filter: function(z, feature) { return colors.indexOf(colorOf(z, feature)) < 0; }});
    }
    // protomaps-leaflet calls `before(ctx)` for each rule and tile, then `draw` for each feature
    // the rule's filter keeps, with its rings in tile pixels. The path under way is painted
    // when the next rule or tile begins, and every BATCH features (a path of thousands of
    // shapes fills in more than linear time). A null colour: each feature its own.
    var BATCH = 32, FILLED = options.geometry === "polygon" && options.fillOpacity > 0, pending = null;
    // Outlines of a tiled (big) polygon layer are one pixel wide, as on the whole-layer canvas:
    // a wider stroke doubles the raster work of many small shapes.
    var OUTLINE = FILLED ? Math.min(options.weight, 1) : options.weight;
    function Batched(color) { this.color = color; this.count = 0; this.fresh = true; }
    Batched.prototype.before = function(ctx) { if (pending) pending.paint(ctx); this.fresh = true; };
    Batched.prototype.draw = function(ctx, rings, z, feature) {
        if (this.fresh || this.color === null) { ctx.beginPath(); this.fresh = false; }
        for (var r = 0; r < rings.length; r++) {
            var ring = rings[r];
            for (var k = 0; k < ring.length; k++) {
                if (k === 0) ctx.moveTo(ring[k].x, ring[k].y); else ctx.lineTo(ring[k].x, ring[k].y);
            }
        }
        this.count++;
        pending = this;
        this.featureColor = this.color || colorOf(z, feature);
        if (this.color === null || this.count >= BATCH) this.paint(ctx);
    };
    Batched.prototype.paint = function(ctx) {
        pending = null;
        if (this.count === 0) return;
        var color = this.featureColor;
        ctx.globalAlpha = 1;
        if (FILLED) { ctx.fillStyle = fillOf(color); ctx.fill(); }
        ctx.strokeStyle = color; ctx.lineWidth = OUTLINE; ctx.stroke();
        ctx.beginPath();
        this.count = 0;
    };
    var fills = {};
    function fillOf(color) { return fills[color] || (fills[color] = translucent(color, options.fillOpacity)); }
    function translucent(hex, alpha) {
        var m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
        return m ? "rgba(" + parseInt(m[1], 16) + "," + parseInt(m[2], 16) + "," + parseInt(m[3], 16) + "," + alpha + ")" : hex;
    }
    // levelDiff 0: the tiles of zoom z are drawn at zoom z (256-pixel tiles, as built); beyond
    // the archive's highest zoom its tiles are drawn larger (over-zoom).
    var layer = P.leafletLayer({
        sources: {atlas: {url: options.url, levelDiff: 0, maxDataZoom: options.maxZoom}},
        paintRules: rules, labelRules: [], attribution: "", pane: "{{ this.pane }}", tileDelay: 1,
        minZoom: options.minZoom, maxZoom: 22
    });
    layer.addTo(group);

    // The topmost feature under the pointer, from the tiles on screen (null: none).
    function featureAt(latlng) {
        if (!map.hasLayer(layer) || map.getZoom() < options.minZoom - 0.5) return null;
        var picked = (layer.queryTileFeaturesDebug(latlng.lng, latlng.lat, {{ this.brush }}).get("atlas") || [])
            .filter(function(p) { return p.layerName === options.dataLayer && p.feature.props._id !== undefined; });
        if (picked.length === 0) return null;
        var props = picked[picked.length - 1].feature.props, properties = {_layer: options.layer};
        Object.keys(props).forEach(function(name) { properties[name] = String(props[name]); });
        return {type: "Feature", properties: properties, geometry: null};
    }
    map.on("click", function(e) {
        var feature = featureAt(e.latlng);
        if (!feature) return;
        // The same event a Leaflet feature layer fires, so the map component reports it (through
        // a layer it listens to: it listens to the layers present when the map loaded).
        var target = Object.values(map._layers).find(function(other) {
            return other !== layer && other.listens && other.listens("click");
        });
        if (!target) return;
        target.fire("click", {latlng: e.latlng, containerPoint: e.containerPoint, sourceTarget: layer,
                              layer: {feature: feature, toGeoJSON: function() { return feature; }}});
    });
    var pending = false, tooltip = null;
    map.on("mousemove", function(e) {
        if (pending) return;
        pending = true;
        L.Util.requestAnimFrame(function() {
            pending = false;
            var feature = featureAt(e.latlng);
            if (!feature || options.tooltip.length === 0) {
                if (tooltip) { map.closeTooltip(tooltip); tooltip = null; }
                return;
            }
            // Values and labels were HTML-escaped on the server: no data runs as markup.
            var table = tooltipTable(options.tooltip, function(name) { return feature.properties[name]; });
            tooltip = tooltip || L.tooltip({direction: "top", offset: [0, -6]});
            tooltip.setLatLng(e.latlng).setContent(table);
            map.openTooltip(tooltip);
        });
    });
    group.on("remove", function() { if (tooltip) { map.closeTooltip(tooltip); tooltip = null; } });
    layer._atlasTiled = options.layer;  // for tests and benchmarks: which layer these tiles are
})();
{% endmacro %}
"""
    )

    def __init__(self, url: str, options: dict) -> None:
        """`url`: the layer's PMTiles archive or z/x/y template; `options`: layer, geometry,
        color, weight, fillOpacity, radius, tooltip [[field, label]], minZoom, maxZoom."""
        super().__init__()
        self._name = "TileLayer"
        self.options_json = script_json({**options, "url": url})
        self.helpers_js = HELPERS_JS
        self.pane = TILE_PANE
        self.pane_z = _TILE_PANE_Z
        self.brush = _BRUSH_PX
        self.default_js = [
            ("protomaps_leaflet_js", f"{STATIC_URL}/{LOCAL_ASSETS['protomaps_leaflet_js']}")
        ]


def tiled_group(
    spec: LayerSpec,
    url: str,
    lang: str,
    *,
    min_zoom: int,
    max_zoom: int,
    show: bool = True,
    data_layer: str | None = None,
) -> folium.FeatureGroup:
    """One switchable layer drawn from its tiles at `url` (built for zooms min..max), whose
    features are the tiles' layer `data_layer` (default: named by the layer key)."""
    group = folium.FeatureGroup(name=html.escape(spec.title(lang)), show=show)
    options = {
        **layer_options(spec, lang),
        "minZoom": min_zoom,
        "maxZoom": max_zoom,
        "dataLayer": data_layer or spec.key,
    }
    TileLayer(url, options).add_to(group)
    return group
