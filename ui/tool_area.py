"""The study-area tool: a township, a village or the selected feature, with surroundings."""

from __future__ import annotations

import streamlit as st

from layers import get_layer, load_layer
from planning.area import AreaRefused, feature_area, township_area
from ui.i18n import text
from ui.page_spec import MapPage, state_key
from ui.study_area import set_study_area

__all__ = ["render_area_tool"]

DEFAULT_BUFFER_M = 2000
MAX_BUFFER_M = 50_000


def render_area_tool(page: MapPage, lang: str, view) -> None:
    """Choose an area; its roll-up goes to the panel beside the map."""
    st.caption(text("study_hint", lang))
    sources = ("township", "village", "feature")
    source = st.radio(
        text("area_source", lang),
        options=sources,
        format_func=lambda key: text(f"area_{key}", lang),
        horizontal=True,
        key=state_key(page, f"area:source:{lang}"),
    )
    with st.form(state_key(page, f"area:form:{source}"), border=False):
        chosen = _choice(page, lang, source)
        buffer_m = 0.0
        if source != "township":
            buffer_m = st.number_input(
                text("area_buffer", lang),
                min_value=0,
                max_value=MAX_BUFFER_M,
                value=DEFAULT_BUFFER_M,
                step=500,
                key=state_key(page, f"area:buffer:{source}"),
            )
        go = st.form_submit_button(text("area_go", lang), disabled=chosen is None)
    if not go or chosen is None:
        return
    try:
        if source == "township":
            area = township_area(chosen)
        else:
            area = feature_area(*chosen, float(buffer_m))
    except AreaRefused as refused:
        st.warning(text("study_refused", lang, reason=refused.message(lang)))
        return
    set_study_area(page, area)
    st.rerun()


def _choice(page: MapPage, lang: str, source: str):
    """The township code, or (layer, uid) of the village or selected feature; None if none."""
    name_column = "name_en" if lang == "en" else "name"
    if source == "township":
        townships = load_layer("townships")
        names = dict(zip(townships["code"], townships[name_column], strict=True))
        return st.selectbox(
            text("area_township", lang),
            options=list(names),
            format_func=names.get,
            key=state_key(page, f"area:township:{lang}"),
        )
    if source == "village":
        villages = load_layer("villages").sort_values(["town_code", "name"])
        shown = villages[name_column] if name_column in villages else villages["name"]
        names = dict(zip(villages["uid"], shown, strict=True))
        uid = st.selectbox(
            text("area_village", lang),
            options=list(names),
            format_func=names.get,
            key=state_key(page, f"area:village:{lang}"),
        )
        return ("villages", uid)
    selection = st.session_state.get(state_key(page, "selection"))
    if selection is None:
        st.info(text("area_no_selection", lang))
        return None
    spec = get_layer(selection.layer)
    frame = load_layer(selection.layer)
    row = frame[frame[spec.id_field] == selection.uid]
    name = str(row[spec.name_field].iloc[0]) if len(row) else selection.uid
    st.write(text("area_selected", lang, name=f"{name} · {spec.title(lang)}"))
    return (selection.layer, selection.uid)
