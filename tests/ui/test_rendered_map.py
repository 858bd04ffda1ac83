"""A rendered map carries each layer's data as a JSON block in its markup, which its script
finds by id (streamlit-folium renames elements in the script, never in the markup); the same
data gives the same script (the component keeps the map and the user's view), other data
another script (the map is drawn again)."""

from __future__ import annotations

import re

import geopandas as gpd
import shapely

from layers import get_layer, load_layer
from maps.parts import base_map, layer_group
from ui.folium_view import render_map

SPEC = get_layer("orchards")


def _rendered(names: list[str]):
    frame = gpd.GeoDataFrame(
        {
            "uid": [f"o-{i}" for i in range(len(names))],
            "name": names,
            **{f.name: [0] * len(names) for f in SPEC.fields if f.name not in ("uid", "name")},
        },
        geometry=[
            shapely.box(120.4 + i / 100, 41.5, 120.405 + i / 100, 41.505) for i in range(len(names))
        ],
        crs=4326,
    )
    fmap = base_map(frame.total_bounds)
    layer_group(SPEC, frame, "zh").add_to(fmap)
    layer_group(get_layer("district"), load_layer("district"), "zh").add_to(fmap)
    return render_map(fmap)


def test_every_layer_script_finds_its_data_block_in_the_markup() -> None:
    rendered = _rendered(["东园", "西园"])
    wanted = re.findall(r'getElementById\("(atlas-payload-[0-9a-f]+)"\)', rendered.script)
    blocks = re.findall(
        r'<script type="application/json" id="(atlas-payload-[0-9a-f]+)">', rendered.html
    )
    assert len(wanted) == 2 and set(wanted) <= set(blocks)
    assert "东园" in rendered.html and "东园" not in rendered.script


def test_the_same_data_gives_the_same_script_and_other_data_another() -> None:
    first = _rendered(["园_a1", "西园"])
    assert _rendered(["园_a1", "西园"]).script == first.script
    assert _rendered(["园_a2", "西园"]).script != first.script
    assert _rendered(["园_a1", "西园", "北园"]).script != first.script


def test_no_data_can_end_its_block() -> None:
    rendered = _rendered(["</script><script>alert(1)</script>", "<!--<script>"])
    for block in rendered.html.split('<script type="application/json"')[1:]:
        assert "<" not in block.split("</script>", 1)[0]
