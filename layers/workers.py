"""Registered poor people able to work, one row each: how they are employed (synthetic ids only,
no names; person rows for internal pages, never for promoters or the public)."""

from layers._common import HH_ID, TOWN, TOWN_CODE, UID, VILLAGE, WK_ID
from layers.spec import Category, Field, LayerSpec, Style, Total

CHANNELS = (
    Category("企业安置", "Placed with an enterprise", "#1f77b4"),
    Category("市外务工", "Working outside the city", "#9467bd"),
    Category("事业编制", "Graduate in a public institution", "#17becf"),
    Category("公益性岗位", "Public-welfare post", "#2ca02c"),
    Category("扶贫车间", "Home-based, through a workshop", "#ff7f0e"),
    Category("互助就业", "Mutual-aid employment", "#bcbd22"),
    Category("其他（未细分）", "Other (not broken down in the report)", "#969696"),
)


def _yes(key: str, label_zh: str, label_en: str, field: str) -> Total:
    return Total(key, label_zh, label_en, op="count_where", field=field, equals="是", unit_zh="人")


def _channel(key: str, channel: str, label_zh: str, label_en: str) -> Total:
    """People employed through one channel (the report's figure where it names one)."""
    return Total(
        key, label_zh, label_en, op="count_where", field="channel", equals=channel, unit_zh="人"
    )


LAYER = LayerSpec(
    key="workers",
    title_zh="有劳动能力贫困人口就业",
    title_en="Employment of capable poor people",
    source="workers.shp",
    geometry="point",
    id_field="uid",
    name_field="uid",
    fields=(
        UID,
        WK_ID,
        HH_ID,
        TOWN_CODE,
        TOWN,
        VILLAGE,
        Field("channel", "就业渠道", "Employment channel"),
        Field("workplace", "就业地", "Where employed"),
        Field("employer", "安置企业", "Employer"),
        Field("workshop", "扶贫车间", "Workshop"),
        Field("post_vil", "公益性岗位所在村", "Village of the welfare post"),
        Field("employed", "已就业", "Employed"),
        Field("trained", "接受培训", "Trained"),
        Field("income", "年收入", "Annual income", kind="int", unit_zh="元/年", unit_en="yuan/yr"),
    ),
    style=Style(color="#1f77b4", radius=3.0, by_field="channel", categories=CHANNELS),
    tooltip=("village", "channel", "workplace"),
    totals=(
        Total("count", "有劳动能力贫困人口", "Capable poor people", op="count", unit_zh="人"),
        _yes("employed", "已就业", "Employed", "employed"),
        Total(
            "rate",
            "就业率",
            "Employment rate",
            op="share_where",
            field="employed",
            equals="是",
            unit_zh="%",
            unit_en="%",
        ),
        _yes("trained", "接受培训", "Trained", "trained"),
        Total(
            "in_district",
            "区内就业",
            "Employed in the district",
            op="count_where",
            field="workplace",
            equals="区内",
            unit_zh="人",
        ),
        Total(
            "outside",
            "市外务工",
            "Working outside the city",
            op="count_where",
            field="workplace",
            equals="市外",
            unit_zh="人",
        ),
        _channel("enterprise", "企业安置", "企业安置就业", "Placed with enterprises"),
        _channel("institution", "事业编制", "事业编制安置", "Graduates in public institutions"),
        _channel("welfare", "公益性岗位", "公益性岗位就业", "In public-welfare posts"),
        _channel("workshop", "扶贫车间", "扶贫车间居家就业", "Home-based, through workshops"),
        _channel("mutual_aid", "互助就业", "互助就业", "Mutual-aid employment"),
        _channel("other", "其他（未细分）", "其他就业（报道未细分）", "Other (not broken down)"),
    ),
    township_field="town_code",
    description_zh=(
        "3834 名有劳动能力的贫困人口全部就业；渠道合计为报道数字，报道未细分的其余人员记为"
        "“其他（未细分）”。编号为合成编号（内部字段），不含姓名；谁在哪个渠道、培训与收入、"
        "位置均为示意。"
    ),
    description_en=(
        "All 3834 capable poor people employed; channel totals are the report's, the rest it does "
        "not break down is 'other (not broken down)'. Synthetic internal ids, no names; who is in "
        "which channel, training, incomes and positions are illustrative."
    ),
)
