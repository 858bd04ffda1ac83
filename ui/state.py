"""Session choices shared by every page (language, basemap) and the sidebar that sets them."""

from __future__ import annotations

import os

import streamlit as st

from maps.basemaps import BASEMAPS, TIANDITU_TOKEN_ENV, Basemap, basemap_url
from ui.i18n import LANGUAGES, text

__all__ = ["current_basemap", "current_lang", "render_sidebar"]

LANG_KEY = "lang"
BASEMAP_KEY = "basemap"
XYZ_KEY = "xyz_url"


def current_lang() -> str:
    return st.session_state.get(LANG_KEY, "zh")


def current_basemap() -> tuple[Basemap, str | None]:
    """The chosen basemap and its usable tile URL (None: draw without tiles)."""
    basemap = BASEMAPS[st.session_state.get(BASEMAP_KEY, "none")]
    return basemap, basemap_url(
        basemap, token=_tianditu_token(), custom_url=st.session_state.get(XYZ_KEY)
    )


def render_sidebar() -> None:
    """Language and basemap controls, owned by app.py and shared by every page."""
    st.sidebar.radio(
        "语言 / Language",
        options=list(LANGUAGES),
        format_func=LANGUAGES.get,
        horizontal=True,
        key=LANG_KEY,
    )
    lang = current_lang()
    # Keyed per language so the labels follow the switch; the choice itself is kept apart.
    widget = f"{BASEMAP_KEY}:{lang}"
    options = list(BASEMAPS)
    chosen = st.session_state.get(BASEMAP_KEY, "none")
    initial = {} if widget in st.session_state else {"index": options.index(chosen)}

    def remember() -> None:
        st.session_state[BASEMAP_KEY] = st.session_state[widget]

    st.sidebar.selectbox(
        text("basemap", lang),
        options=options,
        format_func=lambda key: BASEMAPS[key].label(lang),
        key=widget,
        on_change=remember,
        **initial,
    )

    basemap, url = current_basemap()
    if basemap.key == "custom":
        st.sidebar.text_input(
            text("xyz_url", lang), key=XYZ_KEY, placeholder="http://tiles.intranet/{z}/{x}/{y}.png"
        )
    if basemap.key != "none" and url is None:
        st.sidebar.warning(text(f"basemap_unusable_{basemap.key.split('_')[0]}", lang))
    elif basemap.key != "none":
        st.sidebar.caption(text("basemap_offline_note", lang))


def _tianditu_token() -> str | None:
    try:
        token = st.secrets.get("tianditu_token")
    except (FileNotFoundError, KeyError, st.errors.StreamlitAPIException):
        token = None
    return token or os.environ.get(TIANDITU_TOKEN_ENV) or None
