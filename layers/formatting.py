"""Figures as people read them, the same on pages, maps and hand-outs."""

from __future__ import annotations

import html
import numbers

import pandas as pd

__all__ = ["HTML_ESCAPES", "display_text", "display_texts", "escaped_texts", "format_figure"]


def format_figure(value: float) -> str:
    """A figure with thousands separators; decimals only where the value has them."""
    rounded = round(float(value), 2)
    if rounded.is_integer():
        return f"{int(rounded):,}"
    return f"{rounded:,.2f}"


def display_texts(values: pd.Series) -> pd.Series:
    """Each value as the browser shows it: text HTML-escaped (column-wise when all of it is
    text), figures formatted (column-wise when the column holds numbers), nothing for a
    missing value."""
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.map(display_text)
    if pd.api.types.is_numeric_dtype(values.dtype):
        return pd.Series(_figures(values), index=values.index, dtype=object)
    if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        return values.map(display_text)
    return escaped_texts(values)


def escaped_texts(values: pd.Series) -> pd.Series:
    """Text values HTML-escaped as `html.escape` would, column-wise; "" for a missing value."""
    text = values.astype("string")
    for raw, escaped in HTML_ESCAPES:  # html.escape's replacements, in its order
        text = text.str.replace(raw, escaped, regex=False)
    return text.fillna("").astype(object)


def _figures(values: pd.Series) -> list[str]:
    """`format_figure` of each number ("" for a missing one), without pandas' per-value map."""
    numbers = pd.to_numeric(values, errors="coerce").astype(float).tolist()
    return ["" if number != number else format_figure(number) for number in numbers]


HTML_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;"))


def display_text(value: object) -> str:
    """One value as the browser shows it (see display_texts)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, numbers.Real):  # numpy's numbers too
        return format_figure(value)
    return html.escape(str(value))
