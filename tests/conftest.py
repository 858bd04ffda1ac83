"""Settings for the whole suite: field visits and the layer store go to temporary files,
never into data/ or the user's own store."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldwork.store import VISITS_DB_ENV
from layers import STORE_ENV
from scripts.local_postgis import Cluster, start_cluster

_THROWAWAY: list[Path] = []


def pytest_configure(config: pytest.Config) -> None:
    """Before any test module is imported (some read layers while being collected): the
    atlas's layers come from a store seeded afresh for this test session, and the pages and
    app servers the tests start record visits in a throw-away store, never in the user's own
    (~/.local/share/shuangta-atlas); tests that edit layers make their own store."""
    folder = Path(tempfile.mkdtemp(prefix="atlas-tests-"))
    _THROWAWAY.append(folder)
    os.environ[STORE_ENV] = str(folder / "atlas.gpkg")
    os.environ[VISITS_DB_ENV] = str(folder / "visits.sqlite")
    os.environ["XDG_DATA_HOME"] = str(folder / "data-home")  # whatever reads a default place


def pytest_unconfigure(config: pytest.Config) -> None:
    for folder in _THROWAWAY:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgis() -> Iterator[Cluster]:
    """A real PostgreSQL + PostGIS server for this test session (no mocks)."""
    try:
        cluster = start_cluster()
    except (RuntimeError, OSError) as error:
        pytest.fail(f"cannot start PostgreSQL with PostGIS: {error}")
    yield cluster
    cluster.stop()


@pytest.fixture
def postgis_url(postgis: Cluster) -> str:
    """A fresh database with PostGIS on the session's server."""
    return postgis.new_database()
