"""Publishing a file as a new version of a layer, and rolling back, on the data page (AppTest):
the preview, what refuses a file, conflicts, and who may publish."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from streamlit.testing.v1 import AppTest

from layers import STORE_ENV, layer_store, load_layer

TIMEOUT_S = 60


def _publish_script(path: str, guessed: bool) -> None:
    """The publish form for the file at `path` (as the data page shows it after reading)."""
    import geopandas as gpd

    from geo.upload import UploadReport
    from views.data.publish import render_publish
    from views.data.versions import render_versions

    frame = gpd.read_file(path)
    report = UploadReport(
        "update.geojson",
        "GeoJSON",
        (),
        None,
        len(frame),
        {},
        "EPSG:4326",
        "",
        guessed,
        "wgs84",
        False,
        "UTF-8",
        "",
        (),
        0,
        0,
        (),
        0,
    )
    render_publish(frame, report, "digest", "zh")
    render_versions("zh")


@pytest.fixture
def own_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(STORE_ENV, str(tmp_path / "atlas.gpkg"))
    layer_store()  # seeded now, not inside the first page run
    return tmp_path


def updated_projects(folder: Path, **changes) -> str:
    """The enclave projects with one signed, one retired and one added (or `changes`)."""
    frame = load_layer("enclave_projects")
    frame.loc[frame["uid"] == "enclave-020", "status"] = "签约"
    frame = frame[frame["uid"] != "enclave-069"]
    added = frame.iloc[[1]].assign(uid="enclave-070", name="新项目 =1+1")
    added["geometry"] = [shapely.box(120.45, 41.55, 120.455, 41.555)]
    frame = gpd.GeoDataFrame(pd.concat([frame, added]), crs="EPSG:4326")
    for column, value in changes.items():
        frame[column] = value
    path = folder / "update.geojson"
    frame.to_file(path, driver="GeoJSON")
    return str(path)


def page(path: str, guessed: bool = False) -> AppTest:
    at = AppTest.from_function(_publish_script, args=(path, guessed), default_timeout=TIMEOUT_S)
    at.run()
    at.selectbox(key="publish:layer:digest").set_value("enclave_projects").run()
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_the_preview_shows_every_change_then_publishing_writes_one_version(own_store: Path) -> None:
    at = page(updated_projects(own_store))

    assert metrics(at) == {"新增要素": "1", "修改要素": "1", "退出要素": "1"}
    effect = at.dataframe[0].value.set_index("指标")
    assert (
        effect.loc["飞地项目 (个)", "现在"] == "69"
        and effect.loc["飞地项目 (个)", "发布后"] == "69"
    )
    changes = at.dataframe[1].value
    signed = changes[changes["要素编号"] == "enclave-020"].iloc[0]
    assert (signed["字段"], signed["原值"], signed["新值"]) == ("项目阶段", "洽谈", "签约")
    assert not at.button  # no publish button before the name is given

    at.text_input(key="editing:author:input:publish").input("王规划").run()
    at.text_input[1].input("十一月台账")  # in the form: sent with its button
    at.button[0].click().run()

    assert "已发布「飞地项目」版本 2" in at.success[0].value
    store = layer_store()
    assert store.heads()["enclave_projects"] == 2
    logged = store.changes(layer="enclave_projects", since=dt.date(2026, 1, 1))
    assert set(logged["action"]) == {"add", "change", "retire"}
    assert set(logged["author"]) == {"王规划"} and set(logged["comment"]) == {"十一月台账"}
    assert (
        load_layer("enclave_projects").set_index("uid").loc["enclave-070", "name"] == "新项目 =1+1"
    )


def test_a_comment_is_required(own_store: Path) -> None:
    at = page(updated_projects(own_store))
    at.text_input(key="editing:author:input:publish").input("王规划").run()
    at.button[0].click().run()
    assert "请填写说明" in at.error[0].value
    assert layer_store().heads()["enclave_projects"] == 1


@pytest.mark.parametrize(
    ("changes", "guessed", "expected"),
    [
        ({"uid": "enclave-001"}, False, "编号重复"),
        ({"invest_wan": "很多"}, False, "应为整数"),
        ({}, True, "坐标系是猜测的"),
    ],
    ids=["duplicate ids", "not a number", "guessed CRS"],
)
def test_a_file_that_breaks_the_spec_is_refused_and_changes_nothing(
    own_store: Path, changes: dict, guessed: bool, expected: str
) -> None:
    at = page(updated_projects(own_store, **changes), guessed)
    assert expected in at.error[0].value and "什么也没有改变" in at.error[0].value
    assert not at.metric
    assert layer_store().heads()["enclave_projects"] == 1


def test_a_publish_after_someone_else_changed_the_layer_is_refused(own_store: Path) -> None:
    at = page(updated_projects(own_store))
    at.text_input(key="editing:author:input:publish").input("王规划").run()
    at.text_input[1].input("十一月台账")  # in the form: sent with its button
    store = layer_store()
    state = store.feature("enclave_projects", "enclave-030")
    store.edit(  # a planner saves an edit meanwhile
        "enclave_projects",
        "enclave-030",
        attributes={**state.attributes, "jobs": 1},
        geometry=state.geometry,
        expected_version=state.version,
        author="李",
        comment="",
        effective=dt.date(2026, 11, 30),
    )
    at.button[0].click().run()

    assert "已被别人改为版本 2" in at.error[0].value
    assert store.heads()["enclave_projects"] == 2  # the other edit only


def test_rolling_back_puts_the_layer_back_as_a_new_version(own_store: Path) -> None:
    at = page(updated_projects(own_store))
    at.text_input(key="editing:author:input:publish").input("王规划").run()
    at.text_input[1].input("十一月台账")  # in the form: sent with its button
    at.button[0].click().run()
    at.selectbox(key="versions:layer").set_value("enclave_projects").run()
    versions = at.dataframe[-1].value
    assert list(versions["版本"]) == [2, 1]

    form_inputs = [t for t in at.text_input if t.label.startswith("说明")]
    form_inputs[-1].input("撤回十一月更新")
    at.checkbox[0].check()
    at.button[-1].click().run()

    assert "回退到版本 1" in at.success[0].value
    store = layer_store()
    assert store.heads()["enclave_projects"] == 3
    pd.testing.assert_frame_equal(
        store.read("enclave_projects").sort_values("uid").reset_index(drop=True),
        store.read_version("enclave_projects", 1).sort_values("uid").reset_index(drop=True),
    )


@pytest.mark.parametrize("audience", ["promoter", "public"])
def test_servers_for_promoters_or_the_public_publish_nothing(
    own_store: Path, monkeypatch: pytest.MonkeyPatch, audience: str
) -> None:
    monkeypatch.setenv("ATLAS_AUDIENCE", audience)
    at = AppTest.from_function(
        _publish_script, args=(updated_projects(own_store), False), default_timeout=TIMEOUT_S
    )
    at.run()
    assert "只有数据管理员可以发布" in at.info[0].value
    assert not at.selectbox and not at.button


def test_the_versions_open_on_the_layer_changed_last(own_store: Path) -> None:
    store = layer_store()
    uid = load_layer("closed_communities")["uid"].iloc[0]
    state = store.feature("closed_communities", uid)
    store.edit(
        "closed_communities",
        uid,
        attributes={**state.attributes, "name": state.attributes["name"] + "（更名）"},
        geometry=state.geometry,
        expected_version=state.version,
        author="王规划",
        comment="更名",
        effective=dt.date(2026, 11, 30),
    )
    at = AppTest.from_function(_versions_script, default_timeout=TIMEOUT_S).run()
    assert at.selectbox(key="versions:layer").value == "closed_communities"
    assert list(at.dataframe[-1].value["版本"]) == [2, 1]


def _versions_script() -> None:
    from views.data.versions import render_versions

    render_versions("zh")
