"""A laptop store seeded before the 三区三线 layers were registered gets them from the shipped
data when the atlas opens it; every layer it held keeps its versions."""

from __future__ import annotations

from pathlib import Path

import pytest

from layers import DATA_DIR, LAYERS, STORE_ENV, layer_store
from layers.store_seed import SEED_AUTHOR, seed_layers
from store import GeoPackageStore

NEW_LAYERS = ("urban_boundary", "eco_redline", "basic_farmland")


def test_a_store_seeded_before_the_zone_layers_gets_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.gpkg"
    older = tuple(spec for spec in LAYERS if spec.key not in NEW_LAYERS)
    GeoPackageStore(path).seed(seed_layers(older, DATA_DIR), author=SEED_AUTHOR)
    monkeypatch.setenv(STORE_ENV, str(path))
    store = layer_store()
    heads = store.heads()
    assert set(heads) == {spec.key for spec in LAYERS}
    assert all(heads[key] == 1 for key in NEW_LAYERS)
    farmland = store.read("basic_farmland")
    assert farmland["name"].str.contains("永久基本农田").all()
    assert store.source_crs("basic_farmland") == "EPSG:4549"
    assert GeoPackageStore(path).heads() == heads  # a second opening adds nothing
