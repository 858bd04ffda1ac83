"""The coverage page's layout in a real browser: the per-township table shows all its columns on a
1600 px screen, and a field team's phone (390×844) reaches every control without scrolling
sideways."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.browser import wait_for_drawn_map, wait_until_idle

SCREENSHOTS = Path("test-output/screenshots")

# For every data frame: its visible width and the width its columns need (glide-data-grid draws
# the columns on a canvas inside a scroller as wide as all of them together).
TABLE_WIDTHS_JS = """() => [...document.querySelectorAll("[data-testid='stDataFrame']")].map(d => {
    const scroller = d.querySelector('.dvn-scroller');
    if (!scroller) return null;  // a table in a closed expander is not drawn
    return {box: d.getBoundingClientRect().width,
            visible: scroller.clientWidth, columns: scroller.scrollWidth};
})"""


def _coverage_page(browser, app_url: str, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(f"{app_url}/coverage")
    wait_for_drawn_map(page)
    wait_until_idle(page)
    # A grid, or on a phone the short tables shown instead (views.coverage.compact).
    page.locator(
        "[data-testid='stDataFrame'] .dvn-scroller, .coverage-compact table"
    ).first.wait_for()
    page.wait_for_timeout(500)  # the grid sizes its columns once drawn
    return context, page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_township_table_shows_its_last_column_at_1600(browser, app_url: str, lang: str) -> None:
    context, page = _coverage_page(browser, app_url, 1600, 1000)
    try:
        if lang == "en":
            page.get_by_text("English", exact=True).click()
            page.get_by_text("Coverage check", exact=True).first.wait_for()
            wait_for_drawn_map(page)
            wait_until_idle(page)
            page.wait_for_timeout(500)
        page.locator("[data-testid='stDataFrame'] .dvn-scroller").first.wait_for()
        township_table = page.evaluate(TABLE_WIDTHS_JS)[0]  # the first table on the page
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"coverage-1600x1000-{lang}.png"))
        # Every column, the last one (达标, after 还差) included, lies inside the table's box.
        assert township_table["columns"] <= township_table["visible"], township_table
    finally:
        context.close()


def test_coverage_page_on_a_phone(browser, app_url: str) -> None:
    context, page = _coverage_page(browser, app_url, 390, 844)
    try:
        width = page.evaluate("() => window.innerWidth")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        controls = {
            "map": page.locator("iframe[title='streamlit_folium.st_folium']").first,
            "rule": page.locator("[data-testid='stSelectbox']").filter(has_text="规则").first,
            "upload": page.locator("[data-testid='stFileUploaderDropzone']").first,
        }
        downloads = page.locator("[data-testid='stDownloadButton'] button")
        assert downloads.count() >= 4
        for index in range(downloads.count()):
            controls[f"download {index}"] = downloads.nth(index)
        for name, control in controls.items():
            control.scroll_into_view_if_needed()
            box = control.bounding_box()
            assert box is not None, name
            assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (name, box)
        page.locator("input[type='file']").first.set_input_files([])  # the input answers
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "coverage-390x844.png"))
    finally:
        context.close()
