"""The declaration of a map page and its session state, shared by the page and its map."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import streamlit as st

from layers import get_layer, load_layer
from layers.figures import Refinements, in_township, refine
from layers.timeline import Timeline
from maps.parts import view_for
from ui.i18n import LANGUAGES
from ui.panel import Selection

__all__ = [
    "ALL",
    "MAP_HEIGHT_PX",
    "Emphasis",
    "MapPage",
    "Timeline",
    "filtered_frames",
    "select_feature",
    "select_township",
    "state_key",
    "widget_key",
]

MAP_HEIGHT_PX = 600
ALL = ""


@dataclass(frozen=True)
class Emphasis:
    """Features of a page layer outlined on top of it: those whose `field` equals `value`."""

    layer: str
    field: str
    value: str
    label_zh: str
    label_en: str
    color: str = "#000000"

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_zh


@dataclass(frozen=True)
class MapPage:
    """One thematic page: its layers, its filterable category, its KPIs and its main figure."""

    key: str
    title_zh: str
    title_en: str
    layers: tuple[str, ...]
    main_figure: tuple[str, str]  # (layer, total) charted per township
    kpis: tuple[tuple[str, str], ...] = ()
    hidden: tuple[str, ...] = ()  # layers switched off until the user turns them on
    category_layer: str | None = None  # layer whose styled field the category filter acts on
    sized_by: tuple[str, str] | None = None  # (layer, field): proportional circles at each feature
    chart_kinds: tuple[str, ...] = ()  # township kinds charted (街道/镇/乡); empty: all
    multi_filters: tuple[str, ...] = ()  # more fields of the category layer to filter by value
    range_filters: tuple[str, ...] = ()  # numeric fields of the category layer to filter by range
    pipeline: tuple[tuple[str, ...], str] | None = None  # (stages in order, summed field)
    ranking: tuple[str, ...] = ()  # fields of the category layer in the sortable site table
    emphasis: Emphasis | None = None  # features outlined on top, e.g. demonstration communities
    share_sites: bool = False  # PDF site sheets and an offline HTML map of the filtered sites
    timeline: Timeline | None = None  # the programme at every month's end, charted below the map

    intro_zh: str = ""
    intro_en: str = ""

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh


# --- state -------------------------------------------------------------------------------


def state_key(page: MapPage, name: str) -> str:
    return f"{page.key}:{name}"


def select_feature(page: MapPage, layer: str, uid: str, *, max_zoom: int = 16) -> None:
    """Make feature `uid` of `layer` the page's selection and move the map to it (a search)."""
    frame = load_layer(layer)
    feature = frame[frame[get_layer(layer).id_field] == uid]
    st.session_state[state_key(page, "selection")] = Selection(layer, uid)
    st.session_state[state_key(page, "view")] = view_for(feature.total_bounds, max_zoom=max_zoom)


def widget_key(page: MapPage, name: str, lang: str) -> str:
    """Widgets are keyed per language so their labels follow the switch; state is kept apart."""
    return f"{page.key}:{name}:{lang}"


def select_township(page: MapPage, code: str) -> None:
    """Select a township everywhere: filter, highlight, roll-up in the panel, and zoom to it."""
    st.session_state[state_key(page, "township")] = code
    for lang in LANGUAGES:
        st.session_state[widget_key(page, "township", lang)] = code
    if code == ALL:
        st.session_state[state_key(page, "selection")] = None
        return
    townships = load_layer("townships")
    row = townships[townships["code"] == code]
    st.session_state[state_key(page, "selection")] = Selection("townships", str(row["uid"].iloc[0]))
    st.session_state[state_key(page, "view")] = view_for(row.total_bounds)


# --- data --------------------------------------------------------------------------------


def filtered_frames(
    page: MapPage, township: str, categories: tuple[str, ...], refinements: Refinements = ()
) -> dict[str, gpd.GeoDataFrame]:
    frames = {}
    for key in page.layers:
        frame = load_layer(key)
        if township != ALL:
            frame = in_township(key, frame, township)
        if key == page.category_layer:
            frame = frame[frame[get_layer(key).style.by_field].isin(categories)]
            frame = refine(frame, refinements)
        frames[key] = frame
    return frames
