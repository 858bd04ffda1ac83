"""Publishing a checked file as a new version of an atlas layer: checked against the layer's
spec, a preview of every change (table, map, effect on the key totals), then publish with a
comment and the date the change holds from, or leave it."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import streamlit as st

from geo.upload import UploadReport
from layers import LAYERS, get_layer, layer_store, load_layer
from layers.change_tables import diff_table, totals_effect
from layers.publishing import Problem, check_against_spec
from maps.change_map import change_map
from store import DateRefused, LayerDiff, NothingChanged, PublishConflict, StoreError
from store.versioned import beijing_today
from ui.editing import author_name, current_editor
from ui.folium_view import render_map, show_map
from ui.i18n import text
from ui.messages import plain_markdown
from views.data.problems import problem_text, store_error_text

__all__ = ["render_publish"]

KEY = "publish"
DONE_KEY = f"{KEY}:done"
PREVIEW_ROWS = 500
MAP_HEIGHT_PX = 420


def render_publish(frame: gpd.GeoDataFrame, report: UploadReport, digest: str, lang: str) -> None:
    """The publish form for an uploaded file (only for those who may publish)."""
    editor = current_editor()
    if editor is None or not editor.can_publish:
        st.info(text("pub_not_allowed", lang))
        return
    if done := st.session_state.pop(DONE_KEY, None):
        st.success(done)
    layer = st.selectbox(
        text("pub_layer", lang),
        options=[spec.key for spec in LAYERS],
        format_func=lambda key: get_layer(key).title(lang),
        index=None,
        placeholder=text("pub_layer_placeholder", lang),
        key=f"{KEY}:layer:{digest}",
    )
    if layer is None:
        return
    store = layer_store()
    check = check_against_spec(
        get_layer(layer), frame, store.read(layer), crs_guessed=report.crs_guessed
    )
    if check.errors:
        _problems(check.errors, layer, report.file_name, lang, error=True)
        return
    if check.warnings:
        _problems(check.warnings, layer, report.file_name, lang, error=False)
    # The version the person saw the preview of (last run): what a click now publishes over.
    seen_key = f"{KEY}:seen:{digest}:{layer}"
    seen = st.session_state.get(seen_key)
    diff, head = _diff(layer, check.frame, digest)
    st.session_state[seen_key] = head
    if diff.empty:
        st.info(text("pub_nothing", lang, layer=get_layer(layer).title(lang)))
        return
    _preview(diff, check.frame, lang)
    name = author_name(editor, lang, key="publish")
    if name is None:
        st.warning(text("edit_name_first", lang))
        return
    _publish_form(layer, check.frame, head if seen is None else seen, name, digest, lang)


def _diff(layer: str, frame: gpd.GeoDataFrame, digest: str) -> tuple[LayerDiff, int]:
    """The diff against the layer's current version, made once per file, layer and version."""
    head = layer_store().heads()[layer]
    key = f"{KEY}:diff:{digest}:{layer}"
    kept = st.session_state.get(key)
    if kept is None or kept[1] != head:
        with st.spinner(text("pub_comparing", st.session_state.get("lang", "zh"))):
            kept = layer_store().diff(layer, frame)
        st.session_state[key] = kept
    return kept


def _problems(
    problems: tuple[Problem, ...], layer: str, file_name: str, lang: str, *, error: bool
) -> None:
    lines = "\n".join(f"- {plain_markdown(problem_text(p, layer, lang))}" for p in problems)
    heading = text("pub_refused" if error else "pub_warnings", lang, name=plain_markdown(file_name))
    (st.error if error else st.warning)(f"**{heading}**\n\n{lines}")


def _preview(diff: LayerDiff, new: gpd.GeoDataFrame, lang: str) -> None:
    layer = diff.layer
    st.subheader(text("pub_preview", lang))
    added, changed, retired = st.columns(3)
    added.metric(text("pub_added", lang), f"{len(diff.added):,}")
    changed.metric(text("pub_changed", lang), f"{len(diff.changed):,}")
    retired.metric(text("pub_retired", lang), f"{len(diff.retired):,}")
    st.markdown(f"**{text('pub_totals', lang)}**")
    st.dataframe(
        totals_effect(layer, layer_store().read(layer), new, lang), hide_index=True, width="stretch"
    )
    table = diff_table(diff, lang, limit=PREVIEW_ROWS)
    st.markdown(f"**{text('pub_changes', lang)}**")
    if len(table) >= PREVIEW_ROWS:
        st.caption(text("pub_changes_cut", lang, count=PREVIEW_ROWS))
    st.dataframe(table, hide_index=True, width="stretch", height=min(36 * (len(table) + 1), 360))
    parts = [
        ("add", diff.added, text("pub_added", lang)),
        ("change", diff.changed, text("pub_changed", lang)),
        ("retire", diff.retired, text("pub_retired", lang)),
    ]
    district = load_layer("district")
    fmap = change_map(district, parts, get_layer("district").title(lang), lang)
    show_map(render_map(fmap), key=f"{KEY}:map", height=MAP_HEIGHT_PX, returned_objects=[])


def _publish_form(
    layer: str,
    frame: gpd.GeoDataFrame,
    seen: int,
    author: str,
    digest: str,
    lang: str,
) -> None:
    today = beijing_today()
    with st.form(f"{KEY}:form:{digest}:{layer}"):
        comment = st.text_input(text("pub_comment", lang), max_chars=200)
        effective = st.date_input(
            text("pub_effective", lang),
            value=today,
            max_value=today,
            format="YYYY-MM-DD",
            help=text("pub_effective_help", lang),
        )
        # Labelled with the version previewed: a label that changed with the layer would make a
        # new button, and the click on the one the person saw would be lost.
        submitted = st.form_submit_button(
            text("pub_button", lang, version=seen + 1), type="primary"
        )
    if not submitted:
        return
    if not comment.strip():
        st.error(text("pub_comment_needed", lang))
        return
    _publish(layer, frame, seen, author, comment, effective, lang)


def _publish(
    layer: str,
    frame: gpd.GeoDataFrame,
    head: int,
    author: str,
    comment: str,
    effective: dt.date,
    lang: str,
) -> None:
    title = get_layer(layer).title(lang)
    try:
        version = layer_store().publish(
            layer, frame, base_version=head, author=author, comment=comment, effective=effective
        )
    except (PublishConflict, DateRefused, NothingChanged) as refused:
        st.error(store_error_text(refused, title, lang))
        return
    except StoreError:
        st.error(text("store_failed", lang))
        raise
    st.session_state[DONE_KEY] = text(
        "pub_done",
        lang,
        layer=title,
        version=version.number,
        added=version.added,
        changed=version.changed,
        retired=version.retired,
    )
    st.rerun()  # the page again, showing the layer as published (its preview is now empty)
