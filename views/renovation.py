"""老旧小区改造 Renovation: closed communities by grade, demonstration communities per 街道."""

from ui.page import Emphasis, MapPage, render_map_page

PAGE = MapPage(
    key="renovation",
    title_zh="老旧小区改造",
    title_en="Neighbourhood renovation",
    intro_zh="1618 栋开放式住宅楼改造为 367 个封闭小区，按 A、B、C 级管理；每个街道 5 个示范小区。",
    intro_en="1618 open buildings merged into 367 closed communities, graded A, B or C; five demonstration communities per subdistrict.",
    layers=("closed_communities",),
    category_layer="closed_communities",
    main_figure=("closed_communities", "demo"),
    chart_kinds=("街道",),
    emphasis=Emphasis(
        "closed_communities", "demo", "是", "示范小区", "Demonstration community", "#08306b"
    ),
    kpis=(
        ("closed_communities", "count"),
        ("closed_communities", "buildings"),
        ("closed_communities", "demo"),
        ("closed_communities", "renovated"),
    ),
)

if __name__ == "__main__":  # run as a Streamlit page, not when imported by tests
    render_map_page(PAGE)
