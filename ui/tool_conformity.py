"""The 三区三线 check: a study area or the selected feature against the constraint zones, by
the rules kept in data/rules; the verdict explained, and its one-page PDF report. Also every
site of a page's layer, where the rules map that layer (the enclave page)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.errors import DataError
from layers import get_layer, load_layer, view_date
from planning.conformity import (
    Verdict,
    category_of,
    check_layer,
    check_site,
    layer_verdicts,
    load_rules,
)
from share.conformity_report import conformity_report, conformity_report_filename
from store import beijing_today
from ui.i18n import text
from ui.page_spec import MapPage, state_key
from ui.study_area import current_study

__all__ = ["render_conformity_tool", "render_layer_verdicts"]


def render_conformity_tool(page: MapPage, lang: str, view) -> None:
    """Check the study area or the selected polygon against the zones, by a chosen category."""
    st.caption(text("sanqu_intro", lang))
    rules = _rules(lang)
    if rules is None:
        return
    target = _target(page, lang)
    if target is None:
        st.info(text("sanqu_nothing", lang))
        return
    name, site, default_category = target
    categories = list(rules.categories)
    with st.form(state_key(page, "sanqu:form"), border=False):
        st.write(text("sanqu_target", lang, name=name))
        category = st.selectbox(
            text("sanqu_category", lang),
            categories,
            index=categories.index(default_category) if default_category in categories else 0,
            format_func=lambda key: _category_title(rules, key, lang),
            key=state_key(page, f"sanqu:category:{lang}"),
        )
        go = st.form_submit_button(text("sanqu_go", lang))
    if go:
        try:
            st.session_state[state_key(page, "sanqu:verdict")] = check_site(site, category, name)
        except ValueError as refused:
            st.warning(text("sanqu_refused", lang, reason=_short(refused)))
            return
    verdict = st.session_state.get(state_key(page, "sanqu:verdict"))
    if verdict is not None:
        render_verdict(verdict, lang, key=state_key(page, "sanqu:pdf"))


def render_verdict(verdict: Verdict, lang: str, *, key: str) -> None:
    """The verdict in a coloured box, the overlaps per zone, each rule explained, the PDF."""
    heading = f"{verdict.site_name} · {verdict.summary(lang)}"
    (st.success if verdict.passed else st.error)(heading)
    en = lang == "en"
    st.dataframe(
        pd.DataFrame(
            {
                text("sanqu_col_zone", lang): [
                    o.title_en if en else o.title_zh for o in verdict.overlaps
                ],
                text("sanqu_col_mu", lang): [round(o.area_mu, 2) for o in verdict.overlaps],
                text("sanqu_col_share", lang): [round(100 * o.share, 2) for o in verdict.overlaps],
            }
        ),
        hide_index=True,
    )
    for result in verdict.results:
        mark = "✅" if result.passed else "❌"
        st.text(f"{mark} {result.text_en if en else result.text_zh}")
    day = view_date() or beijing_today()
    st.download_button(
        text("sanqu_pdf", lang),
        data=lambda: conformity_report(verdict, day),
        file_name=conformity_report_filename(verdict.site_name, day),
        mime="application/pdf",
        key=key,
        on_click="ignore",
    )


def render_layer_verdicts(page: MapPage, lang: str, frame) -> None:
    """Every site of the page's category layer that the filters leave, with its verdict; the
    report of any one of them."""
    rules = _rules(lang)
    layer = page.category_layer
    if rules is None or layer not in rules.layers:
        return
    spec = get_layer(layer)
    table = check_layer(layer, lang)
    kept = table[spec.id_field].isin(frame[spec.id_field])
    table = table[kept]
    verdicts = [v for v, keep in zip(layer_verdicts(layer), kept, strict=True) if keep]
    failing = sum(not verdict.passed for verdict in verdicts)
    st.subheader(text("sanqu_layer_title", lang, count=len(table), failing=failing))
    st.caption(text("sanqu_layer_note", lang))
    shown = table.drop(columns=[spec.id_field]).round(2)
    st.dataframe(
        shown, hide_index=True, width="stretch", height=min(36 * (len(table) + 1) + 3, 420)
    )
    names = dict(zip(table[spec.id_field], table.iloc[:, 1], strict=True))
    if not names:
        return
    uid = st.selectbox(
        text("sanqu_layer_pick", lang),
        list(names),
        format_func=names.get,
        key=state_key(page, f"sanqu:site:{lang}"),
    )
    sites = load_layer(layer)
    row = sites[sites[spec.id_field] == uid].iloc[0]
    verdict = check_site(row.geometry, category_of(layer, row), str(row[spec.name_field]))
    render_verdict(verdict, lang, key=state_key(page, "sanqu:site:pdf"))


def _target(page: MapPage, lang: str):
    """(name, geometry, default category) of the study area, else of the selected feature."""
    study = current_study(page)
    if study is not None and study.area is not None:
        return study.area.label(lang), study.area.wgs84, None
    selection = st.session_state.get(state_key(page, "selection"))
    if selection is None:
        return None
    spec = get_layer(selection.layer)
    if spec.geometry != "polygon":
        return None
    frame = load_layer(selection.layer)
    rows = frame[frame[spec.id_field] == selection.uid]
    if rows.empty:
        return None
    row = rows.iloc[0]
    try:
        category = category_of(selection.layer, row)
    except KeyError:
        category = None
    return str(row[spec.name_field]), row.geometry, category


def _rules(lang: str):
    try:
        return load_rules()
    except DataError as error:
        st.error(text("sanqu_rules_bad", lang, problem=error.problem))
        return None


def _category_title(rules, key: str, lang: str) -> str:
    category = rules.category(key)
    return category.title_en if lang == "en" else category.title_zh


def _short(error: Exception) -> str:
    return str(error)[:200]
