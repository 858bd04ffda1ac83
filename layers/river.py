"""The Daling River as a context line (course illustrative)."""

from layers._common import NAME, NAME_EN, UID
from layers.spec import Field, LayerSpec, Style, Total

LAYER = LayerSpec(
    key="river",
    title_zh="大凌河",
    title_en="Daling River",
    source="river.shp",
    geometry="line",
    id_field="uid",
    name_field="name",
    fields=(
        UID,
        NAME,
        NAME_EN,
        Field(
            "length_km",
            "区内长度",
            "Length in district",
            kind="float",
            unit_zh="千米",
            unit_en="km",
        ),
    ),
    style=Style(color="#3182bd", weight=4.0),
    tooltip=("name", "length_km"),
    totals=(Total("length", "区内长度", "Length", op="length_km", unit_zh="千米", unit_en="km"),),
    description_zh="大凌河示意走向：自西南入区，经城区向东北流出，长宝营子乡在其南侧。",
    description_en="Illustrative course: enters in the south-west, passes the city and leaves to the north-east.",
)
