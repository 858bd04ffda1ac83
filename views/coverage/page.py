"""覆盖核查 Coverage check: targets, a rule, rates per township, the gap list, and check-ins.

All logic lives in `fieldwork`; this module lays out the widgets and remembers the choices
across language switches (a widget per language, its value kept under a language-free key).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

import geopandas as gpd
import streamlit as st

from fieldwork.checkins import CHINA_TIME
from fieldwork.coverage import (
    PRESETS,
    SITE_LAYERS,
    TARGET_SETS,
    VISIT_RULES,
    Rule,
    TargetSet,
    evaluate,
    gap_list,
    gap_reason,
    get_target_set,
    load_targets,
)
from fieldwork.gap_exports import GAP_FORMATS, export_gaps, gap_filename
from fieldwork.store import open_visit_store
from fieldwork.visits import VisitStore
from geo.errors import DataError
from layers import data_version, get_layer
from ui.access import require_page, user_townships
from ui.folium_view import RenderedMap, render_map, show_map
from ui.i18n import text
from ui.messages import explain, plain_markdown
from ui.page import COMPACT_HEADER_STYLE
from ui.state import current_lang
from views.coverage.checkins import DEFAULT_DAYS, render_checkin_import
from views.coverage.compact import phone_style
from views.coverage.map import coverage_map
from views.coverage.tables import gap_table, township_table

__all__ = ["render_coverage_page"]

KEY = "coverage"
CUSTOM = "custom"
MAP_HEIGHT_PX = 560


def render_coverage_page() -> None:
    """The whole page."""
    lang = current_lang()
    require_page("coverage", lang)
    st.html(COMPACT_HEADER_STYLE)
    st.title(text("cov_title", lang))
    st.caption(text("cov_intro", lang))
    phone_style()  # on a phone the tables show a few wrapping columns instead of the full grid
    try:
        store = _store()
    except DataError as error:  # unreachable, or tables an older version made: say which
        st.error(text("cov_store_error", lang, detail=plain_markdown(explain(error, lang))))
        st.stop()
    target_set, chosen, target_rate = _choose_rule(lang)
    # A custom rule's parameters beside the township: less to scroll past before the map.
    parameters, townships = st.columns([3, 2], vertical_alignment="bottom")
    with parameters:
        rule = chosen if isinstance(chosen, Rule) else _rule_parameters(chosen, lang)
    scope = user_townships()  # a field team sees the townships it works in, nothing else
    with townships:
        township = _choose_township(target_set, lang, scope)
    now = dt.datetime.now(dt.UTC)
    evaluated = _evaluated(target_set, rule, store, now, township, scope)
    _kpis(evaluated, target_rate, lang)
    version = _version(store, now)
    rendered = _rendered_map(target_set.key, rule, lang, township, scope, version, data_version())
    show_map(rendered, key=f"{KEY}:map", height=MAP_HEIGHT_PX, returned_objects=[])
    # Full width below the map: beside it, a third of the page cut off the last columns.
    _township_table(evaluated, target_rate, lang)
    _gaps(target_set, rule, evaluated, lang)
    render_checkin_import(target_set, rule, store, lang, scope)


@st.cache_resource(show_spinner=False)
def _store() -> VisitStore:
    return open_visit_store()


# --- choosing what to check ---------------------------------------------------------------


def _remembered(widget: Callable, name: str, lang: str, default: object, **options) -> object:
    """A widget whose value survives the language switch (one widget key per language)."""
    stored = f"{KEY}:{name}"
    key = f"{stored}:{lang}"

    def remember() -> None:
        st.session_state[stored] = st.session_state[key]

    initial = {}
    if key not in st.session_state:
        value = st.session_state.get(stored, default)
        if "options" in options:  # a choice: its initial value is given by position
            choices = list(options["options"])
            initial = {"index": choices.index(value) if value in choices else 0}
        else:
            initial = {"value": value}
    return widget(key=key, on_change=remember, **initial, **options)


def _choose_rule(lang: str) -> tuple[TargetSet, Rule | str, float]:
    """The target set, the preset's rule or the kind of rule chosen, and the target rate."""
    presets = {preset.key: preset for preset in PRESETS}
    top = st.columns([3, 2, 2, 2])
    choice = _remembered(
        top[0].selectbox,
        "preset",
        lang,
        CUSTOM,
        label=text("cov_preset", lang),
        options=[CUSTOM, *presets],
        format_func=lambda key: (
            text("cov_custom", lang) if key == CUSTOM else presets[key].title(lang)
        ),
    )
    if choice != CUSTOM:
        preset = presets[choice]
        target_set = get_target_set(preset.target_set)
        top[1].markdown(f"**{text('cov_set', lang)}**  \n{target_set.title(lang)}")
        top[2].markdown(f"**{text('cov_rule', lang)}**  \n{_rule_text(preset.rule, lang)}")
        top[3].markdown(f"**{text('cov_target_rate', lang)}**  \n{preset.target_rate:.0%}")
        return target_set, preset.rule, preset.target_rate
    sets = {target_set.key: target_set for target_set in TARGET_SETS}
    set_key = _remembered(
        top[1].selectbox,
        "set",
        lang,
        "villages",
        label=text("cov_set", lang),
        options=list(sets),
        format_func=lambda key: sets[key].title(lang),
    )
    target_set = sets[set_key]
    kind = _remembered(
        top[2].selectbox,
        f"rule:{set_key}",
        lang,
        target_set.rules[0],
        label=text("cov_rule", lang),
        options=list(target_set.rules),
        format_func=lambda rule: text(f"cov_rule_{rule}", lang),
    )
    rate = _remembered(
        top[3].slider,
        "target_rate",
        lang,
        100,
        label=text("cov_target_rate", lang),
        min_value=0,
        max_value=100,
        step=5,
    )
    return target_set, kind, rate / 100


def _rule_parameters(kind: str, lang: str) -> Rule:
    if kind in VISIT_RULES:  # visited, or employment confirmed by a visit, within N days
        days = _remembered(
            st.number_input,
            "days",
            lang,
            DEFAULT_DAYS,
            label=text("cov_days", lang),
            min_value=0,
            max_value=3650,
            step=1,
        )
        return Rule(kind, days=int(days))
    if kind == "near_site":
        left, right = st.columns(2)
        metres = _remembered(
            left.number_input,
            "metres",
            lang,
            500,
            label=text("cov_metres", lang),
            min_value=0,
            max_value=50_000,
            step=50,
        )
        site = _remembered(
            right.selectbox,
            "site",
            lang,
            SITE_LAYERS[0],
            label=text("cov_site_layer", lang),
            options=list(SITE_LAYERS),
            format_func=lambda key: get_layer(key).title(lang),
        )
        return Rule("near_site", metres=float(metres), site_layer=site)
    if kind == "at_least_k":
        k = _remembered(
            st.number_input,
            "k",
            lang,
            5,
            label=text("cov_k", lang),
            min_value=1,
            max_value=50,
            step=1,
        )
        return Rule("at_least_k", k=int(k))
    return Rule(kind)


def _rule_text(rule: Rule, lang: str) -> str:
    """The rule in words with its parameters, e.g. '近 N 天内走访过（N = 30）'."""
    name = text(f"cov_rule_{rule.kind}", lang)
    if rule.kind in VISIT_RULES:
        return f"{name} (N = {rule.days})"
    if rule.kind == "near_site":
        return f"{name} (X = {rule.metres:,.0f}, {get_layer(rule.site_layer).title(lang)})"
    if rule.kind == "at_least_k":
        return f"{name} (K = {rule.k})"
    return name


def _choose_township(target_set: TargetSet, lang: str, scope: tuple[str, ...] | None) -> str:
    townships = _townships_of(target_set.key, data_version())
    if scope is not None:
        townships = {code: name for code, name in townships.items() if code in scope}
    options = ["", *townships]
    return _remembered(
        st.selectbox,
        f"township:{target_set.key}",
        lang,
        "",
        label=text("cov_township", lang),
        options=options,
        format_func=lambda code: townships.get(code, text("cov_all", lang)),
    )


@st.cache_data(show_spinner=False)
def _townships_of(set_key: str, data: tuple) -> dict[str, str]:
    """Township code → name of the townships holding targets of the set."""
    targets = load_targets(get_target_set(set_key))
    pairs = targets[["town_code", "town"]].drop_duplicates().sort_values("town_code")
    return dict(zip(pairs["town_code"], pairs["town"], strict=True))


# --- evaluation, map and tables ------------------------------------------------------------------


def _evaluated(
    target_set: TargetSet,
    rule: Rule,
    store: VisitStore,
    now: dt.datetime,
    township: str,
    scope: tuple[str, ...] | None,
) -> gpd.GeoDataFrame:
    visits = store.visits(target_set.layer) if rule.kind in VISIT_RULES else None
    result = evaluate(target_set, rule, visits=visits, now=now)
    if township:
        return result[result["town_code"] == township]
    return result[result["town_code"].isin(scope)] if scope is not None else result


def _version(store: VisitStore, now: dt.datetime) -> tuple[int, str]:
    """Changes when visits are added or the day turns: the map is redrawn then."""
    imports = store.imports()
    last = int(imports["import_id"].max()) if len(imports) else 0
    return last, now.astimezone(CHINA_TIME).date().isoformat()


@st.cache_resource(show_spinner=False, max_entries=24)
def _rendered_map(
    set_key: str,
    rule: Rule,
    lang: str,
    township: str,
    scope: tuple[str, ...] | None,
    version: tuple[int, str],
    data: tuple,
) -> RenderedMap:
    target_set = get_target_set(set_key)
    now = dt.datetime.now(dt.UTC)
    evaluated = _evaluated(target_set, rule, _store(), now, township, scope)
    reasons = [
        "" if covered else gap_reason(rule, measure, lang)
        for covered, measure in zip(evaluated["covered"], evaluated["measure"], strict=True)
    ]
    return render_map(coverage_map(target_set, evaluated, reasons, lang))


def _kpis(evaluated: gpd.GeoDataFrame, target_rate: float, lang: str) -> None:
    targets, covered = len(evaluated), int(evaluated["covered"].sum())
    needed = math.ceil(round(targets * target_rate, 9))
    columns = st.columns(4)
    columns[0].metric(text("cov_targets", lang), f"{targets:,}")
    columns[1].metric(text("cov_covered", lang), f"{covered:,}")
    rate = covered / targets if targets else 1.0
    columns[2].metric(text("cov_rate", lang), f"{rate:.1%}")
    columns[2].caption(text("cov_rate_target", lang, rate=f"{target_rate:.0%}"))
    columns[3].metric(text("cov_short", lang), f"{max(needed - covered, 0):,}")


def _township_table(evaluated: gpd.GeoDataFrame, target_rate: float, lang: str) -> None:
    st.subheader(text("cov_table_title", lang))
    township_table(evaluated, target_rate, lang)


def _gaps(target_set: TargetSet, rule: Rule, evaluated: gpd.GeoDataFrame, lang: str) -> None:
    gaps = gap_list(evaluated, rule, lang)
    st.subheader(text("cov_gaps_title", lang, count=len(gaps)))
    if gaps.empty:
        st.success(text("cov_no_gaps", lang))
        return
    gap_table(gaps, lang)
    rule_text = _rule_text(rule, lang)
    for column, (fmt, export) in zip(
        st.columns(len(GAP_FORMATS)), GAP_FORMATS.items(), strict=True
    ):
        column.download_button(
            label=export.label(lang),
            data=lambda fmt=fmt: export_gaps(
                gaps, fmt, target_set=target_set, rule_text=rule_text, lang=lang
            ),
            file_name=gap_filename(target_set, fmt),
            mime=export.mime,
            key=f"{KEY}:gaps:{fmt}",
            on_click="ignore",
        )


if __name__ == "__main__":  # run as a Streamlit page, not when imported by tests
    render_coverage_page()
