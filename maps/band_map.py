"""A map of distance bands: targets coloured by their band, the services they are measured to."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import folium
import geopandas as gpd

from layers import get_layer, load_layer
from layers.spec import Category, Field, LayerSpec, Style
from maps.parts import base_map, layer_group, legend

__all__ = ["BAND_COLORS", "BAND_FIELD", "band_map"]

# Nearest band first: green (well served) to red (far); more bands reuse the last colours.
BAND_COLORS = ("#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027", "#a50026")
BAND_FIELD = "band_label"
KM_FIELD = "km"


def band_map(
    targets: gpd.GeoDataFrame,
    target_layer: str,
    services: gpd.GeoDataFrame,
    service_layer: str,
    labels: Sequence[str],
    lang: str,
) -> folium.Map:
    """`targets` (of `target_layer`, with columns band_label and km) coloured by band over the
    townships, and the `services` (of `service_layer`) in black on top; a legend of both."""
    spec = _band_spec(get_layer(target_layer), labels)
    service_spec = dataclasses.replace(
        get_layer(service_layer),
        style=Style(color="#212121", fill_opacity=0.5, weight=2.0, radius=4.0),
    )
    fmap = base_map(tuple(load_layer("district").total_bounds))
    layer_group(get_layer("townships"), load_layer("townships"), lang).add_to(fmap)
    layer_group(spec, targets, lang).add_to(fmap)
    layer_group(service_spec, services, lang).add_to(fmap)
    district = layer_group(get_layer("district"), load_layer("district"), lang, interactive=False)
    district.add_to(fmap)
    legend([spec, service_spec], lang).add_to(fmap)
    return fmap


def _band_spec(target: LayerSpec, labels: Sequence[str]) -> LayerSpec:
    """The target layer's spec drawn by band: its id and name, the band and the distance."""
    colors = [BAND_COLORS[min(n, len(BAND_COLORS) - 1)] for n in range(len(labels))]
    fields = (
        target.field(target.id_field),
        *((target.field(target.name_field),) if target.name_field != target.id_field else ()),
        Field(BAND_FIELD, "距离分级", "Distance band"),
        Field(KM_FIELD, "到最近服务的距离", "To the nearest service", "float", "千米", "km"),
    )
    return dataclasses.replace(
        target,
        key=f"{target.key}_bands",
        title_zh=f"{target.title_zh}（按距离分级）",
        title_en=f"{target.title_en} (by distance band)",
        fields=fields,
        style=Style(
            color=colors[-1],
            fill_opacity=0.6,
            weight=1.0,
            radius=target.style.radius,
            by_field=BAND_FIELD,
            categories=tuple(
                Category(label, label, color) for label, color in zip(labels, colors, strict=True)
            ),
        ),
        tooltip=(target.name_field, BAND_FIELD, KM_FIELD),
        totals=(),
        township_field=None,
        densities=(),
        related=(),
        card=(),
    )
