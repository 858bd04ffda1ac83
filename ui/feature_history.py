"""A feature's own change history, in an expander of its panel, for those who may open the
change log (planners, administrators, a laptop): never for promoters or the public."""

from __future__ import annotations

import streamlit as st

from layers import REGISTRY
from layers.change_log import FEATURE_COLUMNS, feature_changes, log_table
from ui.audience import pages_for, server_audience
from ui.i18n import text
from ui.signin import current_user, users_file

__all__ = ["may_see_history", "render_feature_history"]

HISTORY_PAGE = "history"
# A township's panel is a roll-up of every programme in it, not one feature's figures.
_NOT_FEATURES = ("townships",)


def may_see_history() -> bool:
    """Whether this session may open the change log (the signed-in role, or the audience)."""
    if users_file() is None:
        return HISTORY_PAGE in pages_for(server_audience())
    user = current_user()
    return user is not None and HISTORY_PAGE in user.pages


def render_feature_history(layer: str, uid: str, lang: str) -> None:
    """The changes of feature `uid` of `layer`, newest first, one row per changed field."""
    if layer not in REGISTRY or layer in _NOT_FEATURES or not may_see_history():
        return
    changes = feature_changes(layer, uid)
    if changes.empty:
        return
    with st.expander(text("hist_feature", lang, count=len(changes))):
        table = log_table(changes, lang, columns=FEATURE_COLUMNS)
        st.dataframe(table, hide_index=True, width="stretch")
