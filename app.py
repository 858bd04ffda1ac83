"""Shuangta Project Atlas (双塔区项目地图): the Streamlit entry point.

Until the atlas pages exist, the app shows one honest page: the layer registry with
figures computed from the shipped data, and the real district outline on a map.
"""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from geo.errors import DataError
from geo.stats import summarise
from layers import LAYERS, get_layer, load_layer
from ui.assets import localise_assets, missing_assets
from ui.i18n import LANGUAGES, text
from ui.maps import outline_map
from ui.registry import registry_table

ROW_HEIGHT_PX = 35

st.set_page_config(page_title="双塔区项目地图 Shuangta Project Atlas", layout="wide")

lang = st.sidebar.radio(
    "语言 / Language",
    options=list(LANGUAGES),
    format_func=LANGUAGES.get,
    horizontal=True,
    key="lang",
)
st.title(text("app_title", lang))

try:
    table = st.cache_data(registry_table)(lang)
    district = load_layer("district")
except DataError as error:
    st.error(f"{text('data_error', lang)}：{error}")
    st.stop()

st.header(text("registry_title", lang))
st.caption(text("registry_intro", lang))
st.dataframe(table, hide_index=True, width="stretch", height=(len(LAYERS) + 1) * ROW_HEIGHT_PX + 3)

st.header(text("map_title", lang))
st.caption(text("map_caption", lang, area=summarise(district, "area_km2")))
if missing := missing_assets():
    st.error(text("assets_missing", lang, files=", ".join(missing)))
else:
    district_map = localise_assets(outline_map(district, get_layer("district"), lang))
    st_folium(district_map, height=520, use_container_width=True, returned_objects=[])
