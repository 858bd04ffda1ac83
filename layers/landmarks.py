"""Reference points for distances: the city centre, the airport and the 13 township seats."""

from layers._common import NAME, NAME_EN, TOWN_CODE, UID
from layers.spec import Category, Field, LayerSpec, Style, Total

CITY_CENTRE = "市中心"
AIRPORT = "机场"
TOWNSHIP_SEAT = "乡镇驻地"

LAYER = LayerSpec(
    key="landmarks",
    title_zh="地标与驻地",
    title_en="Landmarks and seats",
    source="landmarks.shp",
    geometry="point",
    id_field="uid",
    name_field="name",
    fields=(UID, NAME, NAME_EN, Field("kind", "类型", "Type"), TOWN_CODE),
    style=Style(
        color="#252525",
        radius=5.0,
        by_field="kind",
        categories=(
            Category(CITY_CENTRE, "City centre", "#d62728"),
            Category(AIRPORT, "Airport", "#6a51a3"),
            Category(TOWNSHIP_SEAT, "Township seat", "#252525"),
        ),
    ),
    tooltip=("name", "kind"),
    totals=(
        Total("count", "地标与驻地", "Landmarks and seats", op="count", unit_zh="个", unit_en=""),
    ),
    township_field="town_code",
    description_zh="市中心（北塔，约位）与朝阳机场位置为近似真实位置；13 个乡镇街道驻地为示意位置。用于计算飞地项目到市中心、机场和最近乡镇驻地的距离。",
    description_en="City centre (North Pagoda, approximate) and Chaoyang Airport are approximately real; the 13 township seats are illustrative. Used for the distances on site sheets.",
)
