"""Chinese text reads on a machine with no CJK font (issue 14, item 13): the app ships its own.

Chromium is started with a fontconfig that knows only DejaVu (no CJK glyphs), as on a Linux
kiosk or a projector PC. Tofu boxes are the same picture for every character, real glyphs are
not: each character of a heading and of a map label is drawn in the element's own computed font
and the pictures must differ.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from maps.assets import FONT_FAMILY, font_faces
from tests.app.browser import TIMEOUT_MS, map_frame, wait_for_drawn_map
from tests.app.conftest import CHROMIUM, CHROMIUM_ARGS, PAGE_TIMEOUT_MS, ROOT

SCREENSHOTS = ROOT / "test-output" / "screenshots"
LOCAL = ("http://127.0.0.1", "http://localhost", "data:", "blob:", "about:")
# Only Latin fonts (no CJK glyph), with the system's rules (Arial and Helvetica → Liberation).
_FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>{dirs}<cachedir>{cache}</cachedir>
<include ignore_missing="yes">/etc/fonts/conf.d</include></fontconfig>
"""
# Debian's Latin fonts that Chromium brings: Liberation stands in for Arial and Helvetica, so
# a map's text meets a system font before the shipped one, as on a kiosk.
LATIN_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/truetype/liberation"),
)
FIRST_LOAD_FONT_BYTES = 2_500_000

# How many different pictures the characters of an element's text make in its computed font.
DISTINCT_GLYPHS_JS = """
async (selector) => {
    const element = document.querySelector(selector);
    const style = getComputedStyle(element);
    const font = `${style.fontWeight} 32px ${style.fontFamily}`;
    const characters = [...new Set(element.textContent.replace(/[^\\u4e00-\\u9fff]/g, ""))];
    await document.fonts.load(font, characters.join(""));
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 48;
    const context = canvas.getContext("2d", {willReadFrequently: true});
    const pictures = new Set();
    for (const character of characters) {
        context.clearRect(0, 0, 48, 48);
        context.font = font;
        context.fillText(character, 4, 40);
        pictures.add(context.getImageData(0, 0, 48, 48).data.join(","));
    }
    return {characters: characters.length, pictures: pictures.size, family: style.fontFamily};
}
"""
# Every CJK character of an element's text as the page laid it out: [character, width / font
# size]. A real glyph is a full em wide; Chromium's box for a character it could not draw
# is about 0.6 em (a canvas check does not see this: it shapes the text afresh).
LAID_OUT_WIDTHS_JS = """
(selector) => {
    const widths = [];
    const walker = document.createTreeWalker(document.querySelector(selector), NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const size = parseFloat(getComputedStyle(node.parentElement).fontSize);
        for (let i = 0; i < node.data.length; i++) {
            if (node.data[i] < "\u4e00" || node.data[i] > "\u9fff") continue;
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            widths.push([node.data[i], range.getBoundingClientRect().width / size]);
        }
    }
    return widths;
}
"""
# The shipped family has faces the page itself loaded (before the test asked for any glyph).
LOADED_FACES_JS = """
async (family) => {
    await document.fonts.ready;
    return [...document.fonts].filter(
        (face) => face.family.replace(/["']/g, "") === family && face.status === "loaded"
    ).length;
}
"""


@pytest.fixture
def cjk_less_page(browser, tmp_path: Path):
    """An offline page in a Chromium that sees no system CJK font."""
    conf = tmp_path / "fonts.conf"
    dirs = "".join(f"<dir>{folder}</dir>" for folder in LATIN_FONTS if folder.is_dir())
    conf.write_text(_FONTS_CONF.format(dirs=dirs, cache=tmp_path / "cache"))
    chromium = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        env={**os.environ, "FONTCONFIG_FILE": str(conf)},
    )
    context = chromium.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.outside_requests = []
    page.font_bytes = []

    def only_local(route) -> None:
        if route.request.url.startswith(LOCAL):
            route.continue_()
        else:
            page.outside_requests.append(route.request.url)
            route.abort()

    def count_font(response) -> None:
        if response.url.endswith(".woff2"):
            page.font_bytes.append(len(response.body()))

    context.route("**/*", only_local)
    page.on("response", count_font)
    yield page
    context.close()
    chromium.close()


def _assert_real_glyphs(document, selector: str) -> None:
    assert document.evaluate(LOADED_FACES_JS, FONT_FAMILY) > 0, f"{FONT_FAMILY} never loaded"
    drawn = document.evaluate(DISTINCT_GLYPHS_JS, selector)
    assert drawn["characters"] >= 2, drawn
    # Tofu: every character the same box. Real glyphs: as many pictures as characters.
    assert drawn["pictures"] == drawn["characters"], drawn


def _assert_laid_out_glyphs(document, selector: str) -> None:
    """Every CJK character of `selector` was drawn a full em wide: none is a box."""
    document.wait_for_timeout(2000)  # slices of the font the text needs arrive
    widths = document.evaluate(LAID_OUT_WIDTHS_JS, selector)
    assert len(widths) >= 2, widths
    boxes = [character for character, width in widths if width < 0.9]
    assert not boxes, f"drawn as boxes in {selector}: {''.join(boxes)}"


def test_the_presentation_maps_large_legend_reads_without_a_system_cjk_font(
    app_url: str, cjk_less_page
) -> None:
    page = cjk_less_page
    page.goto(f"{app_url}/presentation")
    wait_for_drawn_map(page)
    _assert_laid_out_glyphs(map_frame(page), ".atlas-legend")
    _assert_laid_out_glyphs(page, "h1")
    _assert_laid_out_glyphs(page, "[data-testid='stSidebarNav']")
    assert page.outside_requests == []


def test_chinese_reads_without_a_system_cjk_font(app_url: str, cjk_less_page) -> None:
    page = cjk_less_page
    page.goto(app_url)
    wait_for_drawn_map(page)
    page.locator("h1").first.wait_for(timeout=TIMEOUT_MS)
    _assert_real_glyphs(page, "h1")
    for selector in ("h1", "[data-testid='stSidebarNav']", "[data-testid='stMetricLabel']"):
        _assert_laid_out_glyphs(page, selector)
    frame = map_frame(page)
    frame.locator(".leaflet-control-layers-overlays label").first.wait_for(
        state="attached", timeout=TIMEOUT_MS
    )
    _assert_real_glyphs(frame, ".leaflet-control-layers-overlays label")
    _assert_real_glyphs(frame, ".leaflet-control details")  # the legend
    _assert_laid_out_glyphs(frame, ".atlas-legend")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "overview-no-system-cjk-font.png"))
    assert page.outside_requests == []
    # Only the unicode-range slices the page needs (about 1.4 MB of the 4.9 MB shipped).
    assert 0 < sum(page.font_bytes) < FIRST_LOAD_FONT_BYTES


def test_the_font_leaves_the_dark_theme_to_the_viewer(app_url: str, offline_page) -> None:
    offline_page.emulate_media(color_scheme="dark")
    offline_page.goto(app_url)
    heading = offline_page.locator("h1").first
    heading.wait_for(timeout=TIMEOUT_MS)
    assert FONT_FAMILY in heading.evaluate("h => getComputedStyle(h).fontFamily")
    background = offline_page.locator("[data-testid='stApp']").evaluate(
        "app => getComputedStyle(app).backgroundColor"
    )
    assert background != "rgb(255, 255, 255)", "a dark system setting got the light theme"


def test_the_theme_names_the_font_and_leaves_its_faces_to_the_stylesheet() -> None:
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))["theme"]
    for base in ("light", "dark"):
        assert theme[base]["font"] == f'"Source Sans", "{FONT_FAMILY}"'
    assert "fontFaces" not in theme  # Streamlit would send them again on every rerun
    assert len(font_faces()) == 202  # the stylesheet app.py imports holds them all


def test_a_rerun_does_not_send_the_font_again(app_url: str, offline_page) -> None:
    """A click's rerun sends the page's changes, not the font's 202 faces (170 KB each run)."""
    page = offline_page
    frames: list[int] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda data: frames.append(len(data))))
    page.goto(f"{app_url}/about")
    page.locator("h1").first.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_timeout(1000)
    frames.clear()
    page.get_by_text("English").first.click()
    page.locator("h1").filter(has_text="About").first.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_timeout(1000)
    assert frames and max(frames) < 40_000, f"largest message of a rerun: {max(frames)} bytes"
