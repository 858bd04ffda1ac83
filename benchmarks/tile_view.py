"""The browser half of the tile benchmark: a layer's vector tiles (maps.tile_layer) and, for
comparison, the whole-layer canvas path (maps.parts.layer_group), drawn in headless Chromium.

The pages are served from 127.0.0.1 by uvicorn (starlette's StaticFiles answers the archive's
HTTP Range requests); every other request is blocked.  Times are from navigation start
(performance.now()); the tile layer counts as drawn at its GridLayer 'load' event (all its
visible tiles fetched and painted), caught by a hook put on Leaflet before the page runs.
Bytes are the bodies of every response received until the view is drawn (a Range response
by its partial body), headers not counted; the heap is CDP's JSHeapUsedSize.
"""

from __future__ import annotations

import dataclasses
import shutil
import socket
import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd

from benchmarks.render_benchmark import DRAWN_JS, PAINTED_JS, ZOOM_JS
from layers.spec import LayerSpec
from maps.assets import STATIC_URL, VENDOR_DIR, localise_assets
from maps.parts import base_map, layer_group
from maps.tile_layer import tiled_group

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1366, "height": 768}
TIMEOUT_MS = 300_000
QUIET_MS = 1500  # the first view is drawn when no tile 'load' follows within this long

# Run before any page script: when Leaflet defines window.L, every GridLayer's 'load' of a
# tiled atlas layer (layer._atlasTiled) is recorded with its time since navigation start.
_HOOK_JS = """(() => {
  window.__tileLoads = [];
  let real;
  Object.defineProperty(window, "L", {configurable: true, enumerable: true,
    get() { return real; },
    set(value) {
      real = value;
      if (value && value.GridLayer && !value.GridLayer.prototype.__benchHooked) {
        const fire = value.GridLayer.prototype.fire;
        value.GridLayer.prototype.fire = function(type) {
          if (type === "load" && this._atlasTiled) {
            window.__tileLoads.push(performance.now());
            window.__tiled = this;
          }
          return fire.apply(this, arguments);
        };
        value.GridLayer.prototype.__benchHooked = true;
      }
    }});
})();"""
_FIND_MAP_JS = """() => { for (const k of Object.keys(window)) { try { if (window[k] instanceof L.Map)
  { window.__benchMap = window[k]; return true; } } catch (e) {} } return false; }"""
# Resolves with the ms from the move to the tile layer's next 'load'.
_MOVE_JS = """(move) => new Promise(resolve => { const map = window.__benchMap, start = performance.now();
  window.__tiled.once("load", () => resolve(performance.now() - start));
  if (move === "zoom") map.setZoom(map.getZoom() + 1, {animate: false});
  else map.panBy([0, map.getSize().y], {animate: false}); })"""
_TO_JS = """([lat, lng, zoom]) => new Promise(resolve => { window.__tiled.once("load", () => resolve());
  window.__benchMap.setView([lat, lng], zoom, {animate: false}); })"""
_FETCHED_JS = """() => Math.max(0, ...performance.getEntriesByType("resource")
  .filter(e => e.name.endsWith(".pmtiles")).map(e => e.responseEnd))"""
# Distinct features in the tiles of the zoom drawn (protomaps-leaflet's tile cache, keyed x:y:z).
_TILE_FEATURES_JS = """() => { const layer = window.__tiled, ids = new Set();
  const z = ":" + Math.min(Math.round(window.__benchMap.getZoom()), layer.views.get("atlas").maxDataLevel);
  for (const [key, entry] of layer.views.get("atlas").tileCache.cache) {
    if (!key.endsWith(z)) continue;
    for (const f of entry.data.get(layer._atlasTiled) || []) ids.add(f.props._id);
  } return ids.size; }"""


@dataclass
class View:
    """What one page cost in the browser."""

    first_s: float = float("nan")
    fetched_s: float = float("nan")  # the last archive response of the first view received
    features: int = 0  # distinct features drawn in the first view
    bytes: int = 0
    requests: int = 0
    tile_requests: int = 0
    heap_mb: float = float("nan")
    zoom: float = float("nan")  # the map's zoom in the first view
    zoom_in_s: float = float("nan")
    pan_s: float = float("nan")
    shots: list[Path] = field(default_factory=list)


def median(views: list[View]) -> View:
    """Each figure's median over `views` (the first one's screenshots)."""
    figures = {
        f.name: statistics.median(getattr(v, f.name) for v in views)
        for f in dataclasses.fields(View)
        if f.name != "shots"
    }
    return View(**figures, shots=views[0].shots)


def tiled_page(spec: LayerSpec, bounds, url: str, min_zoom: int, max_zoom: int) -> str:
    fmap = base_map(bounds)
    tiled_group(spec, url, "zh", min_zoom=min_zoom, max_zoom=max_zoom).add_to(fmap)
    return localise_assets(fmap).get_root().render()


def whole_page(spec: LayerSpec, frame: gpd.GeoDataFrame) -> str:
    fmap = base_map(frame.total_bounds)
    layer_group(spec, frame, "zh").add_to(fmap)
    return localise_assets(fmap).get_root().render()


class Site:
    """A folder of pages, the vendored assets and one archive, served by uvicorn."""

    def __init__(self, folder: Path, archive: Path) -> None:
        import uvicorn
        from starlette.applications import Starlette
        from starlette.routing import Mount
        from starlette.staticfiles import StaticFiles

        self.folder = folder
        tiles = folder / "tiles"
        tiles.mkdir(parents=True, exist_ok=True)
        self.tile_path = f"/tiles/{archive.name}"
        served = tiles / archive.name
        if not served.exists():
            try:
                served.hardlink_to(archive)
            except OSError:
                shutil.copyfile(archive, served)
        app = Starlette(
            routes=[
                Mount(STATIC_URL, StaticFiles(directory=VENDOR_DIR)),
                Mount("/", StaticFiles(directory=folder)),
            ]
        )
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self.base = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        config = uvicorn.Config(app, log_level="warning", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )
        self._thread.start()
        while not self._server.started:
            time.sleep(0.05)

    def page(self, name: str, page_html: str) -> str:
        (self.folder / name).write_text(page_html, encoding="utf-8")
        return f"{self.base}/{name}"

    def close(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()


class Browser:
    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )

    def close(self) -> None:
        self._browser.close()
        self._playwright.stop()

    def _open(self):
        context = self._browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith("http://127.0.0.1")
                else route.abort()
            ),
        )
        finished: list = []
        page.on("requestfinished", lambda request: finished.append(request))
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")
        return context, page, cdp, finished, errors

    def tiled(self, url: str, shots: Path | None, z14: tuple[float, float]) -> View:
        """The tiled page: first view, its bytes and heap; zoom in one level; pan one screen;
        screenshots of the first view and of zoom 14 at `z14` (lat, lng)."""
        context, page, cdp, finished, errors = self._open()
        page.add_init_script(_HOOK_JS)
        page.goto(url, wait_until="commit")
        page.wait_for_function("() => window.__tileLoads.length > 0", polling=50)
        # Settled: no further 'load' (a re-fit of the view) within QUIET_MS.
        while True:
            count = page.evaluate("() => window.__tileLoads.length")
            page.wait_for_timeout(QUIET_MS)
            loads = page.evaluate("() => window.__tileLoads")
            if len(loads) == count and not page.evaluate("() => window.__tiled.isLoading()"):
                break
        view = View(first_s=loads[-1] / 1000, fetched_s=page.evaluate(_FETCHED_JS) / 1000)
        drawn = list(finished)
        view.heap_mb = _heap_mb(cdp)
        view.bytes = sum(_body_bytes(request) for request in drawn)
        view.requests = len(drawn)
        view.tile_requests = sum(1 for r in drawn if r.url.endswith(".pmtiles"))
        page.wait_for_function(_FIND_MAP_JS)
        view.zoom = page.evaluate("() => window.__benchMap.getZoom()")
        view.features = page.evaluate(_TILE_FEATURES_JS)
        if shots:
            page.wait_for_timeout(500)  # Leaflet's fade-in of new tiles (0.2 s) done
            view.shots.append(shots / "tile-bench-first-view.png")
            page.screenshot(path=view.shots[-1])
        view.zoom_in_s = page.evaluate(_MOVE_JS, "zoom") / 1000
        view.pan_s = page.evaluate(_MOVE_JS, "pan") / 1000
        if shots:
            page.evaluate(_TO_JS, [z14[0], z14[1], 14])
            page.wait_for_timeout(500)
            view.shots.append(shots / "tile-bench-z14.png")
            page.screenshot(path=view.shots[-1])
        if errors:
            print("page errors:", *errors[:5], sep="\n  ")
        context.close()
        return view

    def whole(self, url: str, expected: int) -> View:
        """The whole-layer page: navigation to all `expected` features drawn, bytes, heap,
        one zoom-in redraw."""
        context, page, cdp, finished, errors = self._open()
        page.goto(url, wait_until="commit")
        page.wait_for_function(_FIND_MAP_JS)
        page.wait_for_function(f"() => ({DRAWN_JS})() >= {expected}", polling=100)
        view = View(first_s=page.evaluate(PAINTED_JS) / 1000)
        drawn = list(finished)
        view.heap_mb = _heap_mb(cdp)
        view.bytes = sum(_body_bytes(request) for request in drawn)
        view.requests = len(drawn)
        view.zoom = page.evaluate("() => window.__benchMap.getZoom()")
        view.features = expected
        view.zoom_in_s = page.evaluate(ZOOM_JS) / 1000
        if errors:
            print("page errors:", *errors[:5], sep="\n  ")
        context.close()
        return view


def _heap_mb(cdp) -> float:
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return metrics["JSHeapUsedSize"] / 2**20


def _body_bytes(request) -> int:
    """The response body as received (a Range response: its part)."""
    size = request.sizes().get("responseBodySize", -1)
    if size >= 0:
        return size
    response = request.response()
    return int(response.headers.get("content-length", 0)) if response else 0
