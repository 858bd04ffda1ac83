"""Who may change the atlas's layers in this session, and the name their changes are recorded
under: planners every layer, promoters the enclave projects, administrators (and a laptop
without sign-in, for the internal audience) may also publish and roll back. Field teams, the
public and a promoter or public server change nothing, whatever the URL."""

from __future__ import annotations

import re
from dataclasses import dataclass

import streamlit as st

from ui.audience import server_audience
from ui.i18n import text
from ui.signin import current_user, users_file

__all__ = ["Editor", "author_name", "current_editor"]

AUTHOR_KEY = "editing:author"
MAX_NAME_CHARS = 40
PROMOTER_LAYERS = ("enclave_projects",)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Editor:
    """What this session may change; `name` is None until a laptop user has given it."""

    name: str | None
    layers: tuple[str, ...] | None  # None: every layer
    can_edit: bool
    can_publish: bool

    def may_edit(self, layer: str) -> bool:
        return self.can_edit and (self.layers is None or layer in self.layers)


def current_editor() -> Editor | None:
    """This session's rights to change layers; None when it may change nothing."""
    if server_audience() != "internal":  # a promoter's or public server: whoever signs in
        return None
    if users_file() is None:
        return Editor(st.session_state.get(AUTHOR_KEY), None, True, True)
    user = current_user()
    if user is None:
        return None
    recorded = user.name if user.name == user.username else f"{user.name} ({user.username})"
    if user.role == "planner":
        return Editor(recorded, None, True, False)
    if user.role == "promoter":
        return Editor(recorded, PROMOTER_LAYERS, True, False)
    if user.role == "admin":
        return Editor(recorded, None, False, True)
    return None


def author_name(editor: Editor, lang: str, *, key: str) -> str | None:
    """The name changes are recorded under; on a laptop, asked for once per session."""
    if editor.name:
        return editor.name
    typed = st.text_input(
        text("edit_your_name", lang),
        max_chars=MAX_NAME_CHARS,
        key=f"{AUTHOR_KEY}:input:{key}",
        help=text("edit_your_name_help", lang),
    )
    name = _CONTROL.sub("", typed or "").strip()
    if not name:
        return None
    st.session_state[AUTHOR_KEY] = name
    return name
