"""The 53 district, township and village industry projects (产业扶贫项目)."""

from layers._common import NAME, TOWN, TOWN_CODE, UID, VILLAGE
from layers.spec import Category, Field, LayerSpec, Style, Total

LAYER = LayerSpec(
    key="industry_projects",
    title_zh="产业扶贫项目",
    title_en="Industry projects",
    source="industry_projects.shp",
    geometry="point",
    id_field="uid",
    name_field="name",
    fields=(
        UID,
        NAME,
        Field("level", "级别", "Level"),
        Field("type", "产业类型", "Industry type"),
        TOWN_CODE,
        TOWN,
        VILLAGE,
        Field("return_pct", "年收益率", "Annual return", kind="float", unit_zh="%", unit_en="%"),
    ),
    style=Style(
        color="#756bb1",
        radius=7.0,
        by_field="level",
        categories=(
            Category("区级", "District level", "#54278f"),
            Category("乡级", "Township level", "#756bb1"),
            Category("村级", "Village level", "#bcbddc"),
        ),
    ),
    tooltip=("name", "level", "return_pct"),
    totals=(Total("count", "产业项目", "Industry projects", op="count", unit_zh="个", unit_en=""),),
    township_field="town_code",
    description_zh="区、乡、村三级产业项目 53 个，收益率均在 10% 以上；长宝营子乡乡级 3 个、村级基地 5 个。",
    description_en="53 projects at three levels, all returning 10% or more; 长宝营子 has 3 township-level ones and 5 village bases.",
)
