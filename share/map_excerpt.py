"""The map excerpt of a site sheet: the site, its neighbours, boundaries, river, seats and
landmarks drawn as vectors into the PDF, with scale bar, north arrow and legend."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import shapely
from fpdf import FPDF
from fpdf.enums import PathPaintRule

from documents.pdf import MARGIN_MM, set_text
from geo.crs import to_metric
from layers import get_layer, load_layer
from layers.formatting import format_figure
from layers.landmarks import AIRPORT, CITY_CENTRE, TOWNSHIP_SEAT
from layers.sites import SITE_LAYER

__all__ = ["MAP_BOX", "MapContext", "draw_map_excerpt", "load_map_context"]

MAP_BOX = (MARGIN_MM, 46.0, 182.0, 112.0)  # x, y, width, height in mm (A4 portrait)
MIN_HALF_WIDTH_M = 2_500.0  # the excerpt shows at least 5 km across
SITE_OUTLINE = "#b30000"
_SCALE_STEPS_KM = (0.5, 1, 2, 5, 10, 20)


@dataclass(frozen=True)
class MapContext:
    """Everything drawn around a site, in the metric CRS."""

    district: gpd.GeoDataFrame
    townships: gpd.GeoDataFrame
    river: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    landmarks: gpd.GeoDataFrame


def load_map_context() -> MapContext:
    """Townships, river, sites and landmarks around every site, loaded once per document."""
    public = [field.name for field in get_layer(SITE_LAYER).public_fields]
    return MapContext(
        district=to_metric(load_layer("district")[["geometry"]]),
        townships=to_metric(load_layer("townships")[["name", "geometry"]]),
        river=to_metric(load_layer("river")[["geometry"]]),
        sites=to_metric(load_layer(SITE_LAYER)[[*public, "geometry"]]),
        landmarks=to_metric(load_layer("landmarks")[["name", "kind", "geometry"]]),
    )


@dataclass(frozen=True)
class _Frame:
    """Metric window → page millimetres (y grows downwards on the page)."""

    minx: float
    maxy: float
    scale: float  # mm per metre

    def point(self, x: float, y: float) -> tuple[float, float]:
        return MAP_BOX[0] + (x - self.minx) * self.scale, MAP_BOX[1] + (self.maxy - y) * self.scale


def _window(shape) -> _Frame:
    """A window around the site, at least 5 km across, with the map box's aspect."""
    minx, miny, maxx, maxy = shape.bounds
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    aspect = MAP_BOX[3] / MAP_BOX[2]
    half_w = max(MIN_HALF_WIDTH_M, 1.8 * (maxx - minx) / 2, 1.8 * (maxy - miny) / 2 / aspect)
    half_h = half_w * aspect
    return _Frame(minx=cx - half_w, maxy=cy + half_h, scale=MAP_BOX[2] / (2 * half_w))


def draw_map_excerpt(pdf: FPDF, row, shape, context: MapContext) -> None:
    """The site (`row` of site facts, `shape` in the metric CRS) and its surroundings in MAP_BOX."""
    frame = _window(shape)
    x, y, w, h = MAP_BOX
    view = shapely.box(
        frame.minx, frame.maxy - h / frame.scale, frame.minx + w / frame.scale, frame.maxy
    )
    # local_context: fpdf2 would otherwise keep the colours set inside the clip as current.
    with pdf.rect_clip(x, y, w, h), pdf.local_context():
        pdf.set_fill_color("#e6e6e6")
        pdf.rect(x, y, w, h, style="F")
        for geometry in context.district.geometry:
            _polygon(pdf, frame, geometry, fill="#fbfbf7", stroke="#444444", width=0.5)
        for geometry in context.townships.geometry:
            _polygon(pdf, frame, geometry, fill=None, stroke="#a0a0a0", width=0.25)
        for geometry in context.river.geometry:
            _lines(pdf, frame, geometry, stroke="#3182bd", width=1.0)
        stage_style = get_layer(SITE_LAYER).style
        others = context.sites[context.sites["uid"] != row.uid]
        for other in others[others.intersects(view)].itertuples():
            color = stage_style.color_for(other.status)
            _polygon(pdf, frame, other.geometry, fill=color, stroke=color, width=0.2, opacity=0.45)
        _polygon(
            pdf,
            frame,
            shape,
            fill=stage_style.color_for(row.status),
            stroke=SITE_OUTLINE,
            width=0.8,
        )
        _township_names(pdf, frame, context.townships, view)
        _landmarks(pdf, frame, context.landmarks, shape, view)
    pdf.set_draw_color("#333333")
    pdf.set_line_width(0.3)
    pdf.rect(x, y, w, h)
    _scale_bar(pdf, frame)
    _map_legend(pdf)


def _polygon(
    pdf: FPDF,
    frame: _Frame,
    geometry,
    *,
    fill: str | None,
    stroke: str,
    width: float,
    opacity: float = 1.0,
) -> None:
    polygons = getattr(geometry, "geoms", [geometry])
    with pdf.new_path() as path:
        path.style.stroke_color = stroke
        path.style.stroke_width = width
        if fill is not None:
            path.style.fill_color = fill
            path.style.fill_opacity = opacity
            path.style.paint_rule = PathPaintRule.STROKE_FILL_EVENODD
        else:
            path.style.paint_rule = PathPaintRule.STROKE
        for polygon in polygons:
            for ring in (polygon.exterior, *polygon.interiors):
                points = [frame.point(px, py) for px, py in ring.coords]
                path.move_to(*points[0])
                for point in points[1:]:
                    path.line_to(*point)
                path.close()


def _lines(pdf: FPDF, frame: _Frame, geometry, *, stroke: str, width: float) -> None:
    with pdf.new_path() as path:
        path.style.stroke_color = stroke
        path.style.stroke_width = width
        path.style.paint_rule = PathPaintRule.STROKE
        for line in getattr(geometry, "geoms", [geometry]):
            points = [frame.point(px, py) for px, py in line.coords]
            path.move_to(*points[0])
            for point in points[1:]:
                path.line_to(*point)


def _township_names(pdf: FPDF, frame: _Frame, townships: gpd.GeoDataFrame, view) -> None:
    set_text(pdf, 7, "#8a8a8a")
    for township in townships.itertuples():
        visible = township.geometry.intersection(view)
        if visible.area < view.area * 0.04:
            continue
        anchor = visible.representative_point()
        px, py = frame.point(anchor.x, anchor.y)
        pdf.set_xy(px - 20, py - 2)
        pdf.cell(40, 4, township.name, align="C")


def _landmarks(pdf: FPDF, frame: _Frame, landmarks: gpd.GeoDataFrame, shape, view) -> None:
    """Seats and landmarks in view as labelled dots; the city centre and airport, if out of
    view, as a dashed line from the site towards them, labelled at the map's edge."""
    colors = {c.value: c.color for c in get_layer("landmarks").style.categories}
    centre = shape.representative_point()
    placed: list[tuple[float, float, float]] = []  # x, y, width of edge labels already drawn
    for landmark in landmarks.itertuples():
        point = landmark.geometry
        color = colors.get(landmark.kind, "#252525")
        if view.contains(point):
            px, py = frame.point(point.x, point.y)
            pdf.set_fill_color(color)
            pdf.set_draw_color("#ffffff")
            pdf.set_line_width(0.3)
            pdf.circle(px, py, 1.3, style="DF")
            set_text(pdf, 7.5, "#222222")
            pdf.set_xy(px + 1.8, py - 2)
            pdf.cell(40, 4, landmark.name)
        elif landmark.kind in (CITY_CENTRE, AIRPORT):
            _pointer(pdf, frame, centre, point, (landmark.name, color), view, placed)


def _pointer(
    pdf: FPDF,
    frame: _Frame,
    start,
    end,
    label_color: tuple[str, str],
    view,
    placed: list[tuple[float, float, float]],
) -> None:
    name, color = label_color
    sx, sy = frame.point(start.x, start.y)
    ex, ey = frame.point(end.x, end.y)
    pdf.set_draw_color(color)
    pdf.set_line_width(0.4)
    pdf.set_dash_pattern(dash=1.5, gap=1.2)
    pdf.line(sx, sy, ex, ey)
    pdf.set_dash_pattern()
    inset = view.buffer(-(8 / frame.scale))
    edge = shapely.LineString([start, end]).intersection(inset.exterior)
    if edge.is_empty:
        return
    mark = edge if edge.geom_type == "Point" else edge.geoms[0]
    lx, ly = frame.point(mark.x, mark.y)
    distance_km = start.distance(end) / 1000
    label = f"{name} {distance_km:.1f} km"
    set_text(pdf, 7.5, color)
    pdf.set_fill_color("#ffffff")
    width = pdf.get_string_width(label) + 2
    left = min(max(lx - width / 2, MAP_BOX[0] + 1), MAP_BOX[0] + MAP_BOX[2] - width - 1)
    top = ly - 2
    while any(abs(top - y) < 4.5 and left < x + w and x < left + width for x, y, w in placed):
        top += 4.5 if ly < MAP_BOX[1] + MAP_BOX[3] / 2 else -4.5  # stack towards the middle
    placed.append((left, top, width))
    pdf.set_xy(left, top)
    pdf.cell(width, 4, label, fill=True, align="C")


def _scale_bar(pdf: FPDF, frame: _Frame) -> None:
    x, y, w, h = MAP_BOX
    target_m = w / 4 / frame.scale
    step_km = max((s for s in _SCALE_STEPS_KM if s * 1000 <= target_m), default=_SCALE_STEPS_KM[0])
    length = step_km * 1000 * frame.scale
    left, base = x + 5, y + h - 6
    pdf.set_fill_color("#ffffff")
    pdf.rect(left - 2, base - 9, length + 14, 11.5, style="F")
    pdf.set_fill_color("#333333")
    pdf.rect(left, base, length, 1.2, style="F")
    set_text(pdf, 7.5, "#333333")
    pdf.set_xy(left, base - 5)
    pdf.cell(length, 4, f"{format_figure(step_km)} km")
    _north_arrow(pdf, left + length + 6, base - 8)


def _north_arrow(pdf: FPDF, cx: float, top: float) -> None:
    pdf.set_fill_color("#333333")
    pdf.polygon([(cx, top), (cx + 2.5, top + 7), (cx, top + 5.5), (cx - 2.5, top + 7)], style="F")
    set_text(pdf, 8, "#333333")
    pdf.set_xy(cx - 3, top + 6.6)
    pdf.cell(6, 3.5, "N", align="C")


def _map_legend(pdf: FPDF) -> None:
    x, y, _, h = MAP_BOX
    spec = get_layer(SITE_LAYER)
    seat_color = get_layer("landmarks").style.color_for(TOWNSHIP_SEAT)
    entries = [
        (SITE_OUTLINE, "本项目 This site", "outline"),
        *((c.color, f"{c.value} {c.label_en}", "fill") for c in spec.style.categories),
        ("#3182bd", "大凌河 Daling River", "line"),
        ("#a0a0a0", "乡镇街道界 Township boundary", "line"),
        (seat_color, "乡镇驻地 Township seat", "dot"),
    ]
    left, top = x, y + h + 2.5
    set_text(pdf, 7.5, "#333333")
    for color, label, kind in entries:
        if left + pdf.get_string_width(label) + 6 > x + MAP_BOX[2]:
            left, top = x, top + 4.5

        if kind == "line":
            pdf.set_draw_color(color)
            pdf.set_line_width(0.8)
            pdf.line(left, top + 2, left + 4, top + 2)
        elif kind == "dot":
            pdf.set_fill_color(color)
            pdf.circle(left + 2, top + 2, 1.1, style="F")
        else:
            pdf.set_fill_color(color if kind == "fill" else "#ffffff")
            pdf.set_draw_color(color)
            pdf.set_line_width(0.6 if kind == "outline" else 0.2)
            pdf.rect(left, top + 0.5, 4, 3, style="DF")
        pdf.set_xy(left + 5, top)
        pdf.cell(pdf.get_string_width(label) + 1, 4, label)
        left += pdf.get_string_width(label) + 9
