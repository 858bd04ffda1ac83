"""Load benchmark (issue 19): N browser sessions at once against the atlas, a room full of users.

    make bench                                         # 10 sessions against one local server
    python benchmarks/load_benchmark.py --sessions 10  # the same
    python benchmarks/load_benchmark.py --shared       # the two replicas of `make shared`
    python benchmarks/load_benchmark.py --url http://127.0.0.1:8501   # a server already running

How a session opens the overview and clicks a township: load_sessions.py.

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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.load_sessions import (  # noqa: E402
    MAX_CLICKS,
    RECLICK_MS,
    Session,
    SignIn,
    Spot,
    launch_browser,
    run_sessions,
    township_spots,
    warm_up,
)
from scripts.shared.processes import listening_pids  # noqa: E402
from scripts.shared.web import wait_until_healthy  # noqa: E402

SERVER_START_S = 90
_TIMES = ("map_drawn_s", "click_panel_s", "server_s")
TARGETS = {"map": 2.0, "panel": 2.0, "memory_mb": 60.0}


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


# --- a run -----------------------------------------------------------------------------------


async def _measure(
    url: str,
    pids: Sequence[int],
    sessions: int,
    baseline_runs: int,
    sign_in: SignIn | None,
    spots: Sequence[Spot],
) -> LoadResult:
    """Warm-up, the baseline runs, then all sessions at once; memory and CPU in between."""
    from playwright.async_api import async_playwright

    result = LoadResult(sessions)
    result.rss_mb["before"] = server_rss_mb(pids)
    async with async_playwright() as playwright:
        browser = await launch_browser(playwright)
        spots = await warm_up(browser, url, spots, sign_in)
        cpu = server_cpu_s(pids)
        for run in range(baseline_runs):
            contexts, alone = await run_sessions(
                browser, url, spots[run % len(spots) :], 1, sign_in
            )
            result.baseline += alone
            result.rss_mb["one"] = server_rss_mb(pids)
            for context in contexts:
                await context.close()
        result.cpu_s["one"] = (server_cpu_s(pids) - cpu) / baseline_runs
        cpu = server_cpu_s(pids)
        contexts, result.crowd = await run_sessions(browser, url, spots, sessions, sign_in)
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
