"""A gap list out to the field: tables with labelled columns, waypoints, a printed checklist."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

from fieldwork.coverage import Rule, evaluate, gap_list, get_target_set
from fieldwork.gap_exports import export_gaps, gap_filename

HOUSEHOLDS = get_target_set("households")
VILLAGES = get_target_set("villages")
RULE = Rule("near_site", metres=1_000)


@pytest.fixture(scope="module")
def gaps():
    return gap_list(evaluate(VILLAGES, RULE), RULE, "zh")


def _export(gaps, fmt: str, lang: str = "zh") -> bytes:
    return export_gaps(gaps, fmt, target_set=VILLAGES, rule_text="距产业项目 1,000 米内", lang=lang)


def test_csv_and_xlsx_hold_the_gap_list_in_order_with_labels(gaps) -> None:
    table = pd.read_csv(io.BytesIO(_export(gaps, "csv")), encoding="utf-8-sig")
    assert list(table.columns) == [
        "乡镇街道",
        "村/社区",
        "目标",
        "编号",
        "经度",
        "纬度",
        "未覆盖原因",
    ]
    assert list(table["编号"]) == list(gaps["uid"])
    assert list(table["未覆盖原因"]) == list(gaps["reason"])
    sheet = openpyxl.load_workbook(io.BytesIO(_export(gaps, "xlsx", "en"))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Township", "Village / neighbourhood", "Target", "ID")
    assert [row[3] for row in rows[1:]] == list(gaps["uid"])


def test_the_printed_checklist_lists_every_gap_with_room_for_notes(gaps) -> None:
    reader = PdfReader(io.BytesIO(_export(gaps, "pdf")))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "走访清单 · 行政村" in text and "走访记录" in text
    assert f"{len(gaps)} 个目标" in text
    for row in gaps.itertuples():
        assert row.uid in text and f"{row.lon:.6f}, {row.lat:.6f}" in text
    assert text.count("□") >= len(gaps) + 1  # a box for every target
    assert f"1/{len(reader.pages)}" in text  # page numbers


def test_a_long_checklist_runs_over_pages_and_repeats_its_heading() -> None:
    rule = Rule("visited", days=30)

    no_visits = pd.DataFrame(columns=["target_layer", "target_uid", "visited_at"])
    evaluated = evaluate(
        HOUSEHOLDS, rule, visits=no_visits, now=pd.Timestamp("2026-11-25", tz="UTC")
    )
    gaps = gap_list(evaluated[evaluated["town_code"] == "211302205"], rule, "zh")
    pdf = export_gaps(gaps, "pdf", target_set=HOUSEHOLDS, rule_text="30 天内走访", lang="zh")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) > 5
    assert all("未覆盖原因" in page.extract_text() for page in reader.pages)
    assert gaps["uid"].iloc[-1] in reader.pages[-1].extract_text()


def test_waypoints_refuse_an_empty_gap_list_but_tables_do_not(gaps) -> None:
    empty = gaps.iloc[0:0]
    for fmt in ("gpx", "kml", "pdf"):
        with pytest.raises(ValueError, match="empty"):
            _export(empty, fmt)
    assert pd.read_csv(io.BytesIO(_export(empty, "csv")), encoding="utf-8-sig").empty


def test_file_names_say_what_and_when() -> None:

    name = gap_filename(VILLAGES, "gpx", day=dt.date(2026, 11, 25))
    assert name == "走访清单_行政村_2026-11-25.gpx"
