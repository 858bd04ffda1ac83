"""The load benchmark's measuring code runs against the test server with two sessions and
reports a time for every session and the server's memory (values, not the targets); a
session whose clicks never showed the roll-up is reported as such, not as a time."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

from benchmarks.load_benchmark import measure


def test_two_sessions_report_their_times_and_the_servers_memory(app_url: str) -> None:
    # Its own thread: the benchmark runs an asyncio loop, which cannot start in a thread
    # where the session's sync Playwright (the browser fixture) may hold one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        result = pool.submit(measure, app_url, sessions=2, baseline_runs=1).result()
    assert len(result.baseline) == 1
    assert len(result.crowd) == 2
    sessions = [*result.baseline, *result.crowd]
    for session in sessions:
        assert session.map_drawn_s > 0, session
        # A panel time, or the finding that the roll-up never showed (the report counts it).
        assert session.no_panel or session.click_panel_s > 0, session
        assert math.isnan(session.server_s) or session.server_s > 0, session
    assert any(not session.no_panel for session in sessions)
    assert all(result.rss_mb[stage] > 0 for stage in ("before", "one", "all"))
    # Not "all ≥ before": the test server is shared with earlier tests and its RSS may shrink
    # while the sessions run (freed caches); the report prints whatever it measured.
    assert math.isfinite(result.memory_per_session_mb)
