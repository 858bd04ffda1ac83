"""城镇开发边界 urban development boundary, one of the 三区三线 (sample ILLUSTRATIVE)."""

from layers._common import NAME, UID
from layers.spec import Field, LayerSpec, Style

LAYER = LayerSpec(
    key="urban_boundary",
    title_zh="城镇开发边界",
    title_en="Urban development boundary",
    source="urban_boundary.shp",
    geometry="polygon",
    id_field="uid",
    name_field="name",
    fields=(
        UID,
        NAME,
        Field("code", "编号", "Code"),
        Field("kind", "类型", "Type"),
    ),
    style=Style(color="#6a51a3", fill_opacity=0.08, weight=2.5),
    tooltip=("name", "code", "kind"),
    description_zh="三区三线之城镇开发边界：中心城区及各乡镇镇区、长宝营子乡产业园。示例数据，并非双塔区真实划定成果；真实成果由自然资源局提供，经“数据”页替换。以 CGCS2000 高斯-克吕格 3 度带 120°E、GBK 编码、无 .cpg 提供。",
    description_en="三区三线 urban development boundary: the city core, each town's built-up area and the 长宝营子 park. ILLUSTRATIVE sample, not the real lines (those come from the natural-resources bureau and replace these through the data page). Shipped as CGCS2000 GK CM 120°E, GBK, no .cpg.",
)
