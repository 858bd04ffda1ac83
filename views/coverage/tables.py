"""The coverage page's per-township table and gap list: a full data grid on wider screens, a few
wrapping columns on a phone (views.coverage.compact)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from fieldwork.coverage import coverage_by_township
from fieldwork.gap_exports import gap_columns
from ui.i18n import text
from views.coverage.compact import compact_table, one_page, wide_and_narrow

__all__ = ["gap_table", "township_table"]


def township_table(evaluated: gpd.GeoDataFrame, target_rate: float, lang: str) -> None:
    """Coverage per township: every figure on a wide screen; rate and shortfall on a phone."""
    table = coverage_by_township(evaluated, target_rate)
    wide, narrow = wide_and_narrow("townships")
    with wide:
        _township_grid(table, lang)
    with narrow:
        rates = [
            f"{rate:.1%}（{covered:,}/{targets:,}）"
            for rate, covered, targets in zip(
                table["rate"], table["covered"], table["targets"], strict=True
            )
        ]
        compact_table(
            pd.DataFrame(
                {
                    text("cov_col_town", lang): table["town"],
                    text("cov_col_rate", lang): rates,
                    text("cov_col_short", lang): table["short"].map("{:,}".format),
                }
            )
        )


def _township_grid(table: pd.DataFrame, lang: str) -> None:
    shown = pd.DataFrame(
        {
            text("cov_col_town", lang): table["town"],
            text("cov_col_targets", lang): table["targets"],
            text("cov_col_covered", lang): table["covered"],
            text("cov_col_rate", lang): table["rate"] * 100,
            text("cov_col_target_rate", lang): table["target_rate"] * 100,
            text("cov_col_short", lang): table["short"],
            text("cov_col_met", lang): table["met"],
        }
    )
    rate_label = text("cov_col_rate", lang)
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config={
            rate_label: st.column_config.ProgressColumn(
                rate_label, min_value=0, max_value=100, format="%.1f%%"
            ),
            text("cov_col_target_rate", lang): st.column_config.NumberColumn(format="%.0f%%"),
            text("cov_col_met", lang): st.column_config.CheckboxColumn(width="small"),
        },
    )


def gap_table(gaps: gpd.GeoDataFrame, lang: str) -> None:
    """The gap list: every column on a wide screen; target (and village), township and why on a
    phone, a page at a time."""
    labels = gap_columns(lang)
    wide, narrow = wide_and_narrow("gaps")
    with wide:
        st.dataframe(
            pd.DataFrame(gaps[list(labels)]).rename(columns=labels),
            hide_index=True,
            width="stretch",
            height=min(36 * (len(gaps) + 1) + 3, 420),
        )
    with narrow:
        st.caption(text("cov_phone_note", lang))
        shown = one_page(gaps, "gaps", lang)
        villages = shown["village"].fillna("").astype(str)
        names = [
            f"{name}\n{village}" if village and village != name else str(name)
            for name, village in zip(shown["name"], villages, strict=True)
        ]
        compact_table(
            pd.DataFrame(
                {
                    labels["name"]: names,
                    labels["town"]: shown["town"].to_numpy(),
                    labels["reason"]: shown["reason"].to_numpy(),
                }
            )
        )
