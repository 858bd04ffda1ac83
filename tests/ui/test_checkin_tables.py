"""The coverage page's check-in import report and import history as shown (issue 14, item 9):
headers in the chosen language, Beijing time as entered, blanks where nothing is."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from fieldwork.checkins import CHINA_TIME, REPORT_COLUMNS
from fieldwork.visits import IMPORT_COLUMNS
from ui.i18n import text
from views.coverage.checkins import history_table, report_table

APP = str(Path(__file__).resolve().parents[2] / "app.py")
_AT_0930 = dt.datetime(2026, 5, 12, 9, 30, tzinfo=CHINA_TIME)


def _report_rows() -> pd.DataFrame:
    """Two rows as fieldwork.checkins.import_checkins reports them (times in UTC)."""
    rows = pd.DataFrame(
        {
            "source_row": ["row 1", "waypoint 2"],
            "lon": [120.45, 120.46],
            "lat": [41.57, 41.58],
            "visited_at": pd.to_datetime([_AT_0930, None], utc=True),
            "team": ["一队", "一队"],
            "note": ["", None],
            "status": ["recorded", "no_time"],
            "target_uid": ["v1", ""],
            "target_name": ["五十家子村", ""],
            "distance_m": [12.4, None],
        }
    )
    rows["distance_m"] = rows["distance_m"].astype(object).where(rows["distance_m"].notna(), None)
    return rows[REPORT_COLUMNS]


def test_the_report_has_chinese_headers_beijing_times_and_blanks() -> None:
    shown = report_table(_report_rows(), "zh")
    assert not any(column.isascii() for column in shown.columns), list(shown.columns)
    assert shown["走访时间"].tolist() == ["2026-05-12 09:30", ""]
    assert shown["距离（米）"].tolist() == ["12", ""]
    assert shown["结果"].tolist() == ["已记录", "无时间"]
    assert shown["文件中的位置"].tolist() == ["第 1 行", "第 2 个航点"]
    assert "None" not in shown.astype(str).to_numpy() and "nan" not in shown.astype(str).to_numpy()


def test_the_report_names_the_matched_target_without_its_internal_id() -> None:
    for lang in ("zh", "en"):
        shown = report_table(_report_rows(), lang)
        assert shown[text("cov_rep_target_name", lang)].tolist() == ["五十家子村", ""]
        assert not any(
            column in shown.columns for column in ("对象编号", "Target id", "target_uid")
        )
        assert "v1" not in shown.astype(str).to_numpy()  # the target's id is shown nowhere


def test_the_report_in_english_has_english_headers() -> None:
    shown = report_table(_report_rows(), "en")
    assert "Visited at" in shown.columns and "source_row" not in shown.columns
    assert shown["Visited at"].iloc[0] == "2026-05-12 09:30"


def test_the_history_is_newest_first_in_beijing_time_with_chinese_headers() -> None:
    imports = pd.DataFrame(
        {
            "import_id": [1, 2],
            "file_name": ["a.csv", "b.gpx"],
            "team": ["一队", ""],
            "username": ["li", ""],
            "townships": ["211302205", "211302100,211302205"],
            "datum": ["GCJ02", ""],
            "points": [3, 4],
            "recorded": [3, 2],
            "duplicates": [0, 1],
            "imported_at": pd.to_datetime([_AT_0930, _AT_0930 + dt.timedelta(hours=1)], utc=True),
        }
    )[list(IMPORT_COLUMNS)]
    names = {"211302205": "长宝营子乡"}
    shown = history_table(imports, "zh", names)
    assert not any(column.isascii() for column in shown.columns), list(shown.columns)
    assert shown["导入时间"].tolist() == ["2026-05-12 10:30", "2026-05-12 09:30"]
    assert shown["坐标系"].tolist() == ["", "GCJ-02（高德、腾讯）"]
    assert shown["导入人"].tolist() == ["", "li"]
    assert shown["乡镇"].tolist() == [
        "211302100、长宝营子乡",
        "长宝营子乡",
    ]  # a code without a name
    english = history_table(imports, "en", names)
    assert {"Imported by", "Townships"} <= set(english.columns)


def test_the_target_rate_is_not_a_delta_badge() -> None:
    app = AppTest.from_file(APP, default_timeout=120).run()
    app.switch_page("views/coverage/page.py").run()
    assert not app.exception, app.exception
    rate = next(metric for metric in app.metric if metric.label == "覆盖率")
    assert not rate.delta
    assert any(caption.value.startswith("目标 ") for caption in app.caption)
