"""A canvas layer for large layers: draws every feature itself, with no Leaflet object per feature.

Features arrive in the compact encoding of `maps.compact_layer`. In the browser they are decoded
once into one typed array of Web-Mercator coordinates (offsets for rings and features, a
bounding box per feature; no JS object per feature or ring). Each redraw
(after a pan or zoom) skips features outside the view and vertices closer than one screen pixel
to the last one drawn, so the drawn shape is never more than a pixel off the true one, and draws
one path per colour. Hovering shows the layer's tooltip; a click reports the feature under the
pointer (its layer and id) exactly as a Leaflet feature would, so the app's panel answers it.
"""

from __future__ import annotations

from branca.element import Template

from maps.compact_layer import HELPERS_JS, RawScriptElement, script_json

__all__ = ["CANVAS_THRESHOLD", "CanvasLayer"]

# Above this many features a layer is drawn by CanvasLayer instead of one Leaflet layer each.
CANVAS_THRESHOLD = 2000


class CanvasLayer(RawScriptElement):
    """All features of one layer drawn on one canvas in the overlay pane."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function() {
    var payload = JSON.parse(document.getElementById("{{ this.payload_id }}").textContent);
    var options = {{ this.options_json }};
    var TILE = 256, D = Math.PI / 180, MAX_LAT = 85.0511287798, BATCH = 32;

    function mercX(lon) { return TILE * (lon + 180) / 360; }
    function mercY(lat) {
        lat = Math.max(Math.min(lat, MAX_LAT), -MAX_LAT);
        return TILE * (0.5 - Math.log(Math.tan(Math.PI / 4 + lat * D / 2)) / (2 * Math.PI));
    }
    {{ this.helpers_js }}
    var count = payload.ids.length, isPoint = payload.points !== undefined, isLine = options.fillOpacity === 0;

    // Every vertex decoded once into one typed array of Web-Mercator pairs (zoom-0 pixels,
    // projected on the server) from the layer's top-left corner (single precision is then far
    // below a pixel for a district-sized layer), with rings and features as offsets into it:
    // no JS array or object per ring or feature.
    var text = isPoint ? payload.points : payload.coords, vertexCount = 0;
    if (isPoint) { vertexCount = count; }
    else { for (var r0 = 0; r0 < payload.vertices.length; r0++) { vertexCount += payload.vertices[r0]; } }
    var X0 = payload.origin[0], Y0 = payload.origin[1], unit = 1 / payload.unit, filled = 0;
    var span = Math.max(mercX(payload.bounds[2]) - X0, mercY(payload.bounds[1]) - Y0);
    // Beyond about 5° across, single precision could be off by a pixel at street zoom.
    var coords = span < 4 ? new Float32Array(2 * vertexCount) : new Float64Array(2 * vertexCount);
    decodePolyline(text, 0, function(x, y) { coords[filled++] = x * unit; coords[filled++] = y * unit; });
    var ringTotal = isPoint ? 0 : payload.vertices.length + count;
    var rings = new Int8Array(ringTotal), ringStarts = new Int32Array(ringTotal + 1);
    var featureRings = new Int32Array(count + 1);
    var boxes = new Float64Array(count * 4), kinds = new Uint8Array(count);
    if (isPoint) {
        for (var i = 0; i < count; i++) {
            var px = coords[2 * i] + X0, py = coords[2 * i + 1] + Y0;
            boxes[4 * i] = px; boxes[4 * i + 1] = py; boxes[4 * i + 2] = px; boxes[4 * i + 3] = py;
        }
    } else {
        var ringCount = 0, vertex = 0, part = 0, line = 0;
        for (var f = 0; f < count; f++) {
            var minx = Infinity, miny = Infinity, maxx = -Infinity, maxy = -Infinity, fromVertex = vertex;
            kinds[f] = payload.kinds.charCodeAt(f) === 80 ? 1 : 0;  // "P"
            featureRings[f] = ringCount;
            for (var q = 0; q < payload.parts[f]; q++, part++) {
                for (var k = 0; k < payload.rings[part]; k++, line++) {
                    ringStarts[ringCount] = vertex; rings[ringCount] = k === 0 ? 0 : 1; ringCount++;
                    vertex += payload.vertices[line];
                }
            }
            ringStarts[ringCount] = vertex; rings[ringCount] = -1; ringCount++;  // end marker of the feature
            for (var c = fromVertex; c < vertex; c++) {
                var x = coords[2 * c], y = coords[2 * c + 1];
                if (x < minx) minx = x; if (x > maxx) maxx = x; if (y < miny) miny = y; if (y > maxy) maxy = y;
            }
            boxes[4 * f] = minx + X0; boxes[4 * f + 1] = miny + Y0; boxes[4 * f + 2] = maxx + X0; boxes[4 * f + 3] = maxy + Y0;
        }
        featureRings[count] = ringCount;
        ringStarts[ringCount] = vertex;
    }
    // The text and the counts are no longer needed.
    payload.points = payload.coords = payload.vertices = payload.rings = payload.parts = undefined;
    function property(name, i) { var column = payload.columns[name]; return column.values[column.codes[i]]; }
    function colorOf(i) {
        var value = options.styleField ? property(options.styleField, i) : null;
        return (value !== null && options.colors[value]) || options.color;
    }
    var colors = new Array(count);
    for (var j = 0; j < count; j++) { colors[j] = colorOf(j); }

    var Layer = L.Layer.extend({
        onAdd: function(map) {
            this._map = map;
            this._canvas = L.DomUtil.create("canvas", "atlas-canvas-layer leaflet-zoom-hide");
            this._canvas.style.pointerEvents = "none";
            map.getPanes().overlayPane.appendChild(this._canvas);
            map.on("moveend resize", this._redraw, this);
            map.on("click", this._onClick, this);
            map.on("mousemove", this._onMove, this);
            this._redraw();
        },
        onRemove: function(map) {
            map.off("moveend resize", this._redraw, this);
            map.off("click", this._onClick, this);
            map.off("mousemove", this._onMove, this);
            if (this._tooltip) { map.closeTooltip(this._tooltip); }
            L.DomUtil.remove(this._canvas);
        },
        _view: function() {
            var map = this._map, size = map.getSize(), scale = Math.pow(2, map.getZoom());
            var topLeft = map.containerPointToLayerPoint([0, 0]), origin = map.getPixelOrigin();
            return {size: size, scale: scale, topLeft: topLeft,
                    dx: -origin.x - topLeft.x, dy: -origin.y - topLeft.y};
        },
        _redraw: function() {
            var v = this._view(), ratio = window.devicePixelRatio || 1, canvas = this._canvas;
            canvas.width = v.size.x * ratio; canvas.height = v.size.y * ratio;
            canvas.style.width = v.size.x + "px"; canvas.style.height = v.size.y + "px";
            L.DomUtil.setPosition(canvas, v.topLeft);
            var ctx = canvas.getContext("2d");
            ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
            var s = v.scale, x0 = -v.dx / s, y0 = -v.dy / s, x1 = x0 + v.size.x / s, y1 = y0 + v.size.y / s;
            var pad = (options.radius + options.weight) / s, byColor = {};
            for (var i = 0; i < count; i++) {
                var b = 4 * i;
                if (boxes[b] > x1 + pad || boxes[b + 2] < x0 - pad || boxes[b + 1] > y1 + pad || boxes[b + 3] < y0 - pad) continue;
                (byColor[colors[i]] = byColor[colors[i]] || []).push(i);
            }
            var drawn = 0;
            function paint(color) {
                ctx.fillStyle = color; ctx.strokeStyle = color; ctx.lineWidth = options.weight;
                if (isPoint) { ctx.globalAlpha = 0.85; ctx.fill(); ctx.globalAlpha = 1; ctx.lineWidth = 1; ctx.stroke(); }
                else {
                    if (options.fillOpacity > 0) { ctx.globalAlpha = options.fillOpacity; ctx.fill("evenodd"); }
                    // Outlines of a large polygon layer are one pixel wide: a wider stroke
                    // doubles the raster work of many small shapes (0.58 s → 0.26 s for 100k).
                    ctx.globalAlpha = 1; ctx.lineWidth = isLine ? options.weight : Math.min(options.weight, 1); ctx.stroke();

                }
            }
            // One path per colour, flushed every BATCH features: a path with tens of thousands
            // of subpaths fills in more than linear time.
            var colorRank = this._colorRank = {};
            Object.keys(byColor).forEach(function(color, rank) {
                colorRank[color] = rank;
                var members = byColor[color];
                for (var start = 0; start < members.length; start += BATCH) {
                    ctx.beginPath();
                    for (var k = start; k < Math.min(start + BATCH, members.length); k++) {
                        drawFeature(ctx, members[k], s, v.dx, v.dy); drawn++;
                    }
                    paint(color);
                }
            });
            this._atlasDrawnFeatures = count;
            this._atlasVisibleFeatures = drawn;
        },
        // The pixel vertices drawn for ring `r` of feature `i` at the current view (for tests).
        _atlasDrawnRing: function(i, r) {
            var v = this._view(), n = project(featureRings[i] + r, v.scale, v.dx, v.dy), original = [], kept = [];
            for (var c = 0; c < n; c++) { original.push([scratch[2 * c], scratch[2 * c + 1]]); }
            simplify(n);

            for (var k = 0; k < n; k++) { if (keep[k]) kept.push(original[k]); }
            return {original: original, kept: kept};
        },
        _hit: function(point) {

            var v = this._view(), s = v.scale, x = (point.x - v.dx) / s, y = (point.y - v.dy) / s;
            // A point answers only inside its drawn circle (radius and half the 1 px outline).
            var reach = (options.radius + 0.5) / s;
            var tolerance = isPoint ? reach : 4 / s;
            // Colours are painted one after another: the top-most feature is the last one of
            // the last colour painted among those under the pointer.
            var ranks = this._colorRank || {}, best = -1, bestRank = -1;
            for (var i = count - 1; i >= 0; i--) {
                var b = 4 * i, rank = ranks[colors[i]] === undefined ? -1 : ranks[colors[i]];
                if (best >= 0 && rank <= bestRank) continue;
                if (x < boxes[b] - tolerance || x > boxes[b + 2] + tolerance ||
                    y < boxes[b + 1] - tolerance || y > boxes[b + 3] + tolerance) continue;
                var hit = isPoint
                    ? (x - boxes[b]) * (x - boxes[b]) + (y - boxes[b + 1]) * (y - boxes[b + 1]) <= reach * reach
                    : hitShape(i, x, y, tolerance);
                if (hit) { best = i; bestRank = rank; }
            }
            return best;
        },
        _onClick: function(e) {
            var i = this._hit(e.containerPoint);
            if (i < 0) return;
            var feature = featureOf(i), map = this._map, self = this;
            // The same event a Leaflet feature layer fires, so the map component reports it. The
            // component listens to the layers present when the map loaded; a layer switched on
            // later has no listener, so the event goes through one that has.
            var target = this.listens("click") ? this : Object.values(map._layers).find(function(layer) {
                return layer !== self && layer.listens && layer.listens("click");
            });
            if (!target) return;
            target.fire("click", {latlng: e.latlng, containerPoint: e.containerPoint, sourceTarget: this,
                                  layer: {feature: feature, toGeoJSON: function() { return feature; }}});

        },
        _onMove: function(e) {
            if (this._pending) return;
            this._pending = true;
            var self = this;
            L.Util.requestAnimFrame(function() {
                self._pending = false;
                var i = self._hit(e.containerPoint), map = self._map;
                map.getContainer().style.cursor = i >= 0 ? "pointer" : "";
                if (i < 0 || options.tooltip.length === 0) {
                    if (self._tooltip) { map.closeTooltip(self._tooltip); self._tooltip = null; }
                    return;
                }
                // Values and labels were HTML-escaped on the server: no data runs as markup.
                var table = tooltipTable(options.tooltip, function(name) { return property(name, i); });
                self._tooltip = self._tooltip || L.tooltip({direction: "top", offset: [0, -6]});
                self._tooltip.setLatLng(e.latlng).setContent(table);
                map.openTooltip(self._tooltip);
            });
        }
    });
    function featureOf(i) {
        var properties = {_layer: options.layer, _id: payload.ids[i]};
        Object.keys(payload.columns).forEach(function(name) { properties[name] = property(name, i); });
        return {type: "Feature", properties: properties, geometry: null};
    }
    function drawFeature(ctx, i, s, dx, dy) {
        if (isPoint) {
            var px = boxes[4 * i] * s + dx, py = boxes[4 * i + 1] * s + dy;
            ctx.moveTo(px + options.radius, py); ctx.arc(px, py, options.radius, 0, 2 * Math.PI);
            return;
        }
        var b = 4 * i;
        var width = (boxes[b + 2] - boxes[b]) * s, height = (boxes[b + 3] - boxes[b + 1]) * s;
        if (width <= 2 && height <= 2) {
            // Within two pixels every point of the shape is within a pixel of its box's edge or
            // inside it: the box is drawn instead of rasterizing a path of many vertices.
            ctx.rect(boxes[b] * s + dx, boxes[b + 1] * s + dy, Math.max(width, 1), Math.max(height, 1));
            return;
        }

        for (var r = featureRings[i]; rings[r] !== -1; r++) {
            var n = project(r, s, dx, dy);
            if (n < 2) continue;
            simplify(n);
            ctx.moveTo(scratch[0], scratch[1]);
            for (var k = 1; k < n; k++) { if (keep[k]) ctx.lineTo(scratch[2 * k], scratch[2 * k + 1]); }
            if (kinds[i] === 1) ctx.closePath();
        }
    }
    // Ring `r` in screen pixels, into `scratch`; returns its vertex count.
    var scratch = new Float64Array(1024), keep = new Uint8Array(512), stack = [];
    function project(r, s, dx, dy) {
        var start = ringStarts[r], n = ringStarts[r + 1] - start, ox = X0 * s + dx, oy = Y0 * s + dy;
        if (scratch.length < 2 * n) { scratch = new Float64Array(4 * n); keep = new Uint8Array(2 * n); }
        for (var c = 0; c < n; c++) {
            scratch[2 * c] = coords[2 * (start + c)] * s + ox;
            scratch[2 * c + 1] = coords[2 * (start + c) + 1] * s + oy;
        }
        return n;
    }
    // Douglas-Peucker on screen pixels: every dropped vertex lies within one pixel of the drawn
    // line, so the drawn shape deviates from the true one by at most a pixel at this zoom.
    function simplify(n) {
        keep.fill(0, 0, n); keep[0] = 1; keep[n - 1] = 1;
        stack.length = 0; stack.push(0, n - 1);
        while (stack.length) {
            var last = stack.pop(), first = stack.pop(), worst = 0, index = -1;
            var ax = scratch[2 * first], ay = scratch[2 * first + 1];
            var bx = scratch[2 * last], by = scratch[2 * last + 1];
            for (var c = first + 1; c < last; c++) {
                var d = segmentDistanceSquared(scratch[2 * c], scratch[2 * c + 1], ax, ay, bx, by);
                if (d > worst) { worst = d; index = c; }
            }
            if (worst > 1) { keep[index] = 1; stack.push(first, index, index, last); }
        }
    }
    function segmentDistanceSquared(x, y, ax, ay, bx, by) {
        var lx = bx - ax, ly = by - ay, t = ((x - ax) * lx + (y - ay) * ly) / (lx * lx + ly * ly || 1);
        t = Math.max(0, Math.min(1, t));
        var px = ax + t * lx - x, py = ay + t * ly - y;
        return px * px + py * py;
    }
    function hitShape(i, x, y, tolerance) {
        var inside = false;
        x -= X0; y -= Y0;
        for (var r = featureRings[i]; rings[r] !== -1; r++) {
            var start = ringStarts[r], end = ringStarts[r + 1];
            for (var c = start + 1; c < end; c++) {
                var ax = coords[2 * (c - 1)], ay = coords[2 * (c - 1) + 1], bx = coords[2 * c], by = coords[2 * c + 1];
                if (kinds[i] === 1 && ((ay > y) !== (by > y)) && x < (bx - ax) * (y - ay) / (by - ay) + ax) inside = !inside;
                if (kinds[i] === 0 && segmentDistance(x, y, ax, ay, bx, by) <= tolerance) return true;
            }
        }
        return inside;
    }
    function segmentDistance(x, y, ax, ay, bx, by) {
        return Math.sqrt(segmentDistanceSquared(x, y, ax, ay, bx, by));
    }

    new Layer().addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
"""
    )

    def __init__(self, payload: dict, options: dict) -> None:
        super().__init__()
        self._name = "CanvasLayer"
        self.payload_json = script_json(payload)
        self.options_json = script_json(options)
        self.helpers_js = HELPERS_JS
