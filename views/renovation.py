"""老旧小区改造 Renovation: closed communities by grade, demonstration communities per 街道."""

from ui.page import Emphasis, MapPage, Timeline, render_map_page

PAGE = MapPage(
    key="renovation",
    title_zh="老旧小区改造",
    title_en="Neighbourhood renovation",
    intro_zh="开放式住宅楼合并改造为封闭小区，按 A、B、C 级管理；深色轮廓为各街道的示范小区；下方是逐月的改造进展。",
    intro_en="Open residential buildings merged into closed communities, graded A, B or C; dark outlines mark each subdistrict's demonstration communities; below, progress month by month.",
    layers=("closed_communities",),
    category_layer="closed_communities",
    main_figure=("closed_communities", "demo"),
    chart_kinds=("街道",),
    timeline=Timeline("closed_communities", count="count", value="renovated"),
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
