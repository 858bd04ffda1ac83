"""The coverage map: targets coloured covered / not covered, over townships and the river."""

from __future__ import annotations

import folium
import geopandas as gpd

from fieldwork.coverage import TargetSet
from layers import get_layer, load_layer
from layers.spec import Category, Field, LayerSpec, Style
from maps.parts import base_map, layer_group, legend

__all__ = ["COVERED", "NOT_COVERED", "coverage_map", "coverage_spec"]

COVERED = "已覆盖"
NOT_COVERED = "未覆盖"


def coverage_spec(target_set: TargetSet) -> LayerSpec:
    """A layer spec for evaluated targets: status colours and a tooltip saying why."""
    return LayerSpec(
        key="coverage",
        title_zh=f"覆盖核查：{target_set.title_zh}",
        title_en=f"Coverage: {target_set.title_en}",
        source="coverage.shp",  # computed, never read from a file
        geometry=get_layer(target_set.layer).geometry,
        id_field="uid",
        name_field="name",
        fields=(
            Field("uid", "编号", "ID"),
            Field("name", "目标", "Target"),
            Field("town", "乡镇街道", "Township"),
            Field("village", "村/社区", "Village"),
            Field("status", "状态", "Status"),
            Field("reason", "原因", "Why"),
        ),
        style=Style(
            color="#636363",
            radius=4.0,
            fill_opacity=0.55,
            by_field="status",
            categories=(
                Category(COVERED, "Covered", "#1a9850"),
                Category(NOT_COVERED, "Not covered", "#d73027"),
            ),
        ),
        tooltip=("name", "town", "village", "status", "reason"),
    )


def coverage_map(
    target_set: TargetSet, evaluated: gpd.GeoDataFrame, reasons: list[str], lang: str
) -> folium.Map:
    """The map of `evaluated` targets (from fieldwork.coverage.evaluate) with their reasons."""
    spec = coverage_spec(target_set)
    frame = evaluated.assign(
        status=evaluated["covered"].map({True: COVERED, False: NOT_COVERED}),
        reason=reasons,
        village=evaluated["village"].fillna("").astype(str),
    )
    bounds = frame.total_bounds if len(frame) else load_layer("district").total_bounds
    fmap = base_map(bounds)
    for key in ("townships", "river"):
        layer_group(get_layer(key), load_layer(key), lang).add_to(fmap)
    layer_group(spec, frame, lang).add_to(fmap)
    district = get_layer("district")
    layer_group(district, load_layer("district"), lang, interactive=False).add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    legend([get_layer("townships"), spec], lang).add_to(fmap)
    return fmap
