"""The title line and the notes at the foot of a printed map: data date, source, CRS, scale."""

from __future__ import annotations

import datetime as dt

from fpdf import FPDF

from documents.pdf import set_text
from documents.text import fit_text, plain_text
from documents.vector_map import MapFrame, scale_text

__all__ = ["MARGIN", "footer", "header"]

MARGIN = 10.0
_NOTE_LIMIT = 300


def header(pdf: FPDF, title: str, lang: str) -> None:
    """The title at the top left, the atlas's name at the top right."""
    width = pdf.w - 2 * MARGIN
    set_text(pdf, 15, "#111111")
    pdf.set_xy(MARGIN, MARGIN - 1)
    pdf.cell(width * 0.8, 9, fit_text(pdf, title, width * 0.8 - 2))
    set_text(pdf, 8, "#666666")
    credit = "Shuangta Project Atlas" if lang == "en" else "双塔区项目地图"
    pdf.set_xy(MARGIN + width * 0.8, MARGIN + 1)
    pdf.cell(width * 0.2, 5, credit, align="R")


def footer(pdf: FPDF, lang: str, data_date: dt.date, source_note: str, frame: MapFrame) -> None:
    """Data date, source and the map's coordinate system and scale, at the page's foot."""
    en = lang == "en"
    note = plain_text(source_note, _NOTE_LIMIT) or (
        "Source: Shuangta Project Atlas, compiled from the district's programme records "
        "(some layers illustrative)"
        if en
        else "数据来源：双塔区项目地图，据区内各项目资料整理（部分图层为示意）"
    )
    date = f"Data date {data_date.isoformat()}" if en else f"数据日期 {data_date.isoformat()}"
    crs = (
        f"CGCS2000 / 3-degree Gauss-Krüger CM 120°E (EPSG:4549) · scale {scale_text(frame)} "
        "at 100 %"
        if en
        else f"CGCS2000 3 度带高斯-克吕格投影，中央经线 120°E (EPSG:4549) · 比例尺 {scale_text(frame)}（原大打印）"
    )
    width = pdf.w - 2 * MARGIN
    set_text(pdf, 7.5, "#444444")
    pdf.set_xy(MARGIN, pdf.h - MARGIN - 8)
    pdf.cell(width, 4, fit_text(pdf, f"{date} · {note}", width))
    pdf.set_xy(MARGIN, pdf.h - MARGIN - 4)
    pdf.cell(width, 4, fit_text(pdf, crs, width))
