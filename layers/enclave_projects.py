"""The 69 enclave (飞地) investment projects, by stage: for investment promoters."""

from layers._common import NAME, NAME_EN, TOWN, TOWN_CODE, UID
from layers.spec import Category, Field, LayerSpec, Style, Total

LAYER = LayerSpec(
    key="enclave_projects",
    title_zh="飞地项目",
    title_en="Enclave projects",
    source="enclave_projects.shp",
    geometry="polygon",
    id_field="uid",
    name_field="name",
    fields=(
        UID,
        NAME,
        NAME_EN,
        Field("status", "项目阶段", "Stage"),
        Field("industry", "产业", "Industry"),
        TOWN_CODE,
        TOWN,
        Field("invest_wan", "计划总投资", "Planned investment", kind="int", unit_zh="万元", unit_en="10k yuan"),
        Field("land_mu", "用地面积", "Land area", kind="float", unit_zh="亩", unit_en="mu"),
        Field("jobs", "带动就业", "Jobs", kind="int", unit_zh="人", unit_en="jobs"),
        Field("visitors", "预计年接待游客", "Visitors expected", kind="int", unit_zh="人次/年", unit_en="visits/yr"),
        Field("bureau", "招商局", "Investment bureau"),
        Field("contact", "联系人", "Contact", public=False),
        Field("notes", "洽谈备注", "Negotiation notes", public=False),
    ),
    style=Style(
        color="#969696",
        fill_opacity=0.6,
        by_field="status",
        categories=(
            Category("落地开工", "Under construction", "#2ca02c"),
            Category("签约", "Signed", "#1f77b4"),
            Category("洽谈", "Negotiating", "#ff7f0e"),
        ),
    ),
    tooltip=("name", "status", "invest_wan", "land_mu"),
    totals=(
        Total("count", "飞地项目", "Enclave projects", op="count", unit_zh="个", unit_en=""),
        Total("invest", "计划总投资", "Planned investment", op="sum", field="invest_wan", unit_zh="万元", unit_en="10k yuan"),
        Total("started", "落地开工", "Under construction", op="count_where", field="status", equals="落地开工", unit_zh="个", unit_en=""),
        Total("land", "用地", "Land", op="area_mu", unit_zh="亩", unit_en="mu"),
    ),
    township_field="town_code",
    description_zh="69 个飞地项目的阶段与分阶段投资与报道一致；金华园为真实项目数据，其余项目名称、地块与联系人均为示例。",
    description_en="Stage counts and investments match the report; 金华园 is real, other names, sites and contacts are illustrative.",
)
