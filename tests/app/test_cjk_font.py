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
# Only Latin fonts: DejaVu has no CJK glyph (an empty directory would do as well).
_FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>{fonts}</dir><cachedir>{cache}</cachedir></fontconfig>
"""
LATIN_FONTS = Path("/usr/share/fonts/truetype/dejavu")
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
    conf.write_text(_FONTS_CONF.format(fonts=LATIN_FONTS, cache=tmp_path / "cache"))
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


def test_chinese_reads_without_a_system_cjk_font(app_url: str, cjk_less_page) -> None:
    page = cjk_less_page
    page.goto(app_url)
    wait_for_drawn_map(page)
    page.locator("h1").first.wait_for(timeout=TIMEOUT_MS)
    _assert_real_glyphs(page, "h1")
    frame = map_frame(page)
    frame.locator(".leaflet-control-layers-overlays label").first.wait_for(
        state="attached", timeout=TIMEOUT_MS
    )
    _assert_real_glyphs(frame, ".leaflet-control-layers-overlays label")
    _assert_real_glyphs(frame, ".leaflet-control details")  # the legend
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


def test_streamlit_theme_lists_every_face_of_the_shipped_font() -> None:
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))["theme"]
    for base in ("light", "dark"):
        assert theme[base]["font"] == f'"Source Sans", "{FONT_FAMILY}"'
    assert theme["fontFaces"] == font_faces(), (
        "regenerate [[theme.fontFaces]] in .streamlit/config.toml from maps.assets.font_faces()"
    )
