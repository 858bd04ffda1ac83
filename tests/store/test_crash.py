"""A process killed half-way through a publish leaves either store as it was, and the
GeoPackage file stays append-only and readable by GDAL."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

from store import GeoPackageStore, history_table
from tests.store.cases import seed_layers, sites_frame
from tests.store.conftest import open_store

REPO_ROOT = Path(__file__).resolve().parents[2]
EDIT_DAY = dt.date(2026, 11, 20)

# Run in a child process: publish a changed `sites` layer to the store at `target`, dying with
# os._exit(1) once the version, its history and change rows are written, before the current
# features are touched (the store module's `apply_to_current` is where the writer goes next).
CRASHING_PUBLISH = """
import datetime as dt, importlib, os, sys
from tests.store.cases import sites_frame
from tests.store.conftest import open_store

target, module = sys.argv[1:3]

def die(*args, **kwargs):
    print("dying", flush=True)
    os._exit(1)

importlib.import_module(module).apply_to_current = die
new = sites_frame()
new.loc[1, "invest"] = 1
new = new[new["uid"] != "s4"]
open_store(target).publish(
    "sites", new, base_version=1, author="crash", comment="", effective=dt.date(2026, 11, 20)
)
print("published", flush=True)
"""


def store_module(target: str) -> str:
    return "store.postgis" if target.startswith("postgresql") else "store.geopackage"


def snapshot(store) -> tuple:
    return (
        store.read("sites"),
        store.read("sites", as_of=EDIT_DAY),
        store.heads(),
        store.changes(),
        store.versions(),
    )


def test_a_publish_killed_half_way_leaves_the_store_as_it_was(store, target: str) -> None:
    before = snapshot(store)

    child = subprocess.run(
        [sys.executable, "-c", CRASHING_PUBLISH, target, store_module(target)],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert (child.returncode, child.stdout.strip()) == (1, "dying"), child.stderr
    after = open_store(target)
    now = snapshot(after)
    pd.testing.assert_frame_equal(now[0], before[0])
    pd.testing.assert_frame_equal(now[1], before[1])
    assert now[2] == before[2] == {"points": 1, "sites": 1}
    pd.testing.assert_frame_equal(now[3], before[3])
    assert now[4] == before[4]
    new = sites_frame()
    new.loc[1, "invest"] = 1
    version = after.publish(
        "sites", new, base_version=1, author="a", comment="", effective=EDIT_DAY
    )
    assert (version.number, version.changed) == (2, 1)
    assert after.feature("sites", "s1").attributes["invest"] == 1


@pytest.fixture
def gpkg(tmp_path: Path) -> Path:
    path = tmp_path / "atlas.gpkg"
    GeoPackageStore(path).seed(seed_layers(), author="seed")
    return path


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE \"{table}\" SET stage = '拆除'",
        'DELETE FROM "{table}"',
    ],
)
def test_the_geopackage_history_refuses_updates_and_deletes(gpkg: Path, statement: str) -> None:
    with closing(sqlite3.connect(gpkg)) as connection:
        for table in (history_table("sites"), "atlas_versions", "atlas_changes"):
            sql = statement.format(table=table).replace("SET stage", "SET " + _column(table))
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                connection.execute(sql)
        counts = [
            connection.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
            for t in (history_table("sites"), "atlas_versions", "atlas_changes")
        ]
    assert counts == [5, 2, 7]


def _column(table: str) -> str:
    return "stage" if table.endswith("_history") else "author"


def test_gdal_reads_the_geopackage_layers_and_history(gpkg: Path) -> None:
    layers = {name for name, _ in pyogrio.list_layers(gpkg)}
    assert {"sites", "sites_history", "points", "points_history"} <= layers

    sites = pyogrio.read_dataframe(gpkg, layer="sites")

    expected = sites_frame()
    assert sites.crs.to_epsg() == 4326
    assert list(sites["uid"]) == list(expected["uid"])
    assert list(sites["stage"]) == list(expected["stage"])
    assert sites.geometry.geom_equals(expected.geometry).all()


def test_the_geopackage_keeps_its_own_version_number(gpkg: Path) -> None:
    """GDAL warns of an 'unrecognized user_version' when the store writes its own there."""
    with closing(sqlite3.connect(gpkg)) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] >= 10200
        stored = connection.execute("SELECT value FROM atlas_meta WHERE key = 'schema_version'")
        assert stored.fetchone()[0] == "1"


def test_qgis_and_gdal_list_the_versions_and_changes_as_tables(gpkg: Path) -> None:
    layers = dict(pyogrio.list_layers(gpkg))
    assert layers["atlas_versions"] is None and layers["atlas_changes"] is None  # no geometry
    changes = pyogrio.read_dataframe(gpkg, layer="atlas_changes")
    assert len(changes) == 7
    assert {"layer", "uid", "action", "author", "before", "after"} <= set(changes.columns)


def test_a_store_made_before_atlas_meta_is_upgraded_in_place(gpkg: Path) -> None:
    """Stores of session 5 kept their version in PRAGMA user_version (GDAL warned on every
    read) and did not list the history tables; upgrading fixes both and changes no data."""
    before = GeoPackageStore(gpkg).read("sites")
    with closing(sqlite3.connect(gpkg, isolation_level=None)) as connection:
        connection.execute("DROP TABLE atlas_meta")
        connection.execute("DELETE FROM gpkg_contents WHERE table_name LIKE 'atlas_%'")
        connection.execute("PRAGMA user_version = 1")

    GeoPackageStore(gpkg).upgrade()
    GeoPackageStore(gpkg).upgrade()  # a second time: nothing to do

    test_the_geopackage_keeps_its_own_version_number(gpkg)
    test_qgis_and_gdal_list_the_versions_and_changes_as_tables(gpkg)
    pd.testing.assert_frame_equal(GeoPackageStore(gpkg).read("sites"), before)
