"""Serve every browser asset of the maps from the app itself: government intranets block CDNs.

`make` installs the npm packages pinned in assets/package.json and copies them into
static/vendor/, which Streamlit serves at /app/static/vendor/ (enableStaticServing).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path

import folium
from branca.element import Element

__all__ = [
    "LOCAL_ASSETS",
    "STATIC_URL",
    "VENDOR_DIR",
    "inline_assets",
    "localise_assets",
    "missing_assets",
]

STATIC_URL = "/app/static/vendor"
VENDOR_DIR = Path(__file__).resolve().parents[1] / "static" / "vendor"

# folium's asset names → the file the app serves (relative to VENDOR_DIR).
LOCAL_ASSETS: dict[str, str] = {
    "leaflet": "leaflet/leaflet.js",
    "leaflet_css": "leaflet/leaflet.css",
    "jquery": "jquery/jquery.min.js",
}
# folium's Map always lists these; they serve only bootstrap popups and awesome-marker icons,
# which the atlas's maps do not use, so they are left out rather than fetched from a CDN.
_UNUSED_DEFAULTS = frozenset(
    {
        "bootstrap",
        "bootstrap_css",
        "glyphicons_css",
        "awesome_markers",
        "awesome_markers_css",
        "awesome_markers_font_css",
        "awesome_rotate_css",
    }
)


def localise_assets(fmap: folium.Map) -> folium.Map:
    """Point every element's JS/CSS at the app's own copies; ValueError for an unknown asset."""
    for element in _walk(fmap):
        for attribute in ("default_js", "default_css"):
            assets = getattr(element, attribute, None)
            if assets:
                setattr(element, attribute, _localised(assets, element))
    return fmap


def inline_assets(page: str) -> str:
    """A rendered map page with every local asset written into it: one file that needs no server.

    ValueError if an asset is not installed (run `make`) or the page still loads anything else.
    """
    missing = missing_assets()
    if missing:
        raise ValueError(f"map assets not installed (run `make`): {', '.join(missing)}")
    for path in LOCAL_ASSETS.values():
        url = f"{STATIC_URL}/{path}"
        content = (VENDOR_DIR / path).read_text(encoding="utf-8")
        if path.endswith(".css"):
            content = _CSS_URL.sub(lambda m, base=path: _data_url(base, m.group(1)), content)
            page = page.replace(
                f'<link rel="stylesheet" href="{url}"/>', f"<style>{content}</style>"
            )
        else:
            content = content.replace("</script", "<\\/script")
            page = page.replace(f'<script src="{url}"></script>', f"<script>{content}</script>")
    loads = _EXTERNAL_LOAD.findall(page)
    if loads:
        raise ValueError(f"the standalone page would still load: {', '.join(sorted(set(loads)))}")
    return page


_CSS_URL = re.compile(r"url\((images/[\w.-]+\.png)\)")
_EXTERNAL_LOAD = re.compile(r"<(?:script|img|iframe|link)\b[^>]*\b(?:src|href)=\"([^\"]+)\"")


def _data_url(css_path: str, relative: str) -> str:
    image = (VENDOR_DIR / css_path).parent / relative
    return f"url(data:image/png;base64,{base64.b64encode(image.read_bytes()).decode('ascii')})"


def missing_assets() -> list[str]:
    """Files the maps need that are not installed under static/vendor (run `make`)."""
    return [path for path in LOCAL_ASSETS.values() if not (VENDOR_DIR / path).is_file()]


def _localised(assets: list[tuple[str, str]], element: Element) -> list[tuple[str, str]]:
    localised = []
    for name, url in assets:
        if name in _UNUSED_DEFAULTS:
            continue
        if name not in LOCAL_ASSETS:
            raise ValueError(
                f"{type(element).__name__} needs asset '{name}' ({url}), which the app does not serve: "
                "add it to assets/package.json and LOCAL_ASSETS"
            )
        localised.append((name, f"{STATIC_URL}/{LOCAL_ASSETS[name]}"))
    return localised


def _walk(element: Element) -> Iterator[Element]:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)
