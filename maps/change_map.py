"""A map of what a new version of a layer changes: added features green, changed orange,
retired red, over the district's outline, with a legend."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence

import folium
import geopandas as gpd
import pandas as pd

from maps.parts import base_map, legend, outline_group

__all__ = ["CHANGE_COLORS", "change_map"]

CHANGE_COLORS = {"add": "#1a9850", "change": "#f46d43", "retire": "#d73027"}


def change_map(
    district: gpd.GeoDataFrame,
    parts: Sequence[tuple[str, gpd.GeoDataFrame, str]],
    district_title: str,
    lang: str,
) -> folium.Map:
    """`parts` are (action, features in EPSG:4326, label shown in the legend and tooltips)."""
    frames = [frame for _, frame, _ in parts if not frame.empty]
    # Fitted to the changes (a few sites are specks at the district's scale), with a margin.
    bounds = pd.DataFrame([f.total_bounds for f in frames or [district]])
    margin = max(bounds[2].max() - bounds[0].min(), bounds[3].max() - bounds[1].min(), 0.01) * 0.15
    bounds[[0, 1]] -= margin
    bounds[[2, 3]] += margin
    fmap = base_map((bounds[0].min(), bounds[1].min(), bounds[2].max(), bounds[3].max()))
    outline_group(district, district_title, "#000000").add_to(fmap)
    for action, frame, label in parts:
        _group(frame, label, CHANGE_COLORS[action]).add_to(fmap)
    extra = [(CHANGE_COLORS[action], label) for action, _, label in parts]
    legend([], lang, extra=extra).add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    return fmap


def _group(frame: gpd.GeoDataFrame, label: str, color: str) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=html.escape(label))
    if frame.empty:
        return group
    shapes = frame[["geometry"]].assign(tip=html.escape(label))
    folium.GeoJson(
        json.loads(shapes.to_json(drop_id=True)),
        style_function=lambda _feature: {
            "color": color,
            "weight": 3,
            "fillColor": color,
            "fillOpacity": 0.35,
        },
        marker=folium.CircleMarker(radius=7, color=color, fill=True, fill_opacity=0.8),
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
    ).add_to(group)
    return group
