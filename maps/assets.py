"""Serve every browser asset of the maps from the app itself: government intranets block CDNs.

`make` installs the npm packages pinned in assets/package.json and copies them into
static/vendor/, which Streamlit serves at /app/static/vendor/ (enableStaticServing). That
includes a CJK web font, so Chinese reads on machines without one (kiosks, projector PCs): the
maps get it here, Streamlit's own pages from app.py (an @import of the same stylesheet) and the
[theme.light]/[theme.dark] font in .streamlit/config.toml.
"""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Iterator
from pathlib import Path

import folium
from branca.element import Element

__all__ = [
    "FONT_CSS",
    "FONT_CSS_URL",
    "FONT_FAMILY",
    "LOCAL_ASSETS",
    "STATIC_URL",
    "VENDOR_DIR",
    "font_faces",
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
    # Leaflet.draw, for drawing and editing one feature (maps/drawing.py); folium's names for it.
    "leaflet_draw_js": "leaflet-draw/leaflet.draw.js",
    "leaflet_draw_css": "leaflet-draw/leaflet.draw.css",
    # protomaps-leaflet, for a big layer's vector tiles (maps/tile_layer.py).
    "protomaps_leaflet_js": "protomaps-leaflet/protomaps-leaflet.js",
}
# Noto Sans SC (OFL) from @fontsource: one @font-face per unicode-range slice and weight, so a
# browser fetches only the slices holding the characters on the page.
FONT_FAMILY = "Noto Sans SC"
FONT_CSS = "noto-sans-sc/noto-sans-sc.css"
FONT_LICENSE = "noto-sans-sc/LICENSE"
# The shipped font first (its Latin too), then Leaflet's own stack. With a system font ahead of
# it, Chromium drew the CJK characters it met before their slice of the font had arrived as
# boxes, and kept them so (the legend's 街道, 飞地项目): tests/app/test_cjk_font.py measures them.
# `html body` outranks leaflet.css, which the map links after this rule.
_MAP_FONT_STYLE = (
    f'<style>html body .leaflet-container {{ font-family: "{FONT_FAMILY}", "Helvetica Neue", '
    "Arial, Helvetica, sans-serif; }</style>"
)
FONT_CSS_URL = f"{STATIC_URL}/{FONT_CSS}"
_FONT_ASSET = ("cjk_font", FONT_CSS_URL)
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
    """Point every element's JS/CSS at the app's own copies and give the map the CJK font;
    ValueError for an unknown asset."""
    for element in _walk(fmap):
        for attribute in ("default_js", "default_css"):
            assets = getattr(element, attribute, None)
            if assets:
                setattr(element, attribute, _localised(assets, element))
    # A default_css of the map itself: streamlit-folium loads those and drops the header's links.
    if _FONT_ASSET not in fmap.default_css:
        fmap.default_css = [*fmap.default_css, _FONT_ASSET]
    fmap.get_root().header.add_child(Element(_MAP_FONT_STYLE), name="cjk_font_stack")
    return fmap


def inline_assets(page: str) -> str:
    """A rendered map page with every local asset written into it: one file that needs no server.

    The CJK font (megabytes) is left out: the page names it, then falls back to system fonts.
    ValueError if an asset is not installed (run `make`) or the page still loads anything else.
    """
    missing = missing_assets()
    if missing:
        raise ValueError(f"map assets not installed (run `make`): {', '.join(missing)}")
    page = page.replace(f'<link rel="stylesheet" href="{STATIC_URL}/{FONT_CSS}"/>', "")
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
    """Files the pages and maps need that are not installed under static/vendor (run `make`)."""
    needed = [*LOCAL_ASSETS.values(), FONT_CSS, FONT_LICENSE]
    missing = [path for path in needed if not (VENDOR_DIR / path).is_file()]
    if FONT_CSS not in missing:
        stat = (VENDOR_DIR / FONT_CSS).stat()
        missing += _missing_font_files(VENDOR_DIR, stat.st_mtime_ns, stat.st_size)
    return missing


@functools.lru_cache(maxsize=1)
def _missing_font_files(vendor: Path, mtime_ns: int, size: int) -> list[str]:
    """The font's slice files its stylesheet names that are absent: looked for once per version
    of the stylesheet (202 files), not on every rerun."""
    files = [face["url"].removeprefix(f"{STATIC_URL}/") for face in font_faces()]
    return [path for path in files if not (vendor / path).is_file()]


_FONT_FACE = re.compile(r"@font-face\s*{([^}]*)}")
_FONT_DESCRIPTOR = re.compile(r"([\w-]+)\s*:\s*([^;]+);")


def font_faces() -> list[dict[str, str | int]]:
    """The shipped font's faces (family, url, weight, style, unicodeRange), in its CSS's order."""
    path = VENDOR_DIR / FONT_CSS
    stat = path.stat()
    return [dict(face) for face in _parsed_faces(path, stat.st_mtime_ns, stat.st_size)]


@functools.lru_cache(maxsize=1)
def _parsed_faces(path: Path, mtime_ns: int, size: int) -> tuple[dict[str, str | int], ...]:
    """The stylesheet's faces, parsed once per version of the file (the app checks every run)."""
    css = path.read_text(encoding="utf-8")
    faces = []
    for block in _FONT_FACE.findall(css):
        descriptors = dict(_FONT_DESCRIPTOR.findall(block))
        file = re.search(r"url\(\./([^)]+\.woff2)\)", descriptors["src"]).group(1)
        faces.append(
            {
                "family": FONT_FAMILY,
                "url": f"{STATIC_URL}/{Path(FONT_CSS).parent.as_posix()}/{file}",
                "weight": int(descriptors["font-weight"]),
                "style": descriptors["font-style"].strip(),
                "unicodeRange": descriptors["unicode-range"].strip(),
            }
        )
    return tuple(faces)


def _localised(assets: list[tuple[str, str]], element: Element) -> list[tuple[str, str]]:
    localised = []
    for name, url in assets:
        if name in _UNUSED_DEFAULTS:
            continue
        if (name, url) == _FONT_ASSET:  # added by an earlier call
            localised.append(_FONT_ASSET)
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
