"""Every page runs in AppTest, shows KPIs computed from the data, and its panel answers a selection."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.stats import feature_measures
from layers import LAYERS, get_layer, layer_total, load_layer
from layers.figures import township_rollup
from tests.app.panel import panel_text, panel_title

APP = str(Path(__file__).resolve().parents[2] / "app.py")
MAP_PAGES = {
    "overview": "views/overview.py",
    "poverty": "views/poverty.py",
    "enclave": "views/enclave.py",
    "night": "views/night.py",
    "renovation": "views/renovation.py",
}
SUNJIAWAN = "211302102"


def _open(page: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


def _page_spec(key: str):
    return importlib.import_module(f"views.{key}").PAGE


@pytest.mark.parametrize("key", MAP_PAGES)
def test_map_page_runs_and_kpis_equal_the_data(key: str) -> None:
    app = _open(MAP_PAGES[key])
    page = _page_spec(key)
    shown = {metric.label: metric.value for metric in app.metric}
    assert len(shown) >= len(page.kpis)
    for layer, total_key in page.kpis:
        total, value = layer_total(layer, total_key)
        assert total.label_zh in shown
        assert (
            shown[total.label_zh]
            .replace(",", "")
            .startswith(f"{value:.2f}".rstrip("0").rstrip("."))
        )


def test_overview_kpis_are_the_reports_headline_figures() -> None:
    shown = {metric.label: metric.value for metric in _open(MAP_PAGES["overview"]).metric}
    assert shown["覆盖贫困户"] == "4,146 户"
    assert shown["帮扶项目"] == "165 个"
    assert shown["到户项目"] == "4,394 个"
    assert shown["产业项目"] == "53 个"
    assert shown["飞地项目"] == "69 个"
    assert shown["计划总投资"] == "129.61 亿元"
    assert shown["示范小区"] == "45 个"
    assert shown["今年改造面积"] == "20.72 万平方米"


@pytest.mark.parametrize("key", MAP_PAGES)
def test_choosing_a_township_shows_its_rollup(key: str) -> None:
    app = _open(MAP_PAGES[key])
    app.selectbox(key=f"{key}:township:zh").set_value(SUNJIAWAN).run()
    assert not app.exception
    assert panel_title(app) == "孙家湾镇 · 各类项目汇总"
    panel = panel_text(app)
    expected = township_rollup(SUNJIAWAN, "zh")
    households = expected[expected["label"] == "覆盖贫困户"]["value"].iloc[0]
    assert households == 1240
    assert "1,240" in panel


def test_search_finds_a_feature_and_the_panel_shows_its_derived_figures() -> None:
    app = _open(MAP_PAGES["enclave"])
    app.selectbox(key="enclave:search:zh").set_value("enclave_projects|enclave-001").run()
    assert not app.exception
    assert "朝阳金华园旅游观光农业园" in panel_title(app)
    panel = panel_text(app)
    assert "每亩计划总投资" in panel and "114.42" in panel  # 50,000 万元 / 437 亩
    assert "29.13" in panel  # 437 亩 in hectares
    assert "50,000" in panel and "150,000" in panel  # investment (万元) and visitors, formatted


def test_stage_filter_narrows_the_export_count() -> None:
    app = _open(MAP_PAGES["enclave"])
    app.multiselect(key="enclave:categories:zh").set_value(["签约"]).run()
    assert not app.exception
    captions = " ".join(caption.value for caption in app.caption)
    assert "导出 9 个要素" in captions


def test_internal_fields_are_not_in_the_panel() -> None:
    app = _open(MAP_PAGES["enclave"])
    app.selectbox(key="enclave:search:zh").set_value("enclave_projects|enclave-002").run()
    panel = panel_text(app)
    projects = load_layer("enclave_projects").set_index("uid")
    assert projects.loc["enclave-002", "contact"] not in panel
    assert "联系人" not in panel and "洽谈备注" not in panel


def test_english_switch_relabels_pages_and_figures() -> None:
    app = _open(MAP_PAGES["renovation"])
    app.sidebar.radio[0].set_value("en").run()
    assert not app.exception
    assert app.title[0].value == "Neighbourhood renovation"
    assert "Demonstration communities" in [metric.label for metric in app.metric]


def test_change_log_page_lists_the_changes_of_every_layer() -> None:
    app = _open("views/history.py")
    assert app.title[0].value == "变更记录"
    shown = set(app.dataframe[0].value["图层"])
    assert {spec.title("zh") for spec in LAYERS} == shown  # every layer's first load at least


def test_about_page_lists_every_layer_with_its_fields() -> None:
    app = _open("views/about.py")
    labels = [expander.label for expander in app.expander]
    assert len(labels) == len(LAYERS)
    assert any(label.startswith("双塔区界 · 真实") for label in labels)
    assert any("飞地项目 · 示意" in label for label in labels)


def test_language_switch_keeps_the_chosen_township() -> None:
    app = _open(MAP_PAGES["poverty"])
    app.selectbox(key="poverty:township:zh").set_value(SUNJIAWAN).run()
    app.sidebar.radio[0].set_value("en").run()
    assert not app.exception
    assert app.selectbox(key="poverty:township:en").value == SUNJIAWAN
    assert panel_title(app) == "Sunjiawan Town · all programmes"


def _simulated_click(layer: str, uid: str, lon: float, lat: float) -> dict:
    """What streamlit-folium returns when a feature is clicked (its properties and position)."""
    return {
        "last_active_drawing": {"type": "Feature", "properties": {"_layer": layer, "_id": uid}},
        "last_object_clicked": {"lat": lat, "lng": lon},
    }


def test_a_click_on_a_feature_fills_the_panel_by_its_id() -> None:
    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page(MAP_PAGES["poverty"])
    orchards = load_layer("orchards")
    block = orchards.iloc[0]
    point = block.geometry.representative_point()
    app.session_state["poverty:map"] = _simulated_click("orchards", block["uid"], point.x, point.y)
    app.run()
    assert not app.exception
    assert block["name"] in panel_title(app)
    panel = panel_text(app)
    per_mu = round(block["trees"] / feature_measures(orchards.head(1))["area_mu"].iloc[0], 2)
    assert "每亩果树" in panel and f"{per_mu:,.2f}" in panel


def test_on_amap_a_click_position_is_shifted_back_to_wgs84() -> None:
    from geo.offsets import wgs84_to_gcj02

    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page(MAP_PAGES["night"])
    app.session_state["basemap"] = "amap"
    lon, lat = 120.46, 41.57
    gcj_lon, gcj_lat = wgs84_to_gcj02(lon, lat)
    app.session_state["night:map"] = _simulated_click("night_circles", "night-02", gcj_lon, gcj_lat)
    app.run()
    assert not app.exception
    captions = " ".join(caption.value for caption in app.caption)
    assert f"{lon:.5f}, {lat:.5f}" in captions
    assert "万达商圈" in panel_title(app)


def test_enclave_pipeline_equals_the_data_in_stage_order() -> None:
    app = _open(MAP_PAGES["enclave"])
    pipeline = [(metric.label, metric.value, metric.delta) for metric in app.metric][-3:]
    assert pipeline == [
        ("洽谈", "51 个", "114.36 亿元"),
        ("→ 签约", "9 个", "7.48 亿元"),
        ("→ 落地开工", "9 个", "7.77 亿元"),
    ]


def test_enclave_filters_narrow_pipeline_ranking_and_map_together() -> None:
    app = _open(MAP_PAGES["enclave"])
    projects = load_layer("enclave_projects")
    app.multiselect(key="enclave:refine:industry:zh").set_value(["现代物流"]).run()
    lowest = float(projects["invest_wan"].min())
    app.slider(key="enclave:refine:invest_wan:zh").set_value((lowest, 30_000.0)).run()

    assert not app.exception
    expected = projects[(projects["industry"] == "现代物流") & (projects["invest_wan"] <= 30_000)]
    ranking = app.dataframe[0].value
    assert sorted(ranking["名称"]) == sorted(expected["name"])
    counts = [int(metric.value.split()[0]) for metric in list(app.metric)[-3:]]
    assert sum(counts) == len(expected)
    captions = " ".join(caption.value for caption in app.caption)
    assert f"导出 {len(expected)} 个要素" in captions


def test_enclave_ranking_gives_intensity_per_mu_from_measured_land() -> None:
    app = _open(MAP_PAGES["enclave"])
    ranking = app.dataframe[0].value.set_index("名称")
    jinhua = ranking.loc["朝阳金华园旅游观光农业园"]
    assert jinhua["每亩计划总投资 (万元/亩)"] == pytest.approx(50_000 / 437, abs=0.01)
    assert jinhua["带动就业 (人)"] == 100
    assert "联系人" not in ranking.columns and "洽谈备注" not in ranking.columns


def test_language_switch_keeps_the_basemap_and_relabels_it() -> None:
    app = _open(MAP_PAGES["night"])
    app.sidebar.selectbox(key="basemap:zh").set_value("osm").run()
    app.sidebar.radio[0].set_value("en").run()
    assert not app.exception
    basemap = app.sidebar.selectbox(key="basemap:en")
    assert basemap.value == "osm"
    assert "No basemap" in basemap.options


def test_share_offers_the_filtered_sites_or_the_one_clicked() -> None:
    app = _open(MAP_PAGES["enclave"])
    captions = " ".join(caption.value for caption in app.caption)
    assert "69 个项目：PDF 每个项目一页" in captions
    app.multiselect(key="enclave:categories:zh").set_value(["签约"]).run()
    captions = " ".join(caption.value for caption in app.caption)
    assert "9 个项目：PDF 每个项目一页" in captions

    app.multiselect(key="enclave:categories:zh").set_value(["落地开工"]).run()
    app.selectbox(key="enclave:search:zh").set_value("enclave_projects|enclave-001").run()
    app.radio(key="enclave:share:scope").set_value("chosen").run()
    assert not app.exception
    chosen = next(m for m in app.multiselect if m.label.startswith("选择项目"))
    assert chosen.value == ["enclave-001"]
    captions = " ".join(caption.value for caption in app.caption)
    assert "1 个项目：PDF 每个项目一页" in captions


def test_in_english_the_enclave_industries_read_in_english() -> None:
    app = _open(MAP_PAGES["enclave"])
    app.sidebar.radio[0].set_value("en").run()
    assert not app.exception
    ranking = app.dataframe[0].value.set_index("Name")
    assert ranking.loc["朝阳金华园旅游观光农业园", "Industry"] == "Tourism and wellness"
    industry = app.multiselect(key="enclave:refine:industry:en")
    assert "Modern logistics" in industry.options  # the labels shown; the values stay Chinese
    assert "现代物流" in industry.value


def test_a_rollup_counts_the_lines_crossing_the_township_and_says_so() -> None:
    app = _open(MAP_PAGES["night"])
    app.selectbox(key="night:township:zh").set_value("211302005").run()  # 光明街道
    assert not app.exception
    panel = panel_text(app)
    assert panel.split("廊、带、商街", 1)[1].split()[:2] == ["2", "条"]
    assert "各计一条" in panel


def test_a_rollup_says_its_project_count_is_of_distinct_projects_reaching_the_township() -> None:
    app = _open(MAP_PAGES["poverty"])
    app.selectbox(key="poverty:township:zh").set_value("211302100").run()  # 桃花吐镇
    assert not app.exception
    panel = panel_text(app)
    assert panel.split("帮扶项目", 1)[1].split()[:2] == ["62", "个"]
    assert "不同帮扶项目数" in panel and "不能相加成全区的 165 个" in panel


def test_a_rollup_groups_its_rows_under_each_layer_once() -> None:
    app = _open(MAP_PAGES["renovation"])
    app.selectbox(key="renovation:township:zh").set_value("211302005").run()  # 光明街道
    assert not app.exception
    panel = panel_text(app)
    title = get_layer("closed_communities").title("zh")
    assert panel.count(title) == 1
    assert "封闭小区" in panel and "示范小区" in panel


def test_the_click_position_goes_when_a_search_or_a_township_choice_selects() -> None:
    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page(MAP_PAGES["poverty"])
    block = load_layer("orchards").iloc[0]
    point = block.geometry.representative_point()
    app.session_state["poverty:map"] = _simulated_click("orchards", block["uid"], point.x, point.y)
    app.run()

    def position_shown() -> bool:
        return any(caption.value.startswith("点击位置") for caption in app.caption)

    assert position_shown()
    app.selectbox(key="poverty:township:zh").set_value(SUNJIAWAN).run()
    assert not app.exception
    assert panel_title(app) == "孙家湾镇 · 各类项目汇总"
    assert not position_shown()
    app.selectbox(key="poverty:search:zh").set_value(f"orchards|{block['uid']}").run()
    assert not app.exception
    assert block["name"] in panel_title(app)
    assert not position_shown()


def test_a_search_pick_lost_by_a_concurrent_rerun_is_made_again_and_only_once() -> None:
    app = _open(MAP_PAGES["enclave"])
    app.selectbox(key="enclave:search:zh").set_value("enclave_projects|enclave-001").run()
    for key in ("enclave:selection", "enclave:search_applied:zh"):
        del app.session_state[key]  # what Streamlit's two runs at once could do to the writes
    app.run()
    assert "朝阳金华园旅游观光农业园" in panel_title(app)
    app.selectbox(key="enclave:township:zh").set_value("211302001").run()  # another choice
    app.run()
    assert "双塔街道" in panel_title(app)  # the search's pick is not made again
