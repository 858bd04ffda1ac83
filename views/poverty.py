"""脱贫与产业 Poverty alleviation and industry: the park, fields, industry and household projects."""

from ui.page import MapPage, render_map_page

PAGE = MapPage(
    key="poverty",
    title_zh="脱贫与产业",
    title_en="Poverty alleviation and industry",
    intro_zh="长宝营子乡扶贫产业园及其果园、温室与工厂，王杖子村红薯田，区乡村三级产业项目与到户项目。",
    intro_en="The 长宝营子 park with its orchards, greenhouses and factory, the 王杖子 sweet-potato fields, industry and household projects.",
    layers=(
        "villages",
        "industrial_park",
        "orchards",
        "greenhouses",
        "park_sites",
        "sweet_potato",
        "aixin_base",
        "industry_projects",
        "household_projects",
        "households",
    ),
    hidden=("households", "household_projects"),
    category_layer="industry_projects",
    main_figure=("households", "count"),
    kpis=(
        ("households", "count"),
        ("households", "projects"),
        ("household_projects", "count"),
        ("industry_projects", "count"),
        ("industrial_park", "area"),
        ("industrial_park", "invest"),
        ("orchards", "trees"),
        ("sweet_potato", "area"),
    ),
)

if __name__ == "__main__":  # run as a Streamlit page, not when imported by tests
    render_map_page(PAGE)
