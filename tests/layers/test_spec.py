"""A layer spec validates itself and names every problem at once."""

from __future__ import annotations

import pytest

from layers.spec import Category, Field, LayerSpec, LayerSpecError, Style, Total


def _spec(**changes) -> LayerSpec:
    values = {
        "key": "sample",
        "title_zh": "示例",
        "title_en": "Sample",
        "source": "sample.shp",
        "geometry": "polygon",
        "id_field": "uid",
        "name_field": "name",
        "fields": (
            Field("uid", "编号", "ID"),
            Field("name", "名称", "Name"),
            Field("status", "状态", "Status"),
            Field("invest", "投资", "Investment", kind="int", unit_zh="万元", unit_en="10k yuan"),
            Field("contact", "联系人", "Contact", public=False),
        ),
        "style": Style(
            color="#112233", by_field="status", categories=(Category("签约", "Signed", "#445566"),)
        ),
        "tooltip": ("name", "invest"),
        "totals": (Total("invest", "投资", "Investment", op="sum", field="invest"),),
    }
    return LayerSpec(**(values | changes))


def test_a_consistent_spec_builds_and_labels_fields_in_both_languages() -> None:
    spec = _spec()
    assert spec.field("invest").label("zh") == "投资 (万元)"
    assert spec.field("invest").label("en") == "Investment (10k yuan)"
    assert [f.name for f in spec.internal_fields] == ["contact"]
    assert spec.style.color_for("签约") == "#445566"
    assert spec.style.color_for("洽谈") == "#112233"


def test_every_problem_is_named_in_one_error() -> None:
    with pytest.raises(LayerSpecError) as caught:
        _spec(
            key="Bad Key",
            geometry="raster",
            id_field="missing",
            tooltip=("contact",),
            style=Style(color="red", by_field="nowhere"),
            totals=(
                Total("t", "合计", "Total", op="sum", field="name"),
                Total("a", "面积", "Area", op="length_km"),
            ),
            fields=(
                Field("uid", "编号", "ID"),
                Field("name", "名称", "Name", english="name_e"),
                Field("contact", "联系人", "Contact", public=False),
                Field("a_very_long_name", "长", "Long"),
            ),
        )
    message = str(caught.value)
    for expected in (
        "layer spec 'Bad Key'",
        "key must be lower-case",
        "geometry 'raster'",
        "id_field 'missing' is not a field",
        "tooltip field 'contact' is internal",
        "colour 'red'",
        "style field 'nowhere' is not a field",
        "sums non-numeric field 'name'",
        "measures length of a raster layer",
        "'a_very_long_name' is longer than 10",
        "field 'name' names 'name_e' as its English",
    ):
        assert expected in message


def test_unknown_field_names_the_layer() -> None:
    with pytest.raises(KeyError, match="layer 'sample' has no field 'owner'"):
        _spec().field("owner")


def test_specs_are_frozen() -> None:
    with pytest.raises(AttributeError):
        _spec().key = "other"  # type: ignore[misc]
