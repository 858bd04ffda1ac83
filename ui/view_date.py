"""The date the atlas is seen as of, chosen in the sidebar for every page at once (like QGIS's
temporal controller, for the whole app): empty is now."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from layers import view_date
from layers.report import history_start, report_date
from store import beijing_today
from ui.i18n import text

__all__ = ["AS_OF_KEY", "dated", "render_view_date", "viewed_date_banner"]

AS_OF_KEY = "as_of"


def render_view_date(lang: str, place: DeltaGenerator | None = None) -> dt.date | None:
    """The date control (in `place`, by default the sidebar); the date chosen, or None for now."""
    place = place if place is not None else st.sidebar
    today = beijing_today()
    widget = f"{AS_OF_KEY}:{lang}"  # labels follow the language; the choice is kept apart

    def remember() -> None:
        st.session_state[AS_OF_KEY] = st.session_state[widget]

    if widget not in st.session_state:
        st.session_state[widget] = st.session_state.get(AS_OF_KEY)
    place.date_input(
        text("as_of_label", lang),
        value=None,
        min_value=history_start(),
        max_value=today,
        format="YYYY-MM-DD",
        key=widget,
        on_change=remember,
        help=text("as_of_help", lang, report=report_date().isoformat()),
    )
    chosen = st.session_state.get(AS_OF_KEY)
    if not isinstance(chosen, dt.date) or not history_start() <= chosen <= today:
        return None
    place.button(text("as_of_now", lang), on_click=_now, width="stretch")
    return chosen


def viewed_date_banner(as_of: dt.date | None, lang: str) -> None:
    """A plain line above the page when it shows a past date, so nobody takes it for now."""
    if as_of is not None:
        st.info(text("as_of_banner", lang, date=as_of.isoformat()), icon=":material/history:")


def _now() -> None:
    st.session_state[AS_OF_KEY] = None
    for key in [k for k in st.session_state if str(k).startswith(f"{AS_OF_KEY}:")]:
        st.session_state[key] = None


def dated(base: str) -> str:
    """`base` with the date viewed when it is not now: a download names the day it shows."""
    as_of = view_date()
    return base if as_of is None else f"{base}_{as_of.isoformat()}"
