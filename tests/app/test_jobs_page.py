"""Issue 15: the jobs page (就业扶贫) runs, its KPI cards are the report's figures computed from
the data, its panel and township roll-up show employment, and no person row is ever drawn."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from layers import get_layer, layer_total, load_layer, total_value
from layers.figures import township_rollup
from tests.app.browser import TIMEOUT_MS, map_frame, wait_for_drawn_map
from tests.app.panel import PANEL, panel_text, panel_title
from ui.audience import AUDIENCE_ENV, pages_for
from ui.signin import ROLES
from views.jobs import PAGE

APP = str(Path(__file__).resolve().parents[2] / "app.py")
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
SUNJIAWAN = "211302102"
# The report's figures (就业有门路 增收有项目), as the KPI cards show them.
EMPLOYED = 3834
CHANNELS = {
    "企业安置就业": 293,
    "市外务工": 189,
    "事业编制安置": 40,
    "公益性岗位就业": 690,
    "扶贫车间居家就业": 63,  # the report's "60余", the sample's 63
    "互助就业": 218,
}


def _open() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page("views/jobs.py").run()
    assert not app.exception, app.exception
    return app


def _shown(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def test_kpis_are_the_reports_employment_figures() -> None:
    shown = _shown(_open())
    assert shown["已就业"] == f"{EMPLOYED:,} 人"
    assert shown["就业率"] == "100 %"
    for label, people in CHANNELS.items():
        assert shown[label] == f"{people:,} 人", label
    other = EMPLOYED - sum(CHANNELS.values())  # what the report does not break down
    assert shown["其他就业（报道未细分）"] == f"{other:,} 人"


def test_the_rate_is_computed_not_typed_in() -> None:
    workers = load_layer("workers").copy()
    rate = next(t for t in get_layer("workers").totals if t.key == "rate")
    assert total_value(rate, workers) == 100.0
    workers.loc[workers.index[:1917], "employed"] = "否"  # half of them not employed
    assert total_value(rate, workers) == pytest.approx(100 * (EMPLOYED - 1917) / EMPLOYED)


def test_english_labels_and_units_come_from_the_specs() -> None:
    app = _open()
    app.sidebar.radio[0].set_value("en").run()
    shown = _shown(app)
    assert shown["Employment rate"] == "100 %"
    assert shown["Employed"].startswith("3,834")
    assert shown["Placed with enterprises"].startswith("293")


def test_choosing_a_township_gives_its_employment_in_kpis_and_rollup() -> None:
    app = _open()
    app.selectbox(key="jobs:township:zh").set_value(SUNJIAWAN).run()
    assert not app.exception
    workers = load_layer("workers")
    local = workers[workers["town_code"] == SUNJIAWAN]
    shown = _shown(app)
    assert shown["已就业"] == f"{len(local):,} 人"
    placed = (local["channel"] == "企业安置").sum()
    assert shown["企业安置就业"] == f"{placed:,} 人"
    assert panel_title(app) == "孙家湾镇 · 各类项目汇总"
    text = panel_text(app)
    rollup = township_rollup(SUNJIAWAN, "zh")
    employment = rollup[rollup["layer"] == get_layer("workers").title("zh")]
    assert {"已就业", "就业率", "公益性岗位就业", "其他就业（报道未细分）"} <= set(
        employment["label"]
    )
    assert "有劳动能力贫困人口就业" in text and "公益性岗位" in text and "扶贫车间" in text
    assert f"{len(local):,}" in text


def test_an_employers_panel_shows_placements_and_only_known_wages() -> None:
    app = _open()
    employers = load_layer("employers")
    for row in employers.itertuples():
        app.selectbox(key="jobs:search:zh").set_value(f"employers|{row.uid}").run()
        text = panel_text(app)
        assert f"{row.placed:,}" in text and "nan" not in text.lower() and "<NA>" not in text
        known = not pd.isna(row.wage_mon)  # the store keeps integers with gaps as Int64 (<NA>)
        assert ("2,800" in text) == (known and row.wage_mon == 2800), row.name


def test_no_person_row_is_a_layer_search_entry_or_export_of_the_page() -> None:
    assert "workers" not in PAGE.layers  # the map, search and exports take the page's layers
    assert {"employers", "welfare_posts", "workshops", "park_sites"} <= set(PAGE.layers)
    assert all(layer == "workers" for layer, _ in PAGE.kpis)  # aggregates only
    assert layer_total("park_sites", "jobs")[1] >= 260  # the factory is in the same picture


def test_the_overview_has_the_jobs_layers_but_no_person_rows() -> None:
    from views.overview import PAGE as OVERVIEW

    assert {"employers", "welfare_posts", "workshops", "park_sites"} <= set(OVERVIEW.layers)
    assert "workers" not in OVERVIEW.layers


def test_the_jobs_page_is_for_planners_only(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "jobs" in pages_for("internal") and "jobs" in ROLES["planner"]
    for audience in ("promoter", "public"):
        assert "jobs" not in pages_for(audience)
    assert "jobs" not in ROLES["promoter"]
    monkeypatch.setenv(AUDIENCE_ENV, "promoter")  # a promoter server: the page's own check
    app = AppTest.from_function(_jobs_page, default_timeout=120).run()
    assert [error.value for error in app.error] == ["您的角色无权打开此页面。"]
    assert not app.metric and not app.title


def _jobs_page() -> None:
    from ui.page import render_map_page
    from views.jobs import PAGE

    render_map_page(PAGE)


def test_jobs_page_draws_and_a_township_shows_employment(app_url: str, offline_page) -> None:
    offline_page.goto(f"{app_url}/jobs")
    offline_page.get_by_role("heading", name="就业扶贫").wait_for(timeout=TIMEOUT_MS)
    drawn = wait_for_drawn_map(offline_page)
    employers, posts, shops = (
        len(load_layer(k)) for k in ("employers", "welfare_posts", "workshops")
    )
    assert drawn >= employers + posts + shops + 13  # townships and the page's sites
    overlays = map_frame(offline_page).locator(".leaflet-control-layers-overlays")
    for title in ("就业扶贫企业", "公益性岗位", "扶贫车间", "扶贫工厂与基地"):
        assert overlays.get_by_text(title, exact=True).count() == 1, title
    assert overlays.get_by_text("有劳动能力贫困人口就业").count() == 0  # never person rows
    offline_page.locator("[data-testid='stSelectbox']").filter(has_text="乡镇街道").first.click()
    offline_page.get_by_role("option", name="孙家湾镇").click()
    offline_page.get_by_text("孙家湾镇 · 各类项目汇总").wait_for(timeout=TIMEOUT_MS)
    panel = offline_page.locator(PANEL)
    panel.get_by_text("有劳动能力贫困人口就业", exact=True).wait_for(timeout=TIMEOUT_MS)
    local = (load_layer("workers")["town_code"] == SUNJIAWAN).sum()
    assert panel.get_by_role("row", name="已就业").inner_text().split()[1] == f"{local:,}"
    assert panel.get_by_role("row", name="就业率").inner_text().split()[1] == "100"
    SHOTS.mkdir(parents=True, exist_ok=True)
    offline_page.screenshot(path=str(SHOTS / "jobs-township-rollup.png"), full_page=True)
    assert offline_page.outside_requests == []
