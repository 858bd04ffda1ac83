"""What only the PostGIS store has: the app's database role may add versions but never change
or delete the history, triggers stop even the owner, and app processes publishing at once or
dying mid-publish leave a consistent store."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pyogrio
import pytest

from scripts.postgis_layers import export, load
from scripts.shared_setup import app_role_url, seed_layer_store
from store.postgis import PostgisStore
from tests.store.cases import TODAY, seed_layers, sites_frame

REPO_ROOT = Path(__file__).resolve().parents[2]
EDIT_DAY = dt.date(2026, 11, 20)
HISTORY = ("history_sites", "atlas_versions", "atlas_changes")

# Run in a child process: publish `sites` with one investment changed to `invest` at base
# version 1, after a start file appears in `sync`; the writer holds the layer for `hold`
# seconds before it touches the current features (so the other publisher must wait), and
# prints "won <version>" or "conflict". With `hold` negative it signals "holding" and sleeps
# until killed.
PUBLISHER = """
import datetime as dt, sys, time
from pathlib import Path
import store.postgis as module
from store import PublishConflict
from store.postgis import PostgisStore
from tests.store.cases import TODAY, sites_frame

url, invest, hold, sync = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), Path(sys.argv[4])
apply = module.apply_to_current

def slow_apply(*args):
    if hold < 0:
        (sync / "holding").touch()
        time.sleep(600)
    time.sleep(hold)
    apply(*args)

module.apply_to_current = slow_apply
store = PostgisStore(url, today=lambda: TODAY)
new = sites_frame()
new.loc[1, "invest"] = invest
print("ready", flush=True)
deadline = time.monotonic() + 30
while not (sync / "start").exists():
    if time.monotonic() > deadline:
        sys.exit("start file never appeared")
    time.sleep(0.005)
try:
    version = store.publish(
        "sites", new, base_version=1, author=f"p{invest}", comment="", effective=dt.date(2026, 11, 20)
    )
    print("won", version.number, flush=True)
except PublishConflict:
    print("conflict", flush=True)
"""


@pytest.fixture
def seeded(postgis_url: str) -> str:
    PostgisStore(postgis_url, today=lambda: TODAY).seed(seed_layers(), author="seed")
    return postgis_url


def publisher(url: str, invest: int, hold: float, sync: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", PUBLISHER, url, str(invest), str(hold), str(sync)],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_the_app_role_adds_versions_but_cannot_touch_the_history(seeded: str) -> None:
    app_url = app_role_url(seeded, "app-secret")
    assert "app-secret" not in PostgisStore(app_url).name
    store = PostgisStore(app_url, today=lambda: TODAY)
    new = sites_frame()
    new.loc[1, "invest"] = 7
    store.publish("sites", new, base_version=1, author="app", comment="", effective=EDIT_DAY)
    assert store.heads()["sites"] == 2

    with psycopg.connect(app_url, autocommit=True) as connection:
        for table in HISTORY:
            for statement in (f"UPDATE {table} SET version = 9", f"DELETE FROM {table}"):
                statement = statement.replace("version = 9", "atlas_version = 9", table[0] == "h")
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    connection.execute(statement)
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                connection.execute(f"TRUNCATE {table}")
        owned = connection.execute(
            "SELECT tablename FROM pg_tables WHERE tableowner = current_user"
            " AND tablename NOT IN ('atlas_imports', 'atlas_visits')"
        ).fetchall()
    assert owned == []


def test_the_triggers_stop_even_the_owner(seeded: str) -> None:
    with psycopg.connect(seeded, autocommit=True) as connection:
        for table in HISTORY:
            column = "atlas_version" if table.startswith("history") else "version"
            for statement in (
                f"UPDATE {table} SET {column} = 9",
                f"DELETE FROM {table}",
                f"TRUNCATE {table}",
            ):
                with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                    connection.execute(statement)
    assert len(PostgisStore(seeded).changes()) == 7


def test_of_two_processes_publishing_at_once_one_wins_the_other_conflicts(
    seeded: str, tmp_path: Path
) -> None:
    workers = [publisher(seeded, invest, 1.0, tmp_path) for invest in (11, 22)]
    for worker in workers:
        assert worker.stdout.readline().strip() == "ready", worker.stderr.read()
    (tmp_path / "start").touch()
    outcomes = []
    for worker in workers:
        out, err = worker.communicate(timeout=60)
        assert worker.returncode == 0, err
        outcomes.append(out.strip())

    assert sorted(outcomes) == ["conflict", "won 2"]
    store = PostgisStore(seeded)
    assert store.heads()["sites"] == 2 and len(store.versions("sites")) == 2
    winner = 11 if outcomes[0] == "won 2" else 22
    assert store.feature("sites", "s1").attributes["invest"] == winner


def test_a_publisher_killed_while_holding_the_layer_leaves_it_free(
    seeded: str, tmp_path: Path
) -> None:
    store = PostgisStore(seeded, today=lambda: TODAY)
    before = store.read("sites")
    worker = publisher(seeded, 33, -1, tmp_path)
    assert worker.stdout.readline().strip() == "ready", worker.stderr.read()
    (tmp_path / "start").touch()
    deadline = time.monotonic() + 30
    while not (tmp_path / "holding").exists():
        assert time.monotonic() < deadline and worker.poll() is None, worker.stderr.read()
        time.sleep(0.01)

    os.kill(worker.pid, signal.SIGKILL)  # mid-transaction, the layer's row locked
    worker.wait(timeout=10)

    assert store.read("sites").equals(before) and store.heads()["sites"] == 1
    new = sites_frame()
    new.loc[1, "invest"] = 44
    version = store.publish("sites", new, base_version=1, author="a", comment="", effective=TODAY)
    assert version.number == 2 and len(store.changes(layer="sites")) == 6


def test_seeding_a_database_that_holds_loaded_copies_replaces_them(postgis_url: str) -> None:
    with psycopg.connect(postgis_url, autocommit=True) as connection:
        connection.execute(
            "CREATE TABLE atlas_layers (key TEXT PRIMARY KEY, source_crs TEXT, features INTEGER)"
        )
        connection.execute("INSERT INTO atlas_layers VALUES ('sites', 'EPSG:4326', 1)")
        connection.execute("CREATE TABLE layer_sites (fid SERIAL, uid TEXT)")
    store = PostgisStore(postgis_url, today=lambda: TODAY)
    assert store.is_empty()

    store.seed(seed_layers(), author="seed")

    assert store.heads() == {"points": 1, "sites": 1} and len(store.read("sites")) == 5


def test_the_layer_scripts_export_the_store_and_refuse_to_reload_it(
    seeded: str, tmp_path: Path
) -> None:
    files = export(seeded, tmp_path / "out")

    exported = pyogrio.read_dataframe(files["sites"])
    assert list(exported["uid"]) == list(sites_frame()["uid"])
    with pytest.raises(RuntimeError, match="versioned layer store"):
        load(seeded, tmp_path)


# Run in a child process: seed the test layers into the store at `url` once a start file
# appears in `sync`; print "seeded" or the StoreError.
SEEDER = """
import sys, time
from pathlib import Path
from store import StoreError
from store.postgis import PostgisStore
from tests.store.cases import seed_layers

url, sync = sys.argv[1], Path(sys.argv[2])
layers = seed_layers()
print("ready", flush=True)
while not (sync / "start").exists():
    time.sleep(0.005)
try:
    PostgisStore(url).seed(layers, author="seed")
    print("seeded", flush=True)
except StoreError as error:
    print(error, flush=True)
"""


def test_of_two_processes_seeding_at_once_one_seeds_the_other_is_refused(
    postgis_url: str, tmp_path: Path
) -> None:
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", SEEDER, postgis_url, str(tmp_path)],
            cwd=REPO_ROOT,
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for worker in workers:
        assert worker.stdout.readline().strip() == "ready", worker.stderr.read()
    (tmp_path / "start").touch()
    outcomes = sorted(worker.communicate(timeout=60)[0].strip() for worker in workers)

    assert outcomes[1] == "seeded" and "already holds layers" in outcomes[0]
    store = PostgisStore(postgis_url)
    assert len(store.versions()) == 2 and len(store.read("sites")) == 5


def test_the_shared_setup_seeds_the_shipped_layers_once_and_keeps_edits(
    postgis_url: str,
) -> None:
    from layers import DATA_DIR

    assert seed_layer_store(postgis_url, DATA_DIR)
    store = PostgisStore(postgis_url)
    state = store.feature("villages", store.read("villages")["uid"].iloc[0])
    store.edit(
        "villages",
        state.uid,
        attributes={**state.attributes, "name": "改过的名字"},
        geometry=state.geometry,
        expected_version=state.version,
        author="管理员",
        comment="",
        effective=dt.date.today(),
    )

    assert not seed_layer_store(postgis_url, DATA_DIR)  # `make shared` again
    assert store.feature("villages", state.uid).attributes["name"] == "改过的名字"
