"""Editing one feature from its panel: its values, the date the change holds from and its
shape; adding a feature; retiring one. A save over someone else's newer save is refused and
both versions are shown side by side, for the person to choose."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from layers import REGISTRY, get_layer, layer_store, view_date
from layers.change_tables import shown_value, with_township
from store import DateRefused, EditConflict, FeatureState, NothingChanged, StoreError, beijing_today
from ui.editing import Editor, author_name, current_editor
from ui.feature_inputs import attribute_inputs, shape_input
from ui.i18n import text
from ui.panel import Selection

__all__ = ["render_feature_editor"]

KEY = "edit"
DONE_KEY = f"{KEY}:done"


def render_feature_editor(
    selection: Selection | None, layers: tuple[str, ...], lang: str, *, key_prefix: str
) -> None:
    """Below the panel: edit the selected feature, or add one to a layer of the page."""
    editor = current_editor()
    if editor is None or not editor.can_edit:
        return
    # The message stays while the same feature is selected: the map reports its view after
    # the save redraws it, and that rerun must not wipe the message before it is read.
    done = st.session_state.get(DONE_KEY)
    if isinstance(done, str):  # just saved: toast once, then keep it for this selection
        st.toast(done, icon=":material/check_circle:")  # seen wherever the page is scrolled
        done = st.session_state[DONE_KEY] = (done, selection)
    if done and done[1] == selection:
        st.success(done[0])
    else:
        st.session_state.pop(DONE_KEY, None)
    if view_date() is not None:  # a past date's picture is not where changes are made
        st.caption(text("edit_not_in_past", lang))
        return
    if selection is not None and selection.layer in REGISTRY and editor.may_edit(selection.layer):
        with st.expander(text("edit_feature", lang)):
            _edit(selection.layer, selection.uid, editor, lang, f"{key_prefix}:{KEY}")
    addable = [key for key in layers if key in REGISTRY and editor.may_edit(key)]
    # A switch, not an expander: an expander's content is built even while closed, and the
    # add form's drawing map would then be sent with every run of every map page.
    if addable and st.toggle(text("edit_add", lang), key=f"{key_prefix}:{KEY}:add:open"):
        with st.container(border=True):
            _add(addable, editor, lang, f"{key_prefix}:{KEY}:add")


def _opened(layer: str, uid: str) -> FeatureState | None:
    """The feature as it was when this person opened it (kept until they save or reload)."""
    key = f"{KEY}:opened:{layer}:{uid}"
    if key not in st.session_state:
        st.session_state[key] = layer_store().feature(layer, uid)
    return st.session_state[key]


def _reopen(layer: str, uid: str) -> None:
    st.session_state.pop(f"{KEY}:opened:{layer}:{uid}", None)
    st.session_state.pop(f"{KEY}:conflict:{layer}:{uid}", None)


def _edit(layer: str, uid: str, editor: Editor, lang: str, prefix: str) -> None:
    spec = get_layer(layer)
    opened = _opened(layer, uid)
    if opened is None:
        st.info(text("edit_gone", lang))
        return
    conflict = st.session_state.get(f"{KEY}:conflict:{layer}:{uid}")
    if conflict is not None:
        _conflict(layer, uid, opened, conflict, editor, lang)
        return
    key = f"{prefix}:{layer}:{uid}:{opened.version}"
    st.caption(text("edit_opened", lang, version=opened.version, date=opened.effective))
    name = author_name(editor, lang, key=prefix)
    shape, problem = shape_input(spec, opened.geometry, lang, key=f"{key}:shape")
    if problem:
        st.error(problem)
    with st.form(f"{key}:form"):
        values = attribute_inputs(spec, opened.attributes, lang, key=f"{key}:field")
        effective, comment = _when_and_why(opened.effective, lang)
        save = st.form_submit_button(text("edit_save", lang), type="primary")
        retire = st.form_submit_button(text("edit_retire", lang))
    if not (save or retire):
        return
    if name is None or not comment:
        st.error(text("edit_name_first" if name is None else "pub_comment_needed", lang))
        return
    if problem or shape is None:
        st.error(problem or text("edit_shape_needed", lang))
        return
    mine = (values, shape)
    _save(layer, uid, opened, mine, retire, name, comment, effective, lang)


def _when_and_why(last: dt.date | None, lang: str) -> tuple[dt.date, str]:
    today = beijing_today()
    effective = st.date_input(
        text("pub_effective", lang),
        value=today,
        min_value=last,
        max_value=today,
        format="YYYY-MM-DD",
        help=text("edit_effective_help", lang),
    )
    comment = st.text_input(text("pub_comment", lang), max_chars=200)
    return effective, comment.strip()


def _save(
    layer: str,
    uid: str,
    opened: FeatureState,
    mine: tuple[dict, object],
    retire: bool,
    author: str,
    comment: str,
    effective: dt.date,
    lang: str,
    *,
    over: int | None = None,
) -> None:
    """Write the edit (or retirement) over the version opened (or `over`, chosen in a conflict)."""
    store = layer_store()
    expected = opened.version if over is None else over
    values, shape = mine
    try:
        if retire:
            version = store.retire(
                layer,
                uid,
                expected_version=expected,
                author=author,
                comment=comment,
                effective=effective,
            )
        else:
            version = store.edit(
                layer,
                uid,
                attributes=with_township(layer, values, shape),
                geometry=shape,
                expected_version=expected,
                author=author,
                comment=comment,
                effective=effective,
            )
    except EditConflict as conflict:
        st.session_state[f"{KEY}:conflict:{layer}:{uid}"] = (
            mine,
            retire,
            conflict.theirs,
            comment,
            effective,
        )
        st.rerun()
    except (DateRefused, NothingChanged) as refused:
        st.error(_refusal(refused, lang))
        return
    except StoreError:
        st.error(text("store_failed", lang))
        raise
    _reopen(layer, uid)
    done = "edit_retired" if retire else "edit_saved"
    st.session_state[DONE_KEY] = text(done, lang, version=version.number, date=effective)
    st.rerun()  # the map, figures and charts again, with the change


def _refusal(error: StoreError, lang: str) -> str:
    if isinstance(error, DateRefused):
        if error.effective > error.today:
            return text("date_future", lang, date=error.effective, today=error.today)
        return text("date_before_last", lang, date=error.effective, last=error.last)
    return text("edit_unchanged", lang)


def _conflict(
    layer: str, uid: str, opened: FeatureState, conflict: tuple, editor: Editor, lang: str
) -> None:
    """Their version and mine side by side; keep theirs (reopen) or save mine over theirs."""
    mine, retire, theirs, comment, effective = conflict
    st.error(text("edit_conflict", lang))
    spec = get_layer(layer)
    rows = []
    for field in spec.fields:
        before = opened.attributes.get(field.name)
        now = None if theirs is None else theirs.attributes.get(field.name)
        wanted = mine[0].get(field.name)
        rows.append(
            {
                text("edit_col_field", lang): field.label(lang),
                text("edit_col_opened", lang): shown_value(before),
                text("edit_col_theirs", lang): "—" if theirs is None else shown_value(now),
                text("edit_col_mine", lang): shown_value(wanted),
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if theirs is not None:
        st.caption(text("edit_theirs_by", lang, version=theirs.version, date=theirs.effective))
    keep, overwrite = st.columns(2)
    if keep.button(text("edit_keep_theirs", lang), key=f"{KEY}:keep:{layer}:{uid}"):
        _reopen(layer, uid)
        st.rerun()
    if theirs is not None and overwrite.button(
        text("edit_save_mine", lang), key=f"{KEY}:mine:{layer}:{uid}", type="primary"
    ):
        st.session_state.pop(f"{KEY}:conflict:{layer}:{uid}", None)
        author = editor.name or st.session_state.get("editing:author") or ""
        _save(
            layer, uid, opened, mine, retire, author, comment, effective, lang, over=theirs.version
        )


def _add(layers: list[str], editor: Editor, lang: str, prefix: str) -> None:
    layer = st.selectbox(
        text("ver_layer", lang),
        options=layers,
        format_func=lambda key: get_layer(key).title(lang),
        key=f"{prefix}:layer",
    )
    spec = get_layer(layer)
    name = author_name(editor, lang, key=prefix)
    shape, problem = shape_input(spec, None, lang, key=f"{prefix}:{layer}:shape")
    if problem:
        st.error(problem)
    with st.form(f"{prefix}:{layer}:form"):
        values = attribute_inputs(spec, {}, lang, key=f"{prefix}:{layer}:field", new=True)
        effective, comment = _when_and_why(None, lang)
        add = st.form_submit_button(text("edit_add_button", lang), type="primary")
    if not add:
        return
    uid = str(values.get(spec.id_field) or "").strip()
    if name is None or not comment or not uid:
        st.error(
            text(
                "edit_name_first"
                if name is None
                else ("edit_id_needed" if not uid else "pub_comment_needed"),
                lang,
            )
        )
        return
    if problem or shape is None:
        st.error(problem or text("edit_shape_needed", lang))
        return
    store = layer_store()
    try:
        version = store.edit(
            layer,
            uid,
            attributes=with_township(layer, {**values, spec.id_field: uid}, shape),
            geometry=shape,
            expected_version=None,
            author=name,
            comment=comment,
            effective=effective,
        )
    except EditConflict:
        st.error(text("edit_id_taken", lang, uid=uid))
        return
    except (DateRefused, NothingChanged) as refused:
        st.error(_refusal(refused, lang))
        return
    except StoreError as refused:
        st.error(text("edit_values_refused", lang, problem=str(refused)))
        return
    st.session_state[DONE_KEY] = text("edit_added", lang, uid=uid, version=version.number)
    st.rerun()
