"""Point sites of the park programme: the poverty-alleviation factory and the morel base."""

from layers._common import NAME, NAME_EN, TOWN, UID
from layers.spec import Category, Field, LayerSpec, Style, Total

LAYER = LayerSpec(
    key="park_sites",
    title_zh="扶贫工厂与基地",
    title_en="Factory and bases",
    source="park_sites.shp",
    geometry="point",
    id_field="uid",
    name_field="name",
    fields=(
        UID,
        NAME,
        NAME_EN,
        Field("kind", "类型", "Type"),
        Field("operator", "运营企业", "Operator"),
        TOWN,
        Field("since", "投产时间", "In production since"),
        Field("jobs", "就业岗位", "Jobs", kind="int", unit_zh="个", unit_en="jobs"),
        Field(
            "wage_yuan",
            "职工工资收益",
            "Wage per worker",
            kind="int",
            unit_zh="元/人/年",
            unit_en="yuan/worker/yr",
        ),
        Field(
            "rent_yuan",
            "付村集体租金",
            "Rent paid to the village",
            kind="int",
            unit_zh="元/年",
            unit_en="yuan/yr",
        ),
    ),
    style=Style(
        color="#d62728",
        radius=9.0,
        by_field="kind",
        categories=(
            Category("扶贫工厂", "Poverty-alleviation factory", "#d62728"),
            Category("羊肚菌基地", "Morel base", "#8c564b"),
        ),
    ),
    tooltip=("name", "operator", "jobs"),
    totals=(
        Total("jobs", "就业岗位", "Jobs", op="sum", field="jobs", unit_zh="个", unit_en="jobs"),
    ),
    township_field="town",
    description_zh="圣洪工贸扶贫工厂（2019 年 9 月投产，260 个岗位）与朝阳天缘科技羊肚菌基地；位置为示意。",
    description_en="The 圣洪工贸 factory (since 2019-09, 260 jobs) and the 天缘科技 morel base; positions illustrative.",
)
