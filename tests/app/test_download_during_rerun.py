"""A planner picks a site from the search and reaches for the export at once: the map reports its
new view and the page reruns, and the CSV still arrives (Streamlit alone forgot the button's file
when a run stopped before it: "Failed to generate file for download" on a third of the clicks)."""

from __future__ import annotations

from pathlib import Path

from layers import load_layer
from tests.app.browser import TIMEOUT_MS, wait_for_drawn_map, wait_until_idle

ROUNDS = 6


def test_the_export_clicked_while_the_page_reruns_downloads(app_url: str, offline_page) -> None:
    page = offline_page
    names = load_layer("enclave_projects")["name"]
    for name in names.iloc[1 : 1 + ROUNDS]:
        page.goto(f"{app_url}/enclave")
        wait_for_drawn_map(page)
        page.locator("[data-testid='stSelectbox']").filter(has_text="查找要素").click()
        page.keyboard.type(name)
        page.locator("[role='listbox']").get_by_text(name, exact=False).first.click()
        page.get_by_text(f"{name} · 飞地项目").wait_for(timeout=TIMEOUT_MS)
        wait_until_idle(page)
        page.get_by_text("导出当前显示的数据", exact=False).click()
        with page.expect_download(timeout=30_000) as download:
            page.get_by_role("button", name="CSV 表格（含坐标）", exact=True).click()
        assert name in Path(download.value.path()).read_bytes().decode("utf-8-sig")
        assert page.locator("[data-testid='stDownloadButtonError']").count() == 0
    assert page.outside_requests == []
