"""A store seeded before a layer existed takes the new layer in, as its version 1, and keeps
every other layer as it was (the 三区三线 layers joined stores seeded before them)."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import shapely

from store import LayerSchema, SeedLayer
from tests.store.cases import SITES, START, seed_layers, sites_frame
from tests.store.conftest import open_store

EDIT_DAY = dt.date(2026, 11, 20)
ZONES = LayerSchema(
    key="zones",
    id_field="uid",
    geometry="polygon",
    fields=(("uid", "text"), ("name", "text")),
)


def _zones() -> SeedLayer:
    frame = gpd.GeoDataFrame(
        {"uid": ["z1", "z2"], "name": ["永久基本农田1", "永久基本农田2"]},
        geometry=[shapely.box(120.4, 41.5, 120.41, 41.51), shapely.box(120.5, 41.6, 120.52, 41.62)],
        crs="EPSG:4326",
    )
    return SeedLayer(ZONES, frame, "EPSG:4549", START)


def test_a_new_layer_joins_a_seeded_store_as_version_one(store, target: str) -> None:
    state = store.feature("sites", "s1")
    store.edit(
        "sites",
        "s1",
        attributes={**state.attributes, "name": "改名"},
        geometry=state.geometry,
        expected_version=state.version,
        author="planner",
        comment="",
        effective=EDIT_DAY,
    )
    before = store.heads()
    added = store.add_layers([*seed_layers(), _zones()], author="data/shapefiles")
    assert added == ["zones"]
    reopened = open_store(target)
    assert reopened.heads() == {**before, "zones": 1}
    zones = reopened.read("zones")
    assert list(zones["name"]) == ["永久基本农田1", "永久基本农田2"]
    assert reopened.source_crs("zones") == "EPSG:4549"
    assert reopened.read("sites").set_index("uid").loc["s1", "name"] == "改名"
    assert [v.kind for v in reopened.versions("zones")] == ["seed"]


def test_adding_layers_the_store_holds_changes_nothing(store) -> None:
    before = store.heads()
    assert store.add_layers(seed_layers(), author="data/shapefiles") == []
    assert store.heads() == before
    assert len(store.read(SITES.key)) == len(sites_frame())


def test_the_shared_set_up_adds_layers_registered_since_it_seeded(postgis_url: str) -> None:
    from layers import DATA_DIR, LAYERS
    from layers.store_seed import SEED_AUTHOR
    from layers.store_seed import seed_layers as atlas_seed_layers
    from scripts.shared_setup import seed_layer_store

    new = ("urban_boundary", "eco_redline", "basic_farmland")
    older = tuple(spec for spec in LAYERS if spec.key not in new)
    open_store(postgis_url).seed(atlas_seed_layers(older, DATA_DIR), author=SEED_AUTHOR)
    assert seed_layer_store(postgis_url, DATA_DIR)  # `make shared` after the update
    heads = open_store(postgis_url).heads()
    assert set(heads) == {spec.key for spec in LAYERS} and all(heads[k] == 1 for k in new)
    assert not seed_layer_store(postgis_url, DATA_DIR)  # and again: nothing to add
