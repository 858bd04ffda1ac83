"""夜经济 Night economy: 一廊、四圈、一带、四商街."""

from ui.page import MapPage, render_map_page

PAGE = MapPage(
    key="night",
    title_zh="夜经济",
    title_en="Night economy",
    intro_zh="“一廊、四圈、一带、四商街”夜经济格局。",
    intro_en="One corridor, four business circles, one riverside belt and four commercial streets.",
    layers=("night_lines", "night_circles"),
    category_layer="night_lines",
    main_figure=("night_lines", "length"),
    chart_kinds=("街道",),
    kpis=(
        ("night_lines", "count"),
        ("night_lines", "length"),
        ("night_circles", "count"),
        ("night_circles", "area"),
    ),
)

if __name__ == "__main__":  # run as a Streamlit page, not when imported by tests
    render_map_page(PAGE)
