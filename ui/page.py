"""The map page every thematic page is made of: KPIs, filters, search, map, panel, chart, exports.

A page declares a `MapPage` and calls `render_map_page`; everything it shows comes from the
layer specs and the data.  The folium map is built once per (page, language, basemap,
filters) and cached, so a click only updates the panel and the highlight, never the map.
"""

from __future__ import annotations

import altair as alt
import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.export import FEATURE_FORMATS, export_features, export_filename
from layers import data_version, get_layer, layer_total, load_layer
from layers.figures import (
    Refinements,
    localised,
    ranking_table,
    stage_pipeline,
    township_series,
)
from layers.formatting import format_figure
from ui.access import require_page, sees_constraint_zones
from ui.feature_editor import render_feature_editor
from ui.i18n import text
from ui.page_map import draw_map, draw_page_map
from ui.page_scope import category_scope, kpi_row, rollup_scope
from ui.page_spec import (
    ALL,
    Emphasis,
    MapPage,
    Timeline,
    filtered_frames,
    select_feature,
    select_township,
    state_key,
    widget_key,
)
from ui.page_timeline import render_timeline
from ui.panel import render_panel
from ui.planner_tools import PageView, render_planner_tools
from ui.share_panel import render_share
from ui.state import current_lang
from ui.study_panel import render_study_panel, render_study_return
from ui.tool_conformity import render_layer_verdicts
from ui.uploads_state import uploaded_keys
from ui.view_date import dated

__all__ = [
    "COMPACT_HEADER_STYLE",
    "Emphasis",
    "MapPage",
    "Timeline",
    "draw_page_map",
    "render_map_page",
]

# Less room above the map (Streamlit's top padding, title and KPI figures are sized for text
# pages), so more of the map is on the first screen of a 1366×768 laptop.
COMPACT_HEADER_STYLE = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 3.5rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 2rem; padding: 0.5rem 0 0.25rem; }
[data-testid="stMetricValue"] { font-size: 1.6rem; }
@media (max-width: 640px) {  /* a phone: KPI figures two to a row, not one long column */
  [data-testid="stHorizontalBlock"]:has([data-testid="stMetric"]) { flex-wrap: wrap; }
  [data-testid="stHorizontalBlock"]:has([data-testid="stMetric"]) > [data-testid="stColumn"] {
    flex: 1 1 calc(50% - 1rem) !important; min-width: calc(50% - 1rem) !important; }
  [data-testid="stMetricValue"] { font-size: 1.3rem; }
}
</style>"""


def render_map_page(page: MapPage) -> None:
    """Lay out the whole page; every figure is computed from the data."""
    lang = current_lang()
    require_page(page.key, lang)
    st.html(COMPACT_HEADER_STYLE)
    st.title(page.title(lang))
    intro = page.intro_en if lang == "en" else page.intro_zh
    if intro:
        st.caption(intro)
    kpi_box = st.container()  # above the filters, filled once the filters are known
    township, categories, refinements = _filters(page, lang)
    frames = filtered_frames(page, township, categories, refinements)
    scope = category_scope(page, lang, categories, refinements)  # what the filters keep, in words
    with kpi_box:
        kpi_row(page, lang, township, frames, scope)
    _pipeline(page, lang, frames)
    map_column, panel_column = st.columns([3, 2], gap="medium")
    with map_column:
        draw_map(page, lang, township, categories, refinements)
    with panel_column:  # the click position, if a click chose the selection, comes with it
        if not render_study_panel(page, lang, uploaded_keys()):
            render_study_return(page, lang)
            render_panel(
                st.session_state.get(state_key(page, "selection")),
                lang,
                key_prefix=page.key,
                rollup_note=rollup_scope(page, lang, scope),
            )
    # Full width below the map and panel: a form of a dozen fields and a map to draw on.
    render_feature_editor(
        st.session_state.get(state_key(page, "selection")),
        page.layers,
        lang,
        key_prefix=page.key,
    )
    render_planner_tools(page, lang, PageView(township, categories, refinements, frames))
    render_timeline(page, lang)  # the programme month by month, below the map
    _ranking(page, lang, frames)
    if page.category_layer and sees_constraint_zones():
        render_layer_verdicts(page, lang, frames[page.category_layer])
    if page.share_sites:
        render_share(page, lang, frames[page.category_layer])
    _township_chart(page, lang)
    _exports(page, lang, frames)


# --- header, filters, search -------------------------------------------------------------


def _filters(page: MapPage, lang: str) -> tuple[str, tuple[str, ...], Refinements]:
    townships = load_layer("townships")
    names = dict(
        zip(townships["code"], townships["name_en" if lang == "en" else "name"], strict=True)
    )
    columns = st.columns([2, 3, 3])
    chosen_township = st.session_state.get(state_key(page, "township"), ALL)
    township_widget = widget_key(page, "township", lang)
    options = [ALL, *names]
    # A widget already in session state takes its value from there (a default too would warn).
    initial = (
        {} if township_widget in st.session_state else {"index": options.index(chosen_township)}
    )
    columns[0].selectbox(
        text("township", lang),
        options=options,
        **initial,
        format_func=lambda code: names.get(code, text("all_townships", lang)),
        key=township_widget,
        on_change=lambda: select_township(page, st.session_state[township_widget]),
    )
    categories: tuple[str, ...] = ()
    if page.category_layer:
        style = get_layer(page.category_layer).style
        values = [c.value for c in style.categories]
        labels = {c.value: c.label(lang) for c in style.categories}
        field_label = get_layer(page.category_layer).field(style.by_field).label(lang)
        categories_widget = widget_key(page, "categories", lang)

        def remember_categories() -> None:
            st.session_state[state_key(page, "categories")] = st.session_state[categories_widget]

        initial = (
            {}
            if categories_widget in st.session_state
            else {"default": st.session_state.get(state_key(page, "categories"), values)}
        )
        chosen = columns[1].multiselect(
            field_label,
            options=values,
            **initial,
            format_func=labels.get,
            key=categories_widget,
            on_change=remember_categories,
        )
        categories = tuple(chosen)
    _search_box(page, lang, columns[2])
    return chosen_township, categories, _refinements(page, lang)


def _refinements(page: MapPage, lang: str) -> Refinements:
    """Value and range filters on the page's category layer (industry, investment, land …)."""
    fields = [*page.multi_filters, *page.range_filters]
    if not fields:
        return ()
    spec = get_layer(page.category_layer)
    frame = load_layer(page.category_layer)
    refinements = []
    for column, name in zip(st.columns(len(fields)), fields, strict=True):
        widget = widget_key(page, f"refine:{name}", lang)
        stored = state_key(page, f"refine:{name}")

        def remember(widget: str = widget, stored: str = stored) -> None:
            st.session_state[stored] = st.session_state[widget]

        if name in page.multi_filters:
            values = sorted(frame[name].dropna().unique().tolist())
            _follow_data(
                widget,
                stored,
                values,
                everything=lambda chosen, then: set(chosen) >= set(then),
                kept=lambda chosen, values=values: [v for v in chosen if v in values],
            )
            shown = dict(zip(frame[name], localised(spec, frame, name, lang), strict=True))
            initial = (
                {}
                if widget in st.session_state
                else {"default": st.session_state.get(stored, values)}
            )
            chosen = column.multiselect(
                spec.field(name).label(lang),
                options=values,
                format_func=lambda value, shown=shown: shown.get(value, value),
                key=widget,
                on_change=remember,
                **initial,
            )
            refinements.append((name, "in", tuple(chosen)))
        else:
            numbers = pd.to_numeric(frame[name])
            bounds = (float(numbers.min()), float(numbers.max()))
            _follow_data(
                widget,
                stored,
                bounds,
                everything=lambda chosen, then: tuple(chosen) == tuple(then),
                kept=lambda chosen, bounds=bounds: (
                    max(chosen[0], bounds[0]),
                    min(chosen[1], bounds[1]),
                ),
            )
            initial = (
                {}
                if widget in st.session_state
                else {"value": st.session_state.get(stored, bounds)}
            )
            low, high = column.slider(
                spec.field(name).label(lang),
                min_value=bounds[0],
                max_value=bounds[1],
                key=widget,
                on_change=remember,
                **initial,
            )
            refinements.append((name, "range", (low, high)))
    return tuple(refinements)


def _follow_data(widget: str, stored: str, options, *, everything, kept) -> None:
    """When the data under a filter changes (an edit, another date), a filter left at
    everything takes in the new values too, and one narrowed keeps what still exists."""
    then_key = f"{stored}:options"
    then = st.session_state.get(then_key)
    current = list(options) if isinstance(options, list) else tuple(options)
    if then is not None and then != current:
        chosen = st.session_state.get(widget, st.session_state.get(stored, then))
        followed = current if everything(chosen, then) else kept(chosen)
        st.session_state[widget] = st.session_state[stored] = followed
    st.session_state[then_key] = current


def _pipeline(page: MapPage, lang: str, frames: dict[str, gpd.GeoDataFrame]) -> None:
    """Counts and investment per stage, in order, for what the filters leave."""
    if not page.pipeline:
        return
    stages, value_field = page.pipeline
    spec = get_layer(page.category_layer)
    table = stage_pipeline(page.category_layer, frames[page.category_layer], stages, value_field)
    labels = {c.value: c.label(lang) for c in spec.style.categories}
    field = spec.field(value_field)
    st.subheader(text("pipeline_title", lang))
    columns = st.columns(len(stages))
    for index, (column, row) in enumerate(zip(columns, table.itertuples(), strict=True)):
        arrow = "" if index == 0 else "→ "
        unit = text("count_unit", lang)
        column.metric(
            f"{arrow}{labels.get(row.stage, row.stage)}",
            f"{row.count} {unit}".strip(),
            f"{format_figure(row.value / 10_000)} {text('yi_yuan', lang)}"
            if field.unit_zh == "万元"
            else format_figure(row.value),
            delta_color="off",
            delta_arrow="off",
        )


def _ranking(page: MapPage, lang: str, frames: dict[str, gpd.GeoDataFrame]) -> None:
    """A sortable table of the filtered sites with intensity per 亩 (click a header to sort)."""
    if not page.ranking:
        return
    frame = frames[page.category_layer]
    table = ranking_table(page.category_layer, frame, page.ranking, lang)
    st.subheader(text("ranking_title", lang, count=len(table)))
    st.dataframe(
        table, hide_index=True, width="stretch", height=min(36 * (len(table) + 1) + 3, 420)
    )


def _search_box(page: MapPage, lang: str, column) -> None:
    """A feature picked from the search becomes the selection, once per pick.

    Applied in the run rather than in an on_change callback: with the map's messages arriving
    at the same time, Streamlit (1.67, fast reruns) could lose a callback's write to session
    state, leaving the name in the box and nothing in the panel. A lost write here is made again
    by the next run, as the box's value still differs from the pick last applied."""
    options = _search_options(page.key, page.layers, lang, data_version())
    search_key = widget_key(page, "search", lang)
    choice = column.selectbox(
        text("search", lang),
        options=[ALL, *options],
        format_func=lambda value: options.get(value, text("search_placeholder", lang)),
        key=search_key,
    )
    applied_key = state_key(page, f"search_applied:{lang}")
    if choice != st.session_state.get(applied_key, ALL):
        if choice:
            select_feature(page, *choice.split("|", 1))
        st.session_state[applied_key] = choice  # after the selection: a stop between redoes it


@st.cache_data(show_spinner=False)
def _search_options(
    page_key: str, layers: tuple[str, ...], lang: str, version: tuple
) -> dict[str, str]:
    """'layer|uid' → 'name · layer title' for every named feature on the page (per version of
    the data being seen)."""
    options = {}
    for key in ("townships", *layers):
        spec = get_layer(key)
        if spec.name_field == spec.id_field:
            continue
        frame = load_layer(key)
        name_column = "name_en" if lang == "en" and "name_en" in frame else spec.name_field
        for uid, name in zip(frame[spec.id_field], frame[name_column], strict=True):
            options[f"{key}|{uid}"] = f"{name} · {spec.title(lang)}"
    return options


# --- per-township chart and exports ------------------------------------------------------


_ROW_PX = 24  # one township per row of the chart


def _township_chart(page: MapPage, lang: str) -> None:
    layer, total_key = page.main_figure
    total, _ = layer_total(layer, total_key)
    townships = load_layer("townships").set_index("code")
    series = township_series(layer, total_key)
    if page.chart_kinds:
        series = series[townships.loc[series.index, "kind"].isin(page.chart_kinds).to_numpy()]
    chosen = st.session_state.get(state_key(page, "township"), ALL)
    table = pd.DataFrame(
        {
            "code": series.index,
            "township": townships.loc[
                series.index, "name_en" if lang == "en" else "name"
            ].to_numpy(),
            "value": series.to_numpy(),
            "chosen": series.index == chosen,
        }
    )
    st.subheader(text("chart_title", lang, figure=total.label(lang)))
    pick = alt.selection_point(name="pick", fields=["code"])
    chart = (
        alt.Chart(table)
        .mark_bar()
        .encode(  # bars across, one row per township: every name readable in full, any language
            y=alt.Y("township:N", sort=None, title=None, axis=alt.Axis(labelLimit=0)),
            x=alt.X("value:Q", title=total.label(lang)),
            color=alt.condition("datum.chosen", alt.value("#00acc1"), alt.value("#8c9eff")),
            tooltip=[alt.Tooltip("township:N"), alt.Tooltip("value:Q", format=",.2f")],
        )
        .add_params(pick)
        .properties(height=_ROW_PX * len(table) + 40)
    )
    chart_key = state_key(page, "chart")

    def picked() -> None:
        points = st.session_state[chart_key].selection.get("pick") or []
        if points:
            select_township(page, str(points[0]["code"]))

    st.altair_chart(chart, on_select=picked, selection_mode="pick", key=chart_key, width="stretch")


def _exports(page: MapPage, lang: str, frames: dict[str, gpd.GeoDataFrame]) -> None:
    with st.expander(text("export_title", lang)):
        layer = st.selectbox(
            text("export_layer", lang),
            options=list(page.layers),
            format_func=lambda key: f"{get_layer(key).title(lang)} ({len(frames[key])})",
            key=state_key(page, "export_layer"),
        )
        spec = get_layer(layer)
        public = frames[layer][[f.name for f in spec.public_fields] + ["geometry"]]
        st.caption(text("export_note", lang, count=len(public)))
        columns = st.columns(len(FEATURE_FORMATS))
        for column, (fmt, export) in zip(columns, FEATURE_FORMATS.items(), strict=True):
            column.download_button(
                label=export.label_en if lang == "en" else export.label_zh,
                data=lambda fmt=fmt: export_features(public, fmt, layer_name=layer),
                file_name=export_filename(dated(spec.title(lang)), fmt),
                mime=export.mime,
                key=state_key(page, f"export:{fmt}"),
                on_click="ignore",
            )
