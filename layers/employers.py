"""Enterprises in the district that placed poor workers (the 293): named ones from the report."""

from layers._common import NAME, NAME_EN, TOWN, TOWN_CODE, UID
from layers.spec import Category, Field, LayerSpec, Style, Total

LAYER = LayerSpec(
    key="employers",
    title_zh="就业扶贫企业",
    title_en="Employers of poor workers",
    source="employers.shp",
    geometry="point",
    id_field="uid",
    name_field="name",
    fields=(
        UID,
        NAME,
        NAME_EN,
        TOWN_CODE,
        TOWN,
        Field(
            "placed",
            "安置贫困劳动力",
            "Poor workers placed",
            kind="int",
            unit_zh="人",
            unit_en="people",
        ),
        Field(
            "wage_mon",
            "月薪（报道实例）",
            "Monthly wage (report's example)",
            kind="int",
            unit_zh="元/月",
            unit_en="yuan/month",
        ),
        Field("example", "报道实例", "The report's example"),
        Field("source", "名称来源", "Name source"),
    ),
    style=Style(
        color="#1f77b4",
        radius=8.0,
        by_field="source",
        categories=(
            Category("报道点名", "Named in the report", "#1f77b4"),
            Category("示例", "Illustrative", "#9ecae1"),
        ),
    ),
    tooltip=("name", "placed", "wage_mon"),
    totals=(
        Total(
            "placed",
            "企业安置贫困劳动力",
            "Poor workers placed",
            op="sum",
            field="placed",
            unit_zh="人",
        ),
        Total("count", "安置企业", "Employers", op="count", unit_zh="家"),
    ),
    township_field="town_code",
    description_zh=(
        "报道点名的朝阳金达铝业、朝阳凌凌水泥、朝阳康普影像与示例企业（报道“等企业”）共安置"
        "贫困劳动力 293 人；各企业人数与位置为示意，月薪仅有报道实例（凌凌水泥 2800 元/月）。"
        "市外务工 189 人只是人数，不在地图上。"
    ),
    description_en=(
        "朝阳金达铝业, 朝阳凌凌水泥 and 朝阳康普影像 (named in the report) and illustrative "
        "employers (its '等企业') placed 293 poor workers; per-employer counts and positions are "
        "illustrative, the only wage is the report's example (2800 yuan/month at 凌凌水泥). "
        "The 189 working outside the city are a count, not a site."
    ),
)
