"""The coverage page's tables on a field team's phone (390×844) in a real browser: nothing is wider
than the screen or scrolls sideways, data grids included; the tables show the few columns a team
needs, and every control is reached by scrolling down.  A desktop (1366×768) keeps the full grids.

The page runs on its own server with its own visit store: the test imports check-ins."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldwork.coverage import get_target_set, load_targets
from fieldwork.gap_exports import gap_columns
from tests.app.browser import TIMEOUT_MS, wait_for_drawn_map, wait_until_idle
from tests.app.conftest import _served
from ui.i18n import text

SCREENSHOTS = Path("test-output/screenshots")

# What sticks out of the screen: elements wider than it, visible elements reaching past its
# edges (after the clipping of their ancestors: Streamlit hides inputs in 1 px boxes), and data
# grids whose columns scroll sideways inside their box.
OVERFLOW_JS = """() => {
  const width = window.innerWidth, found = [];
  const name = el => (el.getAttribute('data-testid') || el.tagName) + '.' + el.className;
  for (const el of document.querySelectorAll("[data-testid='stMain'] *")) {
    const box = el.getBoundingClientRect();
    if (box.width > width) { found.push(['wider than the screen', name(el), box.width]); continue; }
    if (box.width === 0 || !el.checkVisibility({opacityProperty: true, visibilityProperty: true}))
      continue;
    let left = box.left, right = box.right, hidden = false;
    for (let a = el; a && !hidden; a = a.parentElement) {
      const style = getComputedStyle(a);
      hidden = style.clip !== 'auto' || style.clipPath !== 'none';
      if (a !== el && style.overflowX !== 'visible') {
        const clip = a.getBoundingClientRect();
        left = Math.max(left, clip.left); right = Math.min(right, clip.right);
      }
    }
    if (!hidden && right > left && (left < -0.5 || right > width + 0.5))
      found.push(['past the edge', name(el), left, right]);
  }
  for (const scroller of document.querySelectorAll("[data-testid='stDataFrame'] .dvn-scroller"))
    if (scroller.checkVisibility() && scroller.scrollWidth > scroller.clientWidth + 1)
      found.push(['grid scrolls sideways', scroller.clientWidth, scroller.scrollWidth]);
  if (document.documentElement.scrollWidth > width) found.push(['page scrolls sideways']);
  return found;
}"""
# The visible data grids' column headers.
GRID_HEADERS_JS = """() => [...document.querySelectorAll("[data-testid='stDataFrame']")]
  .filter(grid => grid.checkVisibility())
  .map(grid => [...grid.querySelectorAll('table thead th')].map(th => th.textContent))"""


@pytest.fixture(scope="module")
def visit_store(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("visits") / "visits.sqlite"


@pytest.fixture(scope="module")
def coverage_url(visit_store: Path) -> Iterator[str]:
    environment = {"ATLAS_VISITS_DB": str(visit_store)}
    with _served("internal", environment, name="coverage-phone") as url:
        yield url


def _open(browser, url: str, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{url}/coverage")
    wait_for_drawn_map(page)
    wait_until_idle(page)
    page.wait_for_timeout(500)  # the grids size their columns once drawn
    return context, page


def _compact(page, name: str):
    """The phone's table of the coverage page's `name` table."""
    return page.locator(f"[class*='st-key-coverage-narrow-{name}'] table").first


def _headers(table) -> list[str]:
    return table.locator("thead th").all_inner_texts()


def _reachable(page, controls: dict) -> None:
    """Each control comes into view by scrolling and lies within the screen's width."""
    width = page.viewport_size["width"]
    for name, control in controls.items():
        control.scroll_into_view_if_needed()
        assert control.is_visible(), name
        box = control.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (
            name,
            box,
        )


def _check_ins(folder: Path) -> tuple[Path, list[str]]:
    """A phone form's CSV: three villages visited yesterday and a point in Beijing."""
    villages = load_targets(get_target_set("villages")).head(3)
    yesterday = (dt.datetime.now() - dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    points = villages.geometry.representative_point()
    rows = [f"{p.x},{p.y},{yesterday},手机测试队,入户" for p in points]
    rows.append(f"116.40,39.90,{yesterday},手机测试队,北京")
    path = folder / "手机打卡.csv"
    path.write_text("经度,纬度,时间,工作队,备注\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path, list(villages["name"])


def test_the_coverage_tables_fit_a_phone(
    browser, coverage_url: str, visit_store: Path, tmp_path: Path
) -> None:
    context, page = _open(browser, coverage_url, 390, 844)
    try:
        assert page.evaluate(OVERFLOW_JS) == []
        labels = gap_columns("zh")
        assert _headers(_compact(page, "townships")) == [
            text(f"cov_col_{key}", "zh") for key in ("town", "rate", "short")
        ]
        assert _headers(_compact(page, "gaps")) == [labels[k] for k in ("name", "town", "reason")]
        controls = {
            "rule": page.locator("[data-testid='stSelectbox']").filter(has_text="规则").first,
            "township table": _compact(page, "townships"),
            "gap list": _compact(page, "gaps"),
            "upload": page.locator("[data-testid='stFileUploaderDropzone']").first,
        }
        downloads = page.locator("[data-testid='stDownloadButton'] button")
        assert downloads.count() == 5
        controls |= {f"download {n}": downloads.nth(n) for n in range(downloads.count())}
        _reachable(page, controls)

        form, names = _check_ins(tmp_path)
        page.locator("input[type='file']").first.set_input_files(str(form))
        page.locator("[data-testid='stFormSubmitButton'] button").first.click()
        page.get_by_text("手机打卡.csv：4 个点", exact=False).wait_for(timeout=TIMEOUT_MS)
        wait_until_idle(page)
        page.get_by_text(text("cov_history", "zh"), exact=True).click()  # open the history
        page.wait_for_timeout(500)
        assert page.evaluate(OVERFLOW_JS) == []
        report = _compact(page, "report")
        assert _headers(report) == [
            text(f"cov_rep_{key}", "zh") for key in ("source_row", "status", "target_name")
        ]
        shown = report.inner_text()
        assert all(name in shown for name in names) and "区外" in shown
        _reachable(page, {"report": report, "history": _compact(page, "history")})
        assert str(visit_store.parent) not in page.inner_text("body")  # no server path shown
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "coverage-phone-report-390x844.png"))
    finally:
        context.close()


def test_a_desktop_keeps_the_full_tables(browser, coverage_url: str) -> None:
    context, page = _open(browser, coverage_url, 1366, 768)
    try:
        township = [
            text(f"cov_col_{key}", "zh")
            for key in ("town", "targets", "covered", "rate", "target_rate", "short", "met")
        ]
        # A grid fills its header row once on screen and drawn: bring each into view and wait.
        for grid in page.locator("[data-testid='stDataFrame']").all()[:2]:
            grid.scroll_into_view_if_needed()
            grid.locator("table thead th").first.wait_for(state="attached", timeout=TIMEOUT_MS)
        grids = page.evaluate(GRID_HEADERS_JS)
        assert grids[:2] == [township, list(gap_columns("zh").values())], grids
        assert not _compact(page, "townships").is_visible()
        assert not _compact(page, "gaps").is_visible()
        assert page.evaluate(OVERFLOW_JS) == []  # every column inside its grid's box
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "coverage-1366x768.png"))
    finally:
        context.close()
