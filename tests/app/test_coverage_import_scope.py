"""Issue 17 item 6: the 最近的导入 list shows a field team only the imports of its own townships
(never another township's file nor its counts); a planner sees every import, with who made it
and for which townships. A shared database not yet migrated gives a plain message."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import psycopg
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from fieldwork.store import VISITS_DB_ENV, SqliteVisitStore
from fieldwork.visits import ImportRecord
from scripts.shared.database import app_role_url
from scripts.users import add_user
from store.postgis import PostgisStore
from tests.fieldwork.visit_cases import many_visits
from tests.store.cases import TODAY, seed_layers
from ui.signin import COOKIE_KEY_ENV, USERS_FILE_ENV

APP = str(Path(__file__).resolve().parents[2] / "app.py")
CHANGBAOYINGZI, TAOHUATU = "211302205", "211302100"
USERS = {"li": ("field", (CHANGBAOYINGZI,)), "wang": ("planner", ())}
# file, importer, townships, points, visits recorded (uids that match no target: no coverage)
IMPORTS = (
    ("长宝营子乡一队.csv", "zhang", (CHANGBAOYINGZI,), 5, 4),
    ("桃花吐镇三队.csv", "zhou", (TAOHUATU,), 917, 873),
)


@pytest.fixture
def signed_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    users = tmp_path / "users.yaml"
    for username, (role, townships) in USERS.items():
        add_user(
            users,
            username,
            role=role,
            name=username,
            password=f"{username}-pw-2026",
            townships=townships,
        )
    monkeypatch.setenv(USERS_FILE_ENV, str(users))
    monkeypatch.setenv(COOKIE_KEY_ENV, "k" * 64)
    store = SqliteVisitStore(tmp_path / "visits.sqlite")
    for file_name, username, townships, points, recorded in IMPORTS:
        record = ImportRecord(
            file_name,
            "队",
            "WGS84",
            points,
            datetime.now(UTC),
            username=username,
            townships=townships,
        )
        store.record_import(record, many_visits(recorded, prefix=f"no-such-{file_name}-"))
    monkeypatch.setenv(VISITS_DB_ENV, str(store.path))
    # The page keeps its store per process: in a cache keyed by the page script's own module
    # (run as __main__), which only clearing every cached resource reaches.
    st.cache_resource.clear()

    def sign_in(username: str) -> AppTest:
        app = AppTest.from_file(APP, default_timeout=120).run()
        app.text_input[0].set_value(username)
        app.text_input[1].set_value(f"{username}-pw-2026")
        app.button[0].click().run()
        app.switch_page("views/coverage/page.py").run()  # a planner lands on the overview
        assert not app.exception, app.exception
        assert app.title[0].value == "覆盖核查"
        return app

    yield sign_in
    st.cache_resource.clear()


def _history(app: AppTest) -> pd.DataFrame:
    tables = [frame.value for frame in app.dataframe if "文件" in frame.value.columns]
    assert len(tables) == 1
    return tables[0]


def _everything_shown(app: AppTest) -> str:
    """Every text the page sends: tables, the phone's HTML tables, captions and markdown."""
    parts = [frame.value.to_csv() for frame in app.dataframe]
    parts += [str(element.proto) for element in app.get("html")]
    parts += [element.value for element in (*app.markdown, *app.caption)]
    return "\n".join(parts)


def test_a_field_team_sees_only_the_imports_of_its_township(signed_in) -> None:
    app = signed_in("li")
    history = _history(app)
    assert history["文件"].tolist() == ["长宝营子乡一队.csv"]
    assert history[["点数", "已记录", "重复"]].values.tolist() == [[5, 4, 0]]
    assert history["乡镇"].tolist() == ["长宝营子乡"]
    shown = _everything_shown(app)
    assert shown.count("长宝营子乡一队.csv") == 2  # the wide table and the phone's
    assert "桃花吐镇三队.csv" not in shown and "zhou" not in shown
    assert "917" not in shown and "873" not in shown  # nor the other township's counts


def test_a_planner_sees_every_import_with_its_importer_and_townships(signed_in) -> None:
    history = _history(signed_in("wang"))
    assert history["文件"].tolist() == ["桃花吐镇三队.csv", "长宝营子乡一队.csv"]  # newest first
    assert history["导入人"].tolist() == ["zhou", "zhang"]
    assert history["乡镇"].tolist() == ["桃花吐镇", "长宝营子乡"]
    assert history["点数"].tolist() == [917, 5]


def test_visit_tables_older_than_the_app_give_a_plain_message(
    postgis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    PostgisStore(postgis_url, today=lambda: TODAY).seed(seed_layers(), author="seed")
    app_url = app_role_url(postgis_url, "older-secret", role="atlas_app_older_page")
    with psycopg.connect(postgis_url, autocommit=True) as connection:  # before the set-up's fix
        connection.execute("ALTER TABLE atlas_imports DROP COLUMN username, DROP COLUMN townships")
    monkeypatch.setenv(VISITS_DB_ENV, app_url)
    st.cache_resource.clear()
    try:
        app = AppTest.from_file(APP, default_timeout=120).run()
        app.switch_page("views/coverage/page.py").run()
    finally:
        st.cache_resource.clear()
    assert not app.exception, app.exception
    [error] = [element.value for element in app.error]
    assert error.startswith("无法打开走访记录库：") and "make shared" in error
    assert "older-secret" not in error and "host=" not in error
