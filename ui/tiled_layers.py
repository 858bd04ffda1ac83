"""Which of a page's layers are drawn from vector tiles, and the progress of their builds.

A layer above maps.tiles.TILE_THRESHOLD features is drawn from its tile archive, built once
per data version (and per page filter) in the background (maps.tile_builds); until it is
ready the map leaves that layer out and a progress bar beside the map says how far the build
is, then the page redraws itself with the layer.  In the shared deployment (ATLAS_TILE_SERVER
set) a stored layer as it is now, unfiltered, over a WGS-84 basemap comes straight from the
tile server reading PostGIS: no build.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import streamlit as st

from geo.offsets import WGS84
from layers import REGISTRY, data_version, get_layer, load_layer
from maps.tile_builds import INTERNAL_ERROR, TileState, tile_builds
from maps.tiles import (
    MAX_ZOOM,
    TILE_THRESHOLD,
    archive_max_zoom,
    layer_version,
    server_tiles_url,
    tile_url,
)
from ui.i18n import text
from ui.messages import explain_problem, plain_markdown

__all__ = ["TiledLayer", "big_stored_layers", "show_tile_progress", "tiled_layers", "tiled_urls"]

_POLL_SECONDS = 1.0


@dataclass(frozen=True)
class TiledLayer:
    """One big layer of a page: where its tiles come from, or how far their build is."""

    key: str
    version: object
    datum: str
    features: int
    state: TileState
    served_at: str | None = None  # the tile server's address template (no build)

    @property
    def url(self) -> str | None:
        if self.served_at:
            return self.served_at
        return tile_url(self.state.archive) if self.state.ready else None


def tiled_layers(
    frames: dict[str, gpd.GeoDataFrame],
    datum: str,
    variant: str = "",
    *,
    narrowed: frozenset[str] = frozenset(),
) -> tuple[TiledLayer, ...]:
    """The layers of `frames` too big to send whole, their builds asked for (`variant`: what
    narrowed the frames from the stored layer, such as the page's filters; `narrowed`: the
    keys it narrowed)."""
    builds = tile_builds()
    tiled = []
    for key, frame in frames.items():
        if len(frame) <= TILE_THRESHOLD:
            continue
        version = layer_version(key, variant if key in narrowed else "")
        served = _served_at(key, datum, key in narrowed)
        if served:
            state = TileState(key, None, 1.0, "served")
        else:
            state = builds.request(key, version, lambda chosen=frame: chosen, datum=datum)
        tiled.append(TiledLayer(key, version, datum, len(frame), state, served))
    return tuple(tiled)


def big_stored_layers(keys: tuple[str, ...]) -> frozenset[str]:
    """The stored layers among `keys` above the tile threshold (a page's filters only make a
    layer smaller): counted once per data version, not on every rerun."""
    return _big_layers(keys, data_version(), TILE_THRESHOLD)


@st.cache_resource(show_spinner=False, max_entries=64)
def _big_layers(keys: tuple[str, ...], version: tuple, threshold: int) -> frozenset[str]:
    return frozenset(key for key in keys if len(load_layer(key)) > threshold)


def _served_at(key: str, datum: str, narrowed: bool) -> str | None:
    """The tile server's address for a stored layer seen now, whole, in WGS-84; else None."""
    as_of = data_version()[2]
    if narrowed or as_of is not None or datum != WGS84 or key not in REGISTRY:
        return None
    return server_tiles_url(key)


def tiled_urls(tiled: tuple[TiledLayer, ...]) -> tuple[tuple[str, str | None, int], ...]:
    """(layer key, address of its tiles or None while they are not ready, their deepest zoom):
    a map's cache key."""
    return tuple((layer.key, layer.url, _deepest(layer)) for layer in tiled)


def _deepest(layer: TiledLayer) -> int:
    if layer.served_at or not layer.state.ready:
        return MAX_ZOOM
    return archive_max_zoom(layer.state.archive)


def show_tile_progress(tiled: tuple[TiledLayer, ...], lang: str) -> None:
    """A failed build in words; builds under way as progress bars that follow them and redraw
    the page once they are done."""
    for layer in tiled:
        if layer.state.error:
            st.warning(
                text(
                    "tiles_failed",
                    lang,
                    layer=plain_markdown(get_layer(layer.key).title(lang)),
                    reason=text("tiles_internal", lang)
                    if layer.state.error == INTERNAL_ERROR
                    else plain_markdown(explain_problem(layer.state.error, lang)),
                )
            )
    building = tuple(layer for layer in tiled if layer.state.building and not layer.served_at)
    if building:
        _follow_builds(building, lang)


@st.fragment(run_every=_POLL_SECONDS)
def _follow_builds(building: tuple[TiledLayer, ...], lang: str) -> None:
    builds = tile_builds()
    still = False
    for layer in building:
        state = builds.state(layer.key, layer.version, datum=layer.datum) or layer.state
        if state.building:
            still = True
            label = text(
                "tiles_building",
                lang,
                layer=plain_markdown(get_layer(layer.key).title(lang)),
                count=f"{layer.features:,}",
                percent=round(100 * state.fraction),
            )
            st.progress(min(max(state.fraction, 0.0), 1.0), text=label)
    if not still:
        st.rerun(scope="app")
