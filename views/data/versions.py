"""Every version of an atlas layer (who, when, why, what changed), and rolling a layer back to
an earlier version, which is itself a new version: nothing is ever deleted."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from layers import LAYERS, get_layer, layer_store
from store import BEIJING, PublishConflict, StoreError, Version
from ui.editing import author_name, current_editor
from ui.i18n import text
from views.data.problems import store_error_text

__all__ = ["render_versions", "versions_table"]

KEY = "versions"
DONE_KEY = f"{KEY}:done"
_KINDS = {
    "seed": ("首次载入", "first load"),
    "publish": ("发布", "published"),
    "edit": ("编辑", "edit"),
    "rollback": ("回退", "rollback"),
}


def versions_table(versions: list[Version], lang: str) -> pd.DataFrame:
    """The versions as a table, newest first, times in Beijing time."""
    en = lang == "en"
    rows = [
        {
            text("ver_number", lang): v.number,
            text("ver_kind", lang): _KINDS[v.kind][1 if en else 0]
            + (f" → v{v.restores}" if v.restores else ""),
            text("ver_author", lang): v.author,
            text("ver_recorded", lang): v.recorded_at.astimezone(BEIJING).strftime(
                "%Y-%m-%d %H:%M"
            ),
            text("ver_effective", lang): v.effective.isoformat(),
            text("ver_counts", lang): f"+{v.added} / ~{v.changed} / −{v.retired}",
            text("ver_comment", lang): v.comment,
        }
        for v in versions
    ]
    return pd.DataFrame(rows)


def render_versions(lang: str) -> None:
    """The versions of a chosen layer and, for those who may publish, a rollback form."""
    editor = current_editor()
    if editor is None or not editor.can_publish:
        return
    st.subheader(text("ver_title", lang))
    if done := st.session_state.pop(DONE_KEY, None):
        st.success(done)
    store = layer_store()
    options = [spec.key for spec in LAYERS]
    layer = st.selectbox(
        text("ver_layer", lang),
        options=options,
        index=options.index(_last_changed(store, options)),
        format_func=lambda key: get_layer(key).title(lang),
        key=f"{KEY}:layer",
    )
    versions = store.versions(layer)
    st.caption(text("ver_caption", lang))
    st.dataframe(versions_table(versions, lang), hide_index=True, width="stretch")
    head = versions[0].number
    if head < 2:
        return
    name = author_name(editor, lang, key="rollback")
    if name is None:
        return
    # Keyed by the head too: after a rollback the form starts empty (its comment and ticked
    # confirmation must not carry over to the next rollback); a refused one keeps them.
    with st.form(f"{KEY}:rollback:{layer}:{head}"):
        target = st.selectbox(
            text("ver_rollback_to", lang),
            options=[v.number for v in versions if v.number < head],
            format_func=lambda number: text("ver_option", lang, number=number),
        )
        comment = st.text_input(text("pub_comment", lang), max_chars=200)
        sure = st.checkbox(text("ver_confirm", lang, head=head + 1))
        submitted = st.form_submit_button(text("ver_rollback", lang), type="primary")
    if submitted:
        _rollback(layer, target, head, name, comment, sure, lang)


def _rollback(
    layer: str, target: int, head: int, author: str, comment: str, sure: bool, lang: str
) -> None:
    if not comment.strip():
        st.error(text("pub_comment_needed", lang))
        return
    if not sure:
        st.error(text("ver_confirm_needed", lang))
        return
    title = get_layer(layer).title(lang)
    try:
        version = layer_store().rollback(
            layer, target, base_version=head, author=author, comment=comment
        )
    except PublishConflict as refused:
        st.error(store_error_text(refused, title, lang))
        return
    except StoreError as refused:
        st.error(store_error_text(refused, title, lang))
        return
    st.session_state[DONE_KEY] = text(
        "ver_done", lang, layer=title, version=version.number, target=target
    )
    st.rerun()


def _last_changed(store, options: list[str]) -> str:
    """The layer changed last after its first loading (the one a planner comes to check),
    else the first."""
    for version in store.versions():  # newest first
        if version.kind != "seed" and version.layer in options:
            return version.layer
    return options[0]
