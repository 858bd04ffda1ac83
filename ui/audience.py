"""Who a running server is for: set in its configuration, never by the viewer (no sign-in yet)."""

from __future__ import annotations

import os

from accounts.roles import ALL_PAGES, PROMOTER_PAGES

__all__ = [
    "ALL_PAGES",
    "AUDIENCES",
    "AUDIENCE_ENV",
    "PROMOTER_PAGES",
    "pages_for",
    "server_audience",
]

AUDIENCE_ENV = "ATLAS_AUDIENCE"
# internal: planners and field teams, every page; promoter: the enclave pages for investors;
# public: the presentation view only. Internal fields are never sent to any audience. The jobs
# page is internal: its figures come from person rows (workers), which stay with planners.
AUDIENCES: dict[str, tuple[str, ...]] = {
    "internal": ALL_PAGES,
    "promoter": PROMOTER_PAGES,
    "public": ("presentation", "about"),
}


def server_audience() -> str:
    """The audience from the environment (default internal); ValueError naming the allowed ones."""
    audience = os.environ.get(AUDIENCE_ENV, "internal").strip().lower()
    if audience not in AUDIENCES:
        raise ValueError(f"{AUDIENCE_ENV}={audience!r} is not one of {', '.join(AUDIENCES)}")
    return audience


def pages_for(audience: str) -> tuple[str, ...]:
    """The url paths of the pages this audience may open."""
    return AUDIENCES[audience]
