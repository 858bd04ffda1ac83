"""The township atlas: a cover with the district map, legend and contents, then one page per
township with its map (the township outlined, its place in the district inset) and roll-up.

What the atlas draws is gathered first (`atlas_inputs`: context, specs, the layers' features,
each township's roll-up) and drawing reads nothing else, in this process or in the worker."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
from fpdf import FPDF

from documents.pdf import set_text
from documents.text import fit_text, plain_text
from documents.vector_map import fit_frame
from layers import load_layer
from layers.figures import township_rollup
from layers.formatting import format_figure
from share.print_notes import MARGIN, footer, header
from share.print_page import (
    PrintInputs,
    draw_inset,
    draw_legend,
    draw_map,
    metric_frame,
    new_print,
    print_inputs,
)

__all__ = ["AtlasInputs", "atlas_document", "atlas_inputs"]

_PAGE = (297.0, 210.0)  # A4 landscape
_PANEL = 92.0
_TOP = MARGIN + 12
_BOTTOM = _PAGE[1] - MARGIN - 10
_NO_ROLLUP = pd.DataFrame(columns=["layer", "label", "value", "unit"])


@dataclass(frozen=True)
class AtlasInputs:
    """What an atlas draws, read before drawing: the context and specs, the layers' features
    (EPSG:4326, as read) and each township's roll-up in the atlas's language, by code."""

    base: PrintInputs
    frames: Mapping[str, gpd.GeoDataFrame]
    rollups: Mapping[str, pd.DataFrame]


def atlas_inputs(layers: tuple[str, ...], lang: str) -> AtlasInputs:
    """The atlas's inputs, read now (at the date being viewed)."""
    base = print_inputs(layers)
    codes = base.context.townships["code"]
    return AtlasInputs(
        base=base,
        frames={key: load_layer(key) for key in layers},
        rollups={str(code): township_rollup(code, lang) for code in codes},
    )


def atlas_document(
    layers: tuple[str, ...],
    lang: str,
    data_date: dt.date,
    *,
    inputs: AtlasInputs | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> bytes:
    """A4 landscape: the cover (district map, legend, contents), then a page per township.

    `inputs` as `atlas_inputs(layers, lang)` reads them (then, when None); `progress("pages",
    fraction)` after each page."""
    en = lang == "en"
    inputs = inputs or atlas_inputs(layers, lang)
    report = progress or (lambda stage, fraction: None)
    context = inputs.base.context
    frames = [(key, metric_frame(inputs.frames.get(key))) for key in layers]
    title = "Shuangta District township atlas" if en else "双塔区乡镇街道图集"
    pdf = new_print(title, "A4", "landscape")
    townships = context.townships.reset_index(drop=True)
    total = len(townships) + 1
    report("pages", 0.0)
    _cover(pdf, title, layers, frames, inputs, lang, data_date, townships)
    report("pages", 1 / (total + 1))
    for number, township in enumerate(townships.itertuples(), start=2):
        _township_page(pdf, township, frames, inputs, lang, data_date, (number, total))
        report("pages", number / (total + 1))
    document = bytes(pdf.output())
    report("pages", 1.0)
    return document


def _map_box() -> tuple[float, float, float, float]:
    return MARGIN, _TOP, _PAGE[0] - 2 * MARGIN - _PANEL - 4, _BOTTOM - _TOP


def _cover(
    pdf: FPDF,
    title: str,
    layers: tuple[str, ...],
    frames: list[tuple[str, gpd.GeoDataFrame]],
    inputs: AtlasInputs,
    lang: str,
    data_date: dt.date,
    townships: gpd.GeoDataFrame,
) -> None:
    context, specs = inputs.base.context, inputs.base.specs
    pdf.add_page()
    header(pdf, title, lang)
    frame = fit_frame(_map_box(), tuple(context.district.total_bounds))
    draw_map(pdf, frame, frames, context, lang=lang, specs=specs)
    left = _PAGE[0] - MARGIN - _PANEL
    contents_height = 6 + 3.8 * len(townships)
    legend_height = _BOTTOM - _TOP - contents_height - 4
    draw_legend(pdf, (left, _TOP, _PANEL, legend_height), layers, lang=lang, specs=specs)
    top = _TOP + legend_height + 4
    set_text(pdf, 9, "#111111")
    pdf.set_xy(left, top)
    pdf.cell(_PANEL, 5, "Contents" if lang == "en" else "目录")
    set_text(pdf, 7.5, "#222222")
    for number, township in enumerate(townships.itertuples(), start=2):
        pdf.set_xy(left, top + 6 + 3.8 * (number - 2))
        pdf.cell(_PANEL - 10, 3.8, _name(township, lang))
        pdf.cell(10, 3.8, str(number), align="R")
    footer(pdf, lang, data_date, "", frame)
    _page_number(pdf, (1, len(townships) + 1))


def _township_page(
    pdf: FPDF,
    township,
    frames: list[tuple[str, gpd.GeoDataFrame]],
    inputs: AtlasInputs,
    lang: str,
    data_date: dt.date,
    page: tuple[int, int],
) -> None:
    context, specs = inputs.base.context, inputs.base.specs
    pdf.add_page()
    header(pdf, _name(township, lang), lang)
    box = _map_box()
    frame = fit_frame(box, tuple(township.geometry.bounds))
    draw_map(pdf, frame, frames, context, lang=lang, highlight=township.geometry, specs=specs)
    inset = (box[0] + box[2] - 44, box[1] + box[3] - 37, 42, 35)
    draw_inset(pdf, inset, context, frame)
    rollup = inputs.rollups.get(str(township.code), _NO_ROLLUP)
    _rollup_table(pdf, rollup, lang, (_PAGE[0] - MARGIN - _PANEL, _TOP, _PANEL, _BOTTOM - _TOP))
    footer(pdf, lang, data_date, "", frame)
    _page_number(pdf, page)


def _name(township, lang: str) -> str:
    return plain_text(township.name_en if lang == "en" else township.name, 60)


def _rollup_table(
    pdf: FPDF, rollup: pd.DataFrame, lang: str, box: tuple[float, float, float, float]
) -> None:
    """The township's figures, grouped by layer: label, value and unit."""
    x, y, width, height = box
    set_text(pdf, 9, "#111111")
    pdf.set_xy(x, y)
    pdf.cell(width, 5, "Programmes in this township" if lang == "en" else "本乡镇街道项目统计")
    rows: list[tuple[str, str, str]] = []  # label, value, unit ('' value: a heading)
    for layer, group in rollup.groupby("layer", sort=False):
        rows.append((str(layer), "", ""))
        rows += [
            (str(row.label), format_figure(row.value), str(row.unit)) for row in group.itertuples()
        ]
    if not rows:
        rows.append(("No programme figures" if lang == "en" else "无项目统计", "", ""))
    step = min(3.8, (height - 7) / len(rows))
    size = 7.0 if step >= 3.4 else 6.0
    top = y + 7
    for index, (label, value, unit) in enumerate(rows):
        heading = value == ""
        pdf.set_fill_color("#e9edf3" if heading else ("#f7f7f7" if index % 2 else "#ffffff"))
        pdf.rect(x, top, width, step, style="F")
        set_text(pdf, size, "#111111" if heading else "#333333")
        pdf.set_xy(x + (0.5 if heading else 2.5), top)
        label_width = width - 1 if heading else width * 0.55
        pdf.cell(label_width, step, fit_text(pdf, label, label_width - 1))
        if not heading:
            pdf.cell(width * 0.22, step, value, align="R")
            pdf.cell(width * 0.2, step, fit_text(pdf, f" {unit}", width * 0.2 - 0.5))
        top += step


def _page_number(pdf: FPDF, page: tuple[int, int]) -> None:
    set_text(pdf, 7.5, "#444444")
    pdf.set_xy(_PAGE[0] - MARGIN - 20, _PAGE[1] - MARGIN - 8)
    pdf.cell(20, 4, f"{page[0]} / {page[1]}", align="R")
