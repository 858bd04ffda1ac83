"""Closed residential communities made from old open buildings, graded A/B/C."""

from layers._common import NAME, TOWN_CODE, UID
from layers.spec import Category, Field, LayerSpec, Style, Total

LAYER = LayerSpec(
    key="closed_communities",
    title_zh="老旧小区改造（封闭小区）",
    title_en="Renovated closed communities",
    source="closed_communities.shp",
    geometry="polygon",
    id_field="uid",
    name_field="name",
    fields=(
        UID,
        NAME,
        Field("street", "街道", "Subdistrict"),
        TOWN_CODE,
        Field("shequ", "社区", "Neighbourhood"),
        Field("buildings", "住宅楼", "Residential buildings", kind="int", unit_zh="栋", unit_en="buildings"),
        Field("grade", "管理等级", "Management grade"),
        Field("demo", "示范小区", "Demonstration community"),
        Field("manager", "物业管理", "Managed by"),
        Field("reno_m2", "今年改造面积", "Renovated this year", kind="float", unit_zh="平方米", unit_en="m²"),
    ),
    style=Style(
        color="#7f7f7f",
        fill_opacity=0.5,
        by_field="grade",
        categories=(
            Category("A", "Grade A", "#1a9850"),
            Category("B", "Grade B", "#fee08b"),
            Category("C", "Grade C", "#d73027"),
        ),
    ),
    tooltip=("name", "street", "grade", "demo", "buildings"),
    totals=(
        Total("count", "封闭小区", "Closed communities", op="count", unit_zh="个", unit_en=""),
        Total("buildings", "住宅楼", "Buildings", op="sum", field="buildings", unit_zh="栋", unit_en="buildings"),
        Total("demo", "示范小区", "Demonstration communities", op="count_where", field="demo", equals="是", unit_zh="个", unit_en=""),
        Total("renovated", "今年改造面积", "Renovated this year", op="sum", field="reno_m2", unit_zh="平方米", unit_en="m²"),
    ),
    township_field="town_code",
    description_zh="367 个封闭小区、1618 栋楼、45 个示范小区（每街道 5 个）、今年改造 20.72 万平方米；以规划部门常见格式提供（CGCS2000 高斯-克吕格 3 度带 120°E，GBK 编码，无 .cpg）。小区名称与范围为示例。",
    description_en="367 communities, 1618 buildings, 45 demonstration ones (5 per subdistrict), 207,200 m² renovated; shipped as survey data arrives (CGCS2000 GK CM 120°E, GBK, no .cpg). Names and extents illustrative.",
)
