"""Public-welfare posts (公益性岗位) by village: 690 in all."""

from layers._common import NAME, TOWN, TOWN_CODE, UID, VILLAGE
from layers.spec import Field, LayerSpec, Style, Total

LAYER = LayerSpec(
    key="welfare_posts",
    title_zh="公益性岗位",
    title_en="Public-welfare posts",
    source="welfare_posts.shp",
    geometry="point",
    id_field="uid",
    name_field="name",
    fields=(
        UID,
        NAME,
        TOWN_CODE,
        TOWN,
        VILLAGE,
        Field(
            "posts", "公益性岗位", "Public-welfare posts", kind="int", unit_zh="个", unit_en="posts"
        ),
    ),
    style=Style(color="#e377c2", radius=6.0),  # not green: towns (镇) are filled green
    tooltip=("village", "posts"),
    totals=(
        Total("posts", "公益性岗位", "Public-welfare posts", op="sum", field="posts", unit_zh="个"),
        Total("villages", "设岗村", "Villages with posts", op="count", unit_zh="个"),
    ),
    township_field="town_code",
    description_zh="开发公益性岗位 690 个（报道）；按村的分布与位置为示意。",
    description_en="690 public-welfare posts (the report); the split by village and positions are illustrative.",
)
