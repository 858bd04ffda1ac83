"""Every store test runs against each store: a GeoPackage file and a PostGIS database."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import GeoPackageStore
from tests.store.cases import TODAY, seed_layers

STORES = ["geopackage", "postgis"]


def open_store(target: str):
    """The store at `target`: a .gpkg path or a PostgreSQL URL (dated as of TODAY)."""
    if target.startswith("postgresql"):
        from store.postgis import PostgisStore

        return PostgisStore(target, today=lambda: TODAY)
    return GeoPackageStore(target, today=lambda: TODAY)


@pytest.fixture(params=STORES)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a store lives: a new GeoPackage file, or a new database on the PostGIS server."""
    if request.param == "geopackage":
        return str(tmp_path / "atlas.gpkg")
    return request.getfixturevalue("postgis_url")


@pytest.fixture
def store(target: str):
    """A store seeded with the two test layers."""
    opened = open_store(target)
    opened.seed(seed_layers(), author="seed")
    return opened
