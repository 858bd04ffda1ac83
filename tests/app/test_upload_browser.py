"""A planner's upload in a real browser: a hostile file is refused with a message and changes
nothing; a bureau shapefile (Gauss-Krüger, GBK, no .cpg) is reported, added, drawn in the
right place on another page, and its features answer clicks with their fields as text."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Polygon

from tests.app.browser import MAP_FRAME, TIMEOUT_MS, map_frame, wait_for_drawn_map
from tests.app.panel import PANEL

SCREENSHOTS = Path("test-output/screenshots")
PLOTS = [
    Polygon([(x, 41.570), (x + 0.004, 41.570), (x + 0.004, 41.573), (x, 41.573)])
    for x in (120.440, 120.450, 120.460)
]
NAMES = ["规划地块<script>alert(1)</script>", "二号地块", "三号地块"]


def _bureau_zip(folder: Path) -> Path:
    parts = folder / "parts"
    parts.mkdir()
    frame = gpd.GeoDataFrame(
        {"地块名称": NAMES, "用地性质": ["工业", "商业", "居住"], "面积亩": [18.0, 18.1, 18.2]},
        geometry=PLOTS,
        crs=4326,
    ).to_crs("EPSG:4549")
    frame.to_file(parts / "规划地块.shp", encoding="GBK")
    (parts / "规划地块.cpg").unlink()  # as bureaus deliver them: the encoding is not said
    archive = folder / "规划地块.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in sorted(parts.iterdir()):
            zipped.write(part, part.name)
    return archive


def _hostile_zip(folder: Path) -> Path:
    archive = folder / "恶意.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("../../etc/evil.shp", b"x")
    return archive


def test_upload_refuse_add_draw_and_click(app_url: str, offline_page, tmp_path: Path) -> None:
    page = offline_page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{app_url}/data")
    page.get_by_role("heading", name="数据管理").wait_for(timeout=TIMEOUT_MS)
    upload = page.locator("input[type='file']")

    upload.set_input_files(str(_hostile_zip(tmp_path)))
    refusal = page.get_by_text("未添加任何数据", exact=False)
    refusal.wait_for(timeout=TIMEOUT_MS)
    assert "恶意.zip" in refusal.inner_text() and "解压目录之外" in refusal.inner_text()
    assert not (tmp_path.parent.parent / "etc" / "evil.shp").exists()

    upload.set_input_files(str(_bureau_zip(tmp_path)))
    report = page.locator("[data-testid='stTable']").first
    report.get_by_text("EPSG:4549", exact=False).wait_for(timeout=TIMEOUT_MS)
    assert "GBK" in report.inner_text()
    page.get_by_role("button", name="添加到地图").click()
    page.get_by_text("已添加“规划地块”：3 个要素", exact=False).wait_for(timeout=TIMEOUT_MS)

    # Another page of the same session: the sidebar keeps the session (a new URL would not).
    page.get_by_role("link", name="夜经济").click()
    page.get_by_role("heading", name="夜经济").wait_for(timeout=TIMEOUT_MS)
    wait_for_drawn_map(page)
    frame = map_frame(page)
    frame.locator(".leaflet-control-layers").hover()
    frame.locator(".leaflet-control-layers-overlays").get_by_text("规划地块").wait_for()
    centre = PLOTS[1].centroid
    x, y = frame.evaluate(
        """([lat, lon]) => { window.map.setView([lat, lon], 16, {animate: false});
             const p = window.map.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }""",
        [centre.y, centre.x],
    )
    box = page.locator(MAP_FRAME).first.bounding_box()
    page.mouse.move(box["x"] + x, box["y"] + y)
    frame.locator(".leaflet-tooltip").get_by_text("二号地块").wait_for(timeout=TIMEOUT_MS)
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.get_by_text("二号地块 · 规划地块").wait_for(timeout=TIMEOUT_MS)
    panel = page.locator(PANEL)
    panel.get_by_text("商业", exact=True).wait_for(timeout=TIMEOUT_MS)
    assert "用地性质" in panel.inner_text()

    # The plot whose name carries a script: its tooltip shows the markup as text, nothing runs.
    first = PLOTS[0].centroid
    x, y = frame.evaluate(
        """([lat, lon]) => { window.map.setView([lat, lon], 16, {animate: false});
             const p = window.map.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }""",
        [first.y, first.x],
    )

    page.mouse.move(box["x"] + x, box["y"] + y)
    frame.locator(".leaflet-tooltip").get_by_text(NAMES[0]).wait_for(timeout=TIMEOUT_MS)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "uploaded-layer-clicked.png"))
    assert dialogs == []
    assert page.outside_requests == []
