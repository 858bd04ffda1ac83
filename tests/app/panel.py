"""The statistics panel as tests read it: escaped HTML in AppTest, a section in the browser."""

from __future__ import annotations

import html
import re

from ui.panel import PANEL_CLASS
from ui.site_card import CARD_CLASS

# The panel, and the presentation's site card, in a real browser's DOM.
PANEL = f"section.{PANEL_CLASS}"
CARD = f"section.{CARD_CLASS}"


def panel_html(app) -> str:
    """The HTML the panel sent (AppTest), or '' when no panel is shown."""
    bodies = [element.value for element in app.html if f'class="{PANEL_CLASS}"' in element.value]
    assert len(bodies) <= 1, "more than one panel on the page"
    return bodies[0] if bodies else ""


def panel_title(app) -> str:
    """The panel's heading as the reader sees it."""
    match = re.search(r"<h3>(.*?)</h3>", panel_html(app), flags=re.S)
    return html.unescape(match.group(1)) if match else ""


def panel_text(app) -> str:
    """The panel's heading and table as the reader sees them: cells apart, entities decoded."""
    body = re.sub(r"<style>.*?</style>", "", panel_html(app), flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def card_html(app) -> str:
    """The HTML of the presentation's site card (AppTest), or '' when none is shown."""
    bodies = [element.value for element in app.html if f'class="{CARD_CLASS}"' in element.value]
    assert len(bodies) <= 1, "more than one site card on the page"
    return bodies[0] if bodies else ""


def card_title(app) -> str:
    """The site card's heading (the site's name) as the reader sees it."""
    match = re.search(r"<h2>(.*?)</h2>", card_html(app), flags=re.S)
    return html.unescape(match.group(1)) if match else ""


def card_text(app) -> str:
    """The site card's heading, labels and values as the reader sees them."""
    body = re.sub(r"<style>.*?</style>", "", card_html(app), flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))
