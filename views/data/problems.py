"""The data page's findings and the store's refusals, worded in the reader's language."""

from __future__ import annotations

from layers import get_layer
from layers.publishing import Problem
from store import DateRefused, EditConflict, NothingChanged, PublishConflict, StoreError
from ui.i18n import text

__all__ = ["problem_text", "store_error_text"]

_GEOMETRY = {"point": ("点", "points"), "line": ("线", "lines"), "polygon": ("面", "polygons")}


def _listed(values: object, lang: str) -> str:
    items = [str(v) for v in values] if isinstance(values, list | tuple) else [str(values)]
    return (", " if lang == "en" else "、").join(items)


def problem_text(problem: Problem, layer: str, lang: str) -> str:
    """One finding of layers.publishing as a sentence, fields named by their labels."""
    values = dict(problem.values)
    spec = get_layer(layer)
    if "field" in values:
        values["field"] = spec.field(values["field"]).label(lang)
    if problem.code == "missing_fields":
        values["fields"] = _listed(
            [spec.field(n).label(lang) + f" ({n})" for n in values["fields"]], lang
        )
    for key in ("fields", "rows", "values", "ids", "found"):
        if key in values:
            values[key] = _listed(values[key], lang)
    if "expected" in values:
        zh, en = _GEOMETRY[values["expected"]]
        values["expected"] = en if lang == "en" else zh
    if "ratio" in values:
        ratio = float(values["ratio"])
        values["ratio"] = f"{ratio:,.0f}" if ratio >= 1 else f"1/{1 / ratio:,.0f}"
    return text(f"pub_problem_{problem.code}", lang, **values)


def store_error_text(error: StoreError, title: str, lang: str) -> str:
    """A refusal of the store as the person who asked should read it."""
    if isinstance(error, PublishConflict):
        return text("pub_conflict", lang, layer=title, head=error.head, expected=error.expected)
    if isinstance(error, DateRefused):
        if error.effective > error.today:
            return text("date_future", lang, date=error.effective, today=error.today)
        return text("date_before_last", lang, date=error.effective, last=error.last)
    if isinstance(error, NothingChanged):
        return text("pub_nothing", lang, layer=title)
    if isinstance(error, EditConflict):
        return text("edit_conflict", lang)
    return text("store_failed", lang)
