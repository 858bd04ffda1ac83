"""Tile builds in the background (maps.tile_builds): asked for from a page's run, never built
twice, a failure kept and told, not retried on every rerun."""

from __future__ import annotations

import threading

import pytest

import maps.tile_builds as builds_module
from geo.errors import DataError
from layers import forget_session_layer, register_session_layer
from maps.tile_builds import INTERNAL_ERROR, TileBuilds
from maps.tiles import TileLimits
from tests.maps.test_tiles import SPEC, synthetic

WAIT_S = 120


@pytest.fixture
def parcels():
    frame = synthetic(300)
    register_session_layer(SPEC, frame)
    yield frame
    forget_session_layer(SPEC.key)


@pytest.fixture
def counted(monkeypatch):
    """Every build that reaches maps.tiles.archive_for, counted."""
    calls = []
    real = builds_module.archive_for

    def counting(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(builds_module, "archive_for", counting)
    return calls


def test_a_request_returns_at_once_and_the_archive_follows(tmp_path, parcels, counted):
    builds = TileBuilds(out_dir=tmp_path, min_zoom=12, max_zoom=14)
    first = builds.request(SPEC.key, ("v", 1), lambda: parcels)
    assert first.building and first.archive is None and first.error is None
    assert builds.wait(WAIT_S)
    done = builds.state(SPEC.key, ("v", 1))
    assert done.ready and done.archive.exists() and done.fraction == 1.0
    # asked again (every rerun asks): no new build; a new registry finds the archive on disk
    assert builds.request(SPEC.key, ("v", 1), lambda: parcels).archive == done.archive
    again = TileBuilds(out_dir=tmp_path, min_zoom=12, max_zoom=14)
    assert again.request(SPEC.key, ("v", 1), lambda: parcels).archive == done.archive
    assert counted == [SPEC.key]


def test_a_new_version_or_datum_is_another_archive(tmp_path, parcels):
    builds = TileBuilds(out_dir=tmp_path, min_zoom=13, max_zoom=14)
    builds.request(SPEC.key, ("v", 1), lambda: parcels)
    builds.request(SPEC.key, ("v", 2), lambda: parcels.iloc[:100])
    builds.request(SPEC.key, ("v", 2), lambda: parcels.iloc[:100], datum="GCJ02")
    assert builds.wait(WAIT_S)
    archives = {
        builds.state(SPEC.key, ("v", 1)).archive,
        builds.state(SPEC.key, ("v", 2)).archive,
        builds.state(SPEC.key, ("v", 2), datum="GCJ02").archive,
    }
    assert None not in archives and len(archives) == 3


def test_a_session_layer_is_versioned_by_its_content(tmp_path, parcels):
    builds = TileBuilds(out_dir=tmp_path, min_zoom=13, max_zoom=14)
    builds.request(SPEC.key, None, lambda: parcels)
    assert builds.wait(WAIT_S)
    assert builds.state(SPEC.key, None).ready


def test_many_sessions_asking_at_once_start_one_build(tmp_path, parcels, counted):
    builds = TileBuilds(out_dir=tmp_path, min_zoom=13, max_zoom=14)
    threads = [
        threading.Thread(target=builds.request, args=(SPEC.key, ("v", 1), lambda: parcels))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_S)
    assert builds.wait(WAIT_S)
    assert counted == [SPEC.key]


def test_a_failed_build_is_told_and_not_retried_until_forgotten(tmp_path, parcels, counted):
    builds = TileBuilds(out_dir=tmp_path, limits=TileLimits(max_features=10), min_zoom=13)
    builds.request(SPEC.key, ("v", 1), lambda: parcels)
    assert builds.wait(WAIT_S)
    failed = builds.request(SPEC.key, ("v", 1), lambda: parcels)
    assert failed.error and "300 features" in failed.error and not failed.building
    assert builds.wait(WAIT_S) and counted == [SPEC.key]  # the rerun did not build again
    builds.forget_failures()
    builds.request(SPEC.key, ("v", 1), lambda: parcels)
    assert builds.wait(WAIT_S) and counted == [SPEC.key, SPEC.key]
    assert not list(tmp_path.glob("*.pmtiles"))


def test_a_bug_in_a_build_is_logged_and_told_without_detail(tmp_path, parcels, caplog):
    def broken():
        raise RuntimeError("/srv/secret/path exploded")

    builds = TileBuilds(out_dir=tmp_path, min_zoom=13)
    builds.request(SPEC.key, ("v", 1), broken)
    assert builds.wait(WAIT_S)
    state = builds.state(SPEC.key, ("v", 1))
    assert state.error == INTERNAL_ERROR and "/srv" not in state.error
    assert "exploded" in caplog.text  # the server's log has it


def test_a_data_error_is_kept_in_words(tmp_path, parcels):
    def refused():
        raise DataError("parcels.shp", "no features with a geometry to tile")

    builds = TileBuilds(out_dir=tmp_path, min_zoom=13)
    builds.request(SPEC.key, ("v", 1), refused)
    assert builds.wait(WAIT_S)
    assert builds.state(SPEC.key, ("v", 1)).error == "no features with a geometry to tile"
