"""People who reached the poverty-exit standard this year, counted by village (no person rows)."""

from layers._common import NAME, TOWN, TOWN_CODE, UID, VILLAGE
from layers.spec import Field, LayerSpec, Style, Total

LAYER = LayerSpec(
    key="exit_std",
    title_zh="脱贫验收达标人口",
    title_en="People reaching the exit standard",
    source="exit_std.shp",
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
            "poor_ok",
            "贫困人口达标",
            "Poor people reaching it",
            kind="int",
            unit_zh="人",
            unit_en="people",
        ),
        Field(
            "lowinc_ok",
            "年收入5000元以下已脱贫人口达标",
            "Lifted people under 5000 yuan/yr reaching it",
            kind="int",
            unit_zh="人",
            unit_en="people",
        ),
    ),
    style=Style(color="#e377c2", radius=5.0),
    tooltip=("village", "poor_ok", "lowinc_ok"),
    totals=(
        Total(
            "poor_ok",
            "贫困人口达标",
            "Poor people reaching it",
            op="sum",
            field="poor_ok",
            unit_zh="人",
        ),
        Total(
            "lowinc_ok",
            "低收入已脱贫人口达标",
            "Lifted low-income people reaching it",
            op="sum",
            field="lowinc_ok",
            unit_zh="人",
        ),
    ),
    township_field="town_code",
    description_zh=(
        "101 名贫困人口、2116 名年收入 5000 元以下已脱贫人口达到脱贫验收标准（报道，只有总数）；"
        "按村的分布为示意，不对应具体的人。"
    ),
    description_en=(
        "101 poor people and 2116 lifted people under 5000 yuan/yr reached the exit standard (the "
        "report gives totals only); the split by village is illustrative and names no one."
    ),
)
