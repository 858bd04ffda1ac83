"""A field team's round in a real browser: see the gaps, take them out as GPX, bring check-ins
back as a phone form's CSV, and see coverage rise, with every point of the file reported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fieldwork.coverage import get_target_set, load_targets
from geo.io import read_vector
from tests.app.browser import TIMEOUT_MS, gap_count, wait_for_drawn_map, wait_until_idle

SCREENSHOTS = Path("test-output/screenshots")


def test_check_ins_brought_back_raise_coverage(app_url: str, offline_page, tmp_path: Path) -> None:
    page = offline_page
    page.goto(f"{app_url}/coverage")
    wait_for_drawn_map(page)
    before = gap_count(page)
    assert before > 3

    wait_until_idle(page)
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        page.get_by_role("button", name="GPX 航点（手机地图）").click()
    gpx = tmp_path / download.value.suggested_filename
    download.value.save_as(gpx)
    assert gpx.suffix == ".gpx"
    waypoints = read_vector(gpx, layer="waypoints")

    assert len(waypoints) == before

    villages = load_targets(get_target_set("villages"))
    chosen = villages[villages["name"].isin(waypoints["name"])].head(3)
    yesterday = (dt.datetime.now() - dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    rows = [f"{p.x},{p.y},{yesterday},浏览器测试队,入户" for p in chosen.geometry]
    rows.append(f"116.40,39.90,{yesterday},浏览器测试队,北京")  # outside the district
    form = tmp_path / "打卡记录.csv"
    form.write_text("经度,纬度,时间,工作队,备注\n" + "\n".join(rows) + "\n", encoding="utf-8")

    page.locator("input[type='file']").set_input_files(str(form))
    page.get_by_role("button", name="导入").click()
    page.get_by_text("打卡记录.csv：4 个点，已记录 3 次走访", exact=False).wait_for(
        timeout=TIMEOUT_MS
    )
    newly = page.get_by_text("因本次导入新覆盖", exact=False).inner_text()
    assert all(name in newly for name in chosen["name"])
    page.get_by_text(f"未覆盖清单（{before - 3} 个）").wait_for(timeout=TIMEOUT_MS)
    summary = page.get_by_text("打卡记录.csv：4 个点", exact=False).inner_text()
    assert "区外 1" in summary  # the Beijing point is reported, not dropped

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "coverage-after-import.png"), full_page=True)
    assert page.outside_requests == []
