"""招商展示 Presentation: the enclave sites on a big screen, for investors.

A showcase: the sidebar starts collapsed, the map fills the screen fitted to the sites, a site
is found by clicking it or by name, and its card shows only what an investor asks about (the
layer spec's `card`), in large type, with a large legend on the map.
"""

import streamlit as st

from layers import get_layer, load_layer
from layers.sites import SITE_LAYER
from ui.access import require_page
from ui.i18n import text
from ui.page import draw_page_map
from ui.page_map import apply_click
from ui.page_spec import select_feature, state_key
from ui.panel import Selection
from ui.site_card import render_site_card
from ui.state import current_lang
from views.enclave import PAGE

MAP_HEIGHT_PX = 760  # until the map's frame fits itself to the window (maps.frame_fit)
SEARCH_KEY = "presentation:search"
# A showcase's layout: the whole width, little above the map; only presentation styles.
SHOWCASE_STYLE = """<style>
[data-testid="stMainBlockContainer"] { max-width: 100%; padding: 3.5rem 1.5rem 1rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 2.25rem; padding: 0.25rem 0; }
@media (max-width: 640px) { [data-testid="stMainBlockContainer"] h1 { font-size: 1.5rem; } }
</style>"""


def _site_names(lang: str) -> dict[str, str]:
    """uid → the site's name in `lang`, sorted by name."""
    spec = get_layer(SITE_LAYER)
    frame = load_layer(SITE_LAYER)
    names = frame["name_en" if lang == "en" else spec.name_field].astype(str)
    pairs = zip(frame[spec.id_field], names, strict=True)
    return dict(sorted(pairs, key=lambda pair: pair[1]))


def _search(lang: str) -> None:
    """A site found by name becomes the selection, and the map moves to it; the box shows the
    site selected (by a click, too)."""
    names = _site_names(lang)
    selection = st.session_state.get(state_key(PAGE, "selection"))
    selected = selection.uid if isinstance(selection, Selection) else None
    if st.session_state.get(SEARCH_KEY) != selected:
        st.session_state[SEARCH_KEY] = selected if selected in names else None

    def found() -> None:
        uid = st.session_state.get(SEARCH_KEY)
        if uid in names:
            select_feature(PAGE, SITE_LAYER, uid, max_zoom=14)

    st.selectbox(
        text("presentation_search", lang),
        options=list(names),
        index=None,
        format_func=names.get,
        placeholder=text("presentation_search_placeholder", lang),
        label_visibility="collapsed",  # the placeholder says what it is; less room above the map
        key=SEARCH_KEY,
        on_change=found,
    )


def _card(lang: str) -> None:
    selection = st.session_state.get(state_key(PAGE, "selection"))
    if isinstance(selection, Selection) and selection.layer == SITE_LAYER:
        render_site_card(selection.uid, lang)
    else:
        st.info(text("presentation_hint", lang))


if __name__ == "__main__":  # run as a Streamlit page, not when imported by tests
    lang = current_lang()
    require_page("presentation", lang)
    st.set_page_config(initial_sidebar_state="collapsed")
    st.html(SHOWCASE_STYLE)
    apply_click(PAGE, (SITE_LAYER,))  # a click on a site, before the search box shows it
    title_column, search_column = st.columns([3, 2], vertical_alignment="bottom")
    title_column.title(text("presentation_title", lang))
    with search_column:
        _search(lang)
    map_column, card_column = st.columns([5, 2], gap="medium")
    with map_column:
        draw_page_map(PAGE, lang, height=MAP_HEIGHT_PX, selectable=(SITE_LAYER,))
    with card_column:
        _card(lang)
