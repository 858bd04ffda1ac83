"""Folium map builders: layers drawn from their specs, attribute text always escaped."""

from __future__ import annotations

import html

import folium
import geopandas as gpd

from geo.crs import to_display
from layers import LayerSpec

__all__ = ["outline_map"]


def outline_map(frame: gpd.GeoDataFrame, spec: LayerSpec, lang: str) -> folium.Map:
    """A map of one polygon layer with no basemap, fitted to its bounds."""
    frame = to_display(frame)
    minx, miny, maxx, maxy = frame.total_bounds
    fmap = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], tiles=None, zoom_start=10)
    style = {
        "color": spec.style.color,
        "weight": spec.style.weight,
        "fillOpacity": spec.style.fill_opacity,
    }
    for _, row in frame.iterrows():
        tooltip = "<br>".join(
            f"{html.escape(spec.field(name).label(lang))}: {html.escape(str(row[name]))}"
            for name in spec.tooltip
        )
        folium.GeoJson(
            row.geometry.__geo_interface__,
            name=spec.title(lang),
            style_function=lambda _feature, style=style: style,
            tooltip=folium.Tooltip(tooltip),
        ).add_to(fmap)
    fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    return fmap
