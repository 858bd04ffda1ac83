"""Night economy: the four business circles."""

from layers._common import NAME, NAME_EN, UID
from layers.spec import Field, LayerSpec, Style, Total

LAYER = LayerSpec(
    key="night_circles",
    title_zh="夜经济商圈",
    title_en="Night-economy business circles",
    source="night_circles.shp",
    geometry="polygon",
    id_field="uid",
    name_field="name",
    fields=(
        UID,
        NAME,
        NAME_EN,
        Field("category", "格局", "Element"),
        Field("radius_m", "半径", "Radius", kind="int", unit_zh="米", unit_en="m"),
    ),
    style=Style(color="#9467bd", fill_opacity=0.25),
    tooltip=("name", "radius_m"),
    totals=(
        Total("count", "商圈", "Business circles", op="count", unit_zh="个", unit_en=""),
        Total("area", "商圈面积", "Circle area", op="area_mu", unit_zh="亩", unit_en="mu"),
    ),
    description_zh="万达、新华、文化、珠江四大商圈；范围为示意圆。",
    description_en="The Wanda, Xinhua, Wenhua and Zhujiang circles; extents are illustrative circles.",
)
