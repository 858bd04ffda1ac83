"""What a map page draws over its layers, printed too: circles sized by a field (the enclave
page's investment) and chosen features outlined (the renovation page's demonstration
communities)."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
from fpdf import FPDF

from documents.vector_map import MapFrame, draw_feature
from layers.spec import LayerSpec

__all__ = ["MAX_CIRCLE_MM", "Outline", "draw_outlines", "draw_sized"]

# The web map's largest proportional circle is 18 px across a ~600 px map; on paper, 5 mm.
MAX_CIRCLE_MM = 5.0
MIN_CIRCLE_MM = 0.8
SIZED_OPACITY = 0.3  # maps/parts.py proportional_group


@dataclass(frozen=True)
class Outline:
    """Features of `layer` whose `field` equals `value`, outlined in `color` and named `label`
    in the legend (a page's Emphasis, in the print's language)."""

    layer: str
    field: str
    value: str
    label: str
    color: str = "#000000"


def draw_sized(
    pdf: FPDF, frame: MapFrame, spec: LayerSpec, features: gpd.GeoDataFrame, field: str
) -> int:
    """A circle at each feature, its area proportional to `field`, coloured like the layer; the
    big ones first so every circle shows. Returns the circles drawn."""
    if features.empty or field not in features.columns:
        return 0
    values = pd.to_numeric(features[field], errors="coerce")
    if not (values > 0).any():
        return 0
    radius = (MAX_CIRCLE_MM * (values / values.max()).clip(lower=0) ** 0.5).clip(
        lower=MIN_CIRCLE_MM
    )
    styled = spec.style.by_field if spec.style.by_field in features.columns else None
    order = radius.sort_values(ascending=False, kind="stable").index
    drawn = 0
    with pdf.local_context(fill_opacity=SIZED_OPACITY):
        for index in order:
            row = features.loc[index]
            color = spec.style.color_for(row[styled]) if styled else spec.style.color
            anchor = row.geometry.representative_point()
            drawn += draw_feature(
                pdf, frame, anchor, color=color, fill=color, width=0.3, radius=radius[index]
            )
    return drawn


def draw_outlines(pdf: FPDF, frame: MapFrame, outline: Outline, features: gpd.GeoDataFrame) -> int:
    """The chosen features' thick outlines; returns how many were drawn."""
    if features.empty or outline.field not in features.columns:
        return 0
    chosen = features[features[outline.field].astype(str) == str(outline.value)]
    return sum(
        draw_feature(pdf, frame, shape, color=outline.color, width=0.5) for shape in chosen.geometry
    )
