"""Download buttons that still work when clicked while the page reruns.

A download button whose file is made on click (``st.download_button(data=callable)``) carries an
id Streamlit registers anew on every run and forgets as soon as a run ends without it. A run
stopped early for a rerun (a map reporting its view right after a click) ends without the
button, so a user who clicks the button still on screen asks for a forgotten id and gets
Streamlit's English "Failed to generate file for download" instead of the file. Here the ids a
run forgot stay usable for ``GRACE_S`` seconds: the file is the one made from what the user saw.
"""

from __future__ import annotations

import time
import types
from collections.abc import Callable

from streamlit.runtime.media_file_manager import MediaFileManager

GRACE_S = 120.0
_PATCHED = "_atlas_download_grace"


def keep_recent_downloads(
    manager: MediaFileManager,
    *,
    grace_s: float = GRACE_S,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Make ``manager`` forget a download's id only ``grace_s`` seconds after no run shows it."""
    if getattr(manager, _PATCHED, False):
        return
    if not callable(getattr(manager, "_remove_orphaned_deferred_callables", None)):
        raise RuntimeError("Streamlit's media file manager changed: review ui/download_grace.py")
    forgotten_at: dict[str, float] = {}

    def remove_orphaned_deferred_callables(self: MediaFileManager) -> None:
        # Called by remove_orphaned_files() with self._lock held.
        shown = {i for files in self._files_by_session_and_coord.values() for i in files.values()}
        now = clock()
        for file_id in list(self._deferred_callables):
            if file_id in shown:
                forgotten_at.pop(file_id, None)
            elif now - forgotten_at.setdefault(file_id, now) >= grace_s:
                self._drop_deferred_id(file_id)
        for file_id in set(forgotten_at) - set(self._deferred_callables):
            del forgotten_at[file_id]

    manager._remove_orphaned_deferred_callables = types.MethodType(  # type: ignore[method-assign]
        remove_orphaned_deferred_callables, manager
    )
    setattr(manager, _PATCHED, True)


def keep_recent_downloads_on_this_server() -> None:
    """Install ``keep_recent_downloads`` on the running server's manager (once; cheap after)."""
    from streamlit import runtime

    if runtime.exists():
        keep_recent_downloads(runtime.get_instance().media_file_mgr)
