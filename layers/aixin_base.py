"""The 110-mu 爱心果蔬基地 of the Agricultural Economy Bureau."""

from layers._common import NAME, NAME_EN, TOWN, UID, area_mu_field
from layers.spec import Field, LayerSpec, Style, Total

LAYER = LayerSpec(
    key="aixin_base",
    title_zh="爱心果蔬基地",
    title_en="Aixin fruit and vegetable base",
    source="aixin_base.shp",
    geometry="polygon",
    id_field="uid",
    name_field="name",
    fields=(
        UID,
        NAME,
        NAME_EN,
        TOWN,
        Field("operator", "主办单位", "Run by"),
        Field("crops", "作物", "Crops"),
        area_mu_field(),
        Field(
            "households",
            "带动贫困户",
            "Households helped",
            kind="int",
            unit_zh="户",
            unit_en="households",
        ),
        Field(
            "gain_yuan",
            "户均增收",
            "Gain per household",
            kind="int",
            unit_zh="元/户/年",
            unit_en="yuan/household/yr",
        ),
    ),
    style=Style(color="#bcbd22", fill_opacity=0.5),
    densities=("households",),
    tooltip=("name", "area_mu", "households"),
    totals=(
        Total("area", "面积", "Area", op="area_mu", unit_zh="亩", unit_en="mu"),
        Total(
            "households",
            "带动贫困户",
            "Households",
            op="sum",
            field="households",
            unit_zh="户",
            unit_en="households",
        ),
    ),
    township_field="town",
    description_zh="区农经局爱心果蔬基地 110 亩，带动 58 户，户均增收 500 元；位置为示意（报道未给出）。",
    description_en="110 mu, 58 households, +500 yuan each; the report gives no location, so it is illustrative.",
)
