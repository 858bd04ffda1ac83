"""The park's high-standard greenhouse demonstration area."""

from layers._common import NAME, NAME_EN, TOWN, UID
from layers.spec import Field, LayerSpec, Style, Total

LAYER = LayerSpec(
    key="greenhouses",
    title_zh="高标准温室示范园",
    title_en="Greenhouse park",
    source="greenhouses.shp",
    geometry="polygon",
    id_field="uid",
    name_field="name",
    fields=(
        UID,
        NAME,
        NAME_EN,
        TOWN,
        Field(
            "area_m2",
            "连栋温室面积",
            "Multi-span greenhouse area",
            kind="float",
            unit_zh="平方米",
            unit_en="m²",
        ),
        Field("invest_wan", "投资", "Investment", kind="int", unit_zh="万元", unit_en="10k yuan"),
    ),
    style=Style(color="#17becf", fill_opacity=0.5),
    densities=("invest_wan",),
    tooltip=("name", "area_m2", "invest_wan"),
    totals=(
        Total("area", "温室面积", "Greenhouse area", op="area_mu", unit_zh="亩", unit_en="mu"),
    ),
    township_field="town",
    description_zh="投资 700 余万元，连栋温室 1.2 万平方米；位置为示意。",
    description_en="700万+ yuan, 12,000 m² of multi-span greenhouses; position illustrative.",
)
