"""Sweet-potato fields of 王杖子村, 他拉皋镇."""

from layers._common import NAME, NAME_EN, TOWN, UID, VILLAGE, area_mu_field
from layers.spec import Field, LayerSpec, Style, Total

LAYER = LayerSpec(
    key="sweet_potato",
    title_zh="王杖子村红薯田",
    title_en="Sweet-potato fields",
    source="sweet_potato.shp",
    geometry="polygon",
    id_field="uid",
    name_field="name",
    fields=(
        UID,
        NAME,
        NAME_EN,
        TOWN,
        VILLAGE,
        Field("operator", "经营主体", "Operator"),
        area_mu_field(),
    ),
    style=Style(color="#a0522d", fill_opacity=0.5),
    tooltip=("name", "area_mu", "operator"),
    totals=(Total("area", "种植面积", "Planted area", op="area_mu", unit_zh="亩", unit_en="mu"),),
    township_field="town",
    description_zh="惠农土地股份专业合作社两年种植红薯 1000 亩；地块划分与位置为示意。",
    description_en="1000 mu over two years by the Huinong land-share co-operative; fields and positions illustrative.",
)
