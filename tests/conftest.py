"""Settings for the whole suite: field visits and the layer store go to temporary files,
never into data/ or the user's own store."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from fieldwork.store import VISITS_DB_ENV
from layers import STORE_ENV
from scripts.local_postgis import Cluster, start_cluster


@pytest.fixture(autouse=True, scope="session")
def _temporary_visit_store(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Pages and app servers started by the tests record visits in a throw-away store."""
    os.environ[VISITS_DB_ENV] = str(tmp_path_factory.mktemp("field") / "visits.sqlite")


@pytest.fixture(autouse=True, scope="session")
def _temporary_layer_store(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The atlas's layers come from a store seeded afresh for this test session (the pages and
    app servers the tests start use it too); tests that edit layers make their own."""
    os.environ[STORE_ENV] = str(tmp_path_factory.mktemp("store") / "atlas.gpkg")


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
