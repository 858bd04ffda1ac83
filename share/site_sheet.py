"""Bilingual one-page PDF site sheets for investors: a map excerpt, location, figures, distances.

Every sheet carries Chinese and English side by side, in WenQuanYi Micro Hei embedded (as a
subset) from the `paperang-p2-fonts-cjk` package, so the PDF reads the same on any machine.
Only public fields reach a sheet: the sites come from `layers.sites.site_frame`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import shapely
from fpdf import FPDF
from fpdf.enums import PathPaintRule

from geo.crs import to_metric
from layers import get_layer, load_layer
from layers.landmarks import AIRPORT, CITY_CENTRE, TOWNSHIP_SEAT
from layers.sites import SITE_LAYER, fact_label, site_facts, site_frame
from share.pdf import MARGIN_MM, new_document, set_text
from ui.registry import format_figure

__all__ = ["site_sheets_filename", "site_sheets_pdf"]

MAP_BOX = (MARGIN_MM, 46.0, 182.0, 112.0)  # x, y, width, height in mm (A4 portrait)
MIN_HALF_WIDTH_M = 2_500.0  # the excerpt shows at least 5 km across
SITE_OUTLINE = "#b30000"
_SCALE_STEPS_KM = (0.5, 1, 2, 5, 10, 20)


@dataclass(frozen=True)
class _Context:
    """Everything drawn around a site, in the metric CRS."""

    district: gpd.GeoDataFrame
    townships: gpd.GeoDataFrame
    river: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    landmarks: gpd.GeoDataFrame


def site_sheets_pdf(uids: Sequence[str], *, generated: dt.date | None = None) -> bytes:
    """One A4 page per site in `uids`, in that order, as one PDF."""
    if not uids:
        raise ValueError("no sites chosen for the site sheets")
    sites = site_frame(list(uids))
    facts = site_facts(sites)
    context = _context()
    shapes = to_metric(sites.geometry)
    pdf = _document()
    day = (generated or dt.date.today()).isoformat()
    for number, (row, shape) in enumerate(zip(facts.itertuples(), shapes, strict=True), 1):
        _sheet(pdf, row, shape, context, page=(number, len(facts)), day=day)
    return bytes(pdf.output())


def site_sheets_filename(count: int, *, day: dt.date | None = None) -> str:
    """File name such as 飞地项目资料_3个_2026-11-25.pdf."""
    return f"飞地项目资料_{count}个_{(day or dt.date.today()).isoformat()}.pdf"


def _context() -> _Context:
    public = [field.name for field in get_layer(SITE_LAYER).public_fields]
    return _Context(
        district=to_metric(load_layer("district")[["geometry"]]),
        townships=to_metric(load_layer("townships")[["name", "geometry"]]),
        river=to_metric(load_layer("river")[["geometry"]]),
        sites=to_metric(load_layer(SITE_LAYER)[[*public, "geometry"]]),
        landmarks=to_metric(load_layer("landmarks")[["name", "kind", "geometry"]]),
    )


def _document() -> FPDF:
    pdf = new_document("双塔区飞地项目资料 Shuangta District enclave site sheets")
    pdf.set_auto_page_break(False)
    return pdf


# --- one page --------------------------------------------------------------------------------


def _sheet(pdf: FPDF, row, shape, context: _Context, *, page: tuple[int, int], day: str) -> None:
    pdf.add_page()
    _header(pdf, row, day)
    _map_excerpt(pdf, row, shape, context)
    _facts_table(pdf, row, top=MAP_BOX[1] + MAP_BOX[3] + 13.5)
    _footer(pdf, page)


def _header(pdf: FPDF, row, day: str) -> None:
    width = pdf.w - 2 * MARGIN_MM
    _text(pdf, 8, "#666666")
    pdf.set_xy(MARGIN_MM, 10)
    pdf.cell(width * 0.7, 5, "双塔区飞地项目招商资料 · Shuangta District enclave investment site")
    pdf.cell(width * 0.3, 5, day, align="R")
    _text(pdf, 18, "#111111")
    pdf.set_xy(MARGIN_MM, 17)
    pdf.cell(width, 9, row.name)
    _text(pdf, 12, "#333333")
    pdf.set_xy(MARGIN_MM, 26.5)
    pdf.cell(width, 6, row.name_en)
    spec = get_layer(SITE_LAYER)
    _text(pdf, 10, "#ffffff")
    pdf.set_fill_color(spec.style.color_for(row.status))
    pdf.set_xy(MARGIN_MM, 35)
    badge = f" {row.status} · {row.status_en} "
    pdf.cell(pdf.get_string_width(badge) + 2, 6.5, badge, fill=True)
    _text(pdf, 10, "#333333")
    pdf.cell(0, 6.5, f"   {row.industry} · {row.industry_en}   |   {row.town} · {row.town_en}")


def _facts_table(pdf: FPDF, row, *, top: float) -> None:
    def labels(column: str) -> tuple[str, str]:
        return fact_label(column, "zh")[0], fact_label(column, "en")[0]

    def unit(column: str) -> str:
        return f"{fact_label(column, 'zh')[1]} ({fact_label(column, 'en')[1]})"

    def figure(column: str) -> str:
        return f"{format_figure(getattr(row, column))} {unit(column)}"

    rows = [
        (*labels("town"), f"{row.town} · {row.town_en}"),
        (*labels("coordinates"), f"{row.lon:.5f}°E, {row.lat:.5f}°N"),
        (*labels("status"), f"{row.status} · {row.status_en}"),
        (*labels("industry"), f"{row.industry} · {row.industry_en}"),
        (*labels("land_mu"), f"{figure('land_mu')} = {figure('land_ha')}"),
        (
            *labels("invest_wan"),
            f"{figure('invest_wan')} = {row.invest_wan / 10_000:.2f} 亿元 (100m yuan)",
        ),
        (*labels("jobs"), figure("jobs")),
        (*labels("intensity"), figure("intensity")),
        (*labels("centre_km"), f"{row.centre_km:.1f} km"),
        (*labels("airport_km"), f"{row.airport_km:.1f} km"),
        (*labels("seat"), f"{row.seat} · {row.seat_en} · {row.seat_km:.1f} km"),
    ]
    widths = (34.0, 50.0, pdf.w - 2 * MARGIN_MM - 84.0)
    pdf.set_draw_color("#d0d0d0")
    pdf.set_line_width(0.2)
    y = top
    for index, cells in enumerate(rows):
        pdf.set_fill_color("#f3f5f8" if index % 2 == 0 else "#ffffff")
        pdf.set_xy(MARGIN_MM, y)
        for width, cell, (size, color) in zip(
            widths, cells, ((10, "#333333"), (9, "#555555"), (10, "#111111")), strict=True
        ):
            _text(pdf, size, color)
            pdf.cell(width, 7.4, cell, border="B", fill=True)
        y += 7.4


def _footer(pdf: FPDF, page: tuple[int, int]) -> None:
    spec = get_layer(SITE_LAYER)
    landmarks = get_layer("landmarks")
    width = pdf.w - 2 * MARGIN_MM
    _text(pdf, 7, "#777777")
    pdf.set_xy(MARGIN_MM, 262)
    notes = (
        "距离为项目用地中心点到目标的直线距离，在 CGCS2000 高斯-克吕格投影 (EPSG:4549) 中量算；"
        "面积按地块实测。Distances are straight lines from the site's centre point, measured in "
        "CGCS2000 Gauss-Krüger (EPSG:4549); areas are measured from the site outline.",
        f"{spec.description_zh} {spec.description_en}",
        f"{landmarks.description_zh} {landmarks.description_en}",
    )
    for note in notes:
        pdf.set_x(MARGIN_MM)
        pdf.multi_cell(width, 3.4, note, align="L")
    pdf.set_xy(MARGIN_MM, 285)
    pdf.cell(width / 2, 4, "双塔区项目地图 · Shuangta Project Atlas")
    pdf.cell(width / 2, 4, f"{page[0]} / {page[1]}", align="R")


def _text(pdf: FPDF, size: float, color: str) -> None:
    set_text(pdf, size, color)


# --- the map excerpt ---------------------------------------------------------------------------


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


def _map_excerpt(pdf: FPDF, row, shape, context: _Context) -> None:
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
    _text(pdf, 7, "#8a8a8a")
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
            _text(pdf, 7.5, "#222222")
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
    _text(pdf, 7.5, color)
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
    _text(pdf, 7.5, "#333333")
    pdf.set_xy(left, base - 5)
    pdf.cell(length, 4, f"{format_figure(step_km)} km")
    _north_arrow(pdf, left + length + 6, base - 8)


def _north_arrow(pdf: FPDF, cx: float, top: float) -> None:
    pdf.set_fill_color("#333333")
    pdf.polygon([(cx, top), (cx + 2.5, top + 7), (cx, top + 5.5), (cx - 2.5, top + 7)], style="F")
    _text(pdf, 8, "#333333")
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
    _text(pdf, 7.5, "#333333")
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
