"""What each role of a shared deployment may open: its pages, and the layers a tile server may
send it whole (the layers its pages draw as they stand, beyond the context every map has).
No Streamlit: the pages (ui.access) and the tile server (scripts/shared/tile_server.py) both
decide by these."""

from __future__ import annotations

__all__ = [
    "ALL_PAGES",
    "CONSTRAINT_ZONE_LAYERS",
    "CONTEXT_LAYERS",
    "PROMOTER_PAGES",
    "ROLES",
    "ROLE_LAYERS",
    "may_see_layer",
    "sees_constraint_zones",
]

# The url paths of the pages. The jobs page is internal: its figures come from person rows.
ALL_PAGES = (
    "overview",
    "poverty",
    "jobs",
    "enclave",
    "night",
    "renovation",
    "coverage",
    "data",
    "history",
    "presentation",
    "about",
)
PROMOTER_PAGES = ("enclave", "presentation", "about")
# The pages (url paths) each role may open; every page and export checks it on the server.
ROLES: dict[str, tuple[str, ...]] = {
    "planner": ALL_PAGES,
    "promoter": PROMOTER_PAGES,
    "field": ("coverage", "about"),
    "admin": ("data", "history", "about"),
}
# Under every map (layers.figures.CONTEXT_LAYERS: public outlines, places and the river).
CONTEXT_LAYERS = ("district", "townships", "landmarks", "river")
# The 三区三线 constraint zones: internal planning data, planners only.
CONSTRAINT_ZONE_LAYERS = ("urban_boundary", "basic_farmland", "eco_redline")
# The layers each role's pages draw whole besides the context; None: every layer. Field teams
# see their coverage targets only within their own townships, and admins see layers as
# tables, so neither is sent a whole layer.
ROLE_LAYERS: dict[str, tuple[str, ...] | None] = {
    "planner": None,
    "promoter": ("enclave_projects",),
    "field": (),
    "admin": (),
}


def may_see_layer(role: str, key: str) -> bool:
    """Whether a user of `role` may be sent layer `key` whole (e.g. as vector tiles)."""
    if role not in ROLE_LAYERS:
        return False
    layers = ROLE_LAYERS[role]
    if layers is None:
        return True
    return key in CONTEXT_LAYERS or key in layers


def sees_constraint_zones(role: str) -> bool:
    """Whether a user of `role` may see the 三区三线 zones and verdicts (planners only)."""
    return all(may_see_layer(role, key) for key in CONSTRAINT_ZONE_LAYERS)
