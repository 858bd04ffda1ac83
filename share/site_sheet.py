"""Bilingual one-page PDF site sheets for investors: a map excerpt, location, figures, distances.

Every sheet carries Chinese and English side by side, in WenQuanYi Micro Hei embedded (as a
subset) from the `paperang-p2-fonts-cjk` package, so the PDF reads the same on any machine.
Only public fields reach a sheet: the sites come from `layers.sites.site_frame`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from fpdf import FPDF

from documents.pdf import MARGIN_MM, new_document, set_text
from geo.crs import to_metric
from layers import get_layer
from layers.formatting import format_figure
from layers.sites import SITE_LAYER, fact_label, site_facts, site_frame
from share.map_excerpt import MAP_BOX, MapContext, draw_map_excerpt, load_map_context

__all__ = ["site_sheets_filename", "site_sheets_pdf"]


def site_sheets_pdf(uids: Sequence[str], *, generated: dt.date | None = None) -> bytes:
    """One A4 page per site in `uids`, in that order, as one PDF."""
    if not uids:
        raise ValueError("no sites chosen for the site sheets")
    sites = site_frame(list(uids))
    facts = site_facts(sites)
    context = load_map_context()
    shapes = to_metric(sites.geometry)
    pdf = _document()
    day = (generated or dt.date.today()).isoformat()
    for number, (row, shape) in enumerate(zip(facts.itertuples(), shapes, strict=True), 1):
        _sheet(pdf, row, shape, context, page=(number, len(facts)), day=day)
    return bytes(pdf.output())


def site_sheets_filename(count: int, *, day: dt.date | None = None) -> str:
    """File name such as 飞地项目资料_3个_2026-11-25.pdf."""
    return f"飞地项目资料_{count}个_{(day or dt.date.today()).isoformat()}.pdf"


def _document() -> FPDF:
    pdf = new_document("双塔区飞地项目资料 Shuangta District enclave site sheets")
    pdf.set_auto_page_break(False)
    return pdf


# --- one page --------------------------------------------------------------------------------


def _sheet(pdf: FPDF, row, shape, context: MapContext, *, page: tuple[int, int], day: str) -> None:
    pdf.add_page()
    _header(pdf, row, day)
    draw_map_excerpt(pdf, row, shape, context)
    _facts_table(pdf, row, top=MAP_BOX[1] + MAP_BOX[3] + 13.5)
    _footer(pdf, page)


def _header(pdf: FPDF, row, day: str) -> None:
    width = pdf.w - 2 * MARGIN_MM
    set_text(pdf, 8, "#666666")
    pdf.set_xy(MARGIN_MM, 10)
    pdf.cell(width * 0.7, 5, "双塔区飞地项目招商资料 · Shuangta District enclave investment site")
    pdf.cell(width * 0.3, 5, day, align="R")
    set_text(pdf, 18, "#111111")
    pdf.set_xy(MARGIN_MM, 17)
    pdf.cell(width, 9, row.name)
    set_text(pdf, 12, "#333333")
    pdf.set_xy(MARGIN_MM, 26.5)
    pdf.cell(width, 6, row.name_en)
    spec = get_layer(SITE_LAYER)
    set_text(pdf, 10, "#ffffff")
    pdf.set_fill_color(spec.style.color_for(row.status))
    pdf.set_xy(MARGIN_MM, 35)
    badge = f" {row.status} · {row.status_en} "
    pdf.cell(pdf.get_string_width(badge) + 2, 6.5, badge, fill=True)
    set_text(pdf, 10, "#333333")
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
            set_text(pdf, size, color)
            pdf.cell(width, 7.4, cell, border="B", fill=True)
        y += 7.4


def _footer(pdf: FPDF, page: tuple[int, int]) -> None:
    spec = get_layer(SITE_LAYER)
    landmarks = get_layer("landmarks")
    width = pdf.w - 2 * MARGIN_MM
    set_text(pdf, 7, "#777777")
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
