"""A page's unexpected exception becomes a plain message; the details go to the server log.

Streamlit's own error box is switched off (client.showErrorDetails = "none"); this adds a
message in the reader's language instead of Streamlit's generic English one.  Streamlit's
stop and rerun signals are BaseExceptions and pass through untouched.
"""

from __future__ import annotations

import logging
from typing import Protocol

import streamlit as st

from ui.i18n import text

__all__ = ["run_page"]

log = logging.getLogger("atlas")


class _Runnable(Protocol):
    url_path: str

    def run(self) -> None: ...


def run_page(page: _Runnable, lang: str) -> None:
    """Run the page; on any exception, log it with its traceback and show a plain message."""
    try:
        page.run()
    except Exception:
        log.exception("page %r failed", page.url_path)
        st.error(text("unexpected_error", lang))
