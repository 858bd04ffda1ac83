"""A page whose layer is above the tile threshold: a progress bar while its tiles build, the
layer drawn from its tiles once they are ready; a failed build told in the user's language."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import maps.tile_builds as builds_module
import maps.tiles as tiles_module
import ui.tiled_layers as tiled_module
from maps.tile_builds import TileBuilds
from maps.tiles import TileLimits

APP = str(Path(__file__).resolve().parents[2] / "app.py")
THRESHOLD = 300  # the 367 closed communities are tiled


@pytest.fixture
def builds(tmp_path, monkeypatch):
    """A registry of this test's own, writing into a served folder of its own, its builds
    held until the test lets them go."""
    monkeypatch.setattr(tiled_module, "TILE_THRESHOLD", THRESHOLD)
    monkeypatch.setattr(tiles_module, "STATIC_DIR", tmp_path)
    registry = TileBuilds(out_dir=tmp_path / "tiles", min_zoom=12, max_zoom=14)
    registry.release = threading.Event()
    real = builds_module.archive_for

    def held(*args, **kwargs):
        assert registry.release.wait(120)
        return real(*args, **kwargs)

    monkeypatch.setattr(builds_module, "archive_for", held)
    monkeypatch.setattr(builds_module, "_BUILDS", registry)
    yield registry
    registry.release.set()
    registry.wait(120)


def _renovation(lang: str = "zh") -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120)
    if lang == "en":
        app.session_state["lang"] = "en"
    app.switch_page("views/renovation.py").run()
    assert not app.exception, app.exception
    return app


def _map_script(app: AppTest) -> str:
    components = app.get("component_instance")
    assert components, "no map on the page"
    return "".join(str(c.proto.json_args) for c in components)


def _progress_texts(app: AppTest) -> list[str]:
    return [str(element.proto) for element in app.get("progress")]


def test_a_progress_bar_while_the_tiles_build_then_the_layer_from_its_tiles(builds):
    app = _renovation()
    texts = _progress_texts(app)
    assert any("正在为「老旧小区改造（封闭小区）」生成矢量瓦片（367 个要素" in t for t in texts), (
        texts
    )
    script = _map_script(app)
    assert "protomapsL" not in script  # no tiles to draw yet
    assert "community-1" not in script  # no feature of the big layer travels with the page
    builds.release.set()
    assert builds.wait(120)
    app.run()
    assert not app.exception, app.exception
    assert not _progress_texts(app)
    script = _map_script(app)
    assert "protomapsL" in script and "/app/static/tiles/closed_communities-" in script
    assert "community-1" not in script  # the features come from the tiles


def test_a_failed_build_is_told_and_the_page_still_works(builds, monkeypatch):
    monkeypatch.setattr(builds, "_limits", TileLimits(max_features=10))
    builds.release.set()
    app = _renovation()
    assert builds.wait(120)
    app.run()
    warnings = [w.value for w in app.warning]
    assert any("矢量瓦片未能生成" in w and "超过可生成瓦片的上限 10 个" in w for w in warnings), (
        warnings
    )
    assert app.metric, "the page's figures are gone"


def test_with_a_tile_server_a_stored_layer_needs_no_build(builds, monkeypatch):
    monkeypatch.setenv("ATLAS_TILE_SERVER", "/tiles")
    app = _renovation()
    assert not _progress_texts(app)  # nothing to build
    script = _map_script(app)
    template = "/tiles/collections/atlas_tiles.closed_communities/tiles/WebMercatorQuad/{z}/{x}/{y}"
    assert template in script and "community-1" not in script
    assert not builds.state("closed_communities", None)  # no build was asked for


def test_with_a_tile_server_a_filtered_layer_is_built_from_the_filtered_features(
    builds, monkeypatch
):
    monkeypatch.setenv("ATLAS_TILE_SERVER", "/tiles")
    monkeypatch.setattr(tiled_module, "TILE_THRESHOLD", 100)  # A and B alone are above it
    app = _renovation()
    app.multiselect[0].set_value(["A", "B"]).run()
    assert not app.exception, app.exception
    texts = _progress_texts(app)
    assert any("生成矢量瓦片" in t for t in texts), texts
    assert "atlas_tiles.closed_communities" not in _map_script(app)
