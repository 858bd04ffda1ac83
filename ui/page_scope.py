"""What a map page's figures cover: the KPI cards for the filters chosen, and the words saying so."""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import streamlit as st

from layers import data_version, get_layer, layer_total, load_layer
from layers.figures import Refinements, in_township, refine
from layers.formatting import format_figure
from layers.spec import Total
from ui.i18n import text
from ui.page_spec import ALL, MapPage

__all__ = ["category_scope", "kpi_row", "rollup_scope"]

KPIS_PER_ROW = 4


def kpi_row(
    page: MapPage,
    lang: str,
    township: str,
    frames: dict[str, gpd.GeoDataFrame],
    category_scope: str | None,
) -> None:
    """The page's key figures for what the filters choose (the district's published figures when
    nothing is chosen), with a caption saying what they cover."""
    filtered = township != ALL or category_scope is not None
    for start in range(0, len(page.kpis), KPIS_PER_ROW):
        row = page.kpis[start : start + KPIS_PER_ROW]
        for column, (layer, total_key) in zip(st.columns(KPIS_PER_ROW), row, strict=False):
            if not filtered:
                total, value = layer_total(layer, total_key)
            else:
                frame = frames.get(layer)
                if frame is None:  # a KPI layer the page does not draw: the township only
                    frame = load_layer(layer)
                    if township != ALL:
                        frame = in_township(layer, frame, township)
                total, value = _subset_total(layer, total_key, tuple(frame.index), data_version())
            label = total.label_en if lang == "en" else total.label_zh
            column.metric(label, f"{format_figure(value)} {total.unit(lang)}".strip())
    if page.kpis:
        parts = [_township_name(township, lang)]
        if category_scope is not None:
            parts.append(category_scope)
        st.caption(text("kpi_scope", lang, scope=" · ".join(parts)))


@lru_cache(maxsize=512)
def _subset_total(layer: str, total_key: str, rows: tuple, version: tuple) -> tuple[Total, float]:
    """A total of the layer's rows `rows` (a filter's result), computed once per filter choice:
    a click reruns the page and must not measure the same features again."""
    return layer_total(layer, total_key, load_layer(layer).loc[list(rows)])


def _township_name(township: str, lang: str) -> str:
    if township == ALL:
        return text("whole_district", lang)
    townships = load_layer("townships")
    row = townships[townships["code"] == township]
    return str(row["name_en" if lang == "en" else "name"].iloc[0])


def category_scope(
    page: MapPage, lang: str, categories: tuple[str, ...], refinements: Refinements
) -> str | None:
    """What the category and refinement filters keep, in words; None when they keep everything."""
    if not page.category_layer:
        return None
    spec = get_layer(page.category_layer)
    style = spec.style
    parts = []
    if set(categories) != {c.value for c in style.categories}:
        labels = [c.label(lang) for c in style.categories if c.value in categories]
        sep, colon = (", ", ": ") if lang == "en" else ("、", "：")
        parts.append(f"{spec.field(style.by_field).label(lang)}{colon}{sep.join(labels) or '—'}")
    frame = load_layer(page.category_layer)
    if len(refine(frame, refinements)) != len(frame):
        parts.append(text("other_filters", lang))
    return " · ".join(parts) or None


def rollup_scope(page: MapPage, lang: str, scope: str | None) -> str | None:
    """A township roll-up counts every category: say so when the category filters narrow
    (`scope`, from category_scope)."""
    if scope is None:
        return None
    spec = get_layer(page.category_layer)
    return text("rollup_scope", lang, field=spec.field(spec.style.by_field).label(lang))
