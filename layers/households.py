"""Pairing-assistance coverage of registered poor households (synthetic ids, no names)."""

from layers._common import HH_ID, TOWN, TOWN_CODE, UID, VILLAGE
from layers.spec import Category, Field, LayerSpec, Style, Total

LAYER = LayerSpec(
    key="households",
    title_zh="结对帮扶贫困户",
    title_en="Paired poor households",
    source="households.shp",
    geometry="point",
    id_field="uid",
    name_field="uid",
    fields=(
        UID,
        HH_ID,
        TOWN_CODE,
        TOWN,
        VILLAGE,
        Field("mode", "帮扶方式", "Assistance mode"),
        Field("aid_proj", "帮扶项目", "Assistance project"),
        Field(
            "gain_yuan",
            "预计增收",
            "Expected income gain",
            kind="int",
            unit_zh="元/户/年",
            unit_en="yuan/household/yr",
        ),
    ),
    style=Style(
        color="#8c6d31",
        radius=3.0,
        by_field="mode",
        categories=(
            Category("庭院养殖", "Courtyard breeding", "#e6550d"),
            Category("庭院种植", "Courtyard planting", "#31a354"),
            Category("委托养殖", "Entrusted breeding", "#fdae6b"),
            Category("委托种植", "Entrusted planting", "#a1d99b"),
        ),
    ),
    tooltip=("village", "mode", "aid_proj", "gain_yuan"),
    totals=(
        Total(
            "count",
            "覆盖贫困户",
            "Households covered",
            op="count",
            unit_zh="户",
            unit_en="households",
        ),
        Total(
            "projects",
            "帮扶项目",
            "Assistance projects",
            op="distinct",
            field="aid_proj",
            unit_zh="个",
            unit_en="",
        ),
        Total(
            "gain",
            "预计增收合计",
            "Total expected gain",
            op="sum",
            field="gain_yuan",
            unit_zh="元/年",
            unit_en="yuan/yr",
        ),
    ),
    township_field="town_code",
    description_zh="4146 户建档立卡贫困户的结对帮扶覆盖；户编号为合成编号（内部字段），不含姓名，位置为示意。",
    description_en="Pairing coverage of the 4146 registered poor households; synthetic internal ids, no names, illustrative positions.",
)
