"""A bounded fuzz run over the readers: whatever bytes arrive, the answer is features or a
DataError naming the file, never another exception (Hypothesis, a fixed number of examples)."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from geo.errors import DataError
from geo.upload import inspect_upload

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure is reproducible
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _seed_files() -> dict[str, bytes]:
    """One small valid file per format, to be mutated."""
    frame = gpd.GeoDataFrame(
        {"名称": ["甲", "乙"], "数量": [1, 2]},
        geometry=[Point(120.4, 41.6), Point(120.5, 41.62)],
        crs=4326,
    )
    seeds = {
        "a.csv": "经度,纬度,名称\n120.4,41.6,甲\n120.5,41.62,乙\n".encode(),
        "a.geojson": frame.to_json(drop_id=True).encode(),
    }
    with tempfile.TemporaryDirectory() as folder:
        for name, driver in (("a.kml", "KML"), ("a.gpx", "GPX")):
            path = Path(folder) / name
            if driver == "GPX":
                frame[["geometry"]].assign(name=["甲", "乙"]).to_file(path, driver=driver)
            else:
                frame.to_file(path, driver=driver)
            seeds[name] = path.read_bytes()
        frame.to_file(Path(folder) / "a.shp", encoding="UTF-8")
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as zipped:
            for part in sorted(Path(folder).glob("a.*")):
                if part.suffix in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
                    zipped.write(part, part.name)
        seeds["a.zip"] = archive.getvalue()
    return seeds


SEEDS = _seed_files()


@st.composite
def mutated(draw) -> tuple[str, bytes]:
    """A seed file with a few bytes changed, cut short, or extended with noise."""
    name = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[name])
    for _ in range(draw(st.integers(0, 6))):
        position = draw(st.integers(0, max(len(data) - 1, 0)))
        data[position] = draw(st.integers(0, 255))
    cut = draw(st.one_of(st.none(), st.integers(0, len(data))))
    if cut is not None:
        data = data[:cut]
    data += draw(st.binary(max_size=16))
    return name, bytes(data)


def _read(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            frame, report = inspect_upload(path, file_name=name)
        except DataError as error:
            assert str(error).startswith(f"{name}: ")
            return
        assert len(frame) == report.feature_count


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_every_seed_reads(name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(SEEDS[name])
        frame, _ = inspect_upload(path, file_name=name)
    assert len(frame) == 2


@FUZZ
@given(mutated())
def test_mutated_files_read_or_are_refused_by_name(case: tuple[str, bytes]) -> None:
    _read(*case)


@FUZZ
@given(st.sampled_from(sorted(SEEDS)), st.binary(max_size=512))
def test_random_bytes_are_refused_by_name(name: str, data: bytes) -> None:
    _read(name, data)
