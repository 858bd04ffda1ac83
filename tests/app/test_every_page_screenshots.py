"""Issue 14: every page at a laptop's, a big screen's and a phone's size, as a person sees it.

Each page is opened by its URL, drawn to the end, checked for what would stop a user (an error,
"page not found", a page wider than the screen, a map that did not draw, Chinese missing), and
photographed to test-output/screenshots/pages/ for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.browser import MAP_FRAME, TIMEOUT_MS, wait_for_drawn_map, wait_until_idle

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots" / "pages"
SIZES = {"1366x768": (1366, 768), "1920x1080": (1920, 1080), "390x844": (390, 844)}
# url path → (a heading the page shows, whether it has a map)
PAGES = {
    "overview": ("总览", True),
    "poverty": ("脱贫与产业", True),
    "jobs": ("就业扶贫", True),
    "enclave": ("飞地招商", True),
    "night": ("夜经济", True),
    "renovation": ("老旧小区改造", True),
    "coverage": ("覆盖核查", True),
    "data": ("数据管理", False),
    "history": ("变更记录", False),
    "presentation": ("双塔区飞地招商项目", True),
    "about": ("关于", False),
}
# How far the page reaches past the screen's right edge, counting every element of the page.
OVERFLOW_JS = """() => {
    const width = document.documentElement.clientWidth;
    const main = document.querySelector("[data-testid='stMain']");
    let widest = Math.max(document.documentElement.scrollWidth, main.scrollWidth + main.getBoundingClientRect().left);
    return widest - width;
}"""


@pytest.fixture(scope="module", params=list(SIZES), ids=list(SIZES))
def sized_page(request, browser, app_url):
    width, height = SIZES[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    yield request.param, page
    context.close()


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_opens_cleanly_at_every_size(sized_page, app_url, path) -> None:
    size, page = sized_page
    heading, has_map = PAGES[path]
    page.goto(f"{app_url}/{path}")
    page.locator("h1").filter(has_text=heading).first.wait_for(timeout=TIMEOUT_MS)
    if has_map:
        wait_for_drawn_map(page)
    wait_until_idle(page)
    page.wait_for_timeout(800)  # the map's frame takes its fitted height
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{path}-{size}.png"))
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "Page not found" not in body and "Traceback" not in body
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.evaluate(OVERFLOW_JS) <= 1, f"{path} at {size} is wider than the screen"
    if size == "390x844":  # KPI figures two to a row on a phone, not one long column
        tops = page.locator("[data-testid='stMetric']").evaluate_all(
            "cards => cards.map(card => Math.round(card.getBoundingClientRect().top))"
        )
        assert len(set(tops)) <= (len(tops) + 1) // 2, (
            f"{path}: {len(tops)} KPIs in {len(set(tops))} rows"
        )
    if has_map:
        box = page.locator(MAP_FRAME).first.bounding_box()
        assert box["width"] > 0.8 * page.viewport_size["width"] or size != "390x844"
        assert box["height"] <= page.viewport_size["height"], "the map is higher than the screen"
