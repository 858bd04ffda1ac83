"""Download buttons that still work when clicked while the page reruns.

A download button whose file is made on click (``st.download_button(data=callable)``) carries an
id Streamlit registers anew on every run and forgets as soon as a run ends without it. A run
stopped early for a rerun (a map reporting its view right after a click) ends without the
button, so a user who clicks the button still on screen asks for a forgotten id and gets
Streamlit's English "Failed to generate file for download" instead of the file. Here the ids a
run forgot stay usable for ``GRACE_S`` seconds: the file is the one made from what the user saw. An id goes as soon as a run shows its button
with a new one (at most one old file maker a button, whatever the number of reruns).
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
    """Make ``manager`` keep a download's id until its button has a newer one, or ``grace_s`` s."""
    if getattr(manager, _PATCHED, False):
        return
    if not callable(getattr(manager, "_remove_orphaned_deferred_callables", None)):
        raise RuntimeError("Streamlit's media file manager changed: review ui/download_grace.py")
    forgotten_at: dict[str, float] = {}

    def remove_orphaned_deferred_callables(self: MediaFileManager) -> None:
        # Called by remove_orphaned_files() with self._lock held, when a run ends or stops.
        shown = {i for files in self._files_by_session_and_coord.values() for i in files.values()}
        successors = _buttons_of(self, shown)
        now = clock()
        for file_id, entry in list(self._deferred_callables.items()):
            if file_id in shown:
                forgotten_at.pop(file_id, None)
                continue
            replaced = _button_of(entry) in successors
            if replaced or now - forgotten_at.setdefault(file_id, now) >= grace_s:
                self._drop_deferred_id(file_id)
                forgotten_at.pop(file_id, None)

    manager._remove_orphaned_deferred_callables = types.MethodType(  # type: ignore[method-assign]
        remove_orphaned_deferred_callables, manager
    )
    setattr(manager, _PATCHED, True)


def _button_of(entry: dict) -> tuple[str, str]:
    return entry["session_id"], entry["element_id"] or entry["coordinates"]


def _buttons_of(manager: MediaFileManager, file_ids: set[str]) -> set[tuple[str, str]]:
    """The buttons (session, widget) that a run now shows with these ids."""
    entries = (manager._deferred_callables.get(file_id) for file_id in file_ids)
    return {_button_of(entry) for entry in entries if entry is not None}


def keep_recent_downloads_on_this_server() -> None:
    """Install ``keep_recent_downloads`` on the running server's manager (once; cheap after)."""
    from streamlit import runtime

    if runtime.exists():
        keep_recent_downloads(runtime.get_instance().media_file_mgr)
