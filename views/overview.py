"""总览 Overview: every programme on one map, the report's headline figures as KPI cards."""

from ui.page import MapPage, render_map_page

PAGE = MapPage(
    key="overview",
    title_zh="总览",
    title_en="Overview",
    intro_zh="全区各类项目一图总览。图层可在地图右上角开关；点击要素或乡镇查看统计。",
    intro_en="Every programme in the district on one map. Switch layers at the top right; click a feature or a township for its figures.",
    layers=(
        "villages",
        "industry_projects",
        "industrial_park",
        "orchards",
        "greenhouses",
        "park_sites",
        "sweet_potato",
        "aixin_base",
        "enclave_projects",
        "night_lines",
        "night_circles",
        "closed_communities",
        "employers",
        "welfare_posts",
        "workshops",
        "household_projects",
        "households",
        # The 三区三线 constraint zones, for the planner's check (illustrative samples).
        "urban_boundary",
        "basic_farmland",
        "eco_redline",
    ),
    # Welfare posts (one point per village with posts) crowd the overview: a switch away; so do
    # the constraint zones, which cover much of the district.
    hidden=(
        "household_projects",
        "households",
        "villages",
        "welfare_posts",
        "urban_boundary",
        "basic_farmland",
        "eco_redline",
    ),
    main_figure=("households", "count"),
    kpis=(
        ("households", "count"),
        ("households", "projects"),
        ("household_projects", "count"),
        ("industry_projects", "count"),
        ("enclave_projects", "count"),
        ("enclave_projects", "invest"),
        ("closed_communities", "demo"),
        ("closed_communities", "renovated"),
    ),
)

if __name__ == "__main__":  # run as a Streamlit page, not when imported by tests
    render_map_page(PAGE)
