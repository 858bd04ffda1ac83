"""The registry page runs, lists every layer with computed totals, and switches language."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from layers import LAYERS

APP = Path(__file__).resolve().parents[2] / "app.py"


@pytest.fixture
def page() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=120).run()


def test_registry_table_lists_every_layer_in_chinese(page: AppTest) -> None:
    assert not page.exception
    assert page.title[0].value == "双塔区项目地图"
    table = page.dataframe[0].value
    assert list(table["键"]) == [spec.key for spec in LAYERS]
    row = table.set_index("键").loc["enclave_projects"]
    assert row["要素数"] == 69
    assert "计划总投资 (万元) 1,296,100" in row["主要合计"]
    assert table.set_index("键").loc["closed_communities", "源坐标系"] == "EPSG:4549"


def test_english_switch_relabels_the_page(page: AppTest) -> None:
    page.sidebar.radio[0].set_value("en").run()
    assert not page.exception
    assert page.title[0].value == "Shuangta Project Atlas"
    table = page.dataframe[0].value
    row = table.set_index("Key").loc["orchards"]
    assert row["Layer"] == "Yanyangshan orchards"
    assert "Fruit trees (trees) 108,000" in row["Key totals"]


def test_map_caption_gives_the_measured_district_area(page: AppTest) -> None:
    captions = [caption.value for caption in page.caption]
    assert any("480.9 平方千米" in caption for caption in captions)
