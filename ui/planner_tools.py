"""The planner's tools below a map page's map: the study area, distance bands, the 三区三线
check and printing. One tool is built at a time (the one chosen), so the page stays quick."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import streamlit as st

from layers.figures import Refinements
from ui.access import sees_constraint_zones
from ui.i18n import text
from ui.page_spec import MapPage, state_key
from ui.tool_area import render_area_tool
from ui.tool_bands import render_bands_tool
from ui.tool_conformity import render_conformity_tool
from ui.tool_print import render_print_tool

__all__ = ["PageView", "render_planner_tools"]


@dataclass(frozen=True)
class PageView:
    """What the page shows now: its filters and the features they leave (tools work on these)."""

    township: str
    categories: tuple[str, ...]
    refinements: Refinements
    frames: dict[str, gpd.GeoDataFrame]


def render_planner_tools(page: MapPage, lang: str, view: PageView) -> None:
    """The tools, one chosen at a time; the 三区三线 check only on an internal server."""
    tools = {
        "area": (text("tool_area", lang), render_area_tool),
        "bands": (text("tool_bands", lang), render_bands_tool),
        "print": (text("tool_print", lang), render_print_tool),
    }
    if sees_constraint_zones():  # internal data: planners only, never on investors' screens
        tools["conformity"] = (text("tool_conformity", lang), render_conformity_tool)
    st.subheader(text("tools_title", lang))
    st.caption(text("tools_intro", lang))
    chosen = st.segmented_control(
        text("tools_title", lang),
        options=list(tools),
        format_func=lambda key: tools[key][0],
        key=state_key(page, f"tools:{lang}"),
        label_visibility="collapsed",
    )
    if chosen in tools:
        tools[chosen][1](page, lang, view)
