"""Administrative villages of the rural townships (named ones from the report)."""

from layers._common import NAME, NAME_EN, TOWN, TOWN_CODE, UID
from layers.spec import Category, Field, LayerSpec, RelatedCount, Style, Total

LAYER = LayerSpec(
    key="villages",
    title_zh="行政村",
    title_en="Villages",
    source="villages.shp",
    geometry="point",
    id_field="uid",
    name_field="name",
    fields=(
        UID,
        NAME,
        NAME_EN,
        TOWN_CODE,
        TOWN,
        Field("poor_level", "原贫困村级别", "Former poor-village level"),
        Field("named", "名称来源", "Name source"),
    ),
    style=Style(
        color="#636363",
        radius=5.0,
        by_field="named",
        categories=(
            Category("报道", "Named in the report", "#d62728"),
            Category("示例", "Illustrative", "#969696"),
        ),
    ),
    tooltip=("name", "town", "poor_level"),
    totals=(
        Total("count", "行政村", "Villages", op="count", unit_zh="个", unit_en=""),
        Total(
            "provincial",
            "原省级贫困村",
            "Former provincial poor villages",
            op="count_where",
            field="poor_level",
            equals="省级贫困村",
            unit_zh="个",
        ),
        Total(
            "city",
            "原市级贫困村",
            "Former city-level poor villages",
            op="count_where",
            field="poor_level",
            equals="市级贫困村",
            unit_zh="个",
        ),
    ),
    township_field="town_code",
    related=(
        RelatedCount(
            "households", "village", "覆盖贫困户", "Households covered", "户", "households"
        ),
        RelatedCount("household_projects", "village", "到户项目", "Household projects", "个", ""),
        RelatedCount(
            "industry_projects", "village", "村级产业项目", "Village industry projects", "个", ""
        ),
    ),
    description_zh="报道中点名的村位于其所属乡镇；其余为覆盖核查用的示例村，位置均为示意。",
    description_en="Villages named in the report sit in their townships; the others are illustrative, as are all positions.",
)
