"""A promoter's hand-outs, end to end: downloaded from a promoter server, the PDF has a page per
site and the HTML map opens with no network at all, shows every site, and neither holds anything
internal."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from layers import load_layer
from share.standalone_map import standalone_map_html
from tests.app.browser import TIMEOUT_MS, wait_for_drawn_map, wait_until_idle
from tests.app.test_no_internal_fields import _internal_values, _Recorder

SITES_ON_MAP_JS = """() => {
    const map = Object.keys(window).filter(k => k.startsWith("map_")).map(k => window[k])[0];
    const ids = new Set();
    map.eachLayer(l => {
        const p = l.feature && l.feature.properties;
        if (p && p._layer === "enclave_projects") ids.add(p._id);
    });
    return [...ids].sort();
}"""


@pytest.fixture
def no_network_page(browser):
    """A page for local files only: the context is offline and every request but file:// fails."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, offline=True)
    page = context.new_page()
    page.requests_refused = []
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))

    def files_only(route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            page.requests_refused.append(route.request.url)
            route.abort()

    context.route("**/*", files_only)
    yield page
    context.close()


def test_promoter_downloads_sheets_and_map_with_nothing_internal(
    promoter_url: str, offline_page, no_network_page, tmp_path: Path
) -> None:
    page = offline_page
    recorder = _Recorder(page)
    projects = load_layer("enclave_projects")
    page.goto(f"{promoter_url}/")  # the enclave page is the promoter server's first page
    wait_for_drawn_map(page)
    page.get_by_text("分享给投资方").scroll_into_view_if_needed()
    page.get_by_text(f"{len(projects)} 个项目：PDF 每个项目一页", exact=False).wait_for()
    wait_until_idle(page)
    with page.expect_download(timeout=TIMEOUT_MS) as pdf_download:
        page.get_by_role("button", name="项目资料 PDF").click()
    with page.expect_download(timeout=TIMEOUT_MS) as html_download:
        page.get_by_role("button", name="离线地图 HTML").click()
    pdf_path = Path(pdf_download.value.path())
    html_path = tmp_path / html_download.value.suggested_filename
    html_download.value.save_as(html_path)
    assert pdf_download.value.suggested_filename.endswith(".pdf")

    sheets = PdfReader(io.BytesIO(pdf_path.read_bytes()))
    assert len(sheets.pages) == len(projects)
    recorder.chunks.append("\n".join(p.extract_text() for p in sheets.pages).encode())
    recorder.chunks.append(html_path.read_bytes())
    assert recorder.leaked(_internal_values()) == []
    assert page.outside_requests == []

    # The downloaded map, opened from disk with no network: every site is drawn and listed.
    no_network_page.goto(html_path.as_uri())
    no_network_page.wait_for_function(
        f"() => ({SITES_ON_MAP_JS})().length === {len(projects)}", timeout=TIMEOUT_MS
    )
    assert no_network_page.evaluate(SITES_ON_MAP_JS) == sorted(projects["uid"])
    assert no_network_page.locator("tr[data-site]").count() == len(projects)
    assert no_network_page.requests_refused == []
    assert no_network_page.errors == []


def test_a_row_of_the_offline_map_zooms_to_its_site(no_network_page, tmp_path: Path) -> None:
    chosen = ["enclave-001", "enclave-003", "enclave-041"]
    path = tmp_path / "sites.html"
    path.write_text(standalone_map_html(chosen, "en"), encoding="utf-8")
    page = no_network_page
    page.goto(path.as_uri())
    page.wait_for_function(f"() => ({SITES_ON_MAP_JS})().length === 3", timeout=TIMEOUT_MS)
    site = load_layer("enclave_projects").set_index("uid").loc["enclave-041"]
    page.locator("tr[data-site='enclave-041']").click()
    page.wait_for_timeout(600)
    view = page.evaluate(
        """() => { const map = Object.keys(window).filter(k => k.startsWith("map_"))
                     .map(k => window[k])[0];
                   const b = map.getBounds(); return [b.getWest(), b.getSouth(), b.getEast(),
                   b.getNorth(), map.getZoom()]; }"""
    )
    west, south, east, north, zoom = view
    point = site.geometry.representative_point()
    assert west < point.x < east and south < point.y < north
    assert zoom >= 14  # zoomed in on the site, not the whole district
    assert page.locator("tr.active").get_attribute("data-site") == "enclave-041"
    page.screenshot(path=str(Path("test-output/screenshots/offline-site-map.png")))
    assert page.requests_refused == [] and page.errors == []
