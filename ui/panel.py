"""The statistics panel beside the map: a feature's figures or a township's roll-up.

Names, labels and values come from data, uploaded files included, so the panel is written as
escaped HTML (a heading and a plain table), never as Markdown: ``**bold**``, ``$x^2$``,
``:red[…]``, links and bare URLs read exactly as they were written.
"""

from __future__ import annotations

import html
import numbers
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import streamlit as st

from geo.export import TABLE_FORMATS, export_filename, export_table
from layers import get_layer, load_layer
from layers.figures import feature_figures, rollup_notes, township_rollup
from layers.formatting import format_figure
from ui.feature_history import render_feature_history
from ui.i18n import text
from ui.view_date import dated

__all__ = ["PANEL_CLASS", "Selection", "figures_html", "render_panel", "table_downloads"]

PANEL_CLASS = "atlas-panel"
# Looks like Streamlit's own subheader and table (colours inherited, so in either theme).
_PANEL_STYLE = f"""<style>
.{PANEL_CLASS} div {{ overflow-x: auto; }}
.{PANEL_CLASS} h3 {{ font-size: 1.75rem; font-weight: 600; line-height: 1.2;
  margin: 0; padding: 0.75rem 0 1rem; }}
.{PANEL_CLASS} table {{ width: 100%; border-collapse: separate; border-spacing: 0;
  font-size: 0.875rem; line-height: 1.5; border: 1px solid rgba(128, 128, 128, 0.25);
  border-radius: 0.5rem; }}
.{PANEL_CLASS} th, .{PANEL_CLASS} td {{ padding: 0.25rem 0.375rem 0.25rem 0.5rem;
  text-align: left; vertical-align: middle; font-weight: 400; overflow-wrap: break-word;
  white-space: pre-wrap; border-bottom: 1px solid rgba(128, 128, 128, 0.25); }}
.{PANEL_CLASS} tr > :not(:last-child) {{ border-right: 1px solid rgba(128, 128, 128, 0.25); }}
.{PANEL_CLASS} th {{ color: inherit; opacity: 0.7; }}
.{PANEL_CLASS} th[scope="rowgroup"] {{ opacity: 1; font-weight: 600; }}
.{PANEL_CLASS} tbody tr:last-child > * {{ border-bottom: none; }}
.{PANEL_CLASS} p {{ font-size: 0.8rem; opacity: 0.75; margin: 0.5rem 0 0; }}
</style>"""


@dataclass(frozen=True)
class Selection:
    """What the panel answers for: a feature of a layer, identified by its stable id, and where
    the map was clicked when a click chose it (None when a search or a township choice did)."""

    layer: str
    uid: str
    clicked_at: tuple[float, float] | None = field(default=None, compare=False)


def render_panel(
    selection: Selection | None,
    lang: str,
    *,
    key_prefix: str,
    downloads: bool = True,
    rollup_note: str | None = None,
) -> None:
    """Figures of the selection (with the clicked position and downloads unless switched off); a
    hint when nothing is selected."""

    if selection is None:
        st.info(text("panel_hint", lang))
        return
    if downloads and selection.clicked_at is not None:
        st.caption(
            text("clicked_at", lang, lon=selection.clicked_at[0], lat=selection.clicked_at[1])
        )
    try:
        title, table, notes = _panel_content(selection, lang)
    except KeyError:  # not there on the date being viewed (not yet added, or retired)
        st.info(text("panel_absent", lang))
        return
    if rollup_note and selection.layer == "townships":  # what a roll-up covers under filters
        notes = [*notes, rollup_note]
    st.html(figures_html(title, table, notes, lang))
    if downloads:
        table_downloads(title, table, lang, key_prefix)
    render_feature_history(selection.layer, selection.uid, lang)  # only for who may see it


def figures_html(title: str, table: pd.DataFrame, notes: list[str], lang: str) -> str:
    """A figures table (label, value, unit; grouped by layer when it has a layer column) as
    the panel shows it: a plain, escaped table, readable by screen readers, copyable, testable."""
    shown = table.assign(value=table["value"].map(_format_value))
    names = _column_names(lang, table)
    return _panel_html(title, shown.rename(columns=names), notes, group=names.get("layer"))


def table_downloads(title: str, table: pd.DataFrame, lang: str, key_prefix: str) -> None:
    """CSV and XLSX buttons for a figures table, named after `title` (and the date viewed)."""
    columns = st.columns(len(TABLE_FORMATS))
    base = dated(f"{title}-{text('statistics', lang)}")
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


def _panel_content(selection: Selection, lang: str) -> tuple[str, pd.DataFrame, list[str]]:
    """The panel's title, its figures and notes on what the figures cover."""
    spec = get_layer(selection.layer)
    frame = load_layer(selection.layer)
    row = frame[frame[spec.id_field] == selection.uid]
    name_field = "name_en" if lang == "en" and "name_en" in frame.columns else spec.name_field
    name = str(row[name_field].iloc[0]) if len(row) else selection.uid

    if selection.layer == "townships":
        code = str(row["code"].iloc[0])
        title = text("rollup_title", lang, name=name)
        return title, township_rollup(code, lang), rollup_notes(code, lang)
    title = f"{name} · {spec.title(lang)}"
    return title, feature_figures(selection.layer, selection.uid, lang), []


def _column_names(lang: str, table: pd.DataFrame) -> dict[str, str]:
    names = {
        "layer": text("col_layer", lang),
        "label": text("col_item", lang),
        "value": text("col_value", lang),
    }
    names["unit"] = text("col_unit", lang)
    return {column: names[column] for column in table.columns}


def _panel_html(
    title: str, table: pd.DataFrame, notes: list[str] = (), *, group: str | None = None
) -> str:
    """The title as a heading, ``table`` (its first column heading each row; rows grouped under
    a heading row per value of column ``group``, e.g. a roll-up's layers) and the notes on what
    its figures cover, all escaped."""
    columns = [column for column in table.columns if column != group]
    header = "".join(_cell("th", column, "col") for column in columns)
    rows = ""
    heading = None
    for record in table.to_dict("records"):
        if group is not None and record[group] != heading:
            heading = record[group]
            rows += f'<tr><th scope="rowgroup" colspan="{len(columns)}">'
            rows += f"{html.escape(str(heading))}</th></tr>"
        first, *rest = (record[column] for column in columns)
        rows += f"<tr>{_cell('th', first, 'row')}{''.join(_cell('td', v) for v in rest)}</tr>"
    return (
        f'{_PANEL_STYLE}<section class="{PANEL_CLASS}">'
        f"<h3>{html.escape(title)}</h3>"
        f"<div><table><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table></div>"
        f"{''.join(f'<p>{html.escape(note)}</p>' for note in notes)}"
        "</section>"
    )


def _cell(tag: str, value: object, scope: str | None = None) -> str:
    attribute = f' scope="{scope}"' if scope else ""
    return f"<{tag}{attribute}>{html.escape(str(value))}</{tag}>"


def _format_value(value: object) -> str:
    if isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_):
        return format_figure(float(value))
    return str(value)
