"""The change log page (变更记录) and a feature's own history in its panel, in AppTest: the seeded
log, an edit on top of it, every filter, English headings, downloads with formulas neutralised,
and who may not see any of it."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import streamlit.testing.v1.app_test as app_test
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from layers import STORE_ENV, layer_store, load_layer
from layers.change_log import change_log
from layers.figures import in_township
from store import beijing_today
from ui.audience import AUDIENCE_ENV

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "views/history.py"
SUNJIAWAN = "211302102"
EDITOR = "测试员王"
FORMULA_NAME = '=HYPERLINK("http://example.invalid","点我")'
COMMENT = "签约后开工，=1+1 不是公式"


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """A store of this module's own, seeded, with one edit of an enclave project on top."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(STORE_ENV, str(tmp_path_factory.mktemp("store") / "atlas.gpkg"))
        store = layer_store()
        uid = load_layer("enclave_projects").query("status == '签约'")["uid"].iloc[0]
        state = store.feature("enclave_projects", uid)
        store.edit(
            "enclave_projects",
            uid,
            attributes={**state.attributes, "status": "落地开工", "name": FORMULA_NAME},
            geometry=state.geometry,
            expected_version=state.version,
            author=EDITOR,
            comment=COMMENT,
            effective=beijing_today(),
        )
        yield {"uid": uid, "old_name": state.attributes["name"]}


@pytest.fixture
def app(edited: dict) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=180)
    app.switch_page(PAGE).run()
    assert not app.exception, app.exception
    return app


def _table(app: AppTest) -> pd.DataFrame:
    return app.dataframe[0].value


def test_the_seeded_log_is_listed_with_its_count(app: AppTest) -> None:
    table = _table(app)
    log = change_log()
    assert len(log) > 13_000  # every layer's first load and the shipped history
    assert list(table.columns) == [
        "生效日期",
        "记录时间",
        "图层",
        "要素编号",
        "名称",
        "变化",
        "字段",
        "原值",
        "新值",
        "操作人",
        "说明",
        "版本",
    ]
    assert len(table) == len(log) + 1  # the edit changed two fields: two rows for one change
    assert {"新增", "修改"} <= set(table["变化"])
    assert (table["图层"] == "飞地项目").sum() > 69  # the enclave projects' history is there
    captions = " ".join(caption.value for caption in app.caption)
    assert f"符合条件的变更：{len(log):,} 次（{len(table):,} 行）" in captions
    assert table["记录时间"].str.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d").all()


def test_an_edit_comes_first_with_old_and_new_values_and_its_author(
    app: AppTest, edited: dict
) -> None:
    first = _table(app).head(2).set_index("字段")
    assert set(first["要素编号"]) == {edited["uid"]} and set(first["操作人"]) == {EDITOR}
    assert (first.loc["项目阶段", "原值"], first.loc["项目阶段", "新值"]) == ("签约", "落地开工")
    assert (first.loc["名称", "原值"], first.loc["名称", "新值"]) == (
        edited["old_name"],
        FORMULA_NAME,
    )
    assert set(first["说明"]) == {COMMENT} and set(first["生效日期"]) == {str(beijing_today())}
    assert set(first["变化"]) == {"修改"}


def test_internal_fields_are_named_but_their_values_not_shown(app: AppTest) -> None:
    table = _table(app)
    notes = table[table["字段"] == "洽谈备注"]
    assert len(notes) > 10  # the shipped history changes negotiation notes
    assert set(notes["原值"]) | set(notes["新值"]) == {"（内部字段，不显示）"}
    contacts = set(load_layer("enclave_projects")["contact"].dropna())
    assert not contacts & set(table.to_numpy().ravel())


def test_each_filter_narrows_the_rows(app: AppTest, edited: dict) -> None:
    everything = len(_table(app))
    app.multiselect(key="history:layers").set_value(["enclave_projects"]).run()
    enclave = _table(app)
    assert 69 < len(enclave) < everything and set(enclave["图层"]) == {"飞地项目"}

    app.selectbox(key="history:township").set_value(SUNJIAWAN).run()
    in_sunjiawan = set(
        in_township("enclave_projects", load_layer("enclave_projects"), SUNJIAWAN)["uid"]
    )
    township = _table(app)
    assert 0 < len(township) < len(enclave) and set(township["要素编号"]) <= in_sunjiawan
    app.selectbox(key="history:township").set_value(None).run()

    app.date_input(key="history:since").set_value(dt.date(2020, 7, 1)).run()
    app.date_input(key="history:until").set_value(dt.date(2020, 7, 31)).run()
    july = _table(app)
    assert 0 < len(july) < len(enclave)
    assert july["生效日期"].between("2020-07-01", "2020-07-31").all()
    app.date_input(key="history:until").set_value(dt.date(2020, 6, 1)).run()
    assert not app.dataframe and any("没有符合的变更" in w.value for w in app.warning)
    app.date_input(key="history:since").set_value(dt.date(2020, 1, 1)).run()
    app.date_input(key="history:until").set_value(beijing_today()).run()

    app.selectbox(key="history:person").set_value(EDITOR).run()
    assert set(_table(app)["操作人"]) == {EDITOR} and len(_table(app)) == 2
    app.selectbox(key="history:person").set_value(None).run()

    app.text_input(key="history:search").input("示例5").run()
    found = _table(app)
    assert 0 < len(found) < len(enclave) and found["名称"].str.contains("示例5").all()
    app.text_input(key="history:search").input("ENCLAVE-00").run()  # ids too, any case
    assert _table(app)["要素编号"].str.startswith("enclave-00").all()
    app.text_input(key="history:search").input("(.*").run()  # typed text, not a pattern
    assert not app.exception and _table(app).empty
    captions = " ".join(caption.value for caption in app.caption)
    assert "符合条件的变更：0 次（0 行）" in captions


def test_english_headings(app: AppTest) -> None:
    app.sidebar.radio[0].set_value("en").run()
    assert not app.exception
    assert app.title[0].value == "Change log"
    table = _table(app)
    assert list(table.columns)[:7] == [
        "Holds from",
        "Recorded (Beijing)",
        "Layer",
        "Feature ID",
        "Name",
        "Change",
        "Field",
    ]
    assert {"added", "changed"} <= set(table["Change"])


@pytest.fixture
def deferred(monkeypatch: pytest.MonkeyPatch) -> dict:
    """The deferred downloads' (file name, callable) by file id, from the media managers of the
    runs (AppTest makes one a run; the app's own add_deferred is ui/download_grace's)."""
    managers: list[MediaFileManager] = []

    class Recorded(MediaFileManager):
        def __init__(self, storage) -> None:
            super().__init__(storage)
            managers.append(self)

    class Found(dict):
        def __missing__(self, file_id: str):
            for manager in reversed(managers):
                if (entry := manager._deferred_callables.get(file_id)) is not None:
                    return entry["filename"], entry["callable"]
            raise KeyError(file_id)

    monkeypatch.setattr(app_test, "MediaFileManager", Recorded)
    return Found()


def test_downloads_are_the_filtered_table_with_formulas_neutralised(
    edited: dict, deferred: dict
) -> None:
    app = AppTest.from_file(APP, default_timeout=180)
    app.switch_page(PAGE).run()
    app.text_input(key="history:search").input(edited["uid"]).run()
    buttons = {button.proto.label: button.proto for button in app.get("download_button")}
    assert set(buttons) == {"下载 CSV 表格", "下载 Excel 工作簿"}
    today = beijing_today()
    csv_name, csv_bytes = deferred[buttons["下载 CSV 表格"].deferred_file_id]
    xlsx_name, xlsx_bytes = deferred[buttons["下载 Excel 工作簿"].deferred_file_id]
    assert csv_name == f"变更记录_2020-01-01_{today}.csv"
    assert xlsx_name == f"变更记录_2020-01-01_{today}.xlsx"

    csv = pd.read_csv(io.BytesIO(csv_bytes()), encoding="utf-8-sig", dtype=str)
    assert len(csv) == len(_table(app)) and set(csv["要素编号"]) == {edited["uid"]}
    assert "'" + FORMULA_NAME in set(csv["新值"]) and FORMULA_NAME not in set(csv["新值"])
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes())).active
    cells = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "'" + FORMULA_NAME in cells and FORMULA_NAME not in cells
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_a_promoter_cannot_open_the_change_log(
    edited: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(AUDIENCE_ENV, "promoter")
    app = AppTest.from_file(APP, default_timeout=180).run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page(PAGE)
    page = AppTest.from_file(str(Path(APP).parent / PAGE), default_timeout=180).run()
    assert [error.value for error in page.error] == ["您的角色无权打开此页面。"]
    assert not page.dataframe and not page.get("download_button")


def _click(app: AppTest, uid: str) -> None:
    site = load_layer("enclave_projects").set_index("uid").loc[uid]
    spot = site.geometry.representative_point()
    app.session_state["enclave:map"] = {
        "last_active_drawing": {"properties": {"_layer": "enclave_projects", "_id": uid}},
        "last_object_clicked": {"lat": spot.y, "lng": spot.x},
    }
    app.run()
    assert not app.exception


def _most_changed_project() -> tuple[str, int]:
    counts = layer_store().changes(layer="enclave_projects")["uid"].value_counts()
    return str(counts.index[0]), int(counts.iloc[0])


def test_a_clicked_feature_shows_its_history_in_the_panel(edited: dict) -> None:
    uid, count = _most_changed_project()
    assert count > 2  # added, then changed in the shipped history
    app = AppTest.from_file(APP, default_timeout=180)
    app.switch_page("views/enclave.py")
    _click(app, uid)
    label = f"本要素的历史（{count} 次变更）"
    expander = next(e for e in app.expander if e.label == label)
    history = expander.dataframe[0].value
    assert list(history.columns)[:4] == ["生效日期", "变化", "字段", "原值"]
    assert "图层" not in history.columns and "要素编号" not in history.columns
    assert history["变化"].iloc[-1] == "新增" and "修改" in set(history["变化"])
    assert list(history["生效日期"]) == sorted(history["生效日期"], reverse=True)


def test_promoters_see_no_history_in_the_panel(
    edited: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(AUDIENCE_ENV, "promoter")
    uid, _ = _most_changed_project()
    app = AppTest.from_file(APP, default_timeout=180)
    app.switch_page("views/enclave.py")
    _click(app, uid)
    assert uid and not [e for e in app.expander if "历史" in e.label]
    assert not app.dataframe or all("操作人" not in d.value.columns for d in app.dataframe)
