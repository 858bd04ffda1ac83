"""Which of a page's layers are drawn from vector tiles, and the progress of their builds.

A layer above maps.tiles.TILE_THRESHOLD features is drawn from its tile archive, built once
per data version (and per page filter) in the background (maps.tile_builds); until it is
ready the map leaves that layer out and a progress bar beside the map says how far the build
is, then the page redraws itself with the layer.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import streamlit as st

from layers import get_layer
from maps.tile_builds import INTERNAL_ERROR, TileState, tile_builds
from maps.tiles import TILE_THRESHOLD, layer_version, tile_url
from ui.i18n import text
from ui.messages import explain_problem, plain_markdown

__all__ = ["TiledLayer", "show_tile_progress", "tiled_layers", "tiled_urls"]

_POLL_SECONDS = 1.0


@dataclass(frozen=True)
class TiledLayer:
    """One big layer of a page: its archive's state and what identifies it."""

    key: str
    version: object
    datum: str
    features: int
    state: TileState


def tiled_layers(
    frames: dict[str, gpd.GeoDataFrame], datum: str, variant: str = ""
) -> tuple[TiledLayer, ...]:
    """The layers of `frames` too big to send whole, their builds asked for (`variant`: what
    narrowed the frames from the stored layer, such as the page's filters)."""
    builds = tile_builds()
    tiled = []
    for key, frame in frames.items():
        if len(frame) <= TILE_THRESHOLD:
            continue
        version = layer_version(key, variant)
        state = builds.request(key, version, lambda chosen=frame: chosen, datum=datum)
        tiled.append(TiledLayer(key, version, datum, len(frame), state))
    return tuple(tiled)


def tiled_urls(tiled: tuple[TiledLayer, ...]) -> tuple[tuple[str, str | None], ...]:
    """(layer key, address of its archive or None while it is not ready): a map's cache key."""
    return tuple(
        (layer.key, tile_url(layer.state.archive) if layer.state.ready else None) for layer in tiled
    )


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
    building = tuple(layer for layer in tiled if layer.state.building)
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
