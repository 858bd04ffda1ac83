"""关于与数据 About and data: sources, what is real and what is illustrative, every layer's fields."""

import pandas as pd
import streamlit as st

from layers import LAYERS
from ui.access import require_page
from ui.i18n import text
from ui.registry import registry_table
from ui.state import current_lang

lang = current_lang()
require_page("about", lang)
st.title(text("about_title", lang))
st.markdown(text("about_intro", lang))
st.subheader(text("about_sources", lang))
st.markdown(text("about_sources_body", lang))

st.subheader(text("registry_title", lang))
st.caption(text("registry_intro", lang))
st.dataframe(st.cache_data(registry_table)(lang), hide_index=True, width="stretch")

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
