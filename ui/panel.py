"""The statistics panel beside the map: a feature's figures or a township's roll-up."""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from geo.export import TABLE_FORMATS, export_filename, export_table
from layers import get_layer, load_layer
from layers.figures import feature_figures, township_rollup
from ui.i18n import text
from ui.messages import plain_markdown
from ui.registry import format_figure

__all__ = ["Selection", "render_panel"]


@dataclass(frozen=True)
class Selection:
    """What the panel answers for: a feature of a layer, identified by its stable id."""

    layer: str
    uid: str


def render_panel(
    selection: Selection | None, lang: str, *, key_prefix: str, downloads: bool = True
) -> None:
    """Figures of the selection (with downloads unless switched off); a hint when nothing is selected."""

    if selection is None:
        st.info(text("panel_hint", lang))
        return
    title, table = _panel_content(selection, lang)
    st.subheader(plain_markdown(title))  # names come from data, uploads included: text only
    shown = table.assign(value=table["value"].map(_format_value))
    # A plain table (not a canvas grid): readable by screen readers, copyable, and testable.
    st.table(
        shown.rename(columns=_column_names(lang, table)).set_index(
            _column_names(lang, table)[table.columns[0]]
        )
    )
    if not downloads:
        return
    columns = st.columns(len(TABLE_FORMATS))

    base = f"{title}-{text('statistics', lang)}"
    labelled = table.rename(columns=_column_names(lang, table))
    for column, (fmt, spec) in zip(columns, TABLE_FORMATS.items(), strict=True):
        column.download_button(
            label=f"{text('download', lang)} {spec.label_en if lang == 'en' else spec.label_zh}",
            data=lambda fmt=fmt: export_table(labelled, fmt),
            file_name=export_filename(base, fmt, table=True),
            mime=spec.mime,
            key=f"{key_prefix}:panel:{fmt}",
            on_click="ignore",
        )


def _panel_content(selection: Selection, lang: str) -> tuple[str, pd.DataFrame]:
    spec = get_layer(selection.layer)
    frame = load_layer(selection.layer)
    row = frame[frame[spec.id_field] == selection.uid]
    name_field = "name_en" if lang == "en" and "name_en" in frame.columns else spec.name_field
    name = str(row[name_field].iloc[0]) if len(row) else selection.uid

    if selection.layer == "townships":
        code = str(row["code"].iloc[0])
        return text("rollup_title", lang, name=name), township_rollup(code, lang)
    return f"{name} · {spec.title(lang)}", feature_figures(selection.layer, selection.uid, lang)


def _column_names(lang: str, table: pd.DataFrame) -> dict[str, str]:
    names = {
        "layer": text("col_layer", lang),
        "label": text("col_item", lang),
        "value": text("col_value", lang),
    }
    names["unit"] = text("col_unit", lang)
    return {column: names[column] for column in table.columns}


def _format_value(value: object) -> str:
    if isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_):
        return format_figure(float(value))
    return str(value)
