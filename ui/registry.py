"""The layer registry as a table for people: layer, geometry, features, source CRS, key totals."""

from __future__ import annotations

import pandas as pd

from layers import LAYERS, layer_source_crs, layer_totals, load_layer
from layers.formatting import format_figure
from ui.i18n import text

__all__ = ["registry_table"]


def registry_table(lang: str) -> pd.DataFrame:
    """One row per registered layer, every figure computed from its data."""
    rows = []
    for spec in LAYERS:
        frame = load_layer(spec.key)
        totals = layer_totals(spec.key, frame)
        label_column = "label_en" if lang == "en" else "label_zh"
        summary = "；".join(
            f"{row[label_column]} {format_figure(row['value'])}" for _, row in totals.iterrows()
        )
        rows.append(
            {
                text("col_layer", lang): spec.title(lang),
                text("col_key", lang): spec.key,
                text("col_geometry", lang): text(f"geometry_{spec.geometry}", lang),
                text("col_features", lang): len(frame),
                text("col_crs", lang): layer_source_crs(spec.key),
                text("col_totals", lang): summary,
                text("col_illustrative", lang): text(
                    "illustrative" if spec.illustrative else "real", lang
                ),
            }
        )
    return pd.DataFrame(rows)
