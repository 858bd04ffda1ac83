"""Settings for the whole suite: field visits go to a temporary store, never into data/."""

from __future__ import annotations

import os

import pytest

from fieldwork.store import VISITS_DB_ENV


@pytest.fixture(autouse=True, scope="session")
def _temporary_visit_store(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Pages and app servers started by the tests record visits in a throw-away store."""
    os.environ[VISITS_DB_ENV] = str(tmp_path_factory.mktemp("field") / "visits.sqlite")
