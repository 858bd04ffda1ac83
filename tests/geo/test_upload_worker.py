"""The upload worker itself: no network, memory and CPU limits, cancelling, check-in files
read with the same checks, and coordinate systems not of the Earth set aside."""

from __future__ import annotations

import multiprocessing
import socket
from pathlib import Path

import geopandas as gpd
import pytest

from geo.errors import DataError
from geo.limits import MB, UploadLimits
from geo.upload import inspect_upload
from geo.upload_worker import UploadCancelled, read_upload
from tests.geo.upload_cases import (
    _LOCAL_CS,
    _MARS,
    CASES,
    DISTRICT,
    LIMITS,
    Listener,
    _assert_plain,
    _feature_collection,
    _point_feature,
    _prj_shapefile_zip,
    _zigzag,
)


def test_local_and_other_planet_crs_are_not_used(tmp_path: Path) -> None:
    """A LOCAL_CS or a Mars .prj is set aside: the coordinates are read as the district's GK."""
    for name, prj in (("local.zip", _LOCAL_CS), ("mars.zip", _MARS)):
        path = tmp_path / name
        path.write_bytes(_prj_shapefile_zip(tmp_path, prj))
        _, report = inspect_upload(path, file_name=name, district=DISTRICT, limits=LIMITS)
        assert report.crs_guessed and report.crs == "EPSG:4549", report.crs_reason
        assert (
            "cannot be placed on the Earth" in report.crs_reason
            or "not a coordinate system of the Earth" in report.crs_reason
        )


def test_the_worker_has_no_network(tmp_path: Path, listener: Listener) -> None:
    """Even a reader that tried could not connect: the worker lives in a network of its own."""
    from geo.upload_worker import run_limited

    path = tmp_path / "any"
    path.write_bytes(b"x")
    reached = run_limited(_connect_from_worker, path, file_name="any", port=listener.port)
    assert reached is False and listener.connections == 0


def _connect_from_worker(path: str, *, port: int, **_) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError:
        return False
    return True


def test_memory_and_cpu_limits_stop_the_worker_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "zigzag.geojson"
    path.write_text(gpd.GeoDataFrame(geometry=[_zigzag(40_000)], crs=4326).to_json())
    tight = UploadLimits(memory_bytes=600 * MB, cpu_seconds=20, wall_seconds=40)
    big = tmp_path / "big.geojson"
    big.write_bytes(_feature_collection([_point_feature([120.5, 41.6], v="x" * 200)] * 200_000))
    with pytest.raises(DataError, match="memory"):
        read_upload(big, file_name="big.geojson", limits=tight)
    slow = UploadLimits(cpu_seconds=1, wall_seconds=40)
    with pytest.raises(DataError, match=r"processing time|memory or processing"):
        read_upload(path, file_name="zigzag.geojson", limits=slow)


def test_cancel_stops_the_worker(tmp_path: Path) -> None:
    path = tmp_path / "zigzag.geojson"
    path.write_text(gpd.GeoDataFrame(geometry=[_zigzag(40_000)], crs=4326).to_json())
    stages: list[str] = []
    with pytest.raises(UploadCancelled):
        read_upload(
            path,
            file_name="zigzag.geojson",
            limits=LIMITS,
            on_progress=lambda stage, fraction: stages.append(stage),
            cancelled=lambda: "repair" in stages,
        )
    assert "repair" in stages
    assert multiprocessing.active_children() == []  # the worker was killed, not left running


def test_a_check_in_file_is_read_in_the_worker_with_the_same_checks(
    tmp_path: Path, listener: Listener, canary
) -> None:
    """The coverage page's check-in import: a VRT posing as GeoJSON, a linked CRS, refused."""
    from fieldwork.checkins import read_checkins_task
    from geo.upload_worker import run_limited

    folder, watch = canary
    for case in (c for c in CASES if c.name in ("vrt.geojson", "link-crs.geojson")):
        path = tmp_path / f"checkins{Path(case.name).suffix}"
        path.write_bytes(case.make(tmp_path, listener.url, folder))
        with pytest.raises(DataError, match=case.refused) as refused:
            run_limited(read_checkins_task, path, file_name=case.name, limits=LIMITS)
        _assert_plain(str(refused.value), case.name, tmp_path)
    good = tmp_path / "phone.csv"
    good.write_text("经度,纬度,时间,工作队\n120.45,41.58,2026-11-30 09:00,一队\n", encoding="utf-8")
    points = run_limited(read_checkins_task, good, file_name="phone.csv", limits=LIMITS)
    assert len(points) == 1 and points["team"].iloc[0] == "一队"
    assert listener.connections == 0 and watch.read(timeout=0) == []
