"""The statistics panel as tests read it: escaped HTML in AppTest, a section in the browser."""

from __future__ import annotations

import html
import re

from ui.panel import PANEL_CLASS
from ui.site_card import CARD_CLASS

# The panel, and the presentation's site card, in a real browser's DOM.
PANEL = f"section.{PANEL_CLASS}"
CARD = f"section.{CARD_CLASS}"


def _section_html(app, css_class: str) -> str:
    """The HTML of the one section of class `css_class` the page sent (AppTest), or ''."""
    bodies = [element.value for element in app.html if f'class="{css_class}"' in element.value]
    assert len(bodies) <= 1, f"more than one {css_class} on the page"
    return bodies[0] if bodies else ""


def _heading(body: str, tag: str) -> str:
    match = re.search(rf"<{tag}>(.*?)</{tag}>", body, flags=re.S)
    return html.unescape(match.group(1)) if match else ""


def _reader_text(body: str) -> str:
    """Text as the reader sees it: cells apart, entities decoded, no styles."""
    body = re.sub(r"<style>.*?</style>", "", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def panel_html(app) -> str:
    """The HTML the panel sent (AppTest), or '' when no panel is shown."""
    return _section_html(app, PANEL_CLASS)


def panel_title(app) -> str:
    """The panel's heading as the reader sees it."""
    return _heading(panel_html(app), "h3")


def panel_text(app) -> str:
    """The panel's heading and table as the reader sees them."""
    return _reader_text(panel_html(app))


def card_html(app) -> str:
    """The HTML of the presentation's site card (AppTest), or '' when none is shown."""
    return _section_html(app, CARD_CLASS)


def card_title(app) -> str:
    """The site card's heading (the site's name) as the reader sees it."""
    return _heading(card_html(app), "h2")


def card_text(app) -> str:
    """The site card's heading, labels and values as the reader sees them."""
    return _reader_text(card_html(app))
