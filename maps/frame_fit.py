"""A map embedded in a frame: its height fits the window, and a click never scrolls the page.

Two things went wrong with a map in a Streamlit component's frame that ran below the window:
pressing the mouse on it let Leaflet focus its container, the browser scrolled the page to show
the focused frame while the button was down, and the click landed where the pointer then was,
not where it was pressed. `FrameFit` focuses without scrolling and sizes the frame (and the map
inside it) to the window, so the whole map can be seen at once. Outside a frame (an exported
HTML map) only the focus fix applies.
"""

from __future__ import annotations

from branca.element import MacroElement, Template

__all__ = ["FrameFit"]

# The smallest map height worth drawing; below it the map runs on under the window's fold.
MIN_HEIGHT_PX = 480
MARGIN_PX = 16


class FrameFit(MacroElement):
    """Keep the map's frame as high as the window allows (see the module's docstring).

    The frame fills the window below its top when that leaves at least ``min_height_px``;
    otherwise it is ``min_height_px`` high. It is never higher than the window less
    ``reserved_top_px`` (a host page's fixed header), so the whole map fits on the screen.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function() {
    var map = {{ this._parent.get_name() }};
    // Leaflet focuses its container on mousedown (keyboard navigation); without preventScroll
    // the browser scrolls the host page to show the frame while the button is down.
    var keyboard = map.keyboard;
    if (keyboard) {
        keyboard.disable();
        keyboard._onMouseDown = function() {
            if (!this._focused) { this._map.getContainer().focus({preventScroll: true}); }
        };
        keyboard.enable();
    }
    var frame = null, host = null;
    try { frame = window.frameElement; host = window.parent; } catch (error) { return; }
    if (!frame || !host) return;
    var minHeight = {{ this.min_height_px }}, reserved = {{ this.reserved_top_px }};
    var margin = {{ this.margin_px }}, applied = null;
    var sheet = host.document.createElement("style");
    host.document.head.appendChild(sheet);
    function scroller(element) {
        for (var node = element.parentElement; node; node = node.parentElement) {
            var overflow = host.getComputedStyle(node).overflowY;
            if ((overflow === "auto" || overflow === "scroll") && node.scrollHeight > node.clientHeight) {
                return node;
            }
        }
        return host.document.scrollingElement;
    }
    function fit() {
        // Where the frame's top is in the window when the page is scrolled to its top.
        var top = frame.getBoundingClientRect().top + scroller(frame).scrollTop;
        var window_ = host.innerHeight;
        var whole = Math.max(window_ - reserved - margin, 200);
        var below = window_ - top - margin;
        var height = Math.round(Math.min(whole, below >= minHeight ? below : minHeight));
        if (height === applied) return;
        applied = height;
        if (!frame.id) frame.id = "atlas-map-frame-" + Math.random().toString(36).slice(2);
        // A rule of the host page, so the host's own resizing of the frame does not undo it.
        sheet.textContent = "#" + frame.id + " { height: " + height + "px !important; }";
        map.getContainer().style.height = height + "px";
        map.invalidateSize({pan: false});
    }
    fit();
    host.addEventListener("resize", fit);
    // The content above the frame changes with the host page's reruns; follow it.
    setInterval(fit, 1000);
})();
{% endmacro %}
"""
    )

    def __init__(
        self,
        *,
        min_height_px: int = MIN_HEIGHT_PX,
        reserved_top_px: int = 0,
        margin_px: int = MARGIN_PX,
    ) -> None:
        super().__init__()
        self._name = "FrameFit"
        self.min_height_px = int(min_height_px)
        self.reserved_top_px = int(reserved_top_px)
        self.margin_px = int(margin_px)
