"""No Streamlit "Deploy" button or developer menu on any page (server configuration)."""

from __future__ import annotations

from tests.app.browser import TIMEOUT_MS


def test_viewers_see_no_deploy_button_or_developer_menu(app_url: str, offline_page) -> None:
    page = offline_page
    page.goto(f"{app_url}/about")
    page.get_by_role("heading", name="关于与数据").wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_text("Deploy", exact=True).count() == 0
    menu = page.locator("[data-testid='stMainMenu']")
    if menu.count():  # the viewer menu may remain: it must hold no developer entries
        menu.first.click()
        items = page.locator("[data-testid='stMainMenuList']").inner_text()
        assert "Clear cache" not in items and "Rerun" not in items and "Deploy" not in items
