"""The shipped (ILLUSTRATIVE) 三区三线 samples: read right from their survey-style files, never
overlapping one another, and giving the enclave sites the mix of verdicts they were drawn for;
a replaced zone layer changes the verdicts."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo.crs import METRIC_CRS
from geo.io import read_vector_with_report
from layers import DATA_DIR, STORE_ENV, get_layer, layer_store, load_layer
from planning.conformity import check_layer, layer_verdicts
from scripts.sample_data.constraints import DESIGNED_FAILURES

ZONES = ("urban_boundary", "basic_farmland", "eco_redline")
NAMES = {
    "urban_boundary": "城镇开发边界",
    "basic_farmland": "永久基本农田保护片块",
    "eco_redline": "生态保护红线",
}
# What each designed reason must look like: the rules that fail, and the share inside the
# urban boundary (low, high).
_REASONS = {
    "outside": ({"inside_urban_boundary"}, (0.0, 0.0)),
    "straddles": ({"inside_urban_boundary", "no_basic_farmland"}, (0.3, 0.7)),
    "outside_on_farmland": ({"inside_urban_boundary", "no_basic_farmland"}, (0.0, 0.0)),
    "farmland": ({"no_basic_farmland"}, (0.0, 1.0)),
    "river_redline": ({"inside_urban_boundary", "no_eco_redline"}, (0.5, 0.95)),
    "hill_redline": ({"no_eco_redline"}, (0.0, 1.0)),
}


@pytest.mark.parametrize("zone", ZONES)
def test_the_sample_arrives_as_bureau_files_do_and_reads_in_chinese(zone: str) -> None:
    path = DATA_DIR / get_layer(zone).source
    assert not path.with_suffix(".cpg").exists()
    raw = path.with_suffix(".dbf").read_bytes()
    assert NAMES[zone].encode("gbk") in raw and NAMES[zone].encode() not in raw
    frame, report = read_vector_with_report(path)
    assert report.encoding in ("GBK", "GB18030") and report.crs_source == "EPSG:4549"
    assert frame.crs.to_epsg() == 4326
    assert frame["name"].str.contains(NAMES[zone]).all()
    stored = load_layer(zone)
    assert list(stored["name"]) == list(frame["name"])


def test_the_three_lines_never_overlap() -> None:
    shapes = {z: load_layer(z).to_crs(METRIC_CRS).geometry.union_all() for z in ZONES}
    for first, second in (("urban_boundary", "basic_farmland"), ("urban_boundary", "eco_redline")):
        assert shapes[first].intersection(shapes[second]).area < 1.0, (first, second)
    assert shapes["basic_farmland"].intersection(shapes["eco_redline"]).area < 1.0


def test_the_enclave_sites_get_the_designed_mix_of_verdicts() -> None:
    uids = load_layer("enclave_projects")["uid"]
    verdicts = dict(zip(uids, layer_verdicts("enclave_projects"), strict=True))
    failing = {uid for uid, verdict in verdicts.items() if not verdict.passed}
    assert len(verdicts) == 69 and failing == set(DESIGNED_FAILURES)
    assert 4 <= len(failing) <= 8
    for uid, reason in DESIGNED_FAILURES.items():
        verdict = verdicts[uid]
        rules, (low, high) = _REASONS[reason]
        assert {r.rule for r in verdict.results if not r.passed} == rules, uid
        assert low <= verdict.overlap("urban_boundary").share <= high, uid
    redlines = load_layer("eco_redline").to_crs(METRIC_CRS)
    for uid, expected in (("enclave-069", "大凌河"), ("enclave-042", "山")):
        site = gpd.GeoSeries([verdicts[uid].site], crs="EPSG:4326").to_crs(METRIC_CRS).iloc[0]
        touched = redlines[redlines.intersects(site)]["name"]
        assert len(touched) == 1 and expected in touched.iloc[0], (uid, list(touched))


def test_the_enclave_table_is_quick_and_complete() -> None:
    check_layer("enclave_projects", "zh")  # the zones read and unioned once
    started = time.perf_counter()
    table = check_layer("enclave_projects", "zh")
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, f"{elapsed:.2f} s"
    assert len(table) == 69 and set(table["结论"]) == {"符合", "不符合"}
    assert (table["结论"] == "不符合").sum() == len(DESIGNED_FAILURES)
    assert list(table.columns[:4]) == ["uid", "名称", "项目类别", "用地面积（亩）"]
    assert "永久基本农田（亩）" in table.columns and "生态保护红线（%）" in table.columns
    english = check_layer("enclave_projects", "en")
    assert set(english["Verdict"]) == {"Conforms", "Does not conform"}
    assert "Permanent basic farmland (mu)" in english.columns


def test_a_replaced_farmland_layer_changes_the_verdicts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(STORE_ENV, str(tmp_path / "atlas.gpkg"))
    store = layer_store()
    projects = load_layer("enclave_projects").set_index("uid")
    farmland = load_layer("basic_farmland")
    under_040 = farmland.intersects(projects.loc["enclave-040", "geometry"])
    jinhua = projects.loc["enclave-001", "geometry"]  # 金华园 (文旅): farmland now covers it
    added = gpd.GeoDataFrame(
        {
            "uid": ["farmland-new-01"],
            "name": ["桃花吐镇永久基本农田保护片块（新划）"],
            "code": ["JBNT-211302100-900"],
            "kind": ["水浇地"],
            "town_code": ["211302100"],
        },
        geometry=[shapely.make_valid(jinhua.buffer(0.002).intersection(jinhua.envelope))],
        crs="EPSG:4326",
    )
    replaced = gpd.GeoDataFrame(pd.concat([farmland[~under_040], added]), crs="EPSG:4326")
    store.publish(
        "basic_farmland",
        replaced,
        base_version=store.heads()["basic_farmland"],
        author="自然资源局",
        comment="替换为新划定成果",
        effective=dt.date(2026, 11, 30),
    )
    verdicts = dict(zip(projects.index, layer_verdicts("enclave_projects"), strict=True))
    assert verdicts["enclave-040"].passed
    assert not verdicts["enclave-001"].passed
    assert verdicts["enclave-001"].overlap("basic_farmland").share > 0.99
