"""生态保护红线 ecological protection red line, one of the 三区三线 (sample ILLUSTRATIVE)."""

from layers._common import NAME, UID
from layers.spec import Field, LayerSpec, Style

LAYER = LayerSpec(
    key="eco_redline",
    title_zh="生态保护红线",
    title_en="Ecological protection red line",
    source="eco_redline.shp",
    geometry="polygon",
    id_field="uid",
    name_field="name",
    fields=(
        UID,
        NAME,
        Field("code", "编号", "Code"),
        Field("kind", "生态功能类型", "Ecological function"),
    ),
    style=Style(color="#e31a1c", fill_opacity=0.3, weight=1.5),
    tooltip=("name", "code", "kind"),
    description_zh="三区三线之生态保护红线：大凌河河道及区界山地。示例数据，并非双塔区真实划定成果；真实成果由自然资源局提供，经“数据”页替换。以 CGCS2000 高斯-克吕格 3 度带 120°E、GBK 编码、无 .cpg 提供。",
    description_en="三区三线 ecological red line: the Daling River corridor and hills on the district's edge. ILLUSTRATIVE sample, not the real lines (those come from the natural-resources bureau and replace these through the data page). Shipped as CGCS2000 GK CM 120°E, GBK, no .cpg.",
)
