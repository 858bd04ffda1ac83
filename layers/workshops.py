"""Poverty-alleviation workshops (扶贫车间): garment processing and broom weaving done at home."""

from layers._common import NAME, TOWN, TOWN_CODE, UID, VILLAGE
from layers.spec import Category, Field, LayerSpec, Style, Total

LAYER = LayerSpec(
    key="workshops",
    title_zh="扶贫车间",
    title_en="Poverty-alleviation workshops",
    source="workshops.shp",
    geometry="point",
    id_field="uid",
    name_field="name",
    fields=(
        UID,
        NAME,
        Field("kind", "加工类型", "Work"),
        TOWN_CODE,
        TOWN,
        VILLAGE,
        Field("jobs", "居家就业", "Home-based jobs", kind="int", unit_zh="人", unit_en="people"),
    ),
    style=Style(
        color="#ff7f0e",
        radius=7.0,
        by_field="kind",
        categories=(
            Category("服装加工", "Garment processing", "#ff7f0e"),
            Category("扫帚编织", "Broom weaving", "#8c564b"),
        ),
    ),
    tooltip=("name", "kind", "jobs"),
    totals=(
        Total("jobs", "居家就业", "Home-based jobs", op="sum", field="jobs", unit_zh="人"),
        Total("count", "扶贫车间", "Workshops", op="count", unit_zh="个"),
    ),
    township_field="town_code",
    description_zh=(
        "扶贫车间代加工服装、居家编织扫帚，报道称“60余人”实现居家就业；样例取 63 人，"
        "车间数、类型分布与位置为示意。"
    ),
    description_en=(
        "Workshops put out garment processing and broom weaving to homes: '60-odd' people by the "
        "report; the sample's 63, the workshops, their kinds and positions are illustrative."
    ),
)
