"""飞地招商 Enclave projects: sites coloured by stage, circles sized by planned investment."""

from ui.page import MapPage, render_map_page

PAGE = MapPage(
    key="enclave",
    title_zh="飞地招商",
    title_en="Enclave projects",
    intro_zh="69 个飞地项目按阶段着色（落地开工、签约、洽谈），圆圈大小表示计划总投资。",
    intro_en="The 69 enclave projects coloured by stage; circle size shows planned investment.",
    layers=("enclave_projects",),
    category_layer="enclave_projects",
    sized_by=("enclave_projects", "invest_wan"),
    multi_filters=("industry",),
    range_filters=("invest_wan", "land_mu"),
    pipeline=(("洽谈", "签约", "落地开工"), "invest_wan"),
    ranking=("name", "status", "industry", "town", "invest_wan", "jobs"),
    share_sites=True,
    main_figure=("enclave_projects", "invest"),
    kpis=(
        ("enclave_projects", "count"),
        ("enclave_projects", "invest"),
        ("enclave_projects", "started"),
        ("enclave_projects", "land"),
    ),
)

if __name__ == "__main__":  # run as a Streamlit page, not when imported by tests
    render_map_page(PAGE)
