"""Which of a map's layers the user has switched on, reported with the map's value.

streamlit-folium returns ``selected_layers`` (the values of its ``__GLOBAL_DATA__.selected_layers``)
but fills it only for WMS layers. This element keeps that object equal to the atlas layers now
on the map, on load and on every switch in the layer control, before streamlit-folium's own
``overlayadd``/``overlayremove`` listeners (added later) send the map's value to the server.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import folium
from branca.element import MacroElement, Template

__all__ = ["LAYER_STATE_URL", "LayerStateReporter", "switched_on"]

# Marks the entries this element writes (WMS entries carry their server's URL there).
LAYER_STATE_URL = "atlas-layer"


class LayerStateReporter(MacroElement):
    """Reports the keys of the `groups` (layer key, its FeatureGroup) that are on the map."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function(map, groups) {
    function report() {
        var data = window.__GLOBAL_DATA__;
        if (!data) return;
        var on = {};
        groups.forEach(function(pair) {
            if (map.hasLayer(pair[1])) on[pair[0]] = {name: pair[0], url: {{ this.url_json }}};
        });
        data.selected_layers = on;
    }
    map.on("overlayadd overlayremove", report);
    report();
})({{ this._parent.get_name() }}, [{{ this.pairs_js }}]);
{% endmacro %}
"""
    )

    def __init__(self, groups: Sequence[tuple[str, folium.FeatureGroup]]) -> None:
        super().__init__()
        self._name = "LayerStateReporter"
        self.url_json = json.dumps(LAYER_STATE_URL)
        # Keys are JSON strings (escaped for a script element); groups are the JS variables.
        self.pairs_js = ", ".join(
            f"[{_script_string(key)}, {group.get_name()}]" for key, group in groups
        )


def _script_string(value: str) -> str:
    """`value` as a JavaScript string literal that cannot end the script element."""
    return json.dumps(value).replace("</", "<\\/")


def switched_on(returned: dict | None, offered: Sequence[str]) -> tuple[str, ...] | None:
    """The keys among `offered` that the map reports switched on, in `offered` order; None
    when the map has not reported (its value has no layer state yet)."""
    if not isinstance(returned, dict):
        return None
    entries = returned.get("selected_layers")
    if not isinstance(entries, list):
        return None
    reported = {
        entry.get("name")
        for entry in entries
        if isinstance(entry, dict) and entry.get("url") == LAYER_STATE_URL
    }
    return tuple(key for key in offered if key in reported)
