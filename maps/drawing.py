"""Draw or edit one feature of a layer on a map (Leaflet.draw, served by the app), and read it back.

The control keeps at most one feature in its edit layer: drawing a new one replaces the old.
streamlit-folium listens to Leaflet.draw's `draw:created`, `draw:edited` and `draw:deleted` and
returns the edit layer's features as ``all_drawings`` (its ``window.drawnItems``, the name it
gives folium's Draw layer, which this control keeps); `drawn_geometry` reads that back.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import folium
import shapely
from branca.element import MacroElement, Template
from folium.elements import JSCSSMixin
from shapely.geometry.base import BaseGeometry

from geo.drawn_geojson import CHINA_LAT, CHINA_LON, MAX_VERTICES, drawn_shape
from layers.spec import GEOMETRY_KINDS
from maps.assets import LOCAL_ASSETS, STATIC_URL
from maps.parts import FitBounds

__all__ = [
    "CHINA_LAT",
    "CHINA_LON",
    "MAX_VERTICES",
    "STUDY_TOOLS",
    "DrawingTools",
    "add_drawing_tools",
    "add_study_tools",
    "drawn_geometry",
]

# A point (or a tiny shape) is shown with at least this much around it (degrees, ~300 m).
MIN_VIEW_SPAN_DEG = 0.003

# A layer's geometry kind → the one Leaflet.draw tool offered, and the GeoJSON types accepted.
_TOOLS = {"point": "marker", "line": "polyline", "polygon": "polygon"}
_GEOJSON_TYPES = {
    "point": ("Point",),
    "line": ("LineString", "MultiLineString"),
    "polygon": ("Polygon", "MultiPolygon"),
}
# Leaflet's marker icons (copied with leaflet.js by the Makefile), relative to STATIC_URL.
LEAFLET_IMAGES = "leaflet/images"
_STYLE = {"color": "#e6550d", "weight": 3, "fillOpacity": 0.2}
# A page map's study tools: an area to count (polygon, rectangle, circle) or a line to measure.
STUDY_TOOLS = ("polygon", "rectangle", "circle", "polyline")
_STUDY_STYLE = {"color": "#d81b60", "weight": 3, "fillOpacity": 0.08, "dashArray": "6 4"}

# Leaflet.draw's texts (merged into its L.drawLocal), for the tools the control offers.
_TEXTS: dict[str, dict] = {
    "zh": {
        "draw": {
            "toolbar": {
                "actions": {"title": "取消绘制", "text": "取消"},
                "finish": {"title": "完成绘制", "text": "完成"},
                "undo": {"title": "删除最后画的点", "text": "删除最后一点"},
                "buttons": {
                    "polyline": "画线",
                    "polygon": "画面",
                    "marker": "放置点",
                    "rectangle": "画矩形",
                    "circle": "画圆",
                },
            },
            "handlers": {
                "marker": {"tooltip": {"start": "单击地图放置点。"}},
                "rectangle": {"tooltip": {"start": "按住鼠标拖动画矩形。"}},
                "circle": {"tooltip": {"start": "按住鼠标拖动画圆。"}, "radius": "半径"},
                "simpleshape": {"tooltip": {"end": "松开鼠标完成。"}},
                "polygon": {
                    "tooltip": {
                        "start": "单击开始画面。",
                        "cont": "单击继续画面。",
                        "end": "单击第一个点闭合此面。",
                    }
                },
                "polyline": {
                    "error": "<strong>错误：</strong>边不能相交！",
                    "tooltip": {
                        "start": "单击开始画线。",
                        "cont": "单击继续画线。",
                        "end": "单击最后一个点结束画线。",
                    },
                },
            },
        },
        "edit": {
            "toolbar": {
                "actions": {
                    "save": {"title": "保存修改", "text": "保存"},
                    "cancel": {"title": "取消编辑，放弃所有修改", "text": "取消"},
                    "clearAll": {"title": "清除全部图形", "text": "全部清除"},
                },
                "buttons": {
                    "edit": "编辑图形",
                    "editDisabled": "没有可编辑的图形",
                    "remove": "删除图形",
                    "removeDisabled": "没有可删除的图形",
                },
            },
            "handlers": {
                "edit": {
                    "tooltip": {
                        "text": "拖动控制点或标记来修改图形。",
                        "subtext": "单击“取消”撤销修改。",
                    }
                },
                "remove": {"tooltip": {"text": "单击要删除的图形。"}},
            },
        },
    },
    "en": {
        "draw": {
            "toolbar": {
                "actions": {"title": "Cancel drawing", "text": "Cancel"},
                "finish": {"title": "Finish drawing", "text": "Finish"},
                "undo": {"title": "Delete the last point drawn", "text": "Delete last point"},
                "buttons": {
                    "polyline": "Draw a line",
                    "polygon": "Draw a polygon",
                    "marker": "Place a point",
                    "rectangle": "Draw a rectangle",
                    "circle": "Draw a circle",
                },
            },
            "handlers": {
                "marker": {"tooltip": {"start": "Click the map to place the point."}},
                "rectangle": {"tooltip": {"start": "Click and drag to draw a rectangle."}},
                "circle": {
                    "tooltip": {"start": "Click and drag to draw a circle."},
                    "radius": "Radius",
                },
                "simpleshape": {"tooltip": {"end": "Release the mouse to finish."}},
                "polygon": {
                    "tooltip": {
                        "start": "Click to start drawing the polygon.",
                        "cont": "Click to continue drawing the polygon.",
                        "end": "Click the first point to close the polygon.",
                    }
                },
                "polyline": {
                    "error": "<strong>Error:</strong> edges cannot cross!",
                    "tooltip": {
                        "start": "Click to start drawing the line.",
                        "cont": "Click to continue drawing the line.",
                        "end": "Click the last point to finish the line.",
                    },
                },
            },
        },
        "edit": {
            "toolbar": {
                "actions": {
                    "save": {"title": "Save changes", "text": "Save"},
                    "cancel": {"title": "Cancel editing, discard all changes", "text": "Cancel"},
                    "clearAll": {"title": "Clear all shapes", "text": "Clear all"},
                },
                "buttons": {
                    "edit": "Edit the shape",
                    "editDisabled": "No shape to edit",
                    "remove": "Delete the shape",
                    "removeDisabled": "No shape to delete",
                },
            },
            "handlers": {
                "edit": {
                    "tooltip": {
                        "text": "Drag the handles or the marker to change the shape.",
                        "subtext": "Click Cancel to undo the changes.",
                    }
                },
                "remove": {"tooltip": {"text": "Click the shape to delete it."}},
            },
        },
    },
}


class DrawingTools(JSCSSMixin, MacroElement):
    """Leaflet.draw's toolbar offering `tools` (Leaflet.draw's names: marker, polyline, polygon,
    rectangle, circle), with an edit layer holding at most one feature.

    Named like folium's Draw (``drawnItems_<name>``), so streamlit-folium finds its edit layer.
    """

    _template = Template(
        """
{% macro header(this, kwargs) %}
<style>
/* leaflet.draw.css gives its buttons and tooltips a font stack without the app's CJK font. */
html body .leaflet-container .leaflet-draw-actions a,
html body .leaflet-container .leaflet-draw-tooltip { font-family: inherit; }
</style>
{% endmacro %}
{% macro script(this, kwargs) %}
// Where Leaflet's default marker icon is: it would look for it beside leaflet.css, which
// streamlit-folium links only after the map's script has run.
L.Icon.Default.imagePath = {{ this.icon_path_json }};
var drawnItems_{{ this.get_name() }} = new L.FeatureGroup().addTo({{ this._parent.get_name() }});
var {{ this.get_name() }} = (function(map, items) {
    (function merge(target, source) {
        Object.keys(source).forEach(function(key) {
            if (source[key] && typeof source[key] === "object") {
                target[key] = target[key] || {};
                merge(target[key], source[key]);
            } else {
                target[key] = source[key];
            }
        });
    })(L.drawLocal, {{ this.texts_json }});
    var style = {{ this.style_json }};
    var control = new L.Control.Draw({
        position: "topleft",
        draw: {{ this.draw_json }},
        edit: {featureGroup: items, edit: {}, remove: true}
    }).addTo(map);
    map.drawControl = control;  // where Leaflet.draw's own `drawControl` map option keeps it
    var editable = {{ this.editable_json }};
    if (editable) {
        L.geoJSON(editable, {style: function() { return style; }}).eachLayer(function(layer) {
            items.addLayer(layer);
        });
    }
    // One feature at a time: a new drawing replaces the one before it.
    map.on(L.Draw.Event.CREATED, function(event) {
        items.clearLayers();
        items.addLayer(event.layer);
    });
    // streamlit-folium reads `event.layer` (as for draw:created) for last_active_drawing; an edit
    // carries only `event.layers`. These listeners run before streamlit-folium's, added later.
    // It writes a circle's radius into its GeoJSON only when the circle is drawn: an edited
    // circle gets its new radius here.
    map.on(L.Draw.Event.EDITED, function(event) {
        event.layers.eachLayer(function(layer) {
            if (layer instanceof L.Circle) {
                layer.feature = layer.feature || {type: "Feature", properties: {}};
                layer.feature.properties = layer.feature.properties || {};
                layer.feature.properties.radius = layer.getRadius();
            }
            if (!event.layer) event.layer = layer;
        });
    });
    return control;
})({{ this._parent.get_name() }}, drawnItems_{{ this.get_name() }});
{% endmacro %}
"""
    )

    def __init__(
        self,
        tools: Sequence[str],
        editable: dict | None,
        lang: str,
        *,
        style: dict | None = None,
    ) -> None:
        super().__init__()
        self._name = "DrawControl"
        self.default_js = [("leaflet_draw_js", f"{STATIC_URL}/{LOCAL_ASSETS['leaflet_draw_js']}")]
        self.default_css = [
            ("leaflet_draw_css", f"{STATIC_URL}/{LOCAL_ASSETS['leaflet_draw_css']}")
        ]
        style = style or _STYLE
        options: dict[str, object] = {
            name: False for name in (*_TOOLS.values(), "rectangle", "circle", "circlemarker")
        }
        for tool in tools:
            if tool == "marker":
                options[tool] = {"repeatMode": False}
            elif tool == "circle":  # its radius is shown while drawing, in metres
                options[tool] = {"shapeOptions": style, "showRadius": True, "metric": True}
            else:  # areas and lengths are measured by the server, in the metric CRS
                options[tool] = {
                    "shapeOptions": style,
                    "allowIntersection": False,
                    "showArea": False,
                    "showLength": False,
                }
        self.draw_json = json.dumps(options)
        self.style_json = json.dumps(style)
        texts = json.dumps(_TEXTS["en" if lang == "en" else "zh"], ensure_ascii=False)
        self.texts_json = texts.replace("</", "<\\/")  # no "</script" inside the script
        self.editable_json = json.dumps(editable)
        self.icon_path_json = json.dumps(f"{STATIC_URL}/{LEAFLET_IMAGES}/")


def add_drawing_tools(
    fmap: folium.Map, geometry_kind: str, editable: BaseGeometry | None, lang: str
) -> None:
    """Add the draw/edit toolbar for one `geometry_kind` ("point", "line" or "polygon") to `fmap`.

    Its tooltips are Chinese, English when `lang` is "en". `editable` (EPSG:4326), when given,
    is put in the edit layer for the user to move or reshape, and the map is fitted to it.
    ValueError for an unknown kind or an `editable` that `drawn_geometry` would refuse.
    """
    if geometry_kind not in GEOMETRY_KINDS:
        raise ValueError(f"geometry kind '{geometry_kind}' is not one of {GEOMETRY_KINDS}")
    feature = None
    if editable is not None:
        feature = json.loads(shapely.to_geojson(editable))
        _checked(feature, geometry_kind)
    DrawingTools((_TOOLS[geometry_kind],), feature, lang).add_to(fmap)
    if editable is not None:
        FitBounds(_view_bounds(editable.bounds)).add_to(fmap)


def add_study_tools(fmap: folium.Map, lang: str) -> None:
    """Add the toolbar a planner draws a study area (polygon, rectangle, circle) or a line to
    measure with; what is drawn reaches the server as coordinates (planning.area reads it)."""
    DrawingTools(STUDY_TOOLS, None, lang, style=_STUDY_STYLE).add_to(fmap)


def drawn_geometry(returned: dict | None, geometry_kind: str) -> BaseGeometry | None:
    """The feature drawn or edited on a map with `add_drawing_tools`, from st_folium's value.

    None until the user has drawn, saved an edit or deleted the feature (then it is gone).
    ValueError, with an English message naming the problem, for a value that is not a GeoJSON
    geometry of `geometry_kind` with finite coordinates inside China and at most
    `MAX_VERTICES` vertices.
    """
    if geometry_kind not in GEOMETRY_KINDS:
        raise ValueError(f"geometry kind '{geometry_kind}' is not one of {GEOMETRY_KINDS}")
    if returned is None:
        return None
    if not isinstance(returned, dict):
        raise ValueError(f"the map returned {type(returned).__name__}, not a dict")
    drawings = returned.get("all_drawings")
    if drawings is None:
        feature = returned.get("last_active_drawing")
    elif isinstance(drawings, list):
        feature = drawings[-1] if drawings else None
    else:
        raise ValueError("the map's all_drawings is not a list")
    if feature is None:
        return None
    if not isinstance(feature, dict):
        raise ValueError("the drawn feature is not a GeoJSON object")
    geometry = feature.get("geometry") if feature.get("type") == "Feature" else feature
    return _checked(geometry, geometry_kind)


def _checked(geometry: object, kind: str) -> BaseGeometry:
    """`geometry` (a GeoJSON geometry dict) as a valid 2-D shapely geometry of a `kind`
    layer's types, or ValueError (geo.drawn_geojson checks the positions)."""
    if not isinstance(geometry, dict) or not isinstance(geometry.get("type"), str):
        raise ValueError("the drawn feature has no GeoJSON geometry")
    kind_types = _GEOJSON_TYPES[kind]
    if geometry["type"] not in kind_types:
        raise ValueError(f"a {kind} layer takes {' or '.join(kind_types)}, not {geometry['type']}")
    result = drawn_shape(geometry)
    if not result.is_valid:
        reason = shapely.is_valid_reason(result)
        raise ValueError(f"the drawn {geometry['type']} is not a valid geometry: {reason}")
    return result


def _view_bounds(bounds: Sequence[float]) -> tuple[float, float, float, float]:
    """`bounds` (minx, miny, maxx, maxy) widened to at least MIN_VIEW_SPAN_DEG each way."""
    minx, miny, maxx, maxy = bounds
    grow_x = max(MIN_VIEW_SPAN_DEG - (maxx - minx), 0) / 2
    grow_y = max(MIN_VIEW_SPAN_DEG - (maxy - miny), 0) / 2
    return (minx - grow_x, miny - grow_y, maxx + grow_x, maxy + grow_y)
