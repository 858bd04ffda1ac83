"""招商展示 Presentation: the enclave sites on a big screen, large type, no editing controls."""

import streamlit as st

from ui.access import require_page
from ui.i18n import text
from ui.page import draw_page_map
from ui.panel import PANEL_CLASS, render_panel
from ui.state import current_lang
from views.enclave import PAGE

MAP_HEIGHT_PX = 760
# Large type for a meeting-room screen; only presentation styles, no data.
LARGE_TYPE = f"""
<style>
[data-testid="stMainBlockContainer"] {{ max-width: 100%; padding-top: 1.5rem; }}
[data-testid="stMainBlockContainer"] h1 {{ font-size: 3rem; }}
.{PANEL_CLASS} td, .{PANEL_CLASS} th {{ font-size: 1.35rem; }}
</style>
"""

if __name__ == "__main__":  # run as a Streamlit page, not when imported by tests
    lang = current_lang()
    require_page("presentation", lang)
    st.markdown(LARGE_TYPE, unsafe_allow_html=True)
    st.title(text("presentation_title", lang))
    map_column, panel_column = st.columns([3, 1], gap="medium")
    with map_column:
        draw_page_map(PAGE, lang, height=MAP_HEIGHT_PX)
    with panel_column:
        render_panel(
            st.session_state.get(f"{PAGE.key}:selection"),
            lang,
            key_prefix="presentation",
            downloads=False,
        )
