"""The presentation's site card: one enclave site's name and public figures, in large type.

What it shows is the layer spec's `card` (layers.sites.site_card); nothing internal, no ids.
Names and values come from data, so the card is escaped HTML, never Markdown.
"""

from __future__ import annotations

import html

import streamlit as st

from layers.sites import CardLine, site_card

__all__ = ["CARD_CLASS", "card_html", "render_site_card"]

CARD_CLASS = "atlas-site-card"
_STYLE = f"""<style>
.{CARD_CLASS} {{ border: 1px solid rgba(128, 128, 128, 0.3); border-radius: 0.75rem;
  padding: 1.25rem 1.5rem; }}
.{CARD_CLASS} h2 {{ font-size: 2rem; line-height: 1.25; margin: 0 0 1rem; padding: 0; }}
.{CARD_CLASS} dl {{ display: grid; grid-template-columns: max-content 1fr; gap: 0.6rem 1.25rem;
  margin: 0; padding: 0; font-size: 1.35rem; line-height: 1.4; }}
.{CARD_CLASS} dt {{ opacity: 0.7; white-space: nowrap; }}
.{CARD_CLASS} dd {{ margin: 0; font-weight: 600; overflow-wrap: anywhere; }}
.{CARD_CLASS} .swatch {{ display: inline-block; width: 0.9em; height: 0.9em; border-radius: 50%;
  margin-right: 0.4em; vertical-align: -0.05em; border: 1px solid #555; }}
</style>"""


def render_site_card(uid: str, lang: str) -> None:
    """Draw the card of site `uid`."""
    name, lines = site_card(uid, lang)
    st.html(card_html(name, lines))


def card_html(name: str, lines: list[CardLine]) -> str:
    """The card as escaped HTML: the name as a heading, then label–value pairs."""
    rows = "".join(
        f"<dt>{html.escape(line.label)}</dt><dd>{_swatch(line.color)}{html.escape(line.value)}</dd>"
        for line in lines
    )
    return f'{_STYLE}<section class="{CARD_CLASS}"><h2>{html.escape(name)}</h2><dl>{rows}</dl></section>'


def _swatch(color: str | None) -> str:
    if color is None:
        return ""
    return f'<span class="swatch" style="background:{html.escape(color)}"></span>'
