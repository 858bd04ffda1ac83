"""The 长宝营子乡 poverty-alleviation industrial park outline."""

from layers._common import NAME, NAME_EN, TOWN, UID, area_mu_field
from layers.spec import Field, LayerSpec, Style, Total

LAYER = LayerSpec(
    key="industrial_park",
    title_zh="长宝营子乡扶贫产业园",
    title_en="Changbaoyingzi industrial park",
    source="industrial_park.shp",
    geometry="polygon",
    id_field="uid",
    name_field="name",
    fields=(
        UID,
        NAME,
        NAME_EN,
        TOWN,
        area_mu_field("占地面积", "Land area"),
        Field(
            "invest_wan",
            "总投资",
            "Total investment",
            kind="int",
            unit_zh="万元",
            unit_en="10k yuan",
        ),
        Field("parts", "组成片区", "Parts"),
    ),
    style=Style(color="#e6550d", fill_opacity=0.1, weight=3.0),
    densities=("invest_wan",),
    tooltip=("name", "area_mu", "invest_wan"),
    totals=(
        Total("area", "占地", "Land area", op="area_mu", unit_zh="亩", unit_en="mu"),
        Total(
            "invest",
            "总投资",
            "Investment",
            op="sum",
            field="invest_wan",
            unit_zh="万元",
            unit_en="10k yuan",
        ),
    ),
    township_field="town",
    description_zh="总投资 2640 万元、占地 3255 亩；轮廓与位置为示意。",
    description_en="2640 万 yuan, 3255 mu; outline and position illustrative.",
)
