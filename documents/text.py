"""Untrusted text made safe and short for a PDF: no control characters, fitted to a width."""

from __future__ import annotations

import unicodedata

from fpdf import FPDF

__all__ = ["ELLIPSIS", "fit_text", "plain_text"]

ELLIPSIS = "…"
_DROPPED = ("Cc", "Cf", "Cs", "Co", "Cn")  # controls, format marks, surrogates, private, unassigned


def plain_text(value: object, limit: int = 200) -> str:
    """`value` as one line of printable text, at most `limit` characters (ellipsis when cut)."""
    text = "" if value is None else str(value)
    text = "".join(
        " " if char in "\t\r\n\v\f" else char
        for char in text[: limit * 4]
        if char in "\t\r\n\v\f" or unicodedata.category(char) not in _DROPPED
    )
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def fit_text(pdf: FPDF, text: str, width: float) -> str:
    """`text` cut (with an ellipsis) to fit `width` mm in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        middle = (low + high + 1) // 2
        if pdf.get_string_width(text[:middle] + ELLIPSIS) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS
