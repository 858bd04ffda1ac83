"""Night economy: the corridor, the riverside belt and the four commercial streets."""

from layers._common import NAME, NAME_EN, UID
from layers.spec import Category, Field, LayerSpec, Style, Total

LAYER = LayerSpec(
    key="night_lines",
    title_zh="夜经济廊带与商街",
    title_en="Night-economy corridor, belt and streets",
    source="night_lines.shp",
    geometry="line",
    id_field="uid",
    name_field="name",
    fields=(
        UID,
        NAME,
        NAME_EN,
        Field("category", "格局", "Element"),
        Field("length_km", "长度", "Length", kind="float", unit_zh="千米", unit_en="km"),
    ),
    style=Style(
        color="#b8860b",
        weight=5.0,
        by_field="category",
        categories=(
            Category("一廊", "Corridor", "#ffbf00"),
            Category("一带", "Riverside belt", "#00bcd4"),
            Category("四商街", "Commercial street", "#e377c2"),
        ),
    ),
    tooltip=("name", "category", "length_km"),
    totals=(
        Total(
            "count", "廊、带、商街", "Corridor, belt, streets", op="count", unit_zh="条", unit_en=""
        ),
        Total("length", "总长度", "Total length", op="length_km", unit_zh="千米", unit_en="km"),
    ),
    description_zh="“一廊、一带、四商街”，名称来自报道；走向为示意。",
    description_en="The corridor, the belt and the four streets, named as in the report; courses illustrative.",
)
