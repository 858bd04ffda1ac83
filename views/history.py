"""变更记录 Change log: every change of every layer, one row per changed field, with filters
(layers, person, dates, township, a feature's id or name) and the filtered table as CSV / XLSX.

Names, comments and values were typed by people: they are shown in a data grid and written
through `geo.export.export_table` (spreadsheet formulas neutralised), never as Markdown.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.export import TABLE_FORMATS, export_filename, export_table
from layers import LAYERS, get_layer, load_layer
from layers.change_log import LogFilter, change_log, filter_log, log_table
from store import beijing_today
from ui.access import require_page
from ui.i18n import text
from ui.state import current_lang

KEY = "history"
TABLE_HEIGHT = 500


def _filters(log: pd.DataFrame, lang: str) -> LogFilter | None:
    """The filter widgets above the table; None when the dates exclude everything."""
    first, last = log["effective"].min(), max(log["effective"].max(), beijing_today())
    townships = load_layer("townships").sort_values("code")
    names = dict(
        zip(townships["code"], townships["name_en" if lang == "en" else "name"], strict=True)
    )
    top = st.columns([3, 2, 2])
    layers = top[0].multiselect(
        text("hist_layers", lang),
        options=[spec.key for spec in LAYERS],
        format_func=lambda key: get_layer(key).title(lang),
        placeholder=text("hist_all_layers", lang),
        key=f"{KEY}:layers",
    )
    author = top[1].selectbox(
        text("hist_person", lang),
        options=[None, *sorted(log["author"].unique())],
        format_func=lambda name: text("hist_everyone", lang) if name is None else name,
        key=f"{KEY}:person",
    )
    township = top[2].selectbox(
        text("hist_township", lang),
        options=[None, *names],
        format_func=lambda code: text("whole_district", lang) if code is None else names[code],
        key=f"{KEY}:township",
    )
    bottom = st.columns([1, 1, 3])
    since = bottom[0].date_input(
        text("hist_since", lang), value=first, min_value=first, max_value=last, key=f"{KEY}:since"
    )
    until = bottom[1].date_input(
        text("hist_until", lang), value=last, min_value=first, max_value=last, key=f"{KEY}:until"
    )
    search = bottom[2].text_input(text("hist_search", lang), key=f"{KEY}:search")
    if since > until:
        st.warning(text("hist_dates_reversed", lang))
        return None
    return LogFilter(tuple(layers), author, since, until, township, search)


def _downloads(table: pd.DataFrame, chosen: LogFilter, lang: str) -> None:
    base = f"{text('hist_file', lang)}_{chosen.since}_{chosen.until}"
    for column, (fmt, spec) in zip(st.columns(4), TABLE_FORMATS.items(), strict=False):
        column.download_button(
            label=f"{text('download', lang)} {spec.label_en if lang == 'en' else spec.label_zh}",
            data=lambda fmt=fmt: export_table(table, fmt, sheet_name=text("hist_file", lang)),
            file_name=export_filename(base, fmt, table=True),
            mime=spec.mime,
            key=f"{KEY}:download:{fmt}",
            on_click="ignore",
        )


lang = current_lang()
require_page(KEY, lang)
st.title(text("hist_title", lang))
st.caption(text("hist_intro", lang))
log = change_log()
chosen = _filters(log, lang)
if chosen is not None:
    changes = filter_log(log, chosen)
    table = log_table(changes, lang)
    st.caption(text("hist_count", lang, changes=f"{len(changes):,}", rows=f"{len(table):,}"))
    st.dataframe(table, hide_index=True, width="stretch", height=TABLE_HEIGHT)
    _downloads(table, chosen, lang)
