"""Two app processes on different ports sharing one PostGIS, connected as the deployment's app
role (no owner rights): check-ins imported through one are seen through the other (layers and
visits both come from the database)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldwork.coverage import get_target_set, load_targets
from geo.postgis import DATABASE_URL_ENV
from layers import DATA_DIR
from scripts.local_postgis import Cluster
from scripts.shared_setup import app_role_url, seed_layer_store
from tests.app.browser import TIMEOUT_MS, gap_count, wait_for_drawn_map
from tests.app.conftest import _served


@pytest.fixture(scope="module")
def replicas(postgis: Cluster) -> Iterator[tuple[str, str]]:
    url = postgis.new_database()
    seed_layer_store(url, DATA_DIR)  # as `make shared` seeds the store
    # The grants `make shared` gives its replicas: they may insert visits, not own the tables.
    shared = {DATABASE_URL_ENV: app_role_url(url, "replica-secret", role="atlas_app_replicas")}
    with (
        _served("internal", shared, name="replica-a") as first,
        _served("internal", shared, name="replica-b") as second,
    ):
        yield first, second


def test_a_check_in_through_one_replica_is_seen_through_the_other(
    replicas: tuple[str, str], browser, tmp_path: Path
) -> None:
    first, second = replicas
    context = browser.new_context(viewport={"width": 1400, "height": 1200})
    page_a, page_b = context.new_page(), context.new_page()
    for page in (page_a, page_b):
        page.set_default_timeout(TIMEOUT_MS)
    page_b.goto(f"{second}/coverage")
    wait_for_drawn_map(page_b)
    before = gap_count(page_b)

    villages = load_targets(get_target_set("villages")).head(2)
    yesterday = (dt.datetime.now() - dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    rows = [f"{p.x},{p.y},{yesterday},副本测试队,走访" for p in villages.geometry]
    form = tmp_path / "replica.csv"
    form.write_text("经度,纬度,时间,工作队,备注\n" + "\n".join(rows) + "\n", encoding="utf-8")
    page_a.goto(f"{first}/coverage")
    wait_for_drawn_map(page_a)
    page_a.locator("input[type='file']").set_input_files(str(form))
    page_a.get_by_role("button", name="导入").click()
    page_a.get_by_text("replica.csv：2 个点，已记录 2 次走访", exact=False).wait_for()

    page_b.reload()
    page_b.get_by_text(f"未覆盖清单（{before - 2} 个）").wait_for(timeout=TIMEOUT_MS)
    context.close()
