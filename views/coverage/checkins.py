"""The coverage page's check-in import: upload a file from the field, see what became of every
point and which targets it newly covered, and the recent imports of the store."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import streamlit as st

from fieldwork.checkins import (
    CHECKIN_SUFFIXES,
    CHINA_TIME,
    STATUSES,
    import_checkins,
    read_checkins_task,
)
from fieldwork.coverage import VISIT_RULES, Rule, TargetSet, evaluate
from fieldwork.visits import VisitStore, visible_imports
from geo.errors import DataError
from geo.offsets import BD09, GCJ02, WGS84
from geo.upload_worker import UploadCancelled, run_limited
from layers import load_layer
from ui.access import signed_in_username
from ui.i18n import text
from ui.messages import explain, plain_markdown
from ui.upload_reading import session_left as _left
from views.coverage.compact import compact_table, one_page, wide_and_narrow

__all__ = ["DEFAULT_DAYS", "history_table", "render_checkin_import", "report_table"]

KEY = "coverage"
DEFAULT_DAYS = Rule("visited").days  # the visited rule's default N
# A point farther than this from every target matches nothing (households stand close together).
DEFAULT_TOLERANCE_M = {"villages": 500, "households": 30, "communities": 100, "workers": 30}
# The columns a phone shows of the import report and of the import history.
_PHONE_REPORT = ("source_row", "status", "target_name")
_PHONE_HISTORY = ("imported_at", "file_name", "recorded")


def render_checkin_import(
    target_set: TargetSet, rule: Rule, store: VisitStore, lang: str, scope: tuple[str, ...] | None
) -> None:
    """The import form, the last import's report, and the imports this user may see."""
    username = signed_in_username()
    st.subheader(text("cov_import_title", lang))
    if "visited" not in target_set.rules:
        st.info(text("cov_import_unavailable", lang))
        return
    st.caption(text("cov_import_help", lang))
    if target_set.key == "workers":  # people: matched by the id the file names, employment noted
        st.caption(text("cov_import_help_workers", lang))
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
        choices = (team, datum or None, tolerance, fallback, scope, username)
        _run_import(target_set, rule, store, upload, choices, lang)
    _last_report(lang)
    _history(store, lang, username, scope)


def _run_import(
    target_set: TargetSet,
    rule: Rule,
    store: VisitStore,
    upload,
    choices: tuple,
    lang: str,
) -> None:
    """Import the uploaded file and keep its report (and what it newly covered) for display.

    `choices`: team, datum, tolerance (m), date for points without a time, township scope,
    the importer's username."""
    team, datum, tolerance, fallback, scope, username = choices
    before = _covered_by_visits(target_set, rule, store)
    with st.spinner(text("cov_importing", lang)), tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"checkins{Path(upload.name).suffix.lower()}"
        path.write_bytes(upload.getvalue())
        try:  # read in the limited worker, as every upload is; matched and recorded here
            points = run_limited(
                read_checkins_task, path, file_name=upload.name, datum=datum, cancelled=_left
            )
            report = import_checkins(
                path,
                points=points,
                target_set=target_set,
                store=store,
                team=team,
                tolerance_m=float(tolerance),
                datum=datum,
                fallback_time=fallback,
                file_name=upload.name,
                townships=scope,
                username=username,
            )
        except DataError as error:
            st.session_state[f"{KEY}:report"] = None
            # Alerts render Markdown; the file's name and what it holds are shown as text.
            explained = explain(error, lang)
            st.error(f"{text('cov_import_error', lang)}：{plain_markdown(explained)}")
            return
        except UploadCancelled:  # the user left while the file was read: nobody to tell
            return
    after = _covered_by_visits(target_set, rule, store)
    names = after[~after.index.isin(before.index)]
    newly = (names.tolist(), _visit_rule(rule), _visit_days(rule))
    st.session_state[f"{KEY}:report"] = (report, *newly)
    st.rerun()  # figures, map and gap list above now count the new visits


def _visit_rule(rule: Rule) -> str:
    return rule.kind if rule.kind in VISIT_RULES else "visited"


def _visit_days(rule: Rule) -> int:
    return rule.days if rule.kind in VISIT_RULES else DEFAULT_DAYS


def _covered_by_visits(target_set: TargetSet, rule: Rule, store: VisitStore) -> pd.Series:
    """Names of the targets covered by visits, by uid: under the chosen rule when it reads
    visits (a visit, or employment confirmed by one), else under 'visited'."""
    visited = Rule(_visit_rule(rule), days=_visit_days(rule))
    result = evaluate(
        target_set, visited, visits=store.visits(target_set.layer), now=dt.datetime.now(dt.UTC)
    )
    covered = result[result["covered"]]
    return covered.set_index("uid")["name"]


def _last_report(lang: str) -> None:
    stored = st.session_state.get(f"{KEY}:report")
    if not stored:
        return
    report, newly, kind, days = stored
    counts = {status: report.count(status) for status in STATUSES}
    message = text(
        "cov_import_done",
        lang,
        file=plain_markdown(report.file_name),
        points=len(report.rows),
        outside=counts["outside_district"],
        **{k: v for k, v in counts.items() if k != "outside_district"},
    )
    (st.success if counts["recorded"] else st.warning)(message)
    if newly:
        names = plain_markdown("、".join(map(str, newly)))
        rule = text(f"cov_rule_{kind}", lang)
        st.info(text("cov_newly_covered", lang, rule=rule, days=days, names=names))
    else:
        st.caption(text("cov_none_newly", lang))
    rows = report_table(report.rows, lang)
    st.markdown(f"**{text('cov_report_title', lang)}**")
    wide, narrow = wide_and_narrow("report")
    wide.dataframe(
        rows, hide_index=True, width="stretch", height=min(36 * (len(rows) + 1) + 3, 360)
    )
    with narrow:  # on a phone: where the point is in the file, what became of it, and whom it met
        shown = one_page(rows, "report", lang)
        compact_table(shown[[text(f"cov_rep_{c}", lang) for c in _PHONE_REPORT]])
    st.caption(text("cov_time_note", lang))


def _township_names() -> dict[str, str]:
    towns = load_layer("townships")
    return dict(zip(towns["code"].astype(str), towns["name"].astype(str), strict=True))


def _beijing(times: pd.Series) -> pd.Series:
    """Times as Beijing wall-clock text ('2026-05-12 09:30'); blank where there is none."""
    times = pd.to_datetime(times, errors="coerce", utc=True)
    shown = times.dt.tz_convert(CHINA_TIME).dt.strftime("%Y-%m-%d %H:%M")
    return shown.where(times.notna(), "")


def _blank(values: pd.Series) -> pd.Series:
    """Text with missing values (None, NaN) shown as blanks."""
    return values.map(lambda value: "" if value is None or pd.isna(value) else str(value))


# Where a point stands in its file, as fieldwork.checkins writes it ("row 3", "waypoint 2" …).
_PLACES_ZH = {
    "row": "第 {n} 行",
    "feature": "第 {n} 个要素",
    "waypoint": "第 {n} 个航点",
    "track point": "第 {n} 个轨迹点",
}


def _place(place: str, lang: str) -> str:
    word, _, number = place.rpartition(" ")
    if lang == "en" or word not in _PLACES_ZH or not number.isdigit():
        return place
    return _PLACES_ZH[word].format(n=number)


def report_table(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The import report as shown: headers in `lang`, Beijing times, blanks where nothing is."""
    shown = pd.DataFrame(index=rows.index)
    for column in rows.columns:
        if column == "target_uid":  # an internal id: the matched target is shown by its name
            continue
        values = rows[column]
        if column == "visited_at":
            values = _beijing(values)
        elif column == "source_row":
            values = _blank(values).map(lambda place: _place(place, lang))
        elif column == "status":
            values = values.map(lambda status: text(f"cov_status_{status}", lang))
        elif column == "distance_m":
            metres = pd.to_numeric(values, errors="coerce")
            values = metres.map(lambda m: "" if pd.isna(m) else f"{m:,.0f}")
        elif column in ("lon", "lat"):
            degrees = pd.to_numeric(values, errors="coerce")
            values = degrees.map(lambda d: "" if pd.isna(d) else f"{d:.6f}")
        else:
            values = _blank(values)
        shown[text(f"cov_rep_{column}", lang)] = values
    return shown.reset_index(drop=True)


def history_table(
    imports: pd.DataFrame, lang: str, township_names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The recent imports as shown: newest first, headers in `lang`, Beijing times, townships
    by name (`township_names`: code → name; a code without a name is shown as itself)."""
    imports = imports.sort_values("import_id", ascending=False).head(20)
    names = township_names or {}
    shown = pd.DataFrame(index=imports.index)
    for column in imports.columns:
        values = imports[column]
        if column == "townships":
            values = _blank(values).map(
                lambda codes: "、".join(names.get(code, code) for code in codes.split(",") if code)
            )
        elif column == "imported_at":
            values = _beijing(values)
        elif column == "datum":
            values = _blank(values).map(
                lambda key: text(f"cov_datum_{key}", lang) if key in (WGS84, GCJ02, BD09) else key
            )
        elif not pd.api.types.is_numeric_dtype(values):
            values = _blank(values)
        shown[text(f"cov_hist_{column}", lang)] = values
    return shown.reset_index(drop=True)


def _history(store: VisitStore, lang: str, username: str, scope: tuple[str, ...] | None) -> None:
    """The recent imports this user may see: a field team those of its townships (and its own
    that matched none), with their counts only; everyone else all of them."""
    imports = visible_imports(store.imports(), username=username, townships=scope)
    if imports.empty:
        return
    with st.expander(text("cov_history", lang)):
        shown = history_table(imports, lang, _township_names())
        wide, narrow = wide_and_narrow("history")
        wide.dataframe(shown, hide_index=True, width="stretch")
        with narrow:
            compact_table(shown[[text(f"cov_hist_{c}", lang) for c in _PHONE_HISTORY]])
        # A shared database is named (database and host: no password, no server path); a
        # SQLite file's path is the server's own and stays unsaid.
        shared = getattr(store, "place", "")
        place = f" {text('cov_store_place', lang, place=shared)}" if shared else ""
        st.caption(text("cov_time_note", lang) + place)
