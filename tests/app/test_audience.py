"""The server's configured audience decides which pages exist; the presentation view shows sites."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from layers import load_layer
from tests.app.browser import TIMEOUT_MS, wait_for_drawn_map
from tests.app.panel import card_text, card_title
from ui.audience import AUDIENCES, pages_for, server_audience

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def test_audience_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ATLAS_AUDIENCE", raising=False)
    assert server_audience() == "internal"
    monkeypatch.setenv("ATLAS_AUDIENCE", "Promoter")
    assert server_audience() == "promoter"
    monkeypatch.setenv("ATLAS_AUDIENCE", "everyone")
    with pytest.raises(
        ValueError, match="ATLAS_AUDIENCE='everyone' is not one of internal, promoter, public"
    ):
        server_audience()


def test_promoters_and_the_public_see_no_internal_pages() -> None:
    assert set(pages_for("promoter")) == {"enclave", "presentation", "about"}
    assert set(pages_for("public")) == {"presentation", "about"}
    assert set(pages_for("internal")) >= set(pages_for("promoter"))
    assert set(AUDIENCES) == {"internal", "promoter", "public"}


def test_presentation_view_answers_a_click_in_large_type_without_controls() -> None:
    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page("views/presentation.py")
    site = load_layer("enclave_projects").iloc[0]
    spot = site.geometry.representative_point()
    app.session_state["enclave:map"] = {
        "last_active_drawing": {"properties": {"_layer": "enclave_projects", "_id": site["uid"]}},
        "last_object_clicked": {"lat": spot.y, "lng": spot.x},
    }
    app.run()
    assert not app.exception
    assert card_title(app) == site["name"]
    assert f"{site['invest_wan'] / 10_000:g} 亿元" in card_text(app)
    # The sidebar's basemap and the site search: no filters, no downloads.
    assert sorted(box.key for box in app.selectbox) == ["basemap:zh", "presentation:search"]
    assert not app.multiselect and not app.slider
    assert not app.get("download_button")


def test_a_promoter_server_has_no_internal_pages(promoter_url: str, offline_page) -> None:
    offline_page.goto(f"{promoter_url}/")
    wait_for_drawn_map(offline_page)  # the first allowed page: the enclave map
    navigation = offline_page.locator("[data-testid='stSidebarNav']")
    navigation.get_by_text("飞地招商").wait_for(timeout=TIMEOUT_MS)
    links = navigation.inner_text()
    assert "招商展示" in links and "关于与数据" in links
    assert "总览" not in links and "脱贫与产业" not in links
    offline_page.goto(f"{promoter_url}/poverty")  # editing the URL does not open it: it says so
    offline_page.get_by_text("此页面不对您开放").wait_for(timeout=TIMEOUT_MS)
    assert offline_page.get_by_role("heading", name="脱贫与产业").count() == 0
    assert offline_page.outside_requests == []
