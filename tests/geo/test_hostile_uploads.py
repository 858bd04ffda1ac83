"""Hostile uploads read exactly as the data page reads them: in the limited worker.

Each case is a file made here, of one of the classes an attacker or an accident produces —
driver confusion, network access, resource exhaustion, silent loss, error leakage — read by
`geo.upload_worker.read_upload` (a child process with memory, CPU and time limits).  The
suite fails on a crash, a hang, a memory blow-up, any connection to a listener the files
name, any open of a canary file outside the upload, a server path in a message, or a file
accepted with something changed that the report does not tell.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.errors import DataError
from geo.upload import inspect_upload
from geo.upload_worker import read_upload
from tests.geo.upload_cases import (
    CASES,
    DISTRICT,
    LIMITS,
    SECRET,
    Case,
    Listener,
    _assert_plain,
)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_hostile_upload_is_refused_or_read_right_in_the_worker(
    case: Case, tmp_path: Path, listener: Listener, canary
) -> None:
    folder, watch = canary
    path = tmp_path / "upload"
    path.write_bytes(case.make(tmp_path, listener.url, folder))
    try:
        outcome = read_upload(path, file_name=case.name, district=DISTRICT, limits=LIMITS)
    except DataError as error:
        message = str(error)
        _assert_plain(message, case.name, tmp_path)
        assert case.refused is not None, f"refused but should be read: {message}"
        assert case.refused in message, message
    else:
        assert case.refused is None, f"accepted but should be refused ({case.refused})"
        if case.check is not None:
            case.check(outcome.frame, outcome.report)
        for notice in outcome.report.notices:  # told in the report: no server path either
            assert str(tmp_path) not in notice.detail and "atlas-upload-" not in notice.detail
        assert SECRET not in outcome.frame.to_json()
    assert listener.connections == 0, "the upload made the server connect to a URL"
    assert watch.read(timeout=0) == [], "the upload opened a file outside its folder"


def test_network_cases_are_refused_without_the_worker_too(
    tmp_path: Path, listener: Listener
) -> None:
    """The checks before GDAL refuse linked CRSs and VRTs even where no namespace isolates."""
    for case in (
        c for c in CASES if c.name in ("link-crs.geojson", "url-crs.geojson", "vsicurl.geojson")
    ):
        path = tmp_path / case.name
        path.write_bytes(case.make(tmp_path, listener.url, tmp_path))
        with pytest.raises(DataError, match=case.refused):
            inspect_upload(path, file_name=case.name, district=DISTRICT, limits=LIMITS)
    assert listener.connections == 0
