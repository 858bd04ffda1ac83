"""The coverage page's check-in import: upload a file from the field, see what became of every
point and which targets it newly covered, and the recent imports of the store."""

from __future__ import annotations

import datetime as dt
import tempfile
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
from fieldwork.coverage import Rule, TargetSet, evaluate
from fieldwork.visits import VisitStore
from geo.errors import DataError
from geo.offsets import BD09, GCJ02, WGS84
from geo.upload_worker import UploadCancelled, run_limited
from ui.i18n import text
from ui.messages import explain, plain_markdown
from ui.upload_reading import session_left as _left

__all__ = ["DEFAULT_DAYS", "render_checkin_import"]

KEY = "coverage"
DEFAULT_DAYS = Rule("visited").days  # the visited rule's default N
# A point farther than this from every target matches nothing (households stand close together).
DEFAULT_TOLERANCE_M = {"villages": 500, "households": 30, "communities": 100}


def render_checkin_import(
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
        file=plain_markdown(report.file_name),
        points=len(report.rows),
        outside=counts["outside_district"],
        **{k: v for k, v in counts.items() if k != "outside_district"},
    )
    (st.success if counts["recorded"] else st.warning)(message)
    if newly:
        names = plain_markdown("、".join(map(str, newly)))
        st.info(text("cov_newly_covered", lang, days=days, names=names))
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
