"""The sample data is rebuilt deterministically, and the shipped files are what the build makes."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

import pytest

from geo.io import read_vector, read_vector_with_report
from layers import DATA_DIR, LAYERS
from scripts.sample_data.build import SURVEY_LAYERS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    outputs = []
    for name in ("first", "second"):
        output = tmp_path_factory.mktemp(name)
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "scripts" / "build_sample_data.py"),
                "--output",
                str(output),
            ],
            check=True,
            capture_output=True,
        )
        outputs.append(output)
    return outputs[0], outputs[1]


def test_two_builds_write_identical_files(two_builds: tuple[Path, Path]) -> None:
    first, second = two_builds
    names = sorted(path.name for path in first.iterdir())
    assert names == sorted(path.name for path in second.iterdir())
    _, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    assert mismatch == [] and errors == []


@pytest.mark.parametrize("spec", LAYERS, ids=lambda spec: spec.key)
def test_shipped_layer_equals_a_fresh_build(spec, two_builds: tuple[Path, Path]) -> None:
    built = read_vector(two_builds[0] / spec.source)
    shipped = read_vector(DATA_DIR / spec.source)
    assert list(built.columns) == list(shipped.columns)
    assert built.drop(columns="geometry").equals(shipped.drop(columns="geometry"))
    assert built.geometry.geom_equals_exact(shipped.geometry, tolerance=1e-9).all()


def test_every_layer_ships_a_full_shapefile_set() -> None:
    for spec in LAYERS:
        stem = DATA_DIR / spec.source
        for suffix in (".shp", ".shx", ".dbf", ".prj"):
            assert stem.with_suffix(suffix).is_file(), stem.with_suffix(suffix)


def test_survey_layer_arrives_as_planning_bureaus_deliver_it() -> None:
    """closed_communities: CGCS2000 GK CM 120°E, GBK text, no .cpg, so detection runs on every start."""
    path = DATA_DIR / "closed_communities.shp"
    assert not path.with_suffix(".cpg").exists()
    raw = path.with_suffix(".dbf").read_bytes()
    assert "街道".encode("gbk") in raw and "街道".encode() not in raw
    frame, report = read_vector_with_report(path)
    assert report.encoding in ("GBK", "GB18030")
    assert report.crs_source == "EPSG:4549"
    assert frame["street"].str.endswith("街道").all()


def test_other_layers_declare_utf8_in_a_cpg() -> None:
    for spec in LAYERS:
        if spec.key not in SURVEY_LAYERS:
            cpg = (DATA_DIR / spec.source).with_suffix(".cpg")
            assert cpg.read_text().strip().upper() in ("UTF-8", "UTF8"), spec.key
