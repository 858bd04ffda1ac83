"""Figures as people read them, the same on pages, maps and hand-outs."""

from __future__ import annotations

__all__ = ["format_figure"]


def format_figure(value: float) -> str:
    """A figure with thousands separators; decimals only where the value has them."""
    rounded = round(float(value), 2)
    if rounded.is_integer():
        return f"{int(rounded):,}"
    return f"{rounded:,.2f}"
