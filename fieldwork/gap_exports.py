"""A gap list taken to the field: tables (CSV, XLSX), phone waypoints (GPX, KML), a printed checklist."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
from fpdf import FPDF
from fpdf.fonts import FontFace

from documents.pdf import new_document, set_text
from fieldwork.coverage import TargetSet
from geo.export import export_table
from geo.waypoints import waypoints_gpx, waypoints_kml

_HEADING = FontFace(color="#222222", fill_color="#e8edf3")

__all__ = ["GAP_FORMATS", "GapExport", "export_gaps", "gap_columns", "gap_filename"]

# Column labels of a gap list, (zh, en).
_LABELS = {
    "town": ("乡镇街道", "Township"),
    "village": ("村/社区", "Village / neighbourhood"),
    "name": ("目标", "Target"),
    "uid": ("编号", "ID"),
    "lon": ("经度", "Longitude"),
    "lat": ("纬度", "Latitude"),
    "reason": ("未覆盖原因", "Why not covered"),
}


@dataclass(frozen=True)
class GapExport:
    """One download format of a gap list."""

    label_zh: str
    label_en: str
    suffix: str
    mime: str

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_zh


GAP_FORMATS: dict[str, GapExport] = {
    "csv": GapExport("CSV 表格", "CSV table", ".csv", "text/csv"),
    "xlsx": GapExport(
        "Excel 表格",
        "Excel table",
        ".xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "gpx": GapExport(
        "GPX 航点（手机地图）", "GPX waypoints (phone maps)", ".gpx", "application/gpx+xml"
    ),
    "kml": GapExport(
        "KML 航点（奥维、谷歌地球）",
        "KML waypoints (Ovi, Google Earth)",
        ".kml",
        "application/vnd.google-earth.kml+xml",
    ),
    "pdf": GapExport("打印清单 PDF", "Printable checklist (PDF)", ".pdf", "application/pdf"),
}


def gap_columns(lang: str) -> dict[str, str]:
    """Gap-list column → its label in `lang`."""
    return {column: (en if lang == "en" else zh) for column, (zh, en) in _LABELS.items()}


def gap_filename(target_set: TargetSet, fmt: str, *, day: dt.date | None = None) -> str:
    """File name such as 走访清单_行政村_2026-11-25.gpx."""
    stamp = (day or dt.date.today()).isoformat()
    return f"走访清单_{target_set.title_zh}_{stamp}{GAP_FORMATS[fmt].suffix}"


def export_gaps(
    gaps: gpd.GeoDataFrame,
    fmt: str,
    *,
    target_set: TargetSet,
    rule_text: str,
    lang: str,
    day: dt.date | None = None,
) -> bytes:
    """The gap list (from `fieldwork.coverage.gap_list`) in format `fmt`."""
    if fmt not in GAP_FORMATS:
        raise ValueError(f"unknown gap-list format '{fmt}'; formats: {', '.join(GAP_FORMATS)}")
    labels = gap_columns(lang)
    if fmt in ("csv", "xlsx"):
        table = pd.DataFrame(gaps[list(labels)]).rename(columns=labels)
        return export_table(table, fmt, sheet_name=target_set.title(lang))
    if gaps.empty:
        raise ValueError("the gap list is empty: every target is covered")
    description = [(labels[c], c) for c in ("town", "village", "uid", "reason")]
    if fmt == "gpx":
        return waypoints_gpx(gaps, name_field="name", description=description)
    if fmt == "kml":
        document = f"{target_set.title(lang)} · {rule_text}"
        return waypoints_kml(
            gaps, name_field="name", description=description, document_name=document
        )
    return _checklist_pdf(gaps, target_set=target_set, rule_text=rule_text, lang=lang, day=day)


def _checklist_pdf(
    gaps: gpd.GeoDataFrame, *, target_set: TargetSet, rule_text: str, lang: str, day: dt.date | None
) -> bytes:
    """A4 landscape: a box to tick, where to go, why, and room for the visit's notes."""
    en = lang == "en"
    title = "Field checklist" if en else "走访清单"
    pdf = new_document(f"{title} · {target_set.title(lang)}", orientation="landscape")
    pdf.set_auto_page_break(True, margin=14)
    _page_footer(pdf, f"双塔区项目地图 · {title} · {target_set.title(lang)}")
    pdf.add_page()
    set_text(pdf, 16)
    pdf.cell(0, 9, f"{title} · {target_set.title(lang)}", new_x="LMARGIN", new_y="NEXT")
    set_text(pdf, 9, "#555555")
    stamp = (day or dt.date.today()).isoformat()
    count = f"{len(gaps)} targets" if en else f"{len(gaps)} 个目标"
    pdf.cell(0, 6, f"{rule_text} · {count} · {stamp}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    labels = gap_columns(lang)
    headings = ["□", "#", labels["town"], labels["village"], labels["name"], labels["uid"]]
    headings += ["WGS-84", labels["reason"], "Visit notes" if en else "走访记录"]
    set_text(pdf, 8.5)
    with pdf.table(
        col_widths=(6, 9, 24, 30, 34, 26, 34, 52, 54),
        headings_style=_HEADING,
        line_height=6,
        repeat_headings=1,
        text_align="LEFT",
    ) as table:
        heading = table.row()
        for text in headings:
            heading.cell(text)
        for number, row in enumerate(gaps.itertuples(), start=1):
            cells = ["□", str(number), row.town, row.village, row.name, row.uid]
            cells += [f"{row.lon:.6f}, {row.lat:.6f}", row.reason, ""]
            line = table.row()
            for text in cells:
                line.cell(str(text))
    return bytes(pdf.output())


def _page_footer(pdf: FPDF, text: str) -> None:
    """Every page of the checklist ends with `text` and its page number."""

    def footer() -> None:
        pdf.set_y(-10)
        set_text(pdf, 7, "#777777")
        pdf.cell(0, 5, f"{text} · {pdf.page_no()}/{{nb}}", align="R")

    pdf.footer = footer
