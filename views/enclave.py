"""飞地招商 Enclave projects: sites coloured by stage, circles sized by planned investment."""

from ui.page import MapPage, Timeline, render_map_page

STAGES = ("洽谈", "签约", "落地开工")

PAGE = MapPage(
    key="enclave",
    title_zh="飞地招商",
    title_en="Enclave projects",
    intro_zh="飞地项目按阶段着色（落地开工、签约、洽谈），圆圈大小表示计划总投资；下方是逐月的推进情况。",
    intro_en="Enclave projects coloured by stage; circle size shows planned investment; below, the pipeline month by month.",
    layers=("enclave_projects",),
    category_layer="enclave_projects",
    sized_by=("enclave_projects", "invest_wan"),
    multi_filters=("industry",),
    range_filters=("invest_wan", "land_mu"),
    pipeline=(STAGES, "invest_wan"),
    timeline=Timeline("enclave_projects", count="count", value="invest", stages=STAGES),
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
