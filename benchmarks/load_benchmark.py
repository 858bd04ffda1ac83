"""Load benchmark (issue 19): N browser sessions at once against the atlas, a room full of users.

    make bench                                         # 10 sessions against one local server
    python benchmarks/load_benchmark.py --sessions 10  # the same
    python benchmarks/load_benchmark.py --shared       # the two replicas of `make shared`
    python benchmarks/load_benchmark.py --url http://127.0.0.1:8501   # a server already running

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

Measured per session, all on the browser's clock: navigation start → map drawn (polled every
100 ms), click → panel heading shown, and the server part of the click (first websocket frame
sent after the click → last frame received before the panel showed). The server's memory is
the RSS of its process(es) and their children, from /proc: before any session, with one
session open and with all N open. The baseline is one session alone (after a warm-up session
that clicked every township once), measured in the same run, so the ratios compare like with
like on this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from playwright.async_api import TimeoutError as PlaywrightTimeout

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.shared.processes import listening_pids  # noqa: E402
from scripts.shared.web import wait_until_healthy  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1400, "height": 1000}
TIMEOUT_MS = 300_000  # ten sessions on two cores: a minute is not unusual, five is broken
POLL_S = 0.1
# A click whose roll-up has not shown after this long is taken as lost and made again.
RECLICK_MS = 20_000
MAX_CLICKS = 3
FAILURE_SHOT = ROOT / "test-output" / "screenshots" / "load-benchmark-no-panel.png"
SERVER_START_S = 90
# Layers whose areas cover the district: a township click lands in them anyway (and the
# constraint zones are off on the overview), so they do not push the click spot away.
_COVERING = ("district", "townships", "urban_boundary", "eco_redline", "basic_farmland")
_INSET_M = 500
_GRID = 15
_TIMES = ("map_drawn_s", "click_panel_s", "server_s")
TARGETS = {"map": 2.0, "panel": 2.0, "memory_mb": 60.0}

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


@dataclass
class LoadResult:
    """What one run measured: the baseline (one session alone, repeated) and N at once."""

    sessions: int
    baseline: list[Session] = field(default_factory=list)
    crowd: list[Session] = field(default_factory=list)
    rss_mb: dict[str, float] = field(default_factory=dict)  # before, one, all
    cpu_s: dict[str, float] = field(default_factory=dict)  # server CPU per session: one, all

    @property
    def memory_per_session_mb(self) -> float:
        return (self.rss_mb["all"] - self.rss_mb["one"]) / max(self.sessions - 1, 1)


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


# --- the server's memory ----------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _rss_kb(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _family(pids: Sequence[int]) -> set[int]:
    seen, todo = set(), list(pids)
    while todo:
        pid = todo.pop()
        if pid not in seen:
            seen.add(pid)
            todo += _children(pid)
    return seen


def server_rss_mb(pids: Sequence[int]) -> float:
    """RSS of the server processes and all their descendants, in MB."""
    return sum(_rss_kb(pid) for pid in _family(pids)) / 1024


def _cpu_ticks(pid: int) -> int:
    with contextlib.suppress(OSError, IndexError, ValueError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime, stime
    return 0


def server_cpu_s(pids: Sequence[int]) -> float:
    """CPU seconds the server processes (and their live descendants) have used so far."""
    return sum(_cpu_ticks(pid) for pid in _family(pids)) / os.sysconf("SC_CLK_TCK")


def server_pids(url: str) -> list[int]:
    """The processes listening on the port of `url` (on this machine)."""
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    return sorted(listening_pids(port))


# --- the sessions -----------------------------------------------------------------------------


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


async def _crowd(browser, url, spots, count, sign_in):
    """`count` sessions at once; their contexts (still open) and times."""
    opened = await asyncio.gather(
        *(
            _session(browser, url, spots[i % len(spots)], spots[(i + 1) % len(spots)], sign_in)
            for i in range(count)
        )
    )
    return [c for c, _ in opened], [s for _, s in opened]


async def _warm_up(browser, url: str, spots: Sequence[Spot], sign_in: SignIn | None) -> list[Spot]:
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


async def _measure(url, pids, sessions, baseline_runs, sign_in, spots) -> LoadResult:
    from playwright.async_api import async_playwright

    result = LoadResult(sessions)
    result.rss_mb["before"] = server_rss_mb(pids)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        spots = await _warm_up(browser, url, spots, sign_in)
        cpu = server_cpu_s(pids)
        for run in range(baseline_runs):
            contexts, alone = await _crowd(browser, url, spots[run % len(spots) :], 1, sign_in)
            result.baseline += alone
            result.rss_mb["one"] = server_rss_mb(pids)
            for context in contexts:
                await context.close()
        result.cpu_s["one"] = (server_cpu_s(pids) - cpu) / baseline_runs
        cpu = server_cpu_s(pids)
        contexts, result.crowd = await _crowd(browser, url, spots, sessions, sign_in)
        result.cpu_s["all"] = (server_cpu_s(pids) - cpu) / sessions
        result.rss_mb["all"] = server_rss_mb(pids)
        for context in contexts:
            await context.close()
        await browser.close()
    return result


def measure(
    url: str,
    *,
    sessions: int = 10,
    baseline_runs: int = 3,
    pids: Sequence[int] | None = None,
    sign_in: SignIn | None = None,
) -> LoadResult:
    """Baseline (one session alone, `baseline_runs` times), then `sessions` at once, against
    the atlas at `url`; memory of `pids` (default: whatever listens on the url's port)."""
    pids = list(pids) if pids is not None else server_pids(url)
    if not pids:
        raise RuntimeError(f"no process of ours listens at {url}: its memory cannot be read")
    spots = township_spots()
    return asyncio.run(_measure(url, pids, sessions, baseline_runs, sign_in, spots))


# --- servers to measure -----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def one_server(folder: Path) -> Iterator[tuple[str, list[int]]]:
    """A Streamlit server of the app (internal audience) with a throw-away store in `folder`."""
    port = _free_port()
    log_path = folder / "streamlit.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=ROOT,
            env={**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
                 "ATLAS_AUDIENCE": "internal"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_healthy(url, process, SERVER_START_S, log_path)
            yield url, [process.pid]
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=20)


@contextlib.contextmanager
def shared_replicas() -> Iterator[tuple[str, list[int], SignIn]]:
    """`make shared` in a temporary folder on free ports (never a real deployment), with a
    planner the benchmark adds; brought down and removed afterwards."""
    from scripts.shared.deployment import replicas_running
    from scripts.shared_setup import Settings, down, up
    from scripts.users import add_user

    folder = Path(tempfile.mkdtemp(prefix="atlas-load-shared-"))
    first = _free_port()
    while first > 65000:
        first = _free_port()
    settings = Settings(
        port=_free_port(),
        http_port=_free_port(),
        replicas=2,
        replica_port=first,
        pg_port=_free_port(),
    )
    try:
        url = up(folder, settings, announce=lambda user, password: None)
        user = SignIn("load-bench", secrets.token_urlsafe(12))
        add_user(
            folder / "users.yaml",
            user.username,
            role="planner",
            name="负载测试",
            password=user.password,
        )
        yield url, sorted(replicas_running(folder).values()), user
    finally:
        down(folder)
        shutil.rmtree(folder, ignore_errors=True)


# --- the report -------------------------------------------------------------------------------


def _stats(values: Sequence[float]) -> tuple[float, float]:
    values = [v for v in values if v == v]
    if not values:
        return float("nan"), float("nan")
    return float(np.median(values)), float(np.percentile(values, 95))


def _check(label: str, value: float, limit: float) -> str:
    return f"{'MET    ' if value <= limit else 'NOT MET'} {label} (measured {value:.2f})"


def summary(result: LoadResult, where: str) -> str:
    """The table of one run, ratios against the baseline, and the targets."""
    n = result.sessions
    rows = [("one session alone", result.baseline), (f"{n} sessions at once", result.crowd)]
    lines = [
        f"Load benchmark — {time.strftime('%Y-%m-%d %H:%M')}, {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}; {where}",
        f"One headless Chromium, one browser context per session, all driven at once; "
        f"baseline: one session alone ({len(result.baseline)}×, one after another), after a "
        "warm-up session; p95 interpolated (numpy) over the sessions measured.",
        "",
        "| run | sessions measured | map drawn s (median / p95) | click → panel s (median / p95) "
        "| server part of the click s (median / p95) |",
        "| --- | ---: | --- | --- | --- |",
    ]
    for label, sessions in rows:
        cells = [_stats([getattr(s, name) for s in sessions]) for name in _TIMES]
        lines.append(
            f"| {label} | {len(sessions)} | "
            + " | ".join(f"{m:.2f} / {p:.2f}" for m, p in cells)
            + " |"
        )
    ratios = {
        name: _stats([getattr(s, name) for s in result.crowd])[1]
        / _stats([getattr(s, name) for s in result.baseline])[1]
        for name in _TIMES
    }
    lines.append(
        f"| ratio of p95, {n} / one | | {ratios['map_drawn_s']:.2f}× | "
        f"{ratios['click_panel_s']:.2f}× | {ratios['server_s']:.2f}× |"
    )
    rss = result.rss_mb
    runs = (result.baseline, result.crowd)
    again = [sum(s.clicks > 1 and not s.no_panel for s in run) for run in runs]
    never = [sum(s.no_panel for s in run) for run in runs]
    lines += [
        "",
        f"Timed clicks lost (no roll-up within {RECLICK_MS / 1000:.0f} s) and made again: "
        f"{again[1]} of {len(result.crowd)} sessions at once, {again[0]} of "
        f"{len(result.baseline)} alone; the time counts from the click that showed the panel. "
        f"No roll-up after {MAX_CLICKS} clicks: {never[1]} at once, {never[0]} alone "
        "(left out of the times; any makes the click target NOT MET).",
        "",
        f"| server RSS (with children) | before | 1 session | {n} sessions | per extra session |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| MB | {rss['before']:.0f} | {rss['one']:.0f} | {rss['all']:.0f} | "
        f"{result.memory_per_session_mb:.1f} |",
        "",
        f"Server CPU per session (open + 2 clicks): {result.cpu_s['one']:.2f} s alone, "
        f"{result.cpu_s['all']:.2f} s with {n} at once; the browsers share the same "
        f"{os.cpu_count()} cores.",
        "",
        _check(
            f"{n} sessions at once: map drawn p95 ≤ {TARGETS['map']:g}× one session alone",
            ratios["map_drawn_s"],
            TARGETS["map"],
        ),
        _check(
            f"{n} sessions at once: click → panel p95 ≤ {TARGETS['panel']:g}× one session alone"
            + (f"; {sum(never)} sessions never showed it" if any(never) else ""),
            float("inf") if any(never) else ratios["click_panel_s"],
            TARGETS["panel"],
        ),
        _check(
            f"server memory per extra session ≤ {TARGETS['memory_mb']:g} MB",
            result.memory_per_session_mb,
            TARGETS["memory_mb"],
        ),
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10, help="sessions at once (default 10)")
    parser.add_argument("--baseline-runs", type=int, default=3, help="runs of one session alone")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--shared", action="store_true", help="the two replicas of make shared")
    where.add_argument("--url", help="a server already running on this machine")
    args = parser.parse_args(argv)
    if args.sessions < 2:
        parser.error("--sessions must be at least 2")
    with tempfile.TemporaryDirectory(prefix="atlas-load-") as tmp:
        # A throw-away store for this process (spots) and the server it starts, never the
        # laptop's own.
        os.environ.update(
            XDG_DATA_HOME=str(Path(tmp) / "data-home"),
            ATLAS_STORE=str(Path(tmp) / "atlas.gpkg"),
            ATLAS_VISITS_DB=str(Path(tmp) / "visits.sqlite"),
        )
        options = {"sessions": args.sessions, "baseline_runs": args.baseline_runs}
        if args.url:
            result = measure(args.url.rstrip("/"), **options)
            where = f"the server at {args.url}"
        elif args.shared:
            with shared_replicas() as (url, pids, user):
                result = measure(url, pids=pids, sign_in=user, **options)
            where = f"make shared: nginx (HTTPS) + {len(pids)} replicas + PostGIS, signed in"
        else:
            with one_server(Path(tmp)) as (url, pids):
                result = measure(url, pids=pids, **options)
            where = "one Streamlit server (internal, local store)"
    print(summary(result, where))
    for label, sessions in (("alone", result.baseline), ("at once", result.crowd)):
        for s in sessions:
            print(
                f"  {label:8s} {s.township:6s} map {s.map_drawn_s:6.2f} s  "
                f"panel {s.click_panel_s:6.2f} s  server {s.server_s:6.2f} s  clicks {s.clicks}"
            )


if __name__ == "__main__":
    main()
