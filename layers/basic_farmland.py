"""永久基本农田 permanent basic farmland, one of the 三区三线 control lines (sample ILLUSTRATIVE)."""

from layers._common import NAME, TOWN_CODE, UID
from layers.spec import Field, LayerSpec, Style

LAYER = LayerSpec(
    key="basic_farmland",
    title_zh="永久基本农田",
    title_en="Permanent basic farmland",
    source="basic_farmland.shp",
    geometry="polygon",
    id_field="uid",
    name_field="name",
    fields=(
        UID,
        NAME,
        Field("code", "编号", "Code"),
        Field("kind", "地类", "Land type"),
        TOWN_CODE,
    ),
    style=Style(color="#d4a017", fill_opacity=0.45, weight=1.0),
    tooltip=("name", "code", "kind"),
    township_field="town_code",
    description_zh="三区三线之永久基本农田（保护片块）。示例数据，并非双塔区真实划定成果；真实成果由自然资源局提供，经“数据”页替换。以 CGCS2000 高斯-克吕格 3 度带 120°E、GBK 编码、无 .cpg 提供。面积不存储，由图形计算。",
    description_en="三区三线 permanent basic farmland blocks. ILLUSTRATIVE sample, not the district's real lines (those come from the natural-resources bureau and replace these through the data page). Shipped as survey data arrives: CGCS2000 GK CM 120°E, GBK, no .cpg. Areas are computed from the geometry, not stored.",
)
