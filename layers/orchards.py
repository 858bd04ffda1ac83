"""燕阳山 ecological orchard blocks inside the park."""

from layers._common import NAME, NAME_EN, UID, area_mu_field
from layers.spec import Field, LayerSpec, Style, Total

LAYER = LayerSpec(
    key="orchards",
    title_zh="燕阳山生态果园",
    title_en="Yanyangshan orchards",
    source="orchards.shp",
    geometry="polygon",
    id_field="uid",
    name_field="name",
    fields=(
        UID,
        NAME,
        NAME_EN,
        Field("operator", "运营主体", "Operator"),
        area_mu_field(),
        Field("trees", "果树", "Fruit trees", kind="int", unit_zh="株", unit_en="trees"),
    ),
    style=Style(color="#31a354", fill_opacity=0.45),
    densities=("trees",),
    tooltip=("name", "area_mu", "trees"),
    totals=(
        Total("area", "果园面积", "Orchard area", op="area_mu", unit_zh="亩", unit_en="mu"),
        Total(
            "trees", "果树", "Fruit trees", op="sum", field="trees", unit_zh="株", unit_en="trees"
        ),
    ),
    description_zh="嘎岔洪果农业合作社运营的果园 3150 亩、果树 10.8 万株；分区为示意。",
    description_en="3150 mu of orchards with 108,000 trees run by the Gacha Hongguo co-operative; blocks illustrative.",
)
