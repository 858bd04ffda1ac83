"""Household-level poverty-alleviation projects (到户项目)."""

from layers._common import HH_ID, TOWN, TOWN_CODE, UID, VILLAGE
from layers.spec import Field, LayerSpec, Style, Total

LAYER = LayerSpec(
    key="household_projects",
    title_zh="到户项目",
    title_en="Household projects",
    source="household_projects.shp",
    geometry="point",
    id_field="uid",
    name_field="uid",
    fields=(
        UID,
        HH_ID,
        TOWN_CODE,
        TOWN,
        VILLAGE,
        Field("type", "项目类型", "Project type"),
        Field(
            "gain_pp",
            "人均增收",
            "Income gain per person",
            kind="int",
            unit_zh="元/人/年",
            unit_en="yuan/person/yr",
        ),
    ),
    style=Style(color="#fd8d3c", radius=2.5),
    tooltip=("village", "type", "gain_pp"),
    totals=(
        Total("count", "到户项目", "Household projects", op="count", unit_zh="个", unit_en=""),
    ),
    township_field="town_code",
    description_zh="4394 个到户项目，每户至少一个；类型与位置为示意。",
    description_en="The 4394 household projects, at least one per paired household; types and positions illustrative.",
)
