"""Values from files are text, never Markdown: a feature whose names and values carry Markdown
(bold, maths, colour directives, links, bare URLs, entities, icons) shows them literally in the
statistics panel, in AppTest and in a real browser."""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Polygon, mapping
from streamlit.testing.v1 import AppTest

from layers import forget_session_layer, register_session_layer
from layers.uploaded import UploadedLayer, uploaded_layers
from tests.app.browser import MAP_FRAME, TIMEOUT_MS, map_frame, wait_for_drawn_map
from tests.app.panel import PANEL, panel_html, panel_text, panel_title
from ui.panel import Selection

APP = str(Path(__file__).resolve().parents[2] / "app.py")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
PLOT = Polygon([(120.450, 41.570), (120.456, 41.570), (120.456, 41.574), (120.450, 41.574)])
NAME = "**bold** 地块"
# column → value; the first column names the feature (the panel's title).
VALUES = {
    "名称": NAME,
    "公式": "$x^2$",
    "颜色": ":red[红色]",
    "链接": "[a](http://x)",
    "网址": "http://evil.example",
    "网站": "www.evil.example",
    "邮箱": "me@evil.example",
    "实体": "&lt;b&gt; &copy;",
    "图标": ":material/home:",
    "标题": "# 一级标题",
    "**粗体列名**": "_斜体_ ~~删除~~ `代码`",
}
LAYER_TITLE = "$y$ 图层"
# What Markdown would have made of the values: none of it may be in the panel.
MARKUP = "strong, em, del, code, h1, h2, a, .katex, math, span[style*='color'], span[role='img']"
# A Markdown renderer would change these (or drop their marks); the panel shows them as written.
LITERAL = [NAME, "$x^2$", ":red[红色]", "[a](http://x)", "http://evil.example", "**粗体列名**"]


@pytest.fixture
def hostile_layer() -> Iterator[UploadedLayer]:
    frame = gpd.GeoDataFrame({k: [v] for k, v in VALUES.items()}, geometry=[PLOT], crs=4326)
    (layer,) = uploaded_layers(
        frame, title=LAYER_TITLE, source_name="标记.geojson", color="#e7298a", tooltip=["名称"]
    )
    register_session_layer(layer.spec, layer.frame)
    yield layer
    forget_session_layer(layer.spec.key)


def _markdown_texts(app: AppTest) -> list[str]:
    """Everything on the page Streamlit renders as Markdown."""
    elements = [
        *app.title,
        *app.header,
        *app.subheader,
        *app.markdown,
        *app.caption,
        *app.info,
        *app.success,
        *app.warning,
        *app.error,
    ]
    texts = [str(element.value) for element in elements]
    texts += [metric.label for metric in app.metric]
    texts += [table.value.to_string() for table in app.table]
    return texts


def test_apptest_panel_sends_the_values_as_escaped_html_only(hostile_layer) -> None:
    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page("views/night.py")
    uid = hostile_layer.frame["uid"].iloc[0]
    app.session_state["night:selection"] = Selection(hostile_layer.spec.key, uid)
    app.run()
    assert not app.exception, app.exception

    assert panel_title(app) == f"{NAME} · {LAYER_TITLE}"
    shown = panel_text(app)
    body = panel_html(app)
    for column, value in VALUES.items():
        assert column in shown and value in shown
        assert html.escape(value) in body and html.escape(column) in body
    assert "<b>" not in body and "&copy;" not in body  # the entities' own text, escaped again
    for text in _markdown_texts(app):
        assert not any(value in text for value in [*VALUES.values(), LAYER_TITLE])


def _hostile_geojson(folder: Path) -> Path:
    path = folder / "标记文本.geojson"
    feature = {"type": "Feature", "properties": VALUES, "geometry": mapping(PLOT)}
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": [feature]}, ensure_ascii=False),
        encoding="utf-8",
    )
    return path


def test_browser_panel_shows_markdown_from_an_uploaded_file_as_text(
    app_url: str, offline_page, tmp_path: Path
) -> None:
    page = offline_page
    page.goto(f"{app_url}/data")
    page.get_by_role("heading", name="数据管理").wait_for(timeout=TIMEOUT_MS)
    page.locator("input[type='file']").set_input_files(str(_hostile_geojson(tmp_path)))
    page.get_by_role("button", name="添加到地图").click()
    page.get_by_text("已添加“标记文本”：1 个要素", exact=False).wait_for(timeout=TIMEOUT_MS)

    page.get_by_role("link", name="夜经济").click()
    page.get_by_role("heading", name="夜经济").wait_for(timeout=TIMEOUT_MS)
    wait_for_drawn_map(page)
    frame = map_frame(page)
    centre = PLOT.centroid
    x, y = frame.evaluate(
        """([lat, lon]) => { window.map.setView([lat, lon], 16, {animate: false});
             const p = window.map.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }""",
        [centre.y, centre.x],
    )
    box = page.locator(MAP_FRAME).first.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)

    panel = page.locator(PANEL)
    panel.get_by_role("heading", name=f"{NAME} · 标记文本").wait_for(timeout=TIMEOUT_MS)
    shown = panel.inner_text()
    for value in LITERAL:
        assert value in shown
        assert panel.get_by_text(value, exact=True).first.is_visible()
    for column, value in VALUES.items():
        assert column in shown and value in shown
    assert panel.locator(MARKUP).count() == 0
    assert page.locator("a[href*='evil.example'], a[href^='mailto:']").count() == 0
    assert page.locator(".katex").count() == 0
    panel.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    panel.screenshot(path=str(SCREENSHOTS / "panel-markdown-as-text.png"))
    assert page.outside_requests == []
