"""Issue 17 item 12: under PostGIS the import history's caption says where the visits are kept
(database and host), never a password, a password file or a server path."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from fieldwork.postgis_store import PostgisVisitStore
from fieldwork.store import VISITS_DB_ENV
from fieldwork.visits import ImportRecord

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def postgis_visits(postgis_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    PostgisVisitStore(postgis_url).record_import(
        ImportRecord("队.csv", "第一队", "WGS84", 0, datetime.now(UTC)), []
    )
    monkeypatch.setenv(VISITS_DB_ENV, postgis_url)
    # The page keeps its store per process; the app run by AppTest imports the page anew, so
    # clearing the imported page's cache would not reach it: clear every cached resource.
    st.cache_resource.clear()
    yield postgis_url
    st.cache_resource.clear()


def test_the_history_names_the_shared_database(postgis_visits: str) -> None:
    app = AppTest.from_file(APP, default_timeout=120).run()
    app.switch_page("views/coverage/page.py").run()
    assert not app.exception, app.exception
    database = postgis_visits.split("/")[3].split("?")[0]
    captions = [caption.value for caption in app.caption]
    assert f"时间为北京时间。 走访记录保存在共享数据库 {database} @ localhost。" in captions
    host = postgis_visits.split("host=")[1].split("&")[0]
    assert not any(host in caption for caption in captions)
