"""Every registered layer spec is valid and agrees with its shipped data."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.crs import METRIC_CRS
from geo.stats import feature_measures
from layers import LAYERS, REGISTRY, get_layer, load_layer

# Measurement agrees with a stored attribute within 1% (the tolerance).
RELATIVE_TOLERANCE = 0.01
# Features may touch a boundary; 1 m covers float noise from reprojection.
BOUNDARY_TOLERANCE_M = 1.0
_STORED_MEASURES = {
    "area_mu": "area_mu",
    "area_m2": "area_m2",
    "area_km2": "area_m2",
    "length_km": "length_km",
}
_STORED_SCALE = {"area_km2": 1e6}


@pytest.fixture(scope="module")
def district_metric() -> object:
    return (
        load_layer("district").to_crs(METRIC_CRS).geometry.union_all().buffer(BOUNDARY_TOLERANCE_M)
    )


@pytest.fixture(scope="module")
def township_zones() -> dict[str, object]:
    """Each township's area, found by its code or by its name (layers name it either way)."""
    townships = load_layer("townships").to_crs(METRIC_CRS)
    areas = townships.geometry.buffer(BOUNDARY_TOLERANCE_M)
    return {
        **dict(zip(townships["code"], areas, strict=True)),
        **dict(zip(townships["name"], areas, strict=True)),
    }


def test_registry_keys_are_unique_and_match_specs() -> None:
    assert len(REGISTRY) == len(LAYERS) == len({spec.source for spec in LAYERS})
    assert get_layer("orchards") is REGISTRY["orchards"]


def test_unknown_layer_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="known layers: district"):
        get_layer("parcels")


@pytest.mark.parametrize("spec", LAYERS, ids=lambda spec: spec.key)
def test_layer_loads_with_declared_fields_and_geometry(spec) -> None:
    frame = load_layer(spec.key)
    assert len(frame) > 0
    assert frame.crs.to_epsg() == 4326
    assert [f.name for f in spec.fields if f.name not in frame.columns] == []
    kinds = {
        "point": {"Point"},
        "line": {"LineString", "MultiLineString"},
        "polygon": {"Polygon", "MultiPolygon"},
    }
    assert set(frame.geometry.geom_type) <= kinds[spec.geometry]
    assert frame.geometry.is_valid.all()
    assert frame[spec.id_field].is_unique and frame[spec.id_field].notna().all()


@pytest.mark.parametrize("spec", LAYERS, ids=lambda spec: spec.key)
def test_numeric_fields_are_numeric(spec) -> None:
    frame = load_layer(spec.key)
    for field in spec.fields:
        if field.kind in ("int", "float"):
            assert pd.api.types.is_numeric_dtype(frame[field.name]), field.name
        else:
            assert pd.api.types.is_string_dtype(frame[field.name]), field.name


@pytest.mark.parametrize("spec", [s for s in LAYERS if s.style.by_field], ids=lambda spec: spec.key)
def test_styled_field_values_all_have_a_category(spec) -> None:
    values = set(load_layer(spec.key)[spec.style.by_field])
    categories = {category.value for category in spec.style.categories}
    assert values <= categories, f"values without a colour: {values - categories}"


@pytest.mark.parametrize("spec", LAYERS, ids=lambda spec: spec.key)
def test_every_feature_lies_inside_the_district(spec, district_metric) -> None:
    frame = load_layer(spec.key).to_crs(METRIC_CRS)
    outside = frame[~frame.geometry.within(district_metric)]
    assert outside.empty, f"outside the district: {list(outside[spec.id_field])}"


@pytest.mark.parametrize("spec", [s for s in LAYERS if s.township_field], ids=lambda spec: spec.key)
def test_every_feature_lies_inside_its_named_township(spec, township_zones) -> None:
    frame = load_layer(spec.key).to_crs(METRIC_CRS)
    towns = frame[spec.township_field]
    assert towns.isin(list(township_zones)).all(), (
        f"unknown townships: {set(towns) - set(township_zones)}"
    )
    inside = [
        geom.within(township_zones[town]) for geom, town in zip(frame.geometry, towns, strict=True)
    ]
    misplaced = frame.loc[[not ok for ok in inside], spec.id_field]
    assert misplaced.empty, f"outside their township: {list(misplaced)}"


@pytest.mark.parametrize("spec", LAYERS, ids=lambda spec: spec.key)
def test_stored_measures_agree_with_geometry(spec) -> None:
    frame = load_layer(spec.key)
    measured = feature_measures(frame)
    stored = [name for name in _STORED_MEASURES if name in frame.columns]
    for name in stored:
        expected = measured[_STORED_MEASURES[name]] / _STORED_SCALE.get(name, 1)
        relative = ((frame[name] - expected).abs() / expected).max()
        assert relative <= RELATIVE_TOLERANCE, f"{name} differs from the geometry by {relative:.2%}"


def test_internal_fields_are_declared_where_pages_must_withhold_them() -> None:
    internal = {spec.key: {f.name for f in spec.internal_fields} for spec in LAYERS}
    assert internal["households"] == {"hh_id"}
    assert internal["household_projects"] == {"hh_id"}
    assert internal["enclave_projects"] == {"contact", "notes"}
    assert internal["workers"] == {"wk_id", "hh_id"}  # person rows: synthetic ids, internal
    for key in ("employers", "welfare_posts", "workshops", "exit_std"):
        assert internal[key] == set(), key  # sites and counts, no person in them


def test_no_public_field_holds_a_registered_person_or_household_id() -> None:
    ids = set(load_layer("households")["hh_id"]) | set(load_layer("workers")["wk_id"])
    for spec in LAYERS:
        frame = load_layer(spec.key)
        for field in spec.public_fields:
            if field.kind == "text":
                leaked = set(frame[field.name].dropna().astype(str)) & ids
                assert not leaked, f"{spec.key}.{field.name} holds ids such as {sorted(leaked)[:3]}"
