"""Show a folium map in Streamlit with its costly rendering done once, not on every rerun.

`streamlit_folium.st_folium` turns the whole map into JavaScript on every run (about a second
for 8,000 features) and alters the map while doing so.  Here the map is rendered once into a
`RenderedMap` (cached by the caller) and each run only sends that same script again plus the
small dynamic parts (the highlight group, the view).  The component and the rendering helpers
are streamlit-folium's own (pinned in requirements.txt); tests/app drive this end to end.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field

import folium
import streamlit as st
import streamlit_folium as sf

from maps.assets import localise_assets

__all__ = ["RenderedMap", "render_map", "show_map"]

_RETURNABLE = (
    "last_clicked",
    "last_object_clicked",
    "last_object_clicked_tooltip",
    "last_object_clicked_popup",
    "all_drawings",
    "last_active_drawing",
    "bounds",
    "zoom",
    "center",
)


@dataclass(frozen=True)
class RenderedMap:
    """Everything the map component needs that does not change between reruns."""

    map_id: str
    script: str
    header: str
    html: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    bounds: dict = field(hash=False)
    zoom: int | None = None

    @property
    def size_bytes(self) -> int:
        """Bytes of map markup and script sent to the browser (assets not counted)."""
        return len((self.script + self.header + self.html).encode("utf-8"))


def render_map(fmap: folium.Map) -> RenderedMap:
    """Render `fmap` once (on a copy, which rendering alters) into what the component needs.

    Every JS/CSS file the map asks for is pointed at the app's own copy here, so no map shown
    in a page fetches anything from a CDN (government intranets block them)."""
    work = localise_assets(copy.deepcopy(fmap))
    work.get_root().render()
    work.render()
    html = sf._get_html(work)
    header = sf._get_header(work)
    css_links, js_links = _asset_links(work)
    script = sf._get_map_string(work)
    (south, west), (north, east) = work.get_bounds()
    return RenderedMap(
        map_id=sf.get_full_id(work),
        script=script,
        header=header,
        html=html,
        css_links=tuple(css_links),
        js_links=tuple(js_links),
        bounds={
            "_southWest": {"lat": south, "lng": west},
            "_northEast": {"lat": north, "lng": east},
        },
        zoom=work.options.get("zoom"),
    )


def show_map(
    rendered: RenderedMap,
    *,
    key: str,
    height: int,
    returned_objects: Iterable[str],
    feature_group: folium.FeatureGroup | None = None,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
) -> dict | None:
    """Draw the rendered map; the browser keeps it (and the user's view) while its script is unchanged.

    The component's value is also stored in ``st.session_state[key]`` before the rerun it
    triggers, so a page can act on a click before drawing anything.
    """
    returned = tuple(returned_objects)
    hash_key = sf.generate_js_hash(rendered.script, key, False)

    def copy_value() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})

    defaults = {name: None for name in _RETURNABLE if name in returned}
    if "bounds" in defaults:
        defaults["bounds"] = rendered.bounds
    if "zoom" in defaults:
        defaults["zoom"] = rendered.zoom
    return sf._component_func(
        script=rendered.script,
        header=rendered.header,
        html=rendered.html,
        id=rendered.map_id,
        key=hash_key,
        height=height,
        width=None,
        returned_objects=list(returned),
        default=defaults,
        zoom=zoom,
        center=center,
        feature_group=_feature_group_script(feature_group, rendered.map_id),
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=list(rendered.css_links),
        js_links=list(rendered.js_links),
        on_change=copy_value,
        wrap_longitude=False,
    )


def _feature_group_script(group: folium.FeatureGroup | None, map_id: str) -> str | None:
    if group is None:
        return None
    stand_in = folium.Map(tiles=None)  # carries the real map's id, so references resolve to it
    stand_in._id = map_id.removeprefix(f"{stand_in._name.lower()}_")
    return sf._get_feature_group_string(group, map=stand_in)


def _asset_links(fmap: folium.Map) -> tuple[list[str], list[str]]:
    """The CSS and JS files every element of the map asks for, in order, without repeats."""
    css: list[str] = []
    js: list[str] = []
    stack = [fmap]
    while stack:
        element = stack.pop(0)
        css += [url for _, url in getattr(element, "default_css", [])]
        js += [url for _, url in getattr(element, "default_js", [])]
        stack.extend(getattr(element, "_children", {}).values())
    return list(dict.fromkeys(css)), list(dict.fromkeys(js))
