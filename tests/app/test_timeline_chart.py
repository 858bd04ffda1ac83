"""The enclave and renovation pages chart their programme month by month, in the page's
language, up to the date chosen in the sidebar."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow.ipc
import pytest
from streamlit.testing.v1 import AppTest

from layers import get_layer

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGES = {
    "enclave": ("views/enclave.py", "enclave_projects", ("count", "invest")),
    "renovation": ("views/renovation.py", "closed_communities", ("count", "renovated")),
}


def _timeline_charts(app: AppTest) -> list[tuple[dict, list[dict]]]:
    """The month-by-month charts of the page (x: month): Vega-Lite spec and rows of each."""
    found = []

    def walk(node) -> None:
        for child in getattr(node, "children", {}).values():
            if getattr(child, "type", None) == "vega_lite_chart":
                spec = json.loads(child.proto.spec)
                if spec["encoding"]["x"]["field"] == "month":
                    rows = pyarrow.ipc.open_stream(child.proto.datasets[0].data.data).read_all()
                    found.append((spec, rows.to_pylist()))
            walk(child)

    walk(app._tree)
    return found


def _open(path: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page(path).run()
    assert not app.exception, app.exception
    return app


@pytest.mark.parametrize("key", PAGES)
def test_the_timeline_is_charted_in_the_pages_language(key: str) -> None:
    path, layer, totals = PAGES[key]
    spec = get_layer(layer)
    labels = {total.key: total for total in spec.totals}
    app = _open(path)
    for lang, month in (("zh", "月份"), ("en", "Month")):
        if lang == "en":
            app.sidebar.radio[0].set_value("en").run()
            assert not app.exception, app.exception
        charts = _timeline_charts(app)
        assert len(charts) == 2
        for (chart, rows), total in zip(charts, totals, strict=True):
            assert chart["encoding"]["x"]["title"] == month
            assert chart["encoding"]["y"]["title"] == labels[total].label(lang)
            assert rows[0]["month"] == "2020-01"
            titles = [tip["title"] for tip in chart["encoding"]["tooltip"]]
            assert month in titles and labels["count"].label(lang) in titles
        if key == "enclave":  # stacked by stage, in the style's colours and the page's words
            color = charts[0][0]["encoding"]["color"]
            assert color["title"] == spec.field("status").label(lang)
            by_value = {c.value: c for c in spec.style.categories}
            stages = [by_value[stage] for stage in ("洽谈", "签约", "落地开工")]
            assert color["scale"]["domain"] == [c.label(lang) for c in stages]
            assert color["scale"]["range"] == [c.color for c in stages]
        caption = " ".join(str(c.value) for c in app.caption)
        assert "2020-01" in caption
    assert app.get("download_button")  # the chart's table as CSV


@pytest.mark.parametrize("key", PAGES)
def test_the_timeline_ends_at_the_date_chosen_in_the_sidebar(key: str) -> None:
    path, _, _ = PAGES[key]
    app = _open(path)
    app.sidebar.date_input(key="as_of:zh").set_value(dt.date(2020, 6, 30)).run()
    assert not app.exception, app.exception
    for _, rows in _timeline_charts(app):
        months = [row["month"] for row in rows]
        assert months[-1] == "2020-06" and "2020-07" not in months
    assert any("2020-06-30" in str(c.value) for c in app.caption)
