"""Issue 14 item 5: the presentation page is a showcase for a big screen: the sidebar collapsed,
the map filling the screen, a site search, a clean site card and a large legend."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from layers import get_layer, load_layer
from tests.app.browser import MAP_FRAME, TIMEOUT_MS, map_frame, wait_for_drawn_map
from tests.app.panel import CARD, card_html, card_text, card_title
from views.presentation import SEARCH_KEY

APP = str(Path(__file__).resolve().parents[2] / "app.py")
CARD_LABELS_ZH = ("项目阶段", "产业", "计划总投资", "用地面积", "带动就业", "乡镇街道")
# What a viewer must never read: technical fields, internal fields and stored ids.
TECHNICAL = ("要素编号", "乡镇街道代码", "联系人", "洽谈备注", "Feature ID", "enclave-")


def _presentation(lang: str = "zh") -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120)
    if lang == "en":
        app.session_state["lang"] = "en"
    app.switch_page("views/presentation.py")
    app.run()
    assert not app.exception
    return app


def _site(name_part: str):
    sites = load_layer("enclave_projects")
    return sites[sites["name"].str.contains(name_part)].iloc[0]


def test_a_site_found_by_name_shows_its_clean_card_and_moves_the_map() -> None:
    app = _presentation()
    assert card_html(app) == ""  # nothing chosen yet: a hint, no card
    site = _site("金华园")
    search = app.selectbox(key=SEARCH_KEY)
    assert search.format_func(site["uid"]) == site["name"]
    search.set_value(site["uid"]).run()
    assert not app.exception
    assert card_title(app) == site["name"]
    shown = card_text(app)
    for label in CARD_LABELS_ZH:
        assert label in shown
    assert f"{site['invest_wan'] / 10_000:g} 亿元" in shown  # investment in 亿元, from the data
    assert f"{int(site['jobs'])} 人" in shown and site["town"] in shown and site["status"] in shown
    assert not any(word in shown for word in TECHNICAL), shown
    center, zoom = app.session_state["enclave:view"]
    spot = site.geometry.representative_point()
    assert abs(center[0] - spot.y) < 0.01 and abs(center[1] - spot.x) < 0.01 and zoom >= 13


def test_the_card_is_in_english_with_the_english_switch() -> None:
    app = _presentation("en")
    site = _site("金华园")
    app.selectbox(key=SEARCH_KEY).set_value(site["uid"]).run()
    shown = card_text(app)
    assert card_title(app) == site["name_en"]
    assert f"{site['invest_wan'] / 100:g} million yuan" in shown
    assert "Stage" in shown and "Township" in shown
    assert not any("\u4e00" <= char <= "\u9fff" for char in shown), shown


def test_a_click_on_a_township_selects_no_site_and_the_search_follows_a_click() -> None:
    app = _presentation()
    townships = load_layer("townships")
    town = townships.iloc[0]
    spot = town.geometry.representative_point()
    app.session_state["enclave:map"] = {
        "last_active_drawing": {"properties": {"_layer": "townships", "_id": town["code"]}},
        "last_object_clicked": {"lat": spot.y, "lng": spot.x},
    }
    app.run()
    assert card_html(app) == "" and app.info, "a township click opened something"
    site = _site("金华园")
    spot = site.geometry.representative_point()
    app.session_state["enclave:map"] = {
        "last_active_drawing": {"properties": {"_layer": "enclave_projects", "_id": site["uid"]}},
        "last_object_clicked": {"lat": spot.y, "lng": spot.x},
    }
    app.run()
    assert card_title(app) == site["name"]
    assert app.selectbox(key=SEARCH_KEY).value == site["uid"]  # the box names the clicked site


def test_the_spec_may_not_put_an_internal_field_on_the_card() -> None:
    from dataclasses import replace

    from layers.spec import CardRow, LayerSpecError

    spec = get_layer("enclave_projects")
    with pytest.raises(LayerSpecError, match="card field 'contact' is internal"):
        replace(spec, card=(*spec.card, CardRow("contact")))


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)], ids=["1366x768", "1920x1080"])
def test_the_showcase_fills_a_big_screen(app_url, browser, size) -> None:
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.goto(f"{app_url}/presentation")
        wait_for_drawn_map(page)
        page.wait_for_timeout(1500)  # the frame takes its fitted height
        sidebar = page.locator("[data-testid='stSidebar']")
        assert sidebar.get_attribute("data-collapsed") == "true"
        box = page.locator(MAP_FRAME).first.bounding_box()
        print(f"{width}x{height}: map {box['width']:.0f}x{box['height']:.0f} at y {box['y']:.0f}")
        assert box["width"] >= 0.6 * width and box["height"] >= 0.7 * height
        assert box["y"] + box["height"] <= height  # all of it on the screen
        legend_zoom = map_frame(page).evaluate(
            "() => getComputedStyle(document.querySelector('.atlas-legend')).zoom"
        )
        assert float(legend_zoom) >= 1.5

        site = _site("金华园")
        search = page.locator("[data-testid='stMain'] [data-testid='stSelectbox']").first
        search.click()
        page.keyboard.type("金华园")
        page.get_by_role("option", name=site["name"]).click()
        card = page.locator(CARD)
        card.locator("h2").filter(has_text=site["name"]).wait_for(timeout=TIMEOUT_MS)
        assert sidebar.get_attribute("data-collapsed") == "true"  # a rerun keeps it folded
        card_box = card.bounding_box()
        assert card_box["y"] + card_box["height"] <= height, "the card runs off the screen"
        labels = card.locator("dt").all()
        assert all(label.evaluate("e => e.scrollHeight <= e.clientHeight + 2") for label in labels)
        assert all(len(label.inner_text().splitlines()) == 1 for label in labels)  # no wrapping
        main = page.locator("[data-testid='stMain']").inner_text()
        assert not any(word in main for word in TECHNICAL), main
        Path("test-output/screenshots").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"test-output/screenshots/presentation-card-{width}x{height}.png")
    finally:
        context.close()
