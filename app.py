"""Shuangta Project Atlas (双塔区项目地图): page config, navigation and the shared sidebar."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from geo.errors import DataError
from layers import check_layers, viewing
from maps.assets import FONT_CSS_URL, missing_assets
from ui.access import allowed_pages, known_pages
from ui.download_grace import keep_recent_downloads_on_this_server
from ui.guard import run_page
from ui.i18n import text
from ui.state import current_lang, render_sidebar
from ui.view_date import render_view_date, viewed_date_banner

# (file, title zh, title en, icon, url path)
PAGES = (
    ("views/overview.py", "总览", "Overview", ":material/map:", "overview"),
    ("views/poverty.py", "脱贫与产业", "Poverty & industry", ":material/agriculture:", "poverty"),
    ("views/jobs.py", "就业扶贫", "Jobs", ":material/work:", "jobs"),
    ("views/enclave.py", "飞地招商", "Enclave projects", ":material/handshake:", "enclave"),
    ("views/night.py", "夜经济", "Night economy", ":material/nightlife:", "night"),
    ("views/renovation.py", "老旧小区改造", "Renovation", ":material/apartment:", "renovation"),
    ("views/coverage/page.py", "覆盖核查", "Coverage check", ":material/fact_check:", "coverage"),
    ("views/data/page.py", "数据管理", "Data", ":material/upload_file:", "data"),
    ("views/history.py", "变更记录", "Change log", ":material/history:", "history"),
    ("views/presentation.py", "招商展示", "Presentation", ":material/co_present:", "presentation"),
    ("views/about.py", "关于与数据", "About & data", ":material/info:", "about"),
)

st.set_page_config(page_title="双塔区项目地图 Shuangta Project Atlas", page_icon="🗺️", layout="wide")
keep_recent_downloads_on_this_server()
# The shipped CJK font's faces, for the theme's font (.streamlit/config.toml). A stylesheet, not
# [[theme.fontFaces]]: Streamlit sends the theme again on every rerun (170 KB for 202 faces).
# Streamlit's own input hints ("Press Enter to submit form") are English only: not shown.
st.html(
    f'<style>@import url("{FONT_CSS_URL}"); [data-testid="InputInstructions"] {{ display: none; }}'
    "</style>"
)
# The date control high in the sidebar (filled once the page is known): at 1366x768 it sat at
# the bottom edge, its 'back to now' button below the fold.
date_place = st.sidebar.container()
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


def _refuse() -> None:
    """What a page this session may not open shows in its place: a plain refusal."""
    st.error(text("page_not_open", current_lang()))


def _title(title_zh: str, title_en: str) -> str:
    return title_en if lang == "en" else title_zh


def _page(
    path: str, title_zh: str, title_en: str, icon: str, url: str, pages: tuple[str, ...] | None
) -> st.Page:
    """A page of `pages` opens at its URL; any other page's URL is a hidden refusal."""
    if url in (pages or ()):
        return st.Page(path, title=_title(title_zh, title_en), icon=icon, url_path=url)
    return st.Page(_refuse, title=_title(title_zh, title_en), url_path=url, visibility="hidden")


def _navigation(pages: tuple[str, ...] | None) -> st.Page:
    """Every page's URL is routable (no "Page not found"); only `pages` run their code."""
    # The first page of `pages` is the menu's entry for the root URL; Streamlit serves a default
    # page only there, so its own URL (a shared link) opens a hidden twin of it.
    entries = [_page(*page, pages) for page in PAGES]
    first = next((index for index, (*_, url) in enumerate(PAGES) if url in (pages or ())), None)
    if first is None:
        title = text("app_title", lang)
        home = st.Page(_refuse, title=title, url_path="", default=True, visibility="hidden")
        return st.navigation([home, *entries])
    path, title_zh, title_en, icon, url = PAGES[first]
    home = st.Page(path, title=_title(title_zh, title_en), icon=icon, url_path="", default=True)
    twin = st.Page(path, title=_title(title_zh, title_en), url_path=url, visibility="hidden")
    return st.navigation([*entries[:first], home, *entries[first + 1 :], twin])


def _pages_or_stop(pages: Callable[[], tuple[str, ...] | None]) -> tuple[str, ...] | None:
    """The pages `pages` finds; a misconfigured audience or users file stops with a message."""
    try:
        return pages()
    except (ValueError, DataError) as error:
        st.error(f"{text('audience_error', lang)}：{error}")
        st.stop()


known = _pages_or_stop(known_pages)  # who signed in on an earlier run, or the server's audience
# Navigation comes before the sign-in form and its cookie component: a rerun the component asks
# for before the browser knows its page would land on the root URL, losing the link's page.
navigation = _navigation(known)
# The sign-in form or the sign-out button; the pages come from the user, never from the URL.
allowed = _pages_or_stop(lambda: allowed_pages(lang))
if allowed != known:  # signed in or out in this run: navigation again, for the same URL (a
    navigation = _navigation(allowed)  # rerun instead would drop the sign-in cookie being set)
if allowed is None:  # the sign-in form is showing: the URL keeps its page for after sign-in
    st.stop()
as_of = render_view_date(lang, date_place)
viewed_date_banner(as_of, lang)
with viewing(as_of):  # every layer the page reads is as of the chosen date
    run_page(navigation, lang)  # a page's bug: a plain message here, the details in the log
