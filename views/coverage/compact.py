"""The coverage page's tables on a phone: a short HTML table of the columns a field team needs.

A data grid draws all its columns on a canvas and scrolls sideways inside itself on a narrow
screen.  Below NARROW_PX the page shows instead a plain table of a few columns whose text wraps;
the full grid stays on wider screens and the full gap list is in the downloads.  Both are sent
and CSS shows the one that fits (Streamlit does not tell the server the screen's width).
Values are escaped: names and notes come from data files and the field.
"""

from __future__ import annotations

import html
import math

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui.i18n import text

__all__ = [
    "COMPACT_CLASS",
    "NARROW_PX",
    "PAGE_ROWS",
    "compact_table",
    "one_page",
    "phone_style",
    "wide_and_narrow",
]

NARROW_PX = 640  # Streamlit stacks columns below this width too: a phone
PAGE_ROWS = 50  # rows of a long list shown at once on a phone
COMPACT_CLASS = "coverage-compact"
_WIDE, _NARROW = "coverage-wide-", "coverage-narrow-"
# Looks like Streamlit's own table; colours inherited, so in either theme.
_STYLE = f"""<style>
@media (max-width: {NARROW_PX}px) {{ [class*="st-key-{_WIDE}"] {{ display: none !important; }} }}
@media (min-width: {NARROW_PX + 1}px) {{
  [class*="st-key-{_NARROW}"] {{ display: none !important; }} }}
.{COMPACT_CLASS} table {{ width: 100%; border-collapse: collapse; font-size: 0.875rem;
  line-height: 1.4; }}
.{COMPACT_CLASS} th, .{COMPACT_CLASS} td {{ padding: 0.3rem 0.4rem; text-align: left;
  vertical-align: top; overflow-wrap: anywhere; white-space: pre-line;
  border-bottom: 1px solid rgba(128, 128, 128, 0.25); }}
.{COMPACT_CLASS} th {{ font-weight: 400; opacity: 0.7; }}
</style>"""


def phone_style() -> None:
    """The CSS that shows the wide or the narrow container (once per page run)."""
    st.html(_STYLE)


def wide_and_narrow(name: str) -> tuple[DeltaGenerator, DeltaGenerator]:
    """Two containers for one table: the first shown on wider screens, the second on a phone."""
    return st.container(key=f"{_WIDE}{name}"), st.container(key=f"{_NARROW}{name}")


def compact_table(rows: pd.DataFrame) -> None:
    """`rows` (text, headers as shown) as a plain table; a newline in a cell starts a line."""
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in rows.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell(value))}</td>" for value in row) + "</tr>"
        for row in rows.itertuples(index=False)
    )
    st.html(
        f'<div class="{COMPACT_CLASS}"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _cell(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def one_page(rows: pd.DataFrame, name: str, lang: str) -> pd.DataFrame:
    """The rows of the page chosen (a page selector when there are more than PAGE_ROWS)."""
    pages = math.ceil(len(rows) / PAGE_ROWS)
    if pages <= 1:
        return rows
    page = st.selectbox(
        text("cov_page", lang, rows=PAGE_ROWS),
        options=range(pages),
        format_func=lambda n: f"{n * PAGE_ROWS + 1}–{min((n + 1) * PAGE_ROWS, len(rows))}",
        key=f"coverage:page:{name}:{len(rows)}:{lang}",  # a new list starts at its first page
    )
    return rows.iloc[page * PAGE_ROWS : (page + 1) * PAGE_ROWS]
