"""accounts.roles, the one place the pages and the tile server learn what each role sees,
agrees with the pages themselves (views) and with the maps' context layers."""

from __future__ import annotations

import pytest

from accounts.roles import (
    CONSTRAINT_ZONE_LAYERS,
    CONTEXT_LAYERS,
    ROLE_LAYERS,
    ROLES,
    may_see_layer,
    sees_constraint_zones,
)
from layers import LAYERS
from layers.figures import CONTEXT_LAYERS as MAP_CONTEXT_LAYERS
from views.enclave import PAGE as ENCLAVE_PAGE
from views.overview import PAGE as OVERVIEW_PAGE


def test_every_role_has_its_layers_and_the_context_is_the_maps() -> None:
    assert set(ROLE_LAYERS) == set(ROLES)
    assert CONTEXT_LAYERS == MAP_CONTEXT_LAYERS
    keys = {spec.key for spec in LAYERS}
    assert set(CONSTRAINT_ZONE_LAYERS) <= keys
    assert all(set(layers or ()) <= keys for layers in ROLE_LAYERS.values())


def test_planners_see_every_layer_and_the_zones_alone() -> None:
    assert all(may_see_layer("planner", spec.key) for spec in LAYERS)
    assert [role for role in ROLES if sees_constraint_zones(role)] == ["planner"]


@pytest.mark.parametrize("role", ["promoter", "field", "admin", "nobody"])
def test_other_roles_see_no_internal_layer(role: str) -> None:
    internal = [k for k in OVERVIEW_PAGE.layers if k not in ENCLAVE_PAGE.layers]
    assert not [k for k in internal if may_see_layer(role, k)]
    for key in CONTEXT_LAYERS:
        assert may_see_layer(role, key) == (role in ROLES)


def test_promoters_see_what_their_pages_draw() -> None:
    assert {"enclave", "presentation"} <= set(ROLES["promoter"])
    assert all(may_see_layer("promoter", key) for key in ENCLAVE_PAGE.layers)
    assert not may_see_layer("field", "enclave_projects")
