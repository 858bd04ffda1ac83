"""Replacing the 三区三线 basic farmland through the data page with the natural-resources
bureau's kind of file: a zipped shapefile in CGCS2000 GK CM 120°E (EPSG:4549), GBK text, with or
without .prj and .cpg. Chinese names read right, features land in EPSG:4326, and the published
layer is what the 三区三线 check then uses."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.crs import METRIC_CRS
from geo.shapefile_write import write_shapefile
from geo.upload_worker import read_upload
from layers import STORE_ENV, layer_store, load_layer
from planning.conformity import layer_verdicts

TIMEOUT_S = 60
NEW_NAME = "桃花吐镇永久基本农田保护片块（2026年新划）"


@pytest.fixture
def own_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(STORE_ENV, str(tmp_path / "atlas.gpkg"))
    layer_store()  # seeded now, not inside the first page run
    return tmp_path


def bureau_zip(folder: Path, *, prj: bool, cpg: bool) -> Path:
    """The farmland without the block under enclave-040 and one block renamed, as the bureau
    sends it: GK metres, GBK DBF, .prj and .cpg as asked, zipped."""
    frame = load_layer("basic_farmland")
    site = load_layer("enclave_projects").set_index("uid").loc["enclave-040", "geometry"]
    frame = frame[~frame.intersects(site)].copy()
    frame.loc[frame.index[0], "name"] = NEW_NAME
    shp = write_shapefile(
        frame.to_crs(METRIC_CRS), folder / "永久基本农田.shp", encoding="GBK", write_cpg=cpg
    )
    if not prj:
        shp.with_suffix(".prj").unlink()
    assert "农田".encode("gbk") in shp.with_suffix(".dbf").read_bytes()
    archive = folder / "双塔区永久基本农田.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for part in sorted(folder.glob("永久基本农田.*")):
            bundle.write(part, part.name)
    return archive


@pytest.mark.parametrize(
    ("prj", "cpg", "chosen_crs"),
    [(True, False, None), (True, True, None), (False, False, "EPSG:4549")],
    ids=["prj, no cpg", "prj and cpg", "neither: the planner names the zone"],
)
def test_a_bureau_file_reads_in_chinese_and_lands_in_wgs84(
    tmp_path: Path, prj: bool, cpg: bool, chosen_crs: str | None
) -> None:
    outcome = read_upload(
        bureau_zip(tmp_path, prj=prj, cpg=cpg), file_name="农田.zip", crs=chosen_crs
    )
    frame, report = outcome.frame, outcome.report
    assert report.encoding in ("GBK", "GB18030", "CP936")
    assert report.crs == "EPSG:4549" and not report.crs_guessed
    assert frame.crs.to_epsg() == 4326
    assert NEW_NAME in set(frame["name"]) and frame["name"].str.contains("永久基本农田").all()
    minx, miny, maxx, maxy = frame.total_bounds
    assert 120.3 < minx < maxx < 120.8 and 41.3 < miny < maxy < 41.9
    shipped = load_layer("basic_farmland").set_index("uid")
    uid = frame["uid"].iloc[1]
    assert frame.geometry.iloc[1].hausdorff_distance(shipped.loc[uid, "geometry"]) < 1e-7  # ~1 cm


def test_without_a_prj_the_zone_is_guessed_and_said_so(tmp_path: Path) -> None:
    outcome = read_upload(bureau_zip(tmp_path, prj=False, cpg=False), file_name="农田.zip")
    assert outcome.report.crs == "EPSG:4549" and outcome.report.crs_guessed
    assert "120°E" in outcome.report.crs_reason


def _publish_script(path: str, crs: str) -> None:
    """The data page after reading the bureau's file: the publish form."""
    from geo.upload import inspect_upload
    from views.data.publish import render_publish

    frame, report = inspect_upload(path, file_name="双塔区永久基本农田.zip", crs=crs)
    render_publish(frame, report, "digest", "zh")


def test_publishing_the_bureau_file_replaces_the_zone_the_check_uses(own_store: Path) -> None:
    folder = own_store / "upload"
    folder.mkdir()
    archive = bureau_zip(folder, prj=False, cpg=False)
    at = AppTest.from_function(_publish_script, args=(str(archive), "EPSG:4549"))
    at.default_timeout = TIMEOUT_S
    at.run()
    at.selectbox(key="publish:layer:digest").set_value("basic_farmland").run()
    assert not at.error, [e.value for e in at.error]
    at.text_input(key="editing:author:input:publish").input("自然资源局").run()
    at.text_input[1].input("三区三线划定成果")
    at.button[0].click().run()

    assert "已发布「永久基本农田」版本 2" in at.success[0].value
    farmland = load_layer("basic_farmland")
    assert farmland.crs.to_epsg() == 4326 and NEW_NAME in set(farmland["name"])
    projects = load_layer("enclave_projects")["uid"]
    verdicts = dict(zip(projects, layer_verdicts("enclave_projects"), strict=True))
    assert verdicts["enclave-040"].passed  # its farmland block is gone in the bureau's file
    assert not verdicts["enclave-059"].passed
