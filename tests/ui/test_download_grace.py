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


def _manager(clock: _Clock | None = None) -> MediaFileManager:
    manager = MediaFileManager(MemoryMediaFileStorage("/media"))
    keep_recent_downloads(manager, clock=clock or _Clock())
    return manager


def _run(manager: MediaFileManager, *buttons: tuple[str, bytes]) -> dict[str, str]:
    """What Streamlit does around a run: session refs cleared at its start, the buttons it
    reaches registered, orphans removed when it ends or stops for a rerun. Ids by button."""
    manager.clear_session_refs()
    ids = {
        element: manager.add_deferred(
            lambda data=data: data, "text/csv", f"coord-{element}", "t.csv", element_id=element
        )
        for element, data in buttons
    }
    manager.remove_orphaned_files()
    return ids


def _download(manager: MediaFileManager, file_id: str) -> bytes:
    return manager.read_file(Path(manager.execute_deferred(file_id)).stem).content


def test_streamlit_alone_forgets_a_shown_download_when_a_run_ends_without_it() -> None:
    manager = MediaFileManager(MemoryMediaFileStorage("/media"))
    file_id = _run(manager, ("export", b"a"))["export"]
    _run(manager)  # a run stopped for a rerun before the button
    with pytest.raises(MediaFileStorageError, match="not found"):
        manager.execute_deferred(file_id)  # why ui/download_grace exists


def test_a_button_keeps_its_id_through_reruns_and_gives_the_latest_file() -> None:
    manager = _manager()
    shown = _run(manager, ("export", b"first"), ("other", b"o"))
    for _ in range(5):  # the map reports its view: runs stopped before the buttons
        _run(manager)
    assert _download(manager, shown["export"]) == b"first"
    assert _run(manager, ("export", b"second"), ("other", b"o")) == shown
    assert _download(manager, shown["export"]) == b"second"
    assert len(manager._deferred_callables) == 2  # one file maker a button


def test_an_unshown_button_is_forgotten_after_the_grace_period() -> None:
    clock = _Clock()
    manager = _manager(clock)
    file_id = _run(manager, ("export", b"a"))["export"]
    _run(manager)
    clock.now += GRACE_S - 1
    _run(manager)
    assert _download(manager, file_id) == b"a"
    clock.now += 1
    _run(manager)
    with pytest.raises(MediaFileStorageError, match="not found"):
        manager.execute_deferred(file_id)
    assert manager._deferred_callables == {}


def test_a_button_shown_again_starts_its_grace_period_afresh() -> None:
    clock = _Clock()
    manager = _manager(clock)
    file_id = _run(manager, ("export", b"a"))["export"]
    _run(manager)
    clock.now += GRACE_S - 1
    _run(manager, ("export", b"b"))
    clock.now += GRACE_S - 1
    _run(manager)
    assert _download(manager, file_id) == b"b"


def test_ids_differ_by_button_and_by_server() -> None:
    first, second = _manager(), _manager()
    ids = _run(first, ("export", b"a"), ("other", b"b"))
    assert ids["export"] != ids["other"]
    assert _run(second, ("export", b"a"))["export"] != ids["export"]  # keyed by a server secret


def test_the_app_keeps_an_export_downloadable_after_a_run_stopped_before_it(
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
