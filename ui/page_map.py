"""A map page's map: built and rendered once per choice, drawn with the selection highlighted."""

from __future__ import annotations

import html
import json

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.offsets import WGS84, convert
from layers import data_version, get_layer, is_layer, load_layer
from layers.figures import CONTEXT_LAYERS, Refinements
from maps.basemaps import BASEMAPS, add_basemap
from maps.drawing import add_study_tools
from maps.layer_state import LayerStateReporter
from maps.parts import (
    FEATURE_ID_PROPERTY,
    FEATURE_LAYER_PROPERTY,
    base_map,
    highlight_group,
    layer_group,
    legend,
    outline_group,
    proportional_group,
)
from maps.tile_layer import tiled_group
from maps.tiles import MIN_ZOOM, SERVER_LAYER_NAME
from ui.folium_view import RenderedMap, render_map, show_map
from ui.page_spec import ALL, MAP_HEIGHT_PX, MapPage, filtered_frames, state_key
from ui.panel import Selection
from ui.state import current_basemap
from ui.study_area import apply_drawing
from ui.tiled_layers import big_stored_layers, show_tile_progress, tiled_layers, tiled_urls
from ui.uploads_state import session_uploads, uploaded_keys

__all__ = ["apply_click", "draw_map", "draw_page_map", "page_map"]

# What the map sends back: a click (the feature's properties and where), and with the study
# tools the shapes drawn, the view's bounds and the layers switched on.
_CLICK_OBJECTS = ("last_active_drawing", "last_object_clicked")
_STUDY_OBJECTS = ("all_drawings", "bounds", "selected_layers")


def page_map(
    page: MapPage,
    lang: str,
    basemap_key: str,
    tile_url: str | None,
    township: str,
    categories: tuple[str, ...],
    refinements: Refinements = (),
    uploaded: tuple[str, ...] = (),
    *,
    large_legend: bool = False,
    study_tools: bool = True,
    tiled: tuple[tuple[str, str | None, int], ...] = (),
) -> folium.Map:
    """The page's map, built once per choice of language, basemap, filters and uploaded layers
    (with a `large_legend` for a big screen), with the planner's drawing tools unless
    `study_tools` is off (the presentation view). The layers in `tiled` are drawn from their
    vector tiles at the address given (None: not built yet, left out), built to the zoom given."""
    datum = BASEMAPS[basemap_key].datum
    frames = filtered_frames(page, township, categories, refinements)
    fmap = base_map(_initial_bounds(frames))
    add_basemap(fmap, BASEMAPS[basemap_key], tile_url)
    context = [get_layer(key) for key in CONTEXT_LAYERS]
    layer_group(get_layer("townships"), load_layer("townships"), lang, datum=datum).add_to(fmap)
    layer_group(get_layer("river"), load_layer("river"), lang, datum=datum).add_to(fmap)
    switchable = []  # (layer key, its group): which are on is reported with the map's value
    tiles = {key: (url, deepest) for key, url, deepest in tiled}
    for key, frame in frames.items():
        group = _layer(key, frame, lang, tiles, show=key not in page.hidden, datum=datum)
        group.add_to(fmap)
        switchable.append((key, group))
    if page.sized_by:
        layer, field = page.sized_by
        proportional_group(get_layer(layer), frames[layer], field, lang, datum=datum).add_to(fmap)
    extra_legend = []
    if page.emphasis:
        emphasis = page.emphasis
        frame = frames[emphasis.layer]
        chosen = frame[frame[emphasis.field] == emphasis.value]
        outline_group(chosen, emphasis.label(lang), emphasis.color, datum=datum).add_to(fmap)
        extra_legend.append((emphasis.color, emphasis.label(lang)))
    for key in uploaded:  # the user's own data, added on the data page, answers clicks too
        group = _layer(key, load_layer(key), lang, tiles, show=True, datum=datum)
        group.add_to(fmap)
        switchable.append((key, group))
    # The outline is drawn on top for context but lets clicks through to what lies beneath.
    district = layer_group(
        get_layer("district"), load_layer("district"), lang, datum=datum, interactive=False
    )
    district.add_to(fmap)
    LayerStateReporter(switchable).add_to(fmap)
    if study_tools:
        add_study_tools(fmap, lang)
    folium.LayerControl(collapsed=True).add_to(fmap)
    styled = [*context[1:2], *(get_layer(key) for key in (*page.layers, *uploaded))]
    legend(styled, lang, extra=extra_legend, large=large_legend).add_to(fmap)
    return fmap


def _layer(
    key: str,
    frame: gpd.GeoDataFrame,
    lang: str,
    tiles: dict[str, tuple[str | None, int]],
    *,
    show: bool,
    datum: str,
) -> folium.FeatureGroup:
    """A layer sent whole, or drawn from its tiles (an empty group while they are built)."""
    spec = get_layer(key)
    if key not in tiles:
        return layer_group(spec, frame, lang, show=show, datum=datum)
    url, deepest = tiles[key]
    if url is None:
        return folium.FeatureGroup(name=html.escape(spec.title(lang)), show=show)
    # An archive names its layer by the key; the tile server's tiles hold one layer of its own.
    inner = key if url.endswith(".pmtiles") else SERVER_LAYER_NAME
    return tiled_group(
        spec, url, lang, min_zoom=MIN_ZOOM, max_zoom=deepest, show=show, data_layer=inner
    )


def _initial_bounds(frames: dict[str, gpd.GeoDataFrame]) -> tuple[float, float, float, float]:
    """The page's own features in view (the city for city programmes), else the district."""
    shown = [frame for frame in frames.values() if not frame.empty]
    if not shown:
        return tuple(load_layer("district").total_bounds)
    bounds = pd.DataFrame(
        [frame.total_bounds for frame in shown], columns=["minx", "miny", "maxx", "maxy"]
    )
    return bounds["minx"].min(), bounds["miny"].min(), bounds["maxx"].max(), bounds["maxy"].max()


def draw_page_map(
    page: MapPage, lang: str, *, height: int, selectable: tuple[str, ...]
) -> tuple[float, float] | None:
    """The page's whole map (no filters), a large legend, and a click selecting only features of
    the `selectable` layers: for the presentation view."""
    categories = (
        tuple(c.value for c in get_layer(page.category_layer).style.categories)
        if page.category_layer
        else ()
    )
    return draw_map(
        page,
        lang,
        ALL,
        categories,
        (),
        height=height,
        selectable=selectable,
        large_legend=True,
        study_tools=False,
    )


def draw_map(
    page: MapPage,
    lang: str,
    township: str,
    categories: tuple[str, ...],
    refinements: Refinements,
    *,
    height: int = MAP_HEIGHT_PX,
    selectable: tuple[str, ...] | None = None,
    large_legend: bool = False,
    study_tools: bool = True,
) -> tuple[float, float] | None:
    """Draw the map with the current selection highlighted. Returns the clicked lon/lat (WGS-84).

    A click selects a feature of any layer, or only of the `selectable` layers when given. With
    `study_tools` the map offers the planner's drawing tools, and returns what is drawn, its
    view and the layers switched on (read by ui.study_area and the print tool)."""
    basemap, tile_url = current_basemap()
    # The component's value reaches session state before this run: a new click becomes the
    # selection first, so the highlight drawn below is already the clicked feature's.
    # Letting go of a drawn rectangle or circle also clicks what lies beneath: that click
    # selects nothing.
    drawn = apply_drawing(page, basemap.datum) if study_tools else False
    clicked = apply_click(page, () if drawn else selectable)
    tiled = _tiled(page, basemap.datum, township, categories, refinements)
    show_tile_progress(tiled, lang)
    rendered = rendered_page_map(
        page,
        lang,
        basemap.key,
        tile_url,
        township,
        categories,
        refinements,
        uploaded_keys(),
        large_legend=large_legend,
        study_tools=study_tools,
        version=data_version(),
        tiled=tiled_urls(tiled),
    )
    selection: Selection | None = st.session_state.get(state_key(page, "selection"))
    center, zoom = st.session_state.get(state_key(page, "view"), (None, None))
    show_map(
        rendered,
        key=state_key(page, "map"),
        height=height,
        returned_objects=[*_CLICK_OBJECTS, *(_STUDY_OBJECTS if study_tools else ())],
        feature_group=_highlight(selection, basemap.datum),
        center=center,
        zoom=zoom,
    )
    return clicked


@st.cache_resource(show_spinner=False, max_entries=48)
def rendered_page_map(
    page: MapPage,
    lang: str,
    basemap_key: str,
    tile_url: str | None,
    township: str,
    categories: tuple[str, ...],
    refinements: Refinements = (),
    uploaded: tuple[str, ...] = (),
    *,
    large_legend: bool = False,
    study_tools: bool = True,
    version: tuple = (),
    tiled: tuple[tuple[str, str | None, int], ...] = (),
) -> RenderedMap:
    """The page's map rendered once per choice of language, basemap, filters and uploads, and
    per version of the data being seen (`version`: layers.data_version())."""
    built = page_map(
        page,
        lang,
        basemap_key,
        tile_url,
        township,
        categories,
        refinements,
        uploaded,
        large_legend=large_legend,
        study_tools=study_tools,
        tiled=tiled,
    )
    return render_map(built)


def _tiled(
    page: MapPage,
    datum: str,
    township: str,
    categories: tuple[str, ...],
    refinements: Refinements,
):
    """The page's layers and uploads too big to send whole, with their tile builds' states."""
    uploads = {layer.spec.key: layer.frame for u in session_uploads() for layer in u.layers}
    if not big_stored_layers(page.layers):  # the usual case: no page layer to filter again
        return tiled_layers(uploads, datum)
    frames = filtered_frames(page, township, categories, refinements)
    variant = repr((township, categories, refinements))
    narrowed = frozenset(
        key
        for key, frame in frames.items()
        if township != ALL
        or (key == page.category_layer and _narrows(key, categories, refinements))
    )
    return tiled_layers(frames, datum, variant, narrowed=narrowed) + tiled_layers(uploads, datum)


def _narrows(key: str, categories: tuple[str, ...], refinements: Refinements) -> bool:
    """Whether a category choice or refinement leaves features of layer `key` out."""
    every = {c.value for c in get_layer(key).style.categories}
    return bool(refinements) or not every <= set(categories)


def _highlight(selection: Selection | None, datum: str) -> folium.FeatureGroup:
    if selection is None:
        return highlight_group(gpd.GeoDataFrame(geometry=[], crs=4326), datum=datum)
    spec = get_layer(selection.layer)
    frame = load_layer(selection.layer)
    return highlight_group(frame[frame[spec.id_field] == selection.uid], datum=datum)


def apply_click(
    page: MapPage, selectable: tuple[str, ...] | None = None
) -> tuple[float, float] | None:
    """Make the map's latest click (already in session state) the page's selection, once: a
    page may call it before drawing what depends on the selection. The clicked lon/lat."""
    basemap, _ = current_basemap()
    returned = st.session_state.get(state_key(page, "map")) or {}
    return _handle_click(page, returned, basemap.datum, selectable)


def _handle_click(
    page: MapPage, returned: dict, datum: str, selectable: tuple[str, ...] | None
) -> tuple[float, float] | None:
    drawing = returned.get("last_active_drawing")
    position = returned.get("last_object_clicked")
    if not drawing or not position:
        return None
    lon, lat = convert(position["lng"], position["lat"], datum, WGS84)
    marker = json.dumps([drawing.get("properties"), position], sort_keys=True)
    if marker != st.session_state.get(state_key(page, "last_click")):
        st.session_state[state_key(page, "last_click")] = marker
        properties = drawing.get("properties") or {}
        layer = properties.get(FEATURE_LAYER_PROPERTY)
        uid = properties.get(FEATURE_ID_PROPERTY)
        if uid and is_layer(layer) and (selectable is None or layer in selectable):
            st.session_state[state_key(page, "selection")] = Selection(
                layer, html.unescape(uid), clicked_at=(float(lon), float(lat))
            )
    return float(lon), float(lat)
