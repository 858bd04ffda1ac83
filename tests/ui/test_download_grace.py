"""A download clicked while the page reruns still gets its file (not Streamlit's error)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.media_file_storage import MediaFileStorageError
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from layers import load_layer
from ui.download_grace import GRACE_S, keep_recent_downloads


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _run_without_the_button(manager: MediaFileManager) -> None:
    """What Streamlit does around a run that ends (or stops for a rerun) without the button."""
    manager.clear_session_refs()
    manager.remove_orphaned_files()


def test_streamlit_alone_forgets_a_shown_download_when_a_run_ends_without_it() -> None:
    manager = MediaFileManager(MemoryMediaFileStorage("/media"))
    file_id = manager.add_deferred(lambda: b"a,b\n", "text/csv", "coord-1", "t.csv")
    _run_without_the_button(manager)
    with pytest.raises(MediaFileStorageError, match="not found"):
        manager.execute_deferred(file_id)  # why ui/download_grace exists


def test_a_forgotten_download_still_works_for_the_grace_period_then_goes() -> None:
    clock = _Clock()
    manager = MediaFileManager(MemoryMediaFileStorage("/media"))
    keep_recent_downloads(manager, clock=clock)
    keep_recent_downloads(manager, clock=clock)  # installing twice changes nothing
    file_id = manager.add_deferred(lambda: b"a,b\n", "text/csv", "coord-1", "t.csv")
    _run_without_the_button(manager)
    clock.now += GRACE_S - 1
    _run_without_the_button(manager)
    assert manager.execute_deferred(file_id).startswith("/media/")
    clock.now += 1
    _run_without_the_button(manager)
    with pytest.raises(MediaFileStorageError, match="not found"):
        manager.execute_deferred(file_id)


def test_a_download_shown_again_starts_its_grace_period_afresh() -> None:
    clock = _Clock()
    manager = MediaFileManager(MemoryMediaFileStorage("/media"))
    keep_recent_downloads(manager, clock=clock)
    file_id = manager.add_deferred(lambda: b"x", "text/csv", "coord-1", "t.csv")
    _run_without_the_button(manager)
    clock.now += GRACE_S - 1
    manager._files_by_session_and_coord["dontcare"]["coord-1"] = file_id  # a run shows it again
    manager.remove_orphaned_files()
    clock.now += GRACE_S - 1
    _run_without_the_button(manager)
    assert manager.execute_deferred(file_id).startswith("/media/")


def test_runs_stopped_before_the_button_keep_it_and_a_newer_id_replaces_it() -> None:
    clock = _Clock()
    manager = MediaFileManager(MemoryMediaFileStorage("/media"))
    keep_recent_downloads(manager, clock=clock)
    first = manager.add_deferred(lambda: b"1", "text/csv", "c1", "t.csv", element_id="export")
    other = manager.add_deferred(lambda: b"2", "text/csv", "c2", "u.csv", element_id="other")
    for _ in range(5):  # the map reports its view: runs stopped before the buttons
        _run_without_the_button(manager)
    assert manager.execute_deferred(first) and manager.execute_deferred(other)
    manager.clear_session_refs()
    newer = manager.add_deferred(lambda: b"1", "text/csv", "c1", "t.csv", element_id="export")
    manager.remove_orphaned_files()  # a run that shows the export button again, not the other
    assert manager.execute_deferred(newer) and manager.execute_deferred(other)
    with pytest.raises(MediaFileStorageError, match="not found"):
        manager.execute_deferred(first)  # one file maker a button, however many reruns
    assert len(manager._deferred_callables) == 2


def test_the_app_keeps_an_export_of_a_run_downloadable_after_a_run_without_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import streamlit.testing.v1.app_test as app_test

    managers: list[MediaFileManager] = []

    class Recorded(MediaFileManager):
        def __init__(self, storage) -> None:
            super().__init__(storage)
            managers.append(self)

    monkeypatch.setattr(app_test, "MediaFileManager", Recorded)  # AppTest's one for each run
    app = app_test.AppTest.from_file(
        str(Path(__file__).parents[2] / "app.py"), default_timeout=120
    ).run()
    app.switch_page("views/enclave.py").run()
    buttons = {button.proto.label: button.proto for button in app.get("download_button")}
    file_id = buttons["CSV 表格（含坐标）"].deferred_file_id  # the sites on the map, as a table
    assert file_id
    manager = managers[-1]
    for session in list(manager._files_by_session_and_coord):
        manager.clear_session_refs(session)  # a run stopped for a rerun before the buttons
    manager.remove_orphaned_files()
    url = manager.execute_deferred(file_id)
    csv = manager.read_file(Path(url).stem).content.decode("utf-8-sig")
    assert load_layer("enclave_projects")["name"].iloc[0] in csv
