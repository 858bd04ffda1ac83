"""Editing a feature from its panel on a map page (AppTest): a stage change moves the pipeline,
a save over someone else's newer save shows both versions, a feature added by typed
coordinates, and no editing on a past date or on a promoter's server."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from layers import STORE_ENV, layer_store, load_layer
from ui.panel import Selection

TIMEOUT_S = 60
AUTHOR = "editing:author:input:enclave:edit"


@pytest.fixture
def own_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(STORE_ENV, str(tmp_path / "atlas.gpkg"))
    layer_store()
    return tmp_path


def enclave_page(uid: str | None) -> AppTest:
    at = AppTest.from_file("../../app.py", default_timeout=TIMEOUT_S)
    at.run()
    at.switch_page("views/enclave.py").run()
    if uid is not None:
        at.session_state["enclave:selection"] = Selection("enclave_projects", uid)
        at.run()
    return at


def negotiating() -> str:
    return load_layer("enclave_projects").query("status == '洽谈'")["uid"].iloc[0]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def comment_box(at: AppTest, index: int = 0):
    return [t for t in at.text_input if t.label.startswith("说明")][index]


def sign(at: AppTest, uid: str, version: int, *, stage: str = "签约") -> None:
    at.text_input(key=AUTHOR).input("王规划").run()
    at.selectbox(key=f"enclave:edit:enclave_projects:{uid}:{version}:field:status").set_value(stage)
    comment_box(at).input("签约仪式")
    button(at, "保存修改").click().run()


def test_a_stage_changed_in_the_panel_moves_the_pipeline(own_store: Path) -> None:
    uid = negotiating()
    at = enclave_page(uid)
    assert metrics(at)["→ 签约"] == "9 个"

    sign(at, uid, 1)

    assert "已保存为版本 2" in at.success[0].value
    assert (metrics(at)["洽谈"], metrics(at)["→ 签约"]) == ("50 个", "10 个")
    change = layer_store().changes(layer="enclave_projects", uid=uid).iloc[0]
    assert (change["fields"], change["author"], change["comment"]) == (
        ("status",),
        "王规划",
        "签约仪式",
    )


def test_a_save_over_a_newer_save_shows_both_and_lets_the_person_choose(own_store: Path) -> None:
    uid = negotiating()
    at = enclave_page(uid)
    at.text_input(key=AUTHOR).input("王规划").run()  # the feature is opened (version 1)
    store = layer_store()
    theirs = store.feature("enclave_projects", uid)
    store.edit(  # a colleague saves first
        "enclave_projects",
        uid,
        attributes={**theirs.attributes, "status": "落地开工"},
        geometry=theirs.geometry,
        expected_version=1,
        author="李",
        comment="开工",
        effective=dt.date(2026, 11, 30),
    )

    at.selectbox(key=f"enclave:edit:enclave_projects:{uid}:1:field:status").set_value("签约")
    comment_box(at).input("签约仪式")
    button(at, "保存修改").click().run()

    assert "已被别人修改" in at.error[0].value
    table = next(d.value for d in at.dataframe if "你的修改" in d.value.columns).set_index("字段")
    assert table.loc["项目阶段"].tolist() == ["洽谈", "落地开工", "签约"]
    assert store.feature("enclave_projects", uid).attributes["status"] == "落地开工"

    button(at, "仍用我的修改覆盖").click().run()

    assert "已保存为版本 3" in at.success[0].value
    assert store.feature("enclave_projects", uid).attributes["status"] == "签约"


def test_keeping_theirs_reopens_the_current_version(own_store: Path) -> None:
    uid = negotiating()
    at = enclave_page(uid)
    at.text_input(key=AUTHOR).input("王规划").run()
    store = layer_store()
    theirs = store.feature("enclave_projects", uid)
    store.edit(
        "enclave_projects",
        uid,
        attributes={**theirs.attributes, "jobs": 7},
        geometry=theirs.geometry,
        expected_version=1,
        author="李",
        comment="",
        effective=dt.date(2026, 11, 30),
    )
    at.selectbox(key=f"enclave:edit:enclave_projects:{uid}:1:field:status").set_value("签约")
    comment_box(at).input("签约仪式")
    button(at, "保存修改").click().run()
    button(at, "放弃我的修改，打开现在的版本").click().run()

    assert at.number_input(key=f"enclave:edit:enclave_projects:{uid}:2:field:jobs").value == 7
    assert store.feature("enclave_projects", uid).attributes["status"] == "洽谈"


def test_a_feature_added_with_typed_gcj02_coordinates(own_store: Path) -> None:
    at = enclave_page(None)
    at.toggle(key="enclave:edit:add:open").set_value(True).run()
    at.text_input(key="editing:author:input:enclave:edit:add").input("王规划").run()
    at.radio(key="enclave:edit:add:enclave_projects:shape:way").set_value("typed").run()
    at.selectbox(key="enclave:edit:add:enclave_projects:shape:system").set_value("gcj02").run()
    at.text_area(key="enclave:edit:add:enclave_projects:shape:typed").input(
        "120.450 41.550\n120.456 41.550\n120.456 41.554\n120.450 41.554"
    ).run()
    field = "enclave:edit:add:enclave_projects:field"
    at.text_input(key=f"{field}:uid").input("enclave-070")
    at.text_input(key=f"{field}:name").input("新项目")
    at.selectbox(key=f"{field}:status").set_value("洽谈")
    at.number_input(key=f"{field}:invest_wan").set_value(5000)
    at.number_input(key=f"{field}:land_mu").set_value(12.5)
    at.text_input(key=f"{field}:industry").input("现代物流")
    comment_box(at, -1).input("新对接")
    button(at, "新增").click().run()

    assert "已新增要素 enclave-070" in at.success[0].value
    added = layer_store().feature("enclave_projects", "enclave-070")
    assert added.attributes["invest_wan"] == 5000
    assert added.attributes["town_code"] and added.attributes["town"]  # from where it lies
    west, south, _, _ = added.geometry.bounds
    assert 120.443 < west < 120.4495 and 41.546 < south < 41.5495  # GCJ-02 shifted back to WGS-84
    assert metrics(at)["飞地项目"] == "70 个"


def test_coordinates_far_from_the_district_are_refused(own_store: Path) -> None:
    at = enclave_page(None)
    at.toggle(key="enclave:edit:add:open").set_value(True).run()
    at.radio(key="enclave:edit:add:enclave_projects:shape:way").set_value("typed").run()
    at.text_area(key="enclave:edit:add:enclave_projects:shape:typed").input(
        "41.55 120.45\n41.55 120.46\n41.56 120.46"
    ).run()
    assert "离双塔区很远" in at.error[0].value


def test_no_editing_while_a_past_date_is_shown(own_store: Path) -> None:
    at = enclave_page(negotiating())
    at.sidebar.date_input[0].set_value(dt.date(2020, 6, 30)).run()
    assert "编辑这个要素" not in [e.label for e in at.expander]
    assert any("回到现在才能编辑" in c.value for c in at.caption)


def test_a_promoter_server_edits_nothing(own_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATLAS_AUDIENCE", "promoter")
    at = enclave_page(negotiating())
    labels = [e.label for e in at.expander] + [t.label for t in at.toggle]
    assert "编辑这个要素" not in labels and "新增要素" not in labels


def test_the_add_form_and_its_drawing_map_are_built_only_when_asked_for(own_store: Path) -> None:
    at = enclave_page(None)
    way = "enclave:edit:add:enclave_projects:shape:way"
    assert "新增要素" in [t.label for t in at.toggle]
    assert way not in [r.key for r in at.radio]  # no form, no map sent with every run
    at.toggle(key="enclave:edit:add:open").set_value(True).run()
    assert at.radio(key=way).value == "map"


def test_a_feature_moved_to_another_township_takes_that_townships_code_and_name(
    own_store: Path,
) -> None:
    uid = negotiating()
    before = layer_store().feature("enclave_projects", uid).attributes
    townships = load_layer("townships")
    other = townships[townships["code"] != before["town_code"]].iloc[0]
    x, y = other.geometry.representative_point().coords[0]
    at = enclave_page(uid)
    key = f"enclave:edit:enclave_projects:{uid}:1"
    assert not [t for t in at.text_input if t.key and t.key.endswith(":field:town")]  # not typed
    assert any("乡镇街道按要素所在位置" in c.value for c in at.caption)
    at.text_input(key=AUTHOR).input("王规划").run()
    at.radio(key=f"{key}:shape:way").set_value("typed").run()
    at.text_area(key=f"{key}:shape:typed").input(
        f"{x:.5f} {y:.5f}\n{x + 0.002:.5f} {y:.5f}\n{x + 0.002:.5f} {y + 0.002:.5f}"
    ).run()
    comment_box(at).input("换址")
    button(at, "保存修改").click().run()

    after = layer_store().feature("enclave_projects", uid).attributes
    assert (after["town_code"], after["town"]) == (str(other["code"]), str(other["name"]))
