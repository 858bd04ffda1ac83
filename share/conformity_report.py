"""三区三线 conformity report: one bilingual A4 page per site (Chinese above, English below):
the verdict, the overlap with each zone in 亩 and %, every rule's explanation, and a map of
the site with the zones in their colours and the overlaps hatched."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
from fpdf import FPDF

from documents.pdf import set_text
from documents.text import fit_text, plain_text
from documents.vector_map import MapFrame, draw_feature, draw_hatch, fit_frame
from geo.crs import DISPLAY_CRS, to_metric
from layers import load_layer
from planning.conformity import Verdict
from share.print_notes import MARGIN, footer
from share.print_page import (
    draw_map,
    load_context,
    metric_frame,
    new_print,
    spec_for,
)

__all__ = ["conformity_report", "conformity_report_filename"]

PASS_COLOR = "#238b45"
FAIL_COLOR = "#cb181d"
SITE_COLOR = "#111111"
_FALLBACK_ZONE_COLORS = ("#6a51a3", "#d4a017", "#e31a1c", "#2171b5", "#41ab5d")
_MAP_BOX = (MARGIN, 58.0, 190.0, 100.0)
_NAME_LIMIT = 120
_RULE_LIMIT = 400


def conformity_report(verdict: Verdict, data_date: dt.date) -> bytes:
    """One A4 portrait page: the site's 三区三线 verdict in Chinese and English, with its map."""
    name = plain_text(verdict.site_name, _NAME_LIMIT) or "—"
    pdf = new_print(f"三区三线符合性核查 Conformity check · {name}", "A4", "portrait")
    pdf.add_page()
    _header(pdf, verdict, name)
    frame = _map(pdf, verdict)
    top = _legend(pdf, verdict, _MAP_BOX[1] + _MAP_BOX[3] + 2)
    top = _overlap_table(pdf, verdict, top + 3)
    _rules(pdf, verdict, top + 3)
    footer(pdf, "zh", data_date, "", frame)
    _english_footer(pdf, data_date)
    return bytes(pdf.output())


def conformity_report_filename(site_name: str, day: dt.date) -> str:
    """File name such as 三区三线核查_某项目_2026-12-03.pdf (unsafe characters replaced)."""
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in plain_text(site_name, 40))
    return f"三区三线核查_{safe or 'site'}_{day.isoformat()}.pdf"


def _mu(value: float) -> str:
    """亩 to two decimals, as the rules' texts give them."""
    return f"{float(value):.2f}"


def _zone_color(zone: str, index: int) -> str:
    spec = spec_for(zone)
    return spec.style.color if spec else _FALLBACK_ZONE_COLORS[index % len(_FALLBACK_ZONE_COLORS)]


def _metric(shape) -> object | None:
    if shape is None or shape.is_empty:
        return None
    return to_metric(gpd.GeoSeries([shape], crs=DISPLAY_CRS)).iloc[0]


def _header(pdf: FPDF, verdict: Verdict, name: str) -> None:
    width = pdf.w - 2 * MARGIN
    set_text(pdf, 8, "#666666")
    pdf.set_xy(MARGIN, MARGIN - 1)
    pdf.cell(width, 4, "三区三线符合性核查 · Conformity check: three zones and three control lines")
    set_text(pdf, 16, "#111111")
    pdf.set_xy(MARGIN, MARGIN + 4)
    pdf.cell(width, 8, fit_text(pdf, name, width))
    category = f"{plain_text(verdict.category_zh, 40)} · {plain_text(verdict.category_en, 40)}"
    area = _mu(verdict.site_area_mu)
    set_text(pdf, 10, "#333333")
    pdf.set_xy(MARGIN, MARGIN + 13)
    pdf.cell(
        width,
        5.5,
        fit_text(pdf, f"类别 Category: {category}   用地面积 Site area: {area} 亩 (mu)", width),
    )
    color = PASS_COLOR if verdict.passed else FAIL_COLOR
    badge = " 符合 · Conforms " if verdict.passed else " 不符合 · Does not conform "
    set_text(pdf, 11, "#ffffff")
    pdf.set_fill_color(color)
    pdf.set_xy(MARGIN, MARGIN + 20.5)
    pdf.cell(pdf.get_string_width(badge) + 2, 7, badge, fill=True)
    for number, lang in enumerate(("zh", "en")):
        set_text(pdf, 9 if lang == "zh" else 8.5, "#222222" if lang == "zh" else "#444444")
        pdf.set_xy(MARGIN, MARGIN + 29 + number * 5.5)
        pdf.cell(width, 5, fit_text(pdf, plain_text(verdict.summary(lang), _RULE_LIMIT), width))


def _map(pdf: FPDF, verdict: Verdict) -> MapFrame:
    site = _metric(verdict.site)
    context = load_context()
    bounds = site.bounds if site is not None else tuple(context.district.total_bounds)
    minx, miny, maxx, maxy = bounds
    grow = max(maxx - minx, maxy - miny, 400.0) * 0.6  # the site with its surroundings
    frame = fit_frame(_MAP_BOX, (minx - grow, miny - grow, maxx + grow, maxy + grow))
    zones = [(overlap.zone, _zone_frame(overlap.zone)) for overlap in verdict.overlaps]
    draw_map(pdf, frame, zones, context, lang="zh")
    x, y, w, h = _MAP_BOX
    with pdf.rect_clip(x, y, w, h), pdf.local_context():
        for index, overlap in enumerate(verdict.overlaps):
            shape = _metric(overlap.geometry)
            if shape is not None and overlap.area_mu > 0:
                color = _zone_color(overlap.zone, index)
                draw_hatch(pdf, frame, shape, color=color, spacing=1.2, width=0.3)
                draw_feature(pdf, frame, shape, color=color, width=0.6)
        if site is not None:
            draw_feature(pdf, frame, site, color=SITE_COLOR, width=0.9)
    return frame


def _zone_frame(zone: str) -> gpd.GeoDataFrame:
    try:
        return metric_frame(load_layer(zone))
    except KeyError:  # a zone the layers do not hold: only its overlap is drawn
        return metric_frame(None)


def _legend(pdf: FPDF, verdict: Verdict, top: float) -> float:
    entries = [("outline", SITE_COLOR, "项目用地 Site")]
    for index, overlap in enumerate(verdict.overlaps):
        zh, en = plain_text(overlap.title_zh, 30), plain_text(overlap.title_en, 40)
        entries.append(("fill", _zone_color(overlap.zone, index), f"{zh} {en}"))
    entries.append(("hatch", "#444444", "重叠部分（斜线）Overlap (hatched)"))
    left = MARGIN
    set_text(pdf, 7.5, "#333333")
    for kind, color, label in entries:
        width = pdf.get_string_width(label) + 8
        if left + width > pdf.w - MARGIN:
            left, top = MARGIN, top + 4.5
        pdf.set_draw_color(color)
        pdf.set_line_width(0.7 if kind == "outline" else 0.3)
        if kind == "fill":
            pdf.set_fill_color(color)
        if kind == "hatch":
            pdf.rect(left, top + 0.6, 4.5, 3)
            for step in (1.2, 2.4, 3.6):
                pdf.line(left + step - 1.2, top + 3.6, left + step, top + 0.6)
        else:
            pdf.rect(left, top + 0.6, 4.5, 3, style="DF" if kind == "fill" else "D")
        pdf.set_xy(left + 5.5, top)
        pdf.cell(width - 6, 4.2, label)
        left += width + 3
    return top + 4.5


def _overlap_table(pdf: FPDF, verdict: Verdict, top: float) -> float:
    widths = (90.0, 50.0, 50.0)
    heads = ("管控分区 Zone", "重叠面积 Overlap (亩 mu)", "占项目用地 Share of site")
    pdf.set_draw_color("#cccccc")
    pdf.set_line_width(0.2)
    pdf.set_fill_color("#e9edf3")
    set_text(pdf, 8.5, "#111111")
    pdf.set_xy(MARGIN, top)
    for width, head in zip(widths, heads, strict=True):
        pdf.cell(width, 6, head, border="B", fill=True)
    top += 6
    set_text(pdf, 9, "#222222")
    for overlap in verdict.overlaps:
        zone = f"{plain_text(overlap.title_zh, 30)} · {plain_text(overlap.title_en, 50)}"
        pdf.set_xy(MARGIN, top)
        pdf.cell(widths[0], 6, fit_text(pdf, zone, widths[0] - 1), border="B")
        pdf.cell(widths[1], 6, _mu(overlap.area_mu), border="B", align="R")
        pdf.cell(widths[2], 6, f"{float(overlap.share) * 100:.2f}%", border="B", align="R")
        top += 6
    return top


def _rules(pdf: FPDF, verdict: Verdict, top: float) -> None:
    width = pdf.w - 2 * MARGIN
    set_text(pdf, 9, "#111111")
    pdf.set_xy(MARGIN, top)
    pdf.cell(width, 5, "核查规则 Rules checked")
    top += 6
    bottom = pdf.h - MARGIN - 18
    for result in verdict.results:
        if top > bottom - 8:
            set_text(pdf, 8, "#666666")
            pdf.set_xy(MARGIN, top)
            pdf.cell(width, 4, "… 其余规则见系统 · more rules in the atlas")
            return
        mark, color = ("通过 Pass", PASS_COLOR) if result.passed else ("未通过 Fail", FAIL_COLOR)
        set_text(pdf, 8.5, color)
        pdf.set_xy(MARGIN, top)
        pdf.cell(20, 4.4, mark)
        for lang, text in (("zh", result.text_zh), ("en", result.text_en)):
            set_text(pdf, 8.5 if lang == "zh" else 8, "#222222" if lang == "zh" else "#555555")
            pdf.set_xy(MARGIN + 20, top)
            pdf.multi_cell(width - 20, 4.2, plain_text(text, _RULE_LIMIT), align="L")
            top = pdf.get_y()
        top += 1.5


def _english_footer(pdf: FPDF, data_date: dt.date) -> None:
    width = pdf.w - 2 * MARGIN
    set_text(pdf, 7.5, "#444444")
    pdf.set_xy(MARGIN, pdf.h - MARGIN - 12)
    note = (
        f"Data date {data_date.isoformat()} · areas measured in CGCS2000 Gauss-Krüger "
        "(EPSG:4549), 1 亩 (mu) = 666.67 m² · for reference, not a planning permit"
    )
    pdf.cell(width, 4, fit_text(pdf, note, width))
