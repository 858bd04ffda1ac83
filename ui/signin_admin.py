"""For the admin: who is signed in (and ending their sessions) and the sign-in log, in one
expander on the data page. Values are shown in tables, never as markdown."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from accounts import LogEntry, SessionRecord
from ui import signin
from ui.i18n import text
from ui.signin import BEIJING, account_store, client_address, current_user, users_file

__all__ = ["LOG_ROWS", "render_signin_admin"]

LOG_ROWS = 500
_TIME = "%Y-%m-%d %H:%M:%S"


def _beijing(moment: dt.datetime) -> str:
    """A stored moment (UTC; a naive one is UTC too) as Beijing time, as every page shows time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return f"{moment.astimezone(BEIJING):{_TIME}}"


def render_signin_admin(lang: str) -> None:
    """The expander, for a signed-in admin only (nothing for anyone else)."""
    user = current_user()
    if users_file() is None or user is None or user.role != "admin":
        return
    store = account_store()
    with st.expander(text("signin_admin_title", lang)):
        st.subheader(text("signin_admin_sessions", lang))
        sessions = store.sessions(now=signin.now())
        if sessions:
            st.dataframe(_sessions_table(sessions, lang), hide_index=True, width="stretch")
            _revoke_form(sessions, user.username, lang)
        else:
            st.caption(text("signin_admin_none", lang))
        entries = store.log(limit=LOG_ROWS)
        st.subheader(text("signin_admin_log", lang, count=LOG_ROWS))
        st.dataframe(_log_table(entries, lang), hide_index=True, width="stretch")


def _revoke_form(sessions: list[SessionRecord], admin: str, lang: str) -> None:
    labels = {record.key: _label(record) for record in sessions}
    with st.form("atlas-revoke-sessions"):
        chosen = st.multiselect(
            text("signin_admin_choose", lang),
            list(labels),
            format_func=labels.__getitem__,
            placeholder=text("signin_admin_choose_placeholder", lang),
        )
        submitted = st.form_submit_button(text("signin_admin_revoke", lang))
    if submitted and chosen:
        store, moment = account_store(), signin.now()
        ended = store.revoke_keys(chosen, now=moment, by=admin)
        for record in sessions:
            if record.key in chosen:
                store.record(
                    "revoked", username=record.username, address=client_address(), now=moment
                )
        st.success(text("signin_admin_revoked", lang, count=ended))


def _label(record: SessionRecord) -> str:
    return f"{record.username} · {record.address or '—'} · {_beijing(record.created_at)} · {record.key[:8]}"


def _sessions_table(sessions: list[SessionRecord], lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            text("signin_col_user", lang): [record.username for record in sessions],
            text("signin_col_address", lang): [record.address or "—" for record in sessions],
            text("signin_col_created", lang): [_beijing(r.created_at) for r in sessions],
            text("signin_col_expires", lang): [_beijing(r.expires_at) for r in sessions],
            text("signin_col_session", lang): [record.key[:8] for record in sessions],
        }
    )


def _log_table(entries: list[LogEntry], lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            text("signin_col_at", lang): [_beijing(entry.at) for entry in entries],
            text("signin_col_event", lang): [
                text(f"signin_event_{entry.event}", lang) for entry in entries
            ],
            text("signin_col_user", lang): [entry.username for entry in entries],
            text("signin_col_address", lang): [entry.address or "—" for entry in entries],
        },
        dtype="string",
    )
