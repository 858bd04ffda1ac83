"""Download buttons that still work when clicked while the page reruns.

A download button whose file is made on click (``st.download_button(data=callable)``) carries an
id that Streamlit registers anew on every run and forgets when a run ends without it. The map
reports its view right after a click, so the page often reruns while the user reaches for a
button; a run stopped early for a further rerun ends before the buttons, and the click on the
button still on screen asks for a forgotten id: Streamlit's English "Failed to generate file for
download", no file. Here a button keeps one id for the session (a keyed hash no other session
can guess), each run replaces the file maker behind it, and an id no run shows is forgotten only
``GRACE_S`` seconds later. At most one file maker a button, however many reruns.
"""

from __future__ import annotations

import hashlib
import secrets
import time
import types
from collections.abc import Callable

from streamlit.runtime import media_file_manager as streamlit_media
from streamlit.runtime.media_file_manager import MediaFileManager

GRACE_S = 120.0
_PATCHED = "_atlas_download_grace"


def keep_recent_downloads(
    manager: MediaFileManager,
    *,
    grace_s: float = GRACE_S,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Give ``manager``'s download buttons one id a session, forgotten ``grace_s`` s unshown."""
    if getattr(manager, _PATCHED, False):
        return
    for name in ("add_deferred", "_remove_orphaned_deferred_callables", "_drop_deferred_id"):
        if not callable(getattr(manager, name, None)):
            raise RuntimeError(
                "Streamlit's media file manager changed: review ui/download_grace.py"
            )
    key = secrets.token_bytes(32)
    unshown_since: dict[str, float] = {}

    def add_deferred(
        self: MediaFileManager,
        data_callable: Callable,
        mimetype: str | None,
        coordinates: str,
        file_name: str | None = None,
        *,
        element_id: str = "",
    ) -> str:
        session_id = streamlit_media._get_session_id()
        button = f"{session_id}\0{element_id or coordinates}".encode()
        file_id = hashlib.blake2b(button, key=key, digest_size=16).hexdigest()
        with self._lock:
            self._deferred_callables[file_id] = {
                "callable": data_callable,
                "mimetype": mimetype,
                "filename": file_name,
                "coordinates": coordinates,
                "session_id": session_id,
                "element_id": element_id,
            }
            self._deferred_ids_by_session[session_id].add(file_id)
            self._files_by_session_and_coord[session_id][coordinates] = file_id
        return file_id

    def remove_orphaned_deferred_callables(self: MediaFileManager) -> None:
        # Called by remove_orphaned_files() with self._lock held, when a run ends or stops.
        shown = {i for files in self._files_by_session_and_coord.values() for i in files.values()}
        now = clock()
        for file_id in list(self._deferred_callables):
            if file_id in shown:
                unshown_since.pop(file_id, None)
            elif now - unshown_since.setdefault(file_id, now) >= grace_s:
                self._drop_deferred_id(file_id)
        for file_id in set(unshown_since) - set(self._deferred_callables):
            del unshown_since[file_id]

    manager.add_deferred = types.MethodType(add_deferred, manager)  # type: ignore[method-assign]
    manager._remove_orphaned_deferred_callables = types.MethodType(  # type: ignore[method-assign]
        remove_orphaned_deferred_callables, manager
    )
    setattr(manager, _PATCHED, True)


def keep_recent_downloads_on_this_server() -> None:
    """Install ``keep_recent_downloads`` on the running server's manager (once; cheap after)."""
    from streamlit import runtime

    if runtime.exists():
        keep_recent_downloads(runtime.get_instance().media_file_mgr)
