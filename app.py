"""Shuangta Project Atlas (双塔区项目地图): page config, navigation and the shared sidebar."""

from __future__ import annotations

import streamlit as st

from geo.errors import DataError
from layers import check_layers
from maps.assets import missing_assets
from ui.access import allowed_pages
from ui.guard import run_page
from ui.i18n import text
from ui.state import current_lang, render_sidebar

# (file, title zh, title en, icon, url path)
PAGES = (
    ("views/overview.py", "总览", "Overview", ":material/map:", "overview"),
    ("views/poverty.py", "脱贫与产业", "Poverty & industry", ":material/agriculture:", "poverty"),
    ("views/enclave.py", "飞地招商", "Enclave projects", ":material/handshake:", "enclave"),
    ("views/night.py", "夜经济", "Night economy", ":material/nightlife:", "night"),
    ("views/renovation.py", "老旧小区改造", "Renovation", ":material/apartment:", "renovation"),
    ("views/coverage/page.py", "覆盖核查", "Coverage check", ":material/fact_check:", "coverage"),
    ("views/data/page.py", "数据管理", "Data", ":material/upload_file:", "data"),
    ("views/presentation.py", "招商展示", "Presentation", ":material/co_present:", "presentation"),
    ("views/about.py", "关于与数据", "About & data", ":material/info:", "about"),
)

st.set_page_config(page_title="双塔区项目地图 Shuangta Project Atlas", page_icon="🗺️", layout="wide")
render_sidebar()
lang = current_lang()
st.sidebar.markdown(f"**{text('app_title', lang)}**")

try:
    check_layers()  # cached after the first run: no copies of the data on every rerun

except DataError as error:
    st.error(f"{text('data_error', lang)}：{error}")
    st.stop()
if missing := missing_assets():
    st.error(text("assets_missing", lang, files=", ".join(missing)))
    st.stop()

try:
    allowed = allowed_pages(lang)  # who signed in, or the server's audience; never the URL
except (ValueError, DataError) as error:
    st.error(f"{text('audience_error', lang)}：{error}")
    st.stop()
if allowed is None:  # the sign-in form is showing
    st.stop()
shown = [page for page in PAGES if page[4] in allowed]
navigation = st.navigation(
    [
        st.Page(
            path,
            title=title_en if lang == "en" else title_zh,
            icon=icon,
            url_path=url,
            default=index == 0,
        )
        for index, (path, title_zh, title_en, icon, url) in enumerate(shown)
    ]
)
run_page(navigation, lang)  # a page's bug: a plain message here, the details in the server log
