"""The page's study area: drawn on its map or chosen in the planner's tools, shown in the panel.

A shape drawn with the map's tools reaches the server as coordinates in ``all_drawings``;
planning.area checks and repairs it and measures it in the metric CRS. The panel shows the
area's roll-up (the same figures as a township's) until the user selects something else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import streamlit as st

from planning.area import AreaRefused, Measures, StudyArea, drawn_area, measure_drawing
from ui.page_spec import MapPage, state_key
from ui.panel import Selection

__all__ = ["Study", "apply_drawing", "current_study", "set_study_area", "show_study"]

# A map value larger than this is not read (Leaflet.draw's shapes are far smaller).
MAX_DRAWINGS_CHARS = 2_000_000
_LINES = ("LineString", "MultiLineString")


@dataclass(frozen=True)
class Study:
    """What the planner last drew or chose: an area, a measured line, or why it was refused;
    shown while the page's selection is still `selection_then`."""

    area: StudyArea | None = None
    line: Measures | None = None
    refused: AreaRefused | None = None
    selection_then: Selection | None = None
    shown: bool = True
    from_drawing: bool = False


def apply_drawing(page: MapPage, datum: str) -> bool:
    """Read a new or deleted drawing from the map's value (already in session state) once;
    whether there was one."""
    returned = st.session_state.get(state_key(page, "map")) or {}
    drawings = returned.get("all_drawings") if isinstance(returned, dict) else None
    if drawings is None:
        return False
    marker = json.dumps(drawings, sort_keys=True, default=str)
    if marker == st.session_state.get(state_key(page, "drawn")):
        return False
    st.session_state[state_key(page, "drawn")] = marker
    selection = st.session_state.get(state_key(page, "selection"))
    if not isinstance(drawings, list) or not drawings:
        # The map sends an empty list with every click until something is drawn: only a
        # drawing deleted with the toolbar ends the study it made. No drawing, no click eaten.
        study = current_study(page)
        if study is not None and study.from_drawing:
            st.session_state.pop(state_key(page, "study"), None)
        return False
    if len(marker) > MAX_DRAWINGS_CHARS:
        refused = AreaRefused("图形过大。", "The shape is too large.")
        study = Study(refused=refused, selection_then=selection, from_drawing=True)
    else:
        study = _study_of(drawings[-1], datum, selection)
    st.session_state[state_key(page, "study")] = study
    return True


def _study_of(feature: object, datum: str, selection: Selection | None) -> Study:
    try:
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if isinstance(geometry, dict) and geometry.get("type") in _LINES:
            line = measure_drawing(feature, datum)
            return Study(line=line, selection_then=selection, from_drawing=True)
        return Study(area=drawn_area(feature, datum), selection_then=selection, from_drawing=True)
    except AreaRefused as refused:
        return Study(refused=refused, selection_then=selection, from_drawing=True)


def set_study_area(page: MapPage, area: StudyArea) -> None:
    """Make `area` (chosen in the tools: a township, a feature and its surroundings) the study."""
    selection = st.session_state.get(state_key(page, "selection"))
    st.session_state[state_key(page, "study")] = Study(area=area, selection_then=selection)


def current_study(page: MapPage) -> Study | None:
    """The page's study, whether or not the panel shows it now."""
    return st.session_state.get(state_key(page, "study"))


def show_study(page: MapPage) -> bool:
    """Whether the panel shows the study: it does until something else is selected."""
    study = current_study(page)
    if study is None:
        return False
    selection = st.session_state.get(state_key(page, "selection"))
    return study.shown and selection == study.selection_then
