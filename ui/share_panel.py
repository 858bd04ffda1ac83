"""The promoter's hand-outs on a map page: PDF site sheets and an offline HTML map of chosen sites."""

from __future__ import annotations

import geopandas as gpd
import streamlit as st

from layers import get_layer
from share.site_sheet import site_sheets_filename, site_sheets_pdf
from share.standalone_map import standalone_map_filename, standalone_map_html
from ui.i18n import text
from ui.page_spec import MapPage, state_key

__all__ = ["render_share"]


def render_share(page: MapPage, lang: str, sites: gpd.GeoDataFrame) -> None:
    """Choose sites (the filtered ones by default) and download their sheets and map."""
    spec = get_layer(page.category_layer)
    st.subheader(text("share_title", lang))
    uids = sites[spec.id_field].astype(str).tolist()
    names = dict(zip(uids, sites["name_en" if lang == "en" else spec.name_field], strict=True))
    scope = st.radio(
        text("share_scope", lang),
        options=("filtered", "chosen"),
        format_func=lambda option: text(f"share_scope_{option}", lang, count=len(uids)),
        horizontal=True,
        key=state_key(page, "share:scope"),
    )
    if scope == "filtered":
        chosen = uids
    else:
        selection = st.session_state.get(state_key(page, "selection"))
        clicked = [selection.uid] if selection and selection.layer == spec.key else []
        # Keyed by the options, so a new filter starts a new choice (from the clicked site).
        chosen = st.multiselect(
            text("share_sites", lang),
            options=uids,
            default=clicked,
            format_func=lambda uid: names[uid],
            key=state_key(page, f"share:{lang}:{hash(tuple(uids))}"),
        )
    if not chosen:
        st.info(text("share_none", lang))
        return
    st.caption(text("share_note", lang, count=len(chosen)))
    pdf_column, html_column = st.columns(2)
    pdf_column.download_button(
        label=text("share_pdf", lang),
        data=lambda: site_sheets_pdf(chosen),
        file_name=site_sheets_filename(len(chosen)),
        mime="application/pdf",
        key=state_key(page, "share:pdf"),
        on_click="ignore",
        icon=":material/picture_as_pdf:",
    )
    html_column.download_button(
        label=text("share_html", lang),
        data=lambda: standalone_map_html(chosen, lang),
        file_name=standalone_map_filename(len(chosen)),
        mime="text/html",
        key=state_key(page, "share:html"),
        on_click="ignore",
        icon=":material/map:",
    )
