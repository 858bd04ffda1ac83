"""关于与数据 About and data: sources, what is real and what is illustrative, every layer's fields."""

import pandas as pd
import streamlit as st

from layers import LAYERS, data_version, layer_source_crs, layer_totals, load_layer
from layers.formatting import format_figure
from ui.access import require_page
from ui.i18n import text
from ui.state import current_lang


def registry_table(lang: str, version: tuple) -> pd.DataFrame:
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


lang = current_lang()
require_page("about", lang)
st.title(text("about_title", lang))
st.markdown(text("about_intro", lang))
st.subheader(text("about_sources", lang))
st.markdown(text("about_sources_body", lang))

st.subheader(text("registry_title", lang))
st.caption(text("registry_intro", lang))
st.dataframe(st.cache_data(registry_table)(lang, data_version()), hide_index=True, width="stretch")

st.subheader(text("about_layers", lang))
for spec in LAYERS:
    status = text("illustrative" if spec.illustrative else "real", lang)
    with st.expander(f"{spec.title(lang)} · {status}"):
        st.markdown(spec.description_en if lang == "en" else spec.description_zh)
        fields = pd.DataFrame(
            {
                text("col_field", lang): [f.name for f in spec.fields],
                text("col_label", lang): [
                    f.label_en if lang == "en" else f.label_zh for f in spec.fields
                ],
                text("col_unit", lang): [
                    f.unit_en if lang == "en" else f.unit_zh for f in spec.fields
                ],
                text("col_kind", lang): [f.kind for f in spec.fields],
                text("col_audience", lang): [
                    text("public" if f.public else "internal", lang) for f in spec.fields
                ],
            }
        )
        st.dataframe(fields, hide_index=True, width="stretch")
