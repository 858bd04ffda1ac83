"""The layers as the app reads them from the store: now, on a past date, and after a change."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from layers import STORE_ENV, data_version, layer_store, layer_total, load_layer, view_date, viewing
from layers.figures import township_series
from layers.report import history_start, report_date
from store import GeoPackageStore

MID_YEAR = dt.date(2020, 6, 30)


def test_a_past_date_shows_fewer_projects_and_communities() -> None:
    with viewing(MID_YEAR):
        projects, communities = load_layer("enclave_projects"), load_layer("closed_communities")
        started = layer_total("enclave_projects", "started")[1]
        by_township = township_series("enclave_projects", "count").sum()
    assert len(projects) < len(load_layer("enclave_projects")) == 69
    assert len(communities) < len(load_layer("closed_communities")) == 367
    assert started < layer_total("enclave_projects", "started")[1] == 9
    assert by_township == len(projects)  # the roll-ups follow the date too


def test_layers_without_history_are_there_from_the_records_start() -> None:
    with viewing(history_start()):
        assert len(load_layer("townships")) == 13
    with viewing(history_start() - dt.timedelta(days=1)):
        assert load_layer("townships").empty


def test_viewing_ends_with_its_block() -> None:
    with viewing(report_date()):
        assert view_date() == report_date()
        inside = data_version()
    assert view_date() is None
    assert data_version() != inside


def test_a_change_in_the_store_reaches_the_layers_and_their_totals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(STORE_ENV, str(tmp_path / "atlas.gpkg"))
    store = layer_store()
    assert isinstance(store, GeoPackageStore) and store.path == tmp_path / "atlas.gpkg"
    before = layer_total("enclave_projects", "started")[1]
    uid = load_layer("enclave_projects").query("status == '签约'")["uid"].iloc[0]
    state = store.feature("enclave_projects", uid)

    store.edit(
        "enclave_projects",
        uid,
        attributes={**state.attributes, "status": "落地开工"},
        geometry=state.geometry,
        expected_version=state.version,
        author="测试",
        comment="开工",
        effective=dt.date.today() - dt.timedelta(days=1),
    )

    assert layer_total("enclave_projects", "started")[1] == before + 1
    assert load_layer("enclave_projects").set_index("uid").loc[uid, "status"] == "落地开工"
    with viewing(report_date()):
        assert layer_total("enclave_projects", "started")[1] == before
