"""The panel's view of the study area: its measures and roll-up, or a drawn line's length."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import streamlit as st

from geo.export import export_features, export_filename
from layers import LAYERS
from layers.figures import CONTEXT_LAYERS
from layers.formatting import format_figure
from planning.area import StudyArea
from planning.area_rollup import area_rollup
from ui.i18n import text
from ui.page_spec import MapPage, state_key
from ui.panel import figures_html, table_downloads
from ui.study_area import current_study, show_study
from ui.view_date import dated

__all__ = ["ROLLUP_LAYERS", "render_study_panel", "render_study_return"]

# The layers a township's roll-up covers: every programme layer with key figures.
ROLLUP_LAYERS = tuple(spec.key for spec in LAYERS if spec.key not in CONTEXT_LAYERS and spec.totals)


def render_study_panel(page: MapPage, lang: str, uploaded: tuple[str, ...]) -> bool:
    """Show the study in the panel if it is the latest thing chosen (its roll-up covers every
    programme layer, as a township's does, and the `uploaded` layers); whether it was shown."""
    if not show_study(page):
        return False
    study = current_study(page)
    if study.refused is not None:
        st.warning(text("study_refused", lang, reason=study.refused.message(lang)))
    elif study.line is not None:
        line = study.line
        st.subheader(text("measure_title", lang))
        st.write(
            text(
                "measure_line",
                lang,
                km=format_figure(line.length_km),
                m=format_figure(line.length_km * 1000),
            )
        )
        st.caption(text("measure_note", lang))
    else:
        _area_figures(page, lang, study.area, uploaded)
    if st.button(text("study_close", lang), key=state_key(page, "study:close")):
        st.session_state[state_key(page, "study")] = dataclasses.replace(study, shown=False)
        st.rerun()
    return True


def render_study_return(page: MapPage, lang: str) -> None:
    """A button back to the study's figures when something else is shown in the panel."""
    study = current_study(page)
    if study is None or show_study(page):
        return
    if st.button(text("study_back", lang), key=state_key(page, "study:back")):
        selection = st.session_state.get(state_key(page, "selection"))
        st.session_state[state_key(page, "study")] = dataclasses.replace(
            study, shown=True, selection_then=selection
        )
        st.rerun()


def _area_figures(page: MapPage, lang: str, area: StudyArea, uploaded: tuple[str, ...]) -> None:
    title = text("study_title", lang, label=area.label(lang))
    table = area_rollup(area, (*ROLLUP_LAYERS, *uploaded), lang)
    # As a township's roll-up: only the programmes present in the area.
    present = table.groupby("layer", sort=False)["value"].transform(lambda v: (v != 0).any())
    table = table[present].reset_index(drop=True)
    notes = [
        text(
            "study_measures",
            lang,
            mu=format_figure(area.area_mu),
            ha=format_figure(area.area_ha),
            km2=format_figure(area.area_km2),
            perimeter=format_figure(area.perimeter_km),
        ),
        *area.notes(lang),
        text("study_rule", lang),
    ]
    if table.empty:
        st.subheader(title)
        st.info(text("study_empty", lang))
        for note in notes:
            st.caption(note)
    else:
        st.html(figures_html(title, table, notes, lang))
        table_downloads(title, table, lang, f"{page.key}:study")
    shape = gpd.GeoDataFrame({"name": [area.label(lang)]}, geometry=[area.wgs84], crs=4326)
    st.download_button(
        text("study_shape", lang),
        data=lambda: export_features(shape, "geojson", layer_name="study_area"),
        file_name=export_filename(dated(title), "geojson"),
        mime="application/geo+json",
        key=state_key(page, "study:geojson"),
        on_click="ignore",
    )
