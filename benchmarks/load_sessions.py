"""The load benchmark's browser sessions (load_benchmark.py measures and reports them).

Each session is a browser context of its own (own cookies, own Streamlit session) in one
headless Chromium, all driven at once from one asyncio loop: a room of PCs each with one
browser, squeezed onto this machine (N Chromium processes would measure Chromium's start-up
more than the server). A session opens the overview page, waits until Leaflet has drawn, then
clicks on the map inside a rural township, away from every other feature, and waits for that
township's roll-up in the panel. A click on the map, not the township selector: it is what the
overview invites ("click a township"), and it is the st_folium round trip (component value →
rerun → panel) that a crowd of users loads; the selector filters the page, another path.
The first click a session makes on the map shows no panel (seen here and by hand): each
session first clicks another township, untimed, as a user clicks again, then the timed one.
All times are on the browser's clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from playwright.async_api import Browser, BrowserContext, Playwright
from playwright.async_api import TimeoutError as PlaywrightTimeout

ROOT = Path(__file__).resolve().parents[1]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1400, "height": 1000}
TIMEOUT_MS = 300_000  # ten sessions on two cores: a minute is not unusual, five is broken
POLL_S = 0.1
# A click whose roll-up has not shown after this long is taken as lost and made again.
RECLICK_MS = 20_000
MAX_CLICKS = 3
FAILURE_SHOT = ROOT / "test-output" / "screenshots" / "load-benchmark-no-panel.png"
# Layers whose areas cover the district: a township click lands in them anyway (and the
# constraint zones are off on the overview), so they do not push the click spot away.
_COVERING = ("district", "townships", "urban_boundary", "eco_redline", "basic_farmland")
_INSET_M = 500
_GRID = 15

MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"
PANEL_HEADING = "section.atlas-panel h3"  # ui.panel.PANEL_CLASS
ROLLUP_TITLE = "{name} · 各类项目汇总"  # ui.i18n "rollup_title", Chinese
# The features Leaflet holds, and the frame's wall clock (ms since the epoch) when asked.
_DRAWN_JS = """() => [window.map ? Object.values(window.map._layers)
  .reduce((n, l) => n + (l.feature ? 1 : (l._atlasDrawnFeatures || 0)), 0) : 0,
  performance.timeOrigin + performance.now()]"""
_SPOT_JS = """([lat, lon]) => { const p = window.map.latLngToContainerPoint([lat, lon]);
  return [p.x, p.y]; }"""
_PANEL_JS = """([heading, title]) => [...document.querySelectorAll(heading)]
  .some(h => h.textContent.includes(title)) ? performance.now() : false"""
# Whether a spot is on the map, 40 px clear of its edges and of every map control.
_CLEAR_OF_CONTROLS_JS = """([lat, lon]) => { const p = window.map.latLngToContainerPoint([lat, lon]);
  const box = window.map.getContainer().getBoundingClientRect(); const m = 40;
  if (p.x < m || p.y < m || p.x > box.width - m || p.y > box.height - m) return false;
  return [...document.querySelectorAll('.leaflet-control')].every(c => {
    const r = c.getBoundingClientRect(); const x = box.left + p.x, y = box.top + p.y;
    return x < r.left - m || x > r.right + m || y < r.top - m || y > r.bottom + m; }); }"""
_SENT_SINCE_JS = "(t) => window.__atlasWs.some(([kind, at]) => kind === 's' && at >= t)"
_IDLE_JS = "() => !document.querySelector(\"[data-testid='stStatusWidget']\")"
# Every websocket frame the page sends or receives, with its time: the server part of a click.
_WS_LOG_JS = """(() => { if (window.top !== window) return; const log = window.__atlasWs = [];
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) { super(...args);
      this.addEventListener('message', () => log.push(['r', performance.now()])); }
    send(data) { log.push(['s', performance.now()]); return super.send(data); } }; })()"""


@dataclass(frozen=True)
class Spot:
    """Where a session clicks: a point of a township clear of every other feature."""

    code: str
    name: str
    lon: float
    lat: float


@dataclass(frozen=True)
class Session:
    """One session's times, in seconds."""

    township: str
    map_drawn_s: float
    click_panel_s: float
    server_s: float
    clicks: int = 1  # clicks on the township until its roll-up showed (after the primer)

    @property
    def no_panel(self) -> bool:
        """The roll-up never showed, after MAX_CLICKS clicks."""
        return self.click_panel_s != self.click_panel_s


@dataclass(frozen=True)
class SignIn:
    """A user each session signs in as before it opens the overview (the shared deployment)."""

    username: str
    password: str


def township_spots() -> list[Spot]:
    """The townships where a click is far from every feature, farthest first (rural ones)."""
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point

    from geo.crs import METRIC_CRS
    from layers import REGISTRY, load_layer

    others = [
        load_layer(k).to_crs(METRIC_CRS)[["geometry"]] for k in REGISTRY if k not in _COVERING
    ]
    features = pd.concat(others).union_all()
    townships = load_layer("townships").to_crs(METRIC_CRS)
    found = []
    for township in townships.itertuples():
        inner = township.geometry.buffer(-_INSET_M)
        if inner.is_empty:
            continue
        minx, miny, maxx, maxy = inner.bounds
        grid = [
            Point(x, y)
            for x in np.linspace(minx, maxx, _GRID)
            for y in np.linspace(miny, maxy, _GRID)
        ]
        grid = [p for p in grid if inner.contains(p)]
        if grid:
            best = max(grid, key=features.distance)
            found.append((features.distance(best), township.code, township.name, best))
    found.sort(key=lambda row: -row[0])
    clear = [row for row in found if row[0] >= 1000] or found[:1]  # ≥ 1 km: many pixels away
    lonlat = gpd.GeoSeries([row[3] for row in clear], crs=METRIC_CRS).to_crs(4326)
    return [Spot(code, name, p.x, p.y) for (_, code, name, _), p in zip(clear, lonlat, strict=True)]


# --- the sessions -----------------------------------------------------------------------------


async def launch_browser(playwright: Playwright) -> Browser:
    """The one headless Chromium every session opens its own context in."""
    return await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


async def _open_context(browser, url: str):
    origin = url.rstrip("/")
    context = await browser.new_context(viewport=VIEWPORT, ignore_https_errors=True)

    async def only_local(route) -> None:  # every outside request blocked, as in the tests
        if route.request.url.startswith((origin, "data:", "blob:", "about:")):
            await route.continue_()
        else:
            await route.abort()

    await context.route("**/*", only_local)
    await context.add_init_script(_WS_LOG_JS)
    return context


async def _sign_in(page, url: str, sign_in: SignIn) -> None:
    await page.goto(f"{url}/")
    await page.get_by_label("用户名").fill(sign_in.username)
    await page.get_by_label("密码").fill(sign_in.password)
    await page.get_by_role("button", name="登录").click()
    await page.locator(MAP_FRAME).first.wait_for()  # signed in: a map page shows


async def _map_drawn_at(page) -> float:
    """Poll until the map's frame holds drawn features; the wall clock (ms) it saw them at."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        for frame in page.frames:
            if "streamlit_folium" in frame.url and not frame.is_detached():
                with contextlib.suppress(Exception):  # the frame navigated away while asked
                    drawn, at = await frame.evaluate(_DRAWN_JS)
                    if drawn:
                        return at
        await asyncio.sleep(POLL_S)
    raise TimeoutError(f"no map drew its features within {TIMEOUT_MS} ms")


async def _map_frame(page):
    handle = await page.locator(MAP_FRAME).first.element_handle()
    return await handle.content_frame()


async def _click_township(page, spot: Spot) -> tuple[float, float, int]:
    """Click the map at `spot` until its roll-up shows, as a user clicks again when nothing
    happens; (last click → panel s, server part s, clicks made)."""
    title = ROLLUP_TITLE.format(name=spot.name)
    shown, clicks = None, 0
    while shown is None:
        if clicks == MAX_CLICKS:  # a finding, not a crash: counted in the report
            FAILURE_SHOT.parent.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(FAILURE_SHOT), full_page=True)
            return float("nan"), float("nan"), clicks
        clicks += 1
        await page.wait_for_function(_IDLE_JS)  # a click during a rerun may be dropped
        frame = await _map_frame(page)
        x, y = await frame.evaluate(_SPOT_JS, [spot.lat, spot.lon])
        box = await page.locator(MAP_FRAME).first.bounding_box()
        if not (0 < x < box["width"] and 0 < y < box["height"]):
            raise RuntimeError(f"{spot.name}: the click spot is outside the map view")
        clicked = await page.evaluate("performance.now()")
        await page.mouse.click(box["x"] + x, box["y"] + y)
        with contextlib.suppress(PlaywrightTimeout):
            shown = await (
                await page.wait_for_function(
                    _PANEL_JS, arg=[PANEL_HEADING, title], polling="raf", timeout=RECLICK_MS
                )
            ).json_value()
    log = await page.evaluate("(since) => window.__atlasWs.filter(([, t]) => t >= since)", clicked)
    sent = [t for kind, t in log if kind == "s"]
    received = [t for kind, t in log if kind == "r" and sent and sent[0] <= t <= shown]
    server = (received[-1] - sent[0]) / 1000 if received else float("nan")
    return (shown - clicked) / 1000, server, clicks


async def _prime(page, spot: Spot) -> None:
    """An untimed first click on the map, at another township's spot: the first click a
    session makes shows no panel (both the app and this benchmark see it; a user clicks
    again), so the timed click is a session's second."""
    await page.wait_for_function(_IDLE_JS)
    frame = await _map_frame(page)
    x, y = await frame.evaluate(_SPOT_JS, [spot.lat, spot.lon])
    box = await page.locator(MAP_FRAME).first.bounding_box()
    clicked = await page.evaluate("performance.now()")
    await page.mouse.click(box["x"] + x, box["y"] + y)
    await page.wait_for_function(_SENT_SINCE_JS, arg=clicked)  # its rerun was asked for


async def _session(browser, url: str, spot: Spot, primer: Spot, sign_in: SignIn | None):
    """Open the overview and click `spot`; the open context (closed by the caller) and times."""
    context = await _open_context(browser, url)
    page = context.pages[0] if context.pages else await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    if sign_in is not None:
        await _sign_in(page, url, sign_in)  # not timed: the cookie signs the next load in
    await page.goto(f"{url}/", wait_until="commit")
    started = await page.evaluate("performance.timeOrigin")
    drawn = (await _map_drawn_at(page) - started) / 1000
    await _prime(page, primer)
    panel, server, clicks = await _click_township(page, spot)
    return context, Session(spot.name, drawn, panel, server, clicks)


async def run_sessions(
    browser: Browser, url: str, spots: Sequence[Spot], count: int, sign_in: SignIn | None
) -> tuple[list[BrowserContext], list[Session]]:
    """`count` sessions at once; their contexts (still open) and times."""
    opened = await asyncio.gather(
        *(
            _session(browser, url, spots[i % len(spots)], spots[(i + 1) % len(spots)], sign_in)
            for i in range(count)
        )
    )
    return [c for c, _ in opened], [s for _, s in opened]


async def warm_up(
    browser: Browser, url: str, spots: Sequence[Spot], sign_in: SignIn | None
) -> list[Spot]:
    """One session that opens the overview and clicks every township once (caches filled);
    the spots a click reaches on the map as drawn (not under or beside a map control: the
    pointer over the layer switcher unfolds it over the map)."""
    context = await _open_context(browser, url)
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    if sign_in is not None:
        await _sign_in(page, url, sign_in)
    await page.goto(f"{url}/", wait_until="commit")
    await _map_drawn_at(page)
    frame = await _map_frame(page)
    usable = [s for s in spots if await frame.evaluate(_CLEAR_OF_CONTROLS_JS, [s.lat, s.lon])]
    if len(usable) < 2:
        raise RuntimeError(f"fewer than two townships can be clicked on the map: {usable}")
    await _prime(page, usable[-1])
    for spot in usable:
        await _click_township(page, spot)
    await context.close()
    return usable
