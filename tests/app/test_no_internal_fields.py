"""Nothing a layer spec marks internal ever reaches the browser: not the page, not the map data,
not a websocket message, not a download (contacts, negotiation notes, household ids)."""

from __future__ import annotations

import base64
import contextlib
import json
from pathlib import Path

import pytest

from layers import LAYERS, load_layer
from tests.app.browser import TIMEOUT_MS, map_frame, wait_for_drawn_map, wait_until_idle


def _internal_values() -> set[str]:
    values: set[str] = set()
    for spec in LAYERS:
        internal = [field.name for field in spec.internal_fields]
        if internal:
            frame = load_layer(spec.key)
            for name in internal:
                values |= {str(value) for value in frame[name].dropna().unique() if str(value)}
    return values


class _Recorder:
    """Every byte the browser receives: HTTP bodies and websocket frames."""

    def __init__(self, page) -> None:
        self.chunks: list[bytes] = []
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.webSocketFrameReceived", self._frame)
        page.on("response", self._response)

    def _frame(self, event: dict) -> None:
        response = event["response"]
        payload = response["payloadData"]
        self.chunks.append(
            base64.b64decode(payload) if response["opcode"] == 2 else payload.encode()
        )

    def _response(self, response) -> None:
        with contextlib.suppress(Exception):  # redirects and aborted requests have no body
            self.chunks.append(response.body())

    def leaked(self, secrets: set[str]) -> list[str]:
        """Secrets found as UTF-8 text or in JSON's \\uXXXX form (Streamlit's component args)."""
        blob = b"\n".join(self.chunks)
        return sorted(
            secret
            for secret in secrets
            if secret.encode() in blob or json.dumps(secret)[1:-1].encode() in blob
        )


@pytest.fixture
def recorded(offline_page):
    return offline_page, _Recorder(offline_page)


def test_internal_values_exist_to_be_looked_for() -> None:
    secrets = _internal_values()
    assert len(secrets) > 4146 + 3834  # household and worker ids, enclave contacts and notes
    assert set(load_layer("households")["hh_id"]) <= secrets
    assert set(load_layer("workers")["wk_id"]) <= secrets  # the jobs layer's person ids


def test_no_internal_value_reaches_the_browser(app_url: str, recorded) -> None:
    page, recorder = recorded
    projects = load_layer("enclave_projects")
    households = load_layer("households")
    # Enclave page: map, pipeline, ranking, a searched site's panel, and its CSV export.
    page.goto(f"{app_url}/enclave")
    wait_for_drawn_map(page)
    page.locator("[data-testid='stSelectbox']").filter(has_text="查找要素").click()

    page.keyboard.type(projects["name"].iloc[1])  # the list filters as one types
    page.locator("[role='listbox']").get_by_text(
        projects["name"].iloc[1], exact=False
    ).first.click()

    page.get_by_text(f"{projects['name'].iloc[1]} · 飞地项目").wait_for(timeout=TIMEOUT_MS)
    wait_until_idle(page)
    page.get_by_text("导出当前显示的数据", exact=False).click()
    with page.expect_download() as download:
        page.get_by_role("button", name="CSV 表格（含坐标）", exact=True).click()
    recorder.chunks.append(Path(download.value.path()).read_bytes())
    # Poverty page: the map carries every household and household project (hidden layers too).
    page.goto(f"{app_url}/poverty")
    wait_for_drawn_map(page)
    frame = map_frame(page)
    drawn_households = (
        "() => Object.values(window.map._layers).some(l => l._atlasDrawnFeatures === 4146)"
    )
    frame.locator(".leaflet-control-layers").hover()
    frame.locator(".leaflet-control-layers-overlays").get_by_text("结对帮扶贫困户").click()
    frame.wait_for_function(drawn_households, timeout=TIMEOUT_MS)
    assert households["uid"].iloc[0].encode() in b"\n".join(recorder.chunks)  # the data did arrive
    # Jobs page: its map, KPI cards and a township's roll-up are made from person rows (workers).
    page.goto(f"{app_url}/jobs")
    wait_for_drawn_map(page)
    page.locator("[data-testid='stSelectbox']").filter(has_text="乡镇街道").first.click()
    page.get_by_role("option", name="孙家湾镇").click()
    page.get_by_text("孙家湾镇 · 各类项目汇总").wait_for(timeout=TIMEOUT_MS)
    wait_until_idle(page)

    assert recorder.leaked(_internal_values()) == []
    assert page.outside_requests == []


def test_the_coverage_page_shows_people_by_synthetic_id_only() -> None:
    from streamlit.testing.v1 import AppTest

    from fieldwork.coverage import Rule, evaluate, gap_list, get_target_set
    from fieldwork.gap_exports import GAP_FORMATS, export_gaps

    app = AppTest.from_file(str(Path(__file__).parents[2] / "app.py"), default_timeout=120).run()
    app.switch_page("views/coverage/page.py").run()
    app.selectbox(key="coverage:set:zh").set_value("workers").run()
    app.selectbox(key="coverage:rule:workers:zh").set_value("trained").run()
    assert not app.exception
    gaps_shown = app.dataframe[1].value
    assert len(gaps_shown) == 3834 - 2248 and gaps_shown["编号"].str.startswith("worker-").all()
    shown = [str(element.value) for element in (*app.markdown, *app.caption, *app.metric)]
    shown += [app.dataframe[n].value.to_csv() for n in range(len(app.dataframe))]
    rule = Rule("trained")
    gaps = gap_list(evaluate(get_target_set("workers"), rule), rule, "zh").iloc[:200]
    blob = "\n".join(shown).encode() + b"\n".join(
        export_gaps(gaps, fmt, target_set=get_target_set("workers"), rule_text="", lang="zh")
        for fmt in GAP_FORMATS
        if fmt != "pdf"  # the PDF's text is compressed; tests/fieldwork reads it
    )
    secrets = _internal_values()
    assert [secret for secret in secrets if secret.encode() in blob] == []
