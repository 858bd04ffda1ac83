"""The layer-state reporter: which atlas layers are on, read back only for layers offered."""

from __future__ import annotations

import folium

from maps.layer_state import LAYER_STATE_URL, LayerStateReporter, switched_on


def _script(groups: list[tuple[str, folium.FeatureGroup]]) -> str:
    fmap = folium.Map(location=[41.6, 120.45], zoom_start=11, tiles=None)
    for _, group in groups:
        group.add_to(fmap)
    LayerStateReporter(groups).add_to(fmap)
    return fmap.get_root().render()


def test_every_group_is_named_by_its_layer_key_and_its_script_variable() -> None:
    shown = folium.FeatureGroup(name="飞地项目", show=True)
    hidden = folium.FeatureGroup(name="农户", show=False)
    page = _script([("enclave_projects", shown), ("households", hidden)])
    assert f'["enclave_projects", {shown.get_name()}]' in page
    assert f'["households", {hidden.get_name()}]' in page
    assert 'map.on("overlayadd overlayremove", report)' in page


def test_a_key_cannot_end_the_script_element() -> None:
    group = folium.FeatureGroup(name="x")
    page = _script([("upload_</script><script>alert(1)//", group)])
    assert "</script><script>alert(1)" not in page


def test_only_offered_layers_reported_by_this_element_are_read_back() -> None:
    returned = {
        "selected_layers": [
            {"name": "households", "url": LAYER_STATE_URL},
            {"name": "villages", "url": LAYER_STATE_URL},
            {"name": "enclave_projects", "url": "https://wms.example/"},  # a WMS entry
            {"name": "../../etc/passwd", "url": LAYER_STATE_URL},
            "garbage",
            None,
        ]
    }
    offered = ("villages", "enclave_projects", "households")
    assert switched_on(returned, offered) == ("villages", "households")


def test_a_map_that_has_not_reported_gives_none_and_all_off_gives_nothing() -> None:
    assert switched_on(None, ("villages",)) is None
    assert switched_on({}, ("villages",)) is None
    assert switched_on({"selected_layers": "villages"}, ("villages",)) is None
    assert switched_on({"selected_layers": []}, ("villages",)) == ()
