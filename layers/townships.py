"""The 13 township-level units: 9 街道, 3 镇, 1 乡 (boundaries illustrative)."""

from layers._common import NAME, NAME_EN, UID
from layers.spec import Category, Field, LayerSpec, Style, Total

LAYER = LayerSpec(
    key="townships",
    title_zh="乡镇街道",
    title_en="Townships",
    source="townships.shp",
    geometry="polygon",
    id_field="uid",
    name_field="name",
    fields=(
        UID,
        Field("code", "统计用区划代码", "Statistical code"),
        NAME,
        NAME_EN,
        Field("kind", "类型", "Type"),
        Field("area_km2", "面积", "Area", kind="float", unit_zh="平方千米", unit_en="km²"),
    ),
    style=Style(
        color="#7f7f7f",
        fill_opacity=0.08,
        weight=1.5,
        by_field="kind",
        categories=(
            Category("街道", "Subdistrict", "#9e9ac8"),
            Category("镇", "Town", "#74c476"),
            Category("乡", "Township", "#fdae6b"),
        ),
    ),
    tooltip=("name", "kind", "area_km2"),
    totals=(
        Total("count", "乡镇街道数", "Townships", op="count", unit_zh="个", unit_en=""),
        Total("area", "面积", "Area", op="area_km2", unit_zh="平方千米", unit_en="km²"),
        Total(
            "streets",
            "街道数",
            "Subdistricts",
            op="count_where",
            field="kind",
            equals="街道",
            unit_zh="个",
            unit_en="",
        ),
    ),
    township_field="code",
    description_zh="13 个乡级单位的名称与代码为真实数据；边界为按驻地生成的示意划分。",
    description_en="Names and codes of the 13 units are real; boundaries are an illustrative partition of the real outline.",
)
