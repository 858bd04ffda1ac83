"""One printed map: context (district, townships, river), layers styled as on the web map, a
legend from the layer specs, an inset, scale bar, fraction and north arrow, in EPSG:4549."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely
from fpdf import FPDF
from shapely.geometry.base import BaseGeometry

from documents.pdf import CJK_FONT, FONT, set_text
from documents.text import fit_text, plain_text
from documents.vector_map import (
    MapFrame,
    bar_length,
    draw_feature,
    fit_frame,
    marked_layer,
    north_arrow,
    scale_bar,
)
from geo.crs import DISPLAY_CRS, to_metric
from layers import get_layer, load_layer
from layers.spec import LayerSpec, Style

__all__ = [
    "CONTEXT_KEYS",
    "PAPERS",
    "Context",
    "PrintInputs",
    "draw_inset",
    "draw_legend",
    "draw_map",
    "load_context",
    "metric_frame",
    "new_print",
    "print_inputs",
    "spec_for",
    "window_for",
]

PAPERS = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
CONTEXT_KEYS = ("district", "townships", "river")
HIGHLIGHT_COLOR = "#d7301f"
# Web map pixels → paper millimetres: strokes a little finer than on screen, points small.
STROKE_MM_PER_PX = 0.15
RADIUS_MM_PER_PX = 0.13
POINT_FILL_OPACITY = 0.85  # maps/compact_layer.py draws circle markers so
_FALLBACK_STYLE = Style(color="#555555")
_MAX_LABEL = 80
_REACH_M = 40_000  # the farthest a printed view may reach beyond the district


@dataclass(frozen=True)
class Context:
    """The map's frame of reference in the metric CRS: district, townships, river."""

    district: gpd.GeoDataFrame
    townships: gpd.GeoDataFrame
    river: gpd.GeoDataFrame


@dataclass(frozen=True)
class PrintInputs:
    """What a print draws besides its own features, gathered before drawing (so that drawing
    reads no store and can run in a worker without one): the context, and the spec of every
    layer the print names that has one (uploads' specs live only in the server's session)."""

    context: Context
    specs: Mapping[str, LayerSpec]


def print_inputs(keys: tuple[str, ...]) -> PrintInputs:
    """The context and the specs of `keys`, read now (a layer without a spec is left out)."""
    specs = {key: spec for key in dict.fromkeys(keys) if (spec := spec_for(key)) is not None}
    return PrintInputs(context=load_context(), specs=specs)


def load_context() -> Context:
    """District outline, township boundaries with names, and the river, in EPSG:4549."""
    return Context(
        district=to_metric(load_layer("district")[["geometry"]]),
        townships=to_metric(load_layer("townships")[["code", "name", "name_en", "geometry"]]),
        river=to_metric(load_layer("river")[["geometry"]]),
    )


def new_print(title: str, paper: str, orientation: str) -> FPDF:
    """An empty document of `paper` ("A4" | "A3") in `orientation`, with the CJK font."""
    if paper not in PAPERS:
        raise ValueError(f"paper '{paper}' is not one of {', '.join(PAPERS)}")
    if orientation not in ("portrait", "landscape"):
        raise ValueError(f"orientation '{orientation}' is not portrait or landscape")
    pdf = FPDF(orientation=orientation, unit="mm", format=PAPERS[paper])
    pdf.add_font(FONT, "", str(CJK_FONT))
    pdf.set_title(title)
    pdf.set_creator("双塔区项目地图 Shuangta Project Atlas")
    pdf.set_lang("zh-CN")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    return pdf


def metric_frame(frame: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    """A layer's features in EPSG:4549, without empty geometries (None: no features)."""
    if frame is None or len(frame) == 0:
        return gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=DISPLAY_CRS)).to_crs(4549)
    if frame.crs is None:
        frame = frame.set_crs(DISPLAY_CRS)
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    return to_metric(frame)


def window_for(
    bounds: tuple[float, float, float, float] | None,
    frames: list[gpd.GeoDataFrame],
    context: Context,
) -> tuple[float, float, float, float]:
    """The metric extent to show: `bounds` (WGS-84) if given, else the features' extent, else
    the district; never beyond 40 km of the district."""
    district = tuple(context.district.total_bounds)
    limit = shapely.box(*district).buffer(_REACH_M, join_style="mitre")
    if bounds is not None and all(math.isfinite(float(v)) for v in bounds):
        minx, miny, maxx, maxy = (float(v) for v in bounds)
        lon = (max(min(minx, maxx), -180.0), min(max(minx, maxx), 180.0))
        lat = (max(min(miny, maxy), -85.0), min(max(miny, maxy), 85.0))
        pad = 1e-5  # a point or a line of an extent becomes a small box around it
        lon, lat = (lon[0] - pad, lon[1] + pad), (lat[0] - pad, lat[1] + pad)
        box = shapely.segmentize(shapely.box(lon[0], lat[0], lon[1], lat[1]), 0.01)
        wanted = to_metric(gpd.GeoSeries([box], crs=DISPLAY_CRS)).iloc[0]
    else:
        shown = [frame.total_bounds for frame in frames if len(frame)]
        if not shown:
            return district
        table = pd.DataFrame(shown, columns=["minx", "miny", "maxx", "maxy"])
        wanted = shapely.box(
            table["minx"].min(), table["miny"].min(), table["maxx"].max(), table["maxy"].max()
        )
    if not wanted.is_valid or not all(map(math.isfinite, wanted.bounds)):
        return district
    clipped = wanted.intersection(limit)
    if clipped.is_empty or not limit.intersects(wanted):
        return district
    return tuple(float(v) for v in clipped.bounds)


def spec_for(key: str, specs: Mapping[str, LayerSpec] | None = None) -> LayerSpec | None:
    """The layer's spec from `specs` (a print's gathered inputs) when given, else from the
    registry; None for a session layer that has gone."""
    if specs is not None:
        return specs.get(key)
    try:
        return get_layer(key)
    except KeyError:
        return None


def draw_map(
    pdf: FPDF,
    frame: MapFrame,
    layers: list[tuple[str, gpd.GeoDataFrame]],
    context: Context,
    *,
    lang: str,
    highlight: BaseGeometry | None = None,
    overlay: Callable[[FPDF, MapFrame], object] | None = None,
    specs: Mapping[str, LayerSpec] | None = None,
    on_layer: Callable[[str], object] | None = None,
) -> dict[str, int]:
    """The context and `layers` (key, metric features; bottom to top) clipped to `frame`, then
    `overlay` (what the page draws over its layers); returns the features drawn per layer.

    Layers are styled by their spec in `specs` (None: the registry); `on_layer(key)` is called
    as each layer is drawn (a print's progress)."""
    drawn: dict[str, int] = {}
    with pdf.rect_clip(frame.x, frame.y, frame.width, frame.height), pdf.local_context():
        pdf.set_fill_color("#eeeeea")
        pdf.rect(frame.x, frame.y, frame.width, frame.height, style="F")
        for shape in context.district.geometry:
            draw_feature(pdf, frame, shape, color="#fbfbf7", fill="#fbfbf7", width=0.01)
        for shape in context.townships.geometry:
            draw_feature(pdf, frame, shape, color="#9a9a9a", width=0.25, dash=(1.2, 0.6))
        for shape in context.river.geometry:
            draw_feature(pdf, frame, shape, color="#3182bd", width=0.6)
        for key, features in layers:
            with marked_layer(pdf, key):
                drawn[key] = _draw_layer(pdf, frame, spec_for(key, specs), features)
            if on_layer is not None:
                on_layer(key)
        if overlay is not None:
            overlay(pdf, frame)
        for shape in context.district.geometry:
            draw_feature(pdf, frame, shape, color="#333333", width=0.45)
        if highlight is not None and not highlight.is_empty:
            draw_feature(pdf, frame, highlight, color=HIGHLIGHT_COLOR, width=0.7)
        _township_names(pdf, frame, context.townships, lang)
    pdf.set_draw_color("#333333")
    pdf.set_line_width(0.3)
    pdf.rect(frame.x, frame.y, frame.width, frame.height)
    _map_furniture(pdf, frame, lang)
    return drawn


def _draw_layer(
    pdf: FPDF, frame: MapFrame, spec: LayerSpec | None, features: gpd.GeoDataFrame
) -> int:
    style = spec.style if spec is not None else _FALLBACK_STYLE
    kind = spec.geometry if spec is not None else "polygon"
    styled = style.by_field if style.by_field in features.columns else None
    values = features[styled] if styled else [None] * len(features)
    points = kind == "point"
    opacity = POINT_FILL_OPACITY if points else (style.fill_opacity or 1.0)
    count = 0
    # One opacity for the whole layer (as on the web map), set once rather than per feature.
    with pdf.local_context(fill_opacity=opacity):
        for shape, value in zip(features.geometry, values, strict=True):
            color = style.color_for(value) if styled else style.color
            if points or shape.geom_type in ("Point", "MultiPoint"):
                options = {"fill": color, "width": 0.15, "radius": style.radius * RADIUS_MM_PER_PX}
            else:
                fill = color if kind == "polygon" and style.fill_opacity > 0 else None
                options = {"fill": fill, "width": style.weight * STROKE_MM_PER_PX}
            count += draw_feature(pdf, frame, shape, color=color, **options)
    return count


def _township_names(pdf: FPDF, frame: MapFrame, townships: gpd.GeoDataFrame, lang: str) -> None:
    view = shapely.box(*frame.world_bounds)
    set_text(pdf, 7, "#6f6f6f")
    for township in townships.itertuples():
        visible = township.geometry.intersection(view)
        if visible.is_empty or visible.area < view.area * 0.03:
            continue
        anchor = visible.representative_point()
        px, py = frame.to_page(anchor.x, anchor.y)
        name = township.name_en if lang == "en" else township.name
        width = pdf.get_string_width(name) + 1
        pdf.set_xy(px - width / 2, py - 1.75)
        pdf.cell(width, 3.5, name, align="C")


def _map_furniture(pdf: FPDF, frame: MapFrame, lang: str) -> None:
    """Scale bar with fraction at the bottom left, north arrow at the top right."""
    left, base = frame.x + 4, frame.y + frame.height - 6
    bar = bar_length(frame)
    pdf.set_fill_color("#ffffff")
    pdf.rect(frame.x + 1.5, base - 7.5, min(bar + 18, frame.width - 3), 12, "F")
    scale_bar(pdf, frame, left=left, base=base, lang=lang)
    right = frame.x + frame.width
    pdf.set_fill_color("#ffffff")
    pdf.rect(right - 11, frame.y + 1.5, 9.5, 13, "F")
    north_arrow(pdf, right - 6.25, frame.y + 2.5)


def draw_inset(
    pdf: FPDF, box: tuple[float, float, float, float], context: Context, view: MapFrame
) -> None:
    """The district with the printed view's rectangle on it, in `box` (x, y, w, h mm)."""
    district = tuple(context.district.total_bounds)
    world = view.world_bounds
    union = (
        min(district[0], world[0]),
        min(district[1], world[1]),
        max(district[2], world[2]),
        max(district[3], world[3]),
    )
    frame = fit_frame(box, union, round_scale=False, padding=0.05)
    pdf.set_draw_color("#999999")
    pdf.set_line_width(0.2)
    pdf.set_fill_color("#ffffff")
    pdf.rect(*box, style="DF")
    with pdf.rect_clip(*box), pdf.local_context():
        for shape in context.townships.geometry:
            draw_feature(pdf, frame, shape, color="#c8c8c8", width=0.1)
        for shape in context.district.geometry:
            draw_feature(pdf, frame, shape, color="#333333", fill="#f0efe6", width=0.3)
        draw_feature(pdf, frame, shapely.box(*world), color=HIGHLIGHT_COLOR, width=0.5)


def draw_legend(
    pdf: FPDF,
    box: tuple[float, float, float, float],
    keys: tuple[str, ...],
    *,
    lang: str,
    highlight: str | None = None,
    extra: tuple[tuple[str, str, str], ...] = (),
    specs: Mapping[str, LayerSpec] | None = None,
) -> int:
    """Legend rows from the specs of `keys` (from `specs`; None: the registry) and the context
    in `box`; returns the rows drawn."""
    x, y, width, height = box
    en = lang == "en"
    rows: list[tuple[str, str, str, bool]] = []  # kind, colour, label, heading
    for key in keys:
        spec = spec_for(key, specs)
        title = plain_text(spec.title(lang) if spec else key, _MAX_LABEL)
        kind = spec.geometry if spec else "polygon"
        style = spec.style if spec else _FALLBACK_STYLE
        if style.categories:
            rows.append(("heading", "", title, True))
            rows += [
                (kind, c.color, plain_text(c.label(lang), _MAX_LABEL), False)
                for c in style.categories
            ]
        else:
            rows.append((kind, style.color, title, True))
    rows += [(kind, color, plain_text(label, _MAX_LABEL), True) for kind, color, label in extra]
    rows += [
        ("line", "#333333", "District boundary" if en else "区界", True),
        ("dash", "#9a9a9a", "Township boundary" if en else "乡镇街道界", True),
        ("line", "#3182bd", "Daling River" if en else "大凌河", True),
    ]
    if highlight:
        rows.append(("line", HIGHLIGHT_COLOR, plain_text(highlight, _MAX_LABEL), True))
    available = height - 6
    columns = 1 if len(rows) * 3.4 <= available or width < 50 else 2
    per_column = -(-len(rows) // columns)
    step = min(4.2, max(3.0, available / max(per_column, 1)))
    size = 7.5 if step >= 4.0 else 6.5 if step >= 3.4 else 6.0
    column_width = width / columns - (2 if columns > 1 else 0)
    set_text(pdf, 9, "#111111")
    pdf.set_xy(x, y)
    pdf.cell(width, 5, "Legend" if en else "图例")
    capacity = columns * max(int(available / step + 1e-6), 1)
    if len(rows) > capacity:
        hidden = len(rows) - capacity + 1
        rows = [*rows[: capacity - 1], ("heading", "", f"… +{hidden}", False)]
    per_column = -(-len(rows) // columns)
    for index, (kind, color, label, heading) in enumerate(rows):
        left = x + (index // per_column) * (column_width + 2)
        top = y + 6 + (index % per_column) * step
        indent = 0.0 if heading else 2.0
        _swatch(pdf, kind, color, left + indent, top, step)
        set_text(pdf, size, "#222222")
        text_left = left + indent + (0 if kind == "heading" else 6)
        room = column_width - (text_left - left)
        pdf.set_xy(text_left, top)
        pdf.cell(room, step, fit_text(pdf, label, room - 1))
    return len(rows)


def _swatch(pdf: FPDF, kind: str, color: str, left: float, top: float, step: float) -> None:
    middle = top + step / 2
    if kind == "heading":
        return
    pdf.set_draw_color(color)
    pdf.set_fill_color(color)
    if kind in ("line", "dash"):
        pdf.set_line_width(0.6 if kind == "line" else 0.3)
        if kind == "dash":
            pdf.set_dash_pattern(dash=1.0, gap=0.6)
        pdf.line(left, middle, left + 4.5, middle)
        pdf.set_dash_pattern()
    elif kind == "outline":
        pdf.set_line_width(0.5)
        pdf.rect(left, middle - 1.4, 4.5, 2.8, style="D")
    elif kind == "point":
        pdf.set_line_width(0.15)
        pdf.circle(left + 2.2, middle, 1.0, style="DF")
    else:
        pdf.set_line_width(0.3)
        pdf.rect(left, middle - 1.4, 4.5, 2.8, style="DF")
