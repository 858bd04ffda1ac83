"""就业扶贫 Jobs: employers, public-welfare posts, workshops and the factory; employment by channel.

The person-level `workers` layer gives the KPI cards and the per-township chart (its totals),
never a map layer, a search entry or an export: no person row leaves the server.
"""

from ui.page import MapPage, render_map_page

PAGE = MapPage(
    key="jobs",
    title_zh="就业扶贫",
    title_en="Jobs",
    intro_zh=(
        "有劳动能力的贫困人口全部就业，按渠道统计（报道未细分的记为“其他”）；地图上是安置企业、"
        "公益性岗位、扶贫车间与扶贫工厂。点击乡镇查看其就业统计。"
    ),
    intro_en=(
        "Every poor person able to work is employed, counted by channel ('other' where the report "
        "does not break them down); the map shows employers, public-welfare posts, workshops and "
        "the poverty-alleviation factory. Click a township for its employment figures."
    ),
    layers=("employers", "welfare_posts", "workshops", "park_sites"),
    main_figure=("workers", "employed"),
    kpis=(
        ("workers", "employed"),
        ("workers", "rate"),
        ("workers", "enterprise"),
        ("workers", "outside"),
        ("workers", "institution"),
        ("workers", "welfare"),
        ("workers", "workshop"),
        ("workers", "mutual_aid"),
        ("workers", "other"),
    ),
)

if __name__ == "__main__":  # run as a Streamlit page, not when imported by tests
    render_map_page(PAGE)
