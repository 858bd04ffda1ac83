"""Issue 14 item 8: the KPI cards follow the filters and say what they cover; a township roll-up
says it counts every category when a category filter narrows the map."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from layers import get_layer, layer_total, load_layer
from layers.figures import in_township
from layers.formatting import format_figure
from tests.app.panel import panel_text
from views.renovation import PAGE

APP = str(Path(__file__).resolve().parents[2] / "app.py")
GUANGMING = "211302005"  # 光明街道
LAYER = "closed_communities"


def _renovation() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page("views/renovation.py").run()
    assert not app.exception, app.exception
    return app


def _cards(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def _expected(frame) -> dict[str, str]:
    shown = {}
    for layer, total_key in PAGE.kpis:
        total, value = layer_total(layer, total_key, frame)
        shown[total.label_zh] = f"{format_figure(value)} {total.unit('zh')}".strip()
    return shown


def test_kpi_cards_follow_the_township_and_category_filters_and_say_so() -> None:
    app = _renovation()
    app.selectbox(key="renovation:township:zh").set_value(GUANGMING).run()
    app.multiselect(key="renovation:categories:zh").set_value(["A"]).run()
    assert not app.exception, app.exception
    local = in_township(LAYER, load_layer(LAYER), GUANGMING)
    filtered = local[local["grade"] == "A"]
    assert 0 < len(filtered) < len(local)
    cards = _cards(app)
    expected = _expected(filtered)
    assert {label: cards[label] for label in expected} == expected
    assert cards["封闭小区"] == f"{len(filtered)} 个"
    captions = [caption.value for caption in app.caption]
    scope = next(c for c in captions if c.startswith("以上数字："))
    grade = get_layer(LAYER).field("grade").label("zh")
    a_label = next(c.label("zh") for c in get_layer(LAYER).style.categories if c.value == "A")
    assert "光明街道" in scope and grade in scope and a_label in scope
    assert f"导出 {len(filtered)} 个要素" in " ".join(captions)  # the export agrees with the cards


def test_kpi_cards_follow_a_township_alone() -> None:
    app = _renovation()
    app.selectbox(key="renovation:township:zh").set_value(GUANGMING).run()
    assert not app.exception, app.exception
    local = in_township(LAYER, load_layer(LAYER), GUANGMING)
    cards = _cards(app)
    expected = _expected(local)
    assert {label: cards[label] for label in expected} == expected
    scope = next(c.value for c in app.caption if c.value.startswith("以上数字："))
    assert scope == "以上数字：光明街道"


def test_with_nothing_chosen_the_cards_are_the_districts_and_say_so() -> None:
    app = _renovation()
    cards = _cards(app)
    for layer, total_key in PAGE.kpis:
        total, value = layer_total(layer, total_key)
        assert cards[total.label_zh] == f"{format_figure(value)} {total.unit('zh')}".strip()
    assert cards["示范小区"] == "45 个"
    assert "以上数字：全区" in [caption.value for caption in app.caption]


def test_a_rollup_says_it_counts_every_category_when_a_category_filter_narrows() -> None:
    app = _renovation()
    app.selectbox(key="renovation:township:zh").set_value(GUANGMING).run()
    assert "不受上方" not in panel_text(app)
    app.multiselect(key="renovation:categories:zh").set_value(["A"]).run()
    assert not app.exception, app.exception
    grade = get_layer(LAYER).field("grade").label("zh")
    assert f"不受上方{grade}筛选影响" in panel_text(app)
