"""The live layer store in a real browser (issue 16): a planner opens an enclave project from the
search, changes its stage from 洽谈 to 签约 in the panel's edit form with a date some days ago,
and the pipeline moves by exactly that project; the sidebar date set to the day before shows the
old stage and figures; a rollback on the data page brings the figures back; the GeoPackage, read
with pyogrio, holds the change and the rolled-back stage. Nothing leaves the machine.

The server has a store of its own (a fresh GeoPackage), so the edit touches no other test.
Screenshots (1366×768, and the edit form and versions table at 1920×1080 and 390×844) go to
test-output/screenshots/ for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from playwright.sync_api import Error as PlaywrightError

from layers import STORE_ENV, get_layer, layer_store
from layers.formatting import format_figure
from store import beijing_today
from tests.app.browser import TIMEOUT_MS, wait_for_drawn_map, wait_until_idle
from tests.app.conftest import _served
from tests.app.panel import PANEL
from views.enclave import PAGE as ENCLAVE
from views.enclave import STAGES

LAYER = "enclave_projects"
AUTHOR = "王规划"
COMMENT = "签约仪式"
ROLLBACK_COMMENT = "签约未成，恢复原状"
DAYS_AGO = 6  # the edit holds from this many days ago: the day before it can be viewed
LAPTOP = {"width": 1366, "height": 768}
OTHER_SIZES = {
    "1920x1080": {"width": 1920, "height": 1080},
    "390x844": {"width": 390, "height": 844},
}
POLL_S = 0.2
# Counts the app's finished script runs and notes when its run state last changed: waits for
# "the run this click started is over, and no other followed it" (the map sends its state
# back after it is drawn, which starts another run).
COUNT_RUNS = """
window.__atlasRuns = 0;
window.__atlasChangedAt = 0;
new MutationObserver(records => {
  for (const record of records) {
    if (record.attributeName !== "data-test-script-state") continue;
    if (record.oldValue === "running") window.__atlasRuns += 1;  // a run ended (or restarted)
    window.__atlasChangedAt = performance.now();
  }
  const app = document.querySelector("[data-testid='stApp']");
  window.__atlasState = app ? app.getAttribute("data-test-script-state") : null;
}).observe(document, {subtree: true, childList: true, attributes: true, attributeOldValue: true,
                      attributeFilter: ["data-test-script-state"]});
"""
QUIET_MS = 1000
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


@pytest.fixture(scope="module")
def live_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A server of the app over a fresh store of its own, seeded here before it starts."""
    path = tmp_path_factory.mktemp("live-store") / "atlas.gpkg"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(STORE_ENV, str(path))
        layer_store()  # seeds the GeoPackage from data/shapefiles
    with _served("internal", {STORE_ENV: str(path)}, name="live-store") as url:
        yield url, path


# --- what the page should show, computed from the store's data ------------------------------


def _stored(path: Path) -> gpd.GeoDataFrame:
    """The enclave layer as the GeoPackage holds it now (its current-state table)."""
    return pyogrio.read_dataframe(path, layer=LAYER)


def _stage_labels() -> dict[str, str]:
    """Stage → the label of its pipeline card (an arrow before every stage but the first)."""
    labels = {c.value: c.label("zh") for c in get_layer(LAYER).style.categories}
    return {stage: ("→ " if index else "") + labels[stage] for index, stage in enumerate(STAGES)}


def _pipeline(frame: gpd.GeoDataFrame) -> dict[str, tuple[str, str]]:
    """Stage card label → (count, investment in 亿元) as the page writes them."""
    _, value_field = ENCLAVE.pipeline
    shown = {}
    for stage, label in _stage_labels().items():
        at_stage = frame[frame["status"] == stage]
        investment = format_figure(at_stage[value_field].sum() / 10_000)
        shown[label] = (f"{len(at_stage)} 个", f"{investment} 亿元")
    return shown


# --- what the page shows --------------------------------------------------------------------


def _metrics(page) -> dict[str, tuple[str, str]]:
    """Every metric card of the main area: label → (value, delta or '')."""
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll(
             "[data-testid='stMain'] [data-testid='stMetric']")].map(m => {
           const part = id => (m.querySelector(`[data-testid='${id}']`) || {}).innerText || "";
           return [part("stMetricLabel").trim(),
                   [part("stMetricValue").trim(), part("stMetricDelta").trim()]];
         }))"""
    )


def _shown_pipeline(page) -> dict[str, tuple[str, str]]:
    labels = set(_stage_labels().values())
    return {label: tuple(shown) for label, shown in _metrics(page).items() if label in labels}


def _kpis(page) -> dict[str, tuple[str, str]]:
    """The KPI cards above the filters (every metric but the pipeline's)."""
    labels = set(_stage_labels().values())
    return {label: tuple(shown) for label, shown in _metrics(page).items() if label not in labels}


def _wait_for_pipeline(page, expected: dict[str, tuple[str, str]]) -> None:
    """Poll until the pipeline cards read `expected` (a rerun may still be drawing them)."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while _shown_pipeline(page) != expected and time.monotonic() < deadline:
        page.wait_for_timeout(POLL_S * 1000)
    wait_until_idle(page)
    assert _shown_pipeline(page) == expected


def _panel_stage(page) -> str:
    """The stage the panel shows for the selected project."""
    label = get_layer(LAYER).field("status").label("zh")
    row = page.locator(f"{PANEL} tr").filter(has=page.locator("th", has_text=label))
    return row.locator("td").first.inner_text().strip()


def _main(page):
    return page.locator("[data-testid='stMain']")


def _after_run(page, action) -> None:
    """Do `action` and wait until the script run it started has finished (the page's
    status widget is not reliable right after a click: the run may not have begun)."""
    runs = page.evaluate("() => window.__atlasRuns")
    action()
    page.wait_for_function("runs => window.__atlasRuns > runs", arg=runs, timeout=TIMEOUT_MS)
    _settled(page)


def _settled(page) -> None:
    """Wait until no script run has gone on for QUIET_MS."""
    try:
        page.wait_for_function(
            """quiet => window.__atlasState === "notRunning"
                 && performance.now() - window.__atlasChangedAt >= quiet""",
            arg=QUIET_MS,
            timeout=TIMEOUT_MS,
            polling=100,
        )
    except PlaywrightError as error:
        state = page.evaluate("() => [window.__atlasState, window.__atlasRuns]")
        raise AssertionError(
            f"the app never rested for {QUIET_MS} ms (state, runs: {state})"
        ) from error
    wait_until_idle(page)


def _choose(page, scope, label: str, option: str) -> None:
    """Pick `option` in the selectbox labelled `label` inside `scope`."""
    scope.locator("[data-testid='stSelectbox']").filter(has_text=label).first.click()
    page.keyboard.type(option)  # the list opens and narrows as one types
    page.get_by_role("option", name=option, exact=True).click()


def _type_date(page, date_input, day: dt.date) -> None:
    """Type `day` into a Streamlit date input (year, month and day fields, the cursor moving on
    by itself) and click elsewhere on the page: the input takes the date when it loses focus
    (Enter and Tab do not leave it)."""
    date_input.locator("[role='spinbutton'][data-type='year']").click()
    page.keyboard.type(day.strftime("%Y%m%d"))
    _main(page).locator("h1").first.click()


def _shoot(page, name: str, element=None, *, where: str = "start") -> None:
    """A screenshot of what the window shows (Streamlit scrolls inside its main area), with
    `element` scrolled to the window's top (`where` "start") or bottom ("end") first."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if element is not None:
        element.evaluate("(e, where) => e.scrollIntoView({block: where})", where)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def _shoot_sizes(page, name: str, element) -> None:
    """`element` also on a big screen and a phone, then back to the laptop."""
    for size, viewport in OTHER_SIZES.items():
        page.set_viewport_size(viewport)
        _settled(page)
        _shoot(page, f"{name}-{size}", element)
    page.set_viewport_size(LAPTOP)
    _settled(page)


# --- the test -------------------------------------------------------------------------------


def test_edit_view_the_day_before_roll_back_and_read_the_geopackage(
    live_store: tuple[str, Path], offline_page
) -> None:
    url, store_path = live_store
    page = offline_page
    page.set_viewport_size(LAPTOP)
    page.add_init_script(COUNT_RUNS)
    original = _stored(store_path)
    project = original[original["status"] == "洽谈"].sort_values("invest_wan").iloc[-1]
    signed = original.assign(
        status=original["status"].where(original["uid"] != project["uid"], "签约")
    )
    effective = beijing_today() - dt.timedelta(days=DAYS_AGO)
    day_before = effective - dt.timedelta(days=1)
    assert _pipeline(signed) != _pipeline(original)  # the edit must move the figures

    # The enclave page as it is now: its pipeline is the store's.
    page.goto(f"{url}/enclave")
    wait_for_drawn_map(page)
    _wait_for_pipeline(page, _pipeline(original))
    kpis = _kpis(page)

    # Find the project by name, open its edit form, give a name, the new stage, date and why.
    main = _main(page)
    main.locator("[data-testid='stSelectbox']").filter(has_text="查找要素").click()
    page.keyboard.type(project["name"])
    _after_run(page, page.get_by_role("option", name=f"{project['name']} · 飞地项目").click)
    page.locator(f"{PANEL} h3").filter(has_text=project["name"]).wait_for(timeout=TIMEOUT_MS)
    assert _panel_stage(page) == "洽谈"
    editor = main.locator("[data-testid='stExpander']").filter(has_text="编辑这个要素")
    editor.get_by_text("编辑这个要素", exact=True).click()
    name = editor.locator("input[aria-label='你的姓名（记入变更记录）']")
    name.fill(AUTHOR)
    _after_run(page, lambda: name.press("Enter"))
    form = editor.locator("[data-testid='stForm']")
    _choose(page, form, "项目阶段", "签约")  # in a form: no run until it is sent
    _type_date(page, form.locator("[data-testid='stDateInput']"), effective)
    form.locator("input[aria-label='说明（必填：为什么改）']").fill(COMMENT)
    _shoot(page, "live-store-1-edit-form-1366x768", editor)
    _shoot(page, "live-store-1-edit-form-end-1366x768", form, where="end")
    _shoot_sizes(page, "live-store-1-edit-form", editor)

    # After the size screenshots the page may be mid-rerun, briefly showing the form twice
    # (Streamlit keeps the old element until the new one replaces it): settle, then click.
    _settled(page)
    form.get_by_role("button", name="保存修改").last.click()
    saved = main.get_by_text(f"已保存为版本 2，自 {effective.isoformat()} 起生效。")
    saved.wait_for(timeout=TIMEOUT_MS)
    _settled(page)
    _wait_for_pipeline(page, _pipeline(signed))
    assert _panel_stage(page) == "签约"
    assert _kpis(page) == kpis  # a stage change moves no total: count, investment, land
    _shoot(page, "live-store-2-saved-1366x768", main.locator("h1"))
    _shoot(page, "live-store-2-saved-message-1366x768", saved, where="center")

    # The day before the change held: the old stage and the old figures, and no editing.
    sidebar = page.locator("[data-testid='stSidebar']")
    date_input = sidebar.locator("[data-testid='stDateInput']")
    banner = main.get_by_text("结束时的状况，不是现在", exact=False)
    _type_date(page, date_input, day_before)
    main.get_by_text(f"正在查看 {day_before.isoformat()} 结束时的状况", exact=False).wait_for(
        timeout=TIMEOUT_MS
    )
    _settled(page)
    _wait_for_pipeline(page, _pipeline(original))
    assert _panel_stage(page) == "洽谈"
    assert main.get_by_text("正在查看过去的日期：回到现在才能编辑。").count() == 1
    assert editor.count() == 0
    _shoot(page, "live-store-3-day-before-1366x768", main.locator("h1"))
    # On the day it holds from, the new stage.
    _type_date(page, date_input, effective)
    main.get_by_text(f"正在查看 {effective.isoformat()} 结束时的状况", exact=False).wait_for(
        timeout=TIMEOUT_MS
    )
    _settled(page)
    _wait_for_pipeline(page, _pipeline(signed))
    assert _panel_stage(page) == "签约"
    sidebar.get_by_role("button", name="回到现在").click()
    banner.wait_for(state="detached", timeout=TIMEOUT_MS)
    _settled(page)
    assert banner.count() == 0 and "yyyy" in date_input.inner_text()
    _wait_for_pipeline(page, _pipeline(signed))

    # The data page of the same session: the layer's versions, and a rollback to version 1.
    sidebar.get_by_role("link", name="数据管理").click()
    main.get_by_role("heading", name="图层版本与回退").wait_for(timeout=TIMEOUT_MS)
    _settled(page)
    _choose(page, main, "图层", "飞地项目")
    rollback = main.locator("[data-testid='stForm']").filter(has_text="回退到")
    rollback.wait_for(timeout=TIMEOUT_MS)  # the form is there once the layer shows
    _settled(page)
    versions = main.locator("[data-testid='stDataFrame']").last
    rollback.locator("input[aria-label='说明（必填：为什么改）']").fill(ROLLBACK_COMMENT)
    rollback.get_by_text("我明白：回退会写成新的版本 3", exact=False).click()
    _shoot(page, "live-store-4-versions-1366x768", versions)
    _shoot_sizes(page, "live-store-4-versions", versions)
    rollback.get_by_role("button", name="回退", exact=True).click()
    main.get_by_text("已把「飞地项目」回退到版本 1 时的状况，记为版本 3。").wait_for(
        timeout=TIMEOUT_MS
    )
    rollback.get_by_text("我明白：回退会写成新的版本 4", exact=False).wait_for(timeout=TIMEOUT_MS)
    _settled(page)
    # A fresh form for the next rollback: the comment does not carry over.
    assert rollback.locator("input[aria-label='说明（必填：为什么改）']").input_value() == ""
    _shoot(page, "live-store-5-rolled-back-1366x768", versions)

    # Back on the enclave page: the figures as before the edit.
    sidebar.get_by_role("link", name="飞地招商").click()
    wait_for_drawn_map(page)
    _settled(page)
    assert banner.count() == 0
    _wait_for_pipeline(page, _pipeline(original))
    assert _kpis(page) == kpis
    assert _panel_stage(page) == "洽谈"
    _shoot(page, "live-store-6-enclave-after-rollback-1366x768", main.locator("h1"))

    # The GeoPackage as GDAL reads it: the change recorded with its author, and the stage back.
    changes = pyogrio.read_dataframe(store_path, layer="atlas_changes")
    rows = changes[(changes["layer"] == LAYER) & (changes["uid"] == project["uid"])]
    edit = rows[rows["version"] == 2].iloc[0]
    assert (edit["author"], edit["comment"], edit["effective"]) == (
        AUTHOR,
        COMMENT,
        effective.isoformat(),
    )
    assert json.loads(edit["fields"]) == ["status"]
    assert (json.loads(edit["before"])["status"], json.loads(edit["after"])["status"]) == (
        "洽谈",
        "签约",
    )
    undone = rows[rows["version"] == 3].iloc[0]
    assert json.loads(undone["after"])["status"] == "洽谈"
    now = _stored(store_path).set_index("uid")
    assert now.loc[project["uid"], "status"] == "洽谈"
    assert _pipeline(now.reset_index()) == _pipeline(original)
    assert page.outside_requests == []
