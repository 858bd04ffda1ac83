"""覆盖核查 Coverage check: targets, a rule, rates per township, the gap list, and check-ins.

All logic lives in `fieldwork`; this module lays out the widgets and remembers the choices
across language switches (a widget per language, its value kept under a language-free key).
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from fieldwork.checkins import CHECKIN_SUFFIXES, CHINA_TIME, STATUSES, import_checkins
from fieldwork.coverage import (
    PRESETS,
    SITE_LAYERS,
    TARGET_SETS,
    Rule,
    TargetSet,
    coverage_by_township,
    evaluate,
    gap_list,
    gap_reason,
    get_target_set,
    load_targets,
)
from fieldwork.gap_exports import GAP_FORMATS, export_gaps, gap_columns, gap_filename
from fieldwork.store import VisitStore, open_visit_store
from geo.errors import DataError
from geo.offsets import BD09, GCJ02, WGS84
from layers import get_layer
from ui.access import require_page, user_townships
from ui.coverage_map import coverage_map
from ui.folium_view import RenderedMap, render_map, show_map
from ui.i18n import text
from ui.state import current_lang

__all__ = ["render_coverage_page"]

KEY = "coverage"
CUSTOM = "custom"
MAP_HEIGHT_PX = 560
# A point farther than this from every target matches nothing (households stand close together).
DEFAULT_TOLERANCE_M = {"villages": 500, "households": 30, "communities": 100}
DEFAULT_DAYS = 30


def render_coverage_page() -> None:
    """The whole page."""
    lang = current_lang()
    require_page("coverage", lang)
    st.title(text("cov_title", lang))
    st.caption(text("cov_intro", lang))
    store = _store()
    target_set, rule, target_rate = _choose_rule(lang)
    scope = user_townships()  # a field team sees the townships it works in, nothing else
    township = _choose_township(target_set, lang, scope)
    now = dt.datetime.now(dt.UTC)
    evaluated = _evaluated(target_set, rule, store, now, township, scope)
    _kpis(evaluated, target_rate, lang)
    map_column, table_column = st.columns([3, 2], gap="medium")
    with map_column:
        version = _version(store, now)
        rendered = _rendered_map(target_set.key, rule, lang, township, scope, version)
        show_map(rendered, key=f"{KEY}:map", height=MAP_HEIGHT_PX, returned_objects=[])
    with table_column:
        _township_table(evaluated, target_rate, lang)
    _gaps(target_set, rule, evaluated, lang)
    _imports(target_set, rule, store, lang, scope)


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


def _choose_rule(lang: str) -> tuple[TargetSet, Rule, float]:
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
    return target_set, _rule_parameters(kind, lang), rate / 100


def _rule_parameters(kind: str, lang: str) -> Rule:
    if kind == "visited":
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
        return Rule("visited", days=int(days))
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
    if rule.kind == "visited":
        return f"{name} (N = {rule.days})"
    if rule.kind == "near_site":
        return f"{name} (X = {rule.metres:,.0f}, {get_layer(rule.site_layer).title(lang)})"
    if rule.kind == "at_least_k":
        return f"{name} (K = {rule.k})"
    return name


def _choose_township(target_set: TargetSet, lang: str, scope: tuple[str, ...] | None) -> str:
    townships = _townships_of(target_set.key)
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
def _townships_of(set_key: str) -> dict[str, str]:
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
    visits = store.visits(target_set.layer) if rule.kind == "visited" else None
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
    columns[2].metric(
        text("cov_rate", lang), f"{rate:.1%}", f"{target_rate:.0%}", delta_arrow="off"
    )
    columns[3].metric(text("cov_short", lang), f"{max(needed - covered, 0):,}")


def _township_table(evaluated: gpd.GeoDataFrame, target_rate: float, lang: str) -> None:
    st.subheader(text("cov_table_title", lang))
    table = coverage_by_township(evaluated, target_rate)
    shown = pd.DataFrame(
        {
            text("cov_col_town", lang): table["town"],
            text("cov_col_targets", lang): table["targets"],
            text("cov_col_covered", lang): table["covered"],
            text("cov_col_rate", lang): table["rate"] * 100,
            text("cov_col_target_rate", lang): table["target_rate"] * 100,
            text("cov_col_short", lang): table["short"],
            text("cov_col_met", lang): table["met"],
        }
    )
    rate_label = text("cov_col_rate", lang)
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config={
            rate_label: st.column_config.ProgressColumn(
                rate_label, min_value=0, max_value=100, format="%.1f%%"
            ),
            text("cov_col_target_rate", lang): st.column_config.NumberColumn(format="%.0f%%"),
        },
    )


def _gaps(target_set: TargetSet, rule: Rule, evaluated: gpd.GeoDataFrame, lang: str) -> None:
    gaps = gap_list(evaluated, rule, lang)
    st.subheader(text("cov_gaps_title", lang, count=len(gaps)))
    if gaps.empty:
        st.success(text("cov_no_gaps", lang))
        return
    labels = gap_columns(lang)
    st.dataframe(
        pd.DataFrame(gaps[list(labels)]).rename(columns=labels),
        hide_index=True,
        width="stretch",
        height=min(36 * (len(gaps) + 1) + 3, 420),
    )
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


# --- check-ins --------------------------------------------------------------------------------


def _imports(
    target_set: TargetSet, rule: Rule, store: VisitStore, lang: str, scope: tuple[str, ...] | None
) -> None:
    st.subheader(text("cov_import_title", lang))
    if "visited" not in target_set.rules:
        st.info(text("cov_import_unavailable", lang))
        return
    st.caption(text("cov_import_help", lang))
    with st.form(f"{KEY}:import:{target_set.key}", clear_on_submit=False):
        upload = st.file_uploader(text("cov_file", lang), type=[s[1:] for s in CHECKIN_SUFFIXES])
        left, middle, right = st.columns(3)
        team = left.text_input(text("cov_team", lang))
        datum = middle.selectbox(
            text("cov_datum", lang),
            options=["", WGS84, GCJ02, BD09],
            format_func=lambda key: text(f"cov_datum_{key}" if key else "cov_datum_auto", lang),
        )
        tolerance = right.number_input(
            text("cov_tolerance", lang),
            min_value=1,
            max_value=5_000,
            value=DEFAULT_TOLERANCE_M.get(target_set.key, 100),
            step=10,
        )
        use_date = st.checkbox(text("cov_fallback", lang))
        day = st.date_input(text("cov_fallback_date", lang), value=dt.date.today())
        submitted = st.form_submit_button(text("cov_import_button", lang), type="primary")
    if submitted and upload is not None:
        fallback = dt.datetime.combine(day, dt.time(12, 0), tzinfo=CHINA_TIME) if use_date else None
        choices = (team, datum or None, tolerance, fallback, scope)
        _run_import(target_set, rule, store, upload, choices, lang)
    _last_report(lang)
    _history(store, lang)


def _run_import(
    target_set: TargetSet,
    rule: Rule,
    store: VisitStore,
    upload,
    choices: tuple,
    lang: str,
) -> None:
    """Import the uploaded file and keep its report (and what it newly covered) for display.

    `choices`: team, datum, tolerance (m), date for points without a time, township scope."""
    team, datum, tolerance, fallback, scope = choices
    before = _covered_by_visits(target_set, rule, store)
    with st.spinner(text("cov_importing", lang)), tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        try:
            report = import_checkins(
                path,
                target_set=target_set,
                store=store,
                team=team,
                tolerance_m=float(tolerance),
                datum=datum,
                fallback_time=fallback,
                file_name=upload.name,
                townships=scope,
            )
        except DataError as error:
            st.session_state[f"{KEY}:report"] = None
            st.error(f"{text('cov_import_error', lang)}：{error}")
            return
    after = _covered_by_visits(target_set, rule, store)
    names = after[~after.index.isin(before.index)]
    st.session_state[f"{KEY}:report"] = (report, names.tolist(), _visit_days(rule))
    st.rerun()  # figures, map and gap list above now count the new visits


def _visit_days(rule: Rule) -> int:
    return rule.days if rule.kind == "visited" else DEFAULT_DAYS


def _covered_by_visits(target_set: TargetSet, rule: Rule, store: VisitStore) -> pd.Series:
    """Names of the targets the 'visited' rule counts as covered, by uid."""
    visited = Rule("visited", days=_visit_days(rule))
    result = evaluate(
        target_set, visited, visits=store.visits(target_set.layer), now=dt.datetime.now(dt.UTC)
    )
    covered = result[result["covered"]]
    return covered.set_index("uid")["name"]


def _last_report(lang: str) -> None:
    stored = st.session_state.get(f"{KEY}:report")
    if not stored:
        return
    report, newly, days = stored
    counts = {status: report.count(status) for status in STATUSES}
    message = text(
        "cov_import_done",
        lang,
        file=report.file_name,
        points=len(report.rows),
        outside=counts["outside_district"],
        **{k: v for k, v in counts.items() if k != "outside_district"},
    )
    (st.success if counts["recorded"] else st.warning)(message)
    if newly:
        st.info(text("cov_newly_covered", lang, days=days, names="、".join(newly)))
    else:
        st.caption(text("cov_none_newly", lang))
    rows = report.rows.copy()
    rows["status"] = rows["status"].map(lambda status: text(f"cov_status_{status}", lang))
    st.markdown(f"**{text('cov_report_title', lang)}**")
    st.dataframe(rows, hide_index=True, width="stretch", height=min(36 * (len(rows) + 1) + 3, 360))


def _history(store: VisitStore, lang: str) -> None:
    imports = store.imports()
    if imports.empty:
        return
    with st.expander(text("cov_history", lang)):
        st.dataframe(
            imports.sort_values("import_id", ascending=False).head(20),
            hide_index=True,
            width="stretch",
        )
        st.caption(text("cov_store", lang, path=getattr(store, "path", "")))
