"""The programmes month by month: at the report's date they are the published figures, earlier
months hold less, each month is the layer as it stood then, and the series ends at the date viewed."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from layers import load_layer, viewing
from layers.report import history_start, report_date
from layers.spec import LayerSpecError
from layers.timeline import Timeline, month_ends, timeline_table

STAGES = ("洽谈", "签约", "落地开工")
ENCLAVE = Timeline("enclave_projects", count="count", value="invest", stages=STAGES)
RENOVATION = Timeline("closed_communities", count="count", value="renovated")
MID_YEAR = dt.date(2020, 6, 30)


def _at_report_date(timeline: Timeline) -> pd.DataFrame:
    with viewing(report_date()):
        return timeline_table(timeline)


def test_month_ends_run_from_the_start_month_to_the_end_date() -> None:
    assert month_ends(dt.date(2020, 1, 1), dt.date(2020, 3, 5)) == [
        dt.date(2020, 1, 31),
        dt.date(2020, 2, 29),
        dt.date(2020, 3, 5),
    ]
    assert month_ends(dt.date(2020, 11, 15), dt.date(2021, 1, 31))[-2:] == [
        dt.date(2020, 12, 31),
        dt.date(2021, 1, 31),
    ]
    assert month_ends(dt.date(2020, 2, 1), dt.date(2020, 1, 31)) == []


def test_at_the_report_date_the_stages_are_the_published_figures() -> None:
    table = _at_report_date(ENCLAVE)
    last = table[table["month_end"] == report_date()].set_index("stage")
    assert list(last.index) == list(STAGES)
    assert last["count"].to_dict() == {"洽谈": 51, "签约": 9, "落地开工": 9}
    # invest is in 亿元: 1,143,600 / 74,800 / 77,700 万元
    assert last["value"].to_dict() == pytest.approx(
        {"洽谈": 114.36, "签约": 7.48, "落地开工": 7.77}
    )


def test_at_the_report_date_the_renovation_is_the_published_figures() -> None:
    table = _at_report_date(RENOVATION)
    last = table.iloc[-1]
    assert last["month_end"] == report_date() and last["stage"] is None
    assert last["count"] == 367
    assert last["value"] == pytest.approx(20.72)  # 万平方米: 207,200 m²


@pytest.mark.parametrize("timeline", [ENCLAVE, RENOVATION], ids=["enclave", "renovation"])
def test_earlier_months_hold_less_and_never_more(timeline: Timeline) -> None:
    table = _at_report_date(timeline)
    totals = table.groupby("month_end")[["count", "value"]].sum()
    assert list(totals.index) == month_ends(history_start(), report_date())
    final = totals.iloc[-1]
    assert (totals["count"] <= final["count"]).all()
    assert (totals["value"] <= final["value"] + 1e-9).all()
    assert totals["count"].is_monotonic_increasing  # projects and communities are only added
    assert (totals.iloc[:-1]["count"] < final["count"]).any()
    assert totals.iloc[0]["count"] < final["count"] and totals.iloc[0]["value"] < final["value"]


def test_started_projects_only_grow() -> None:
    table = _at_report_date(ENCLAVE)
    started = table[table["stage"] == "落地开工"]["count"]
    assert started.is_monotonic_increasing and started.iloc[-1] == 9 and started.iloc[0] < 9


def test_june_is_the_layer_as_it_stood_at_the_end_of_june() -> None:
    with viewing(MID_YEAR):
        projects, communities = load_layer("enclave_projects"), load_layer("closed_communities")
    enclave = _at_report_date(ENCLAVE)
    june = enclave[enclave["month_end"] == MID_YEAR].set_index("stage")
    for stage in STAGES:
        at_stage = projects[projects["status"] == stage]
        assert june.loc[stage, "count"] == len(at_stage)
        assert june.loc[stage, "value"] == pytest.approx(at_stage["invest_wan"].sum() / 10_000)
    renovation = _at_report_date(RENOVATION)
    row = renovation[renovation["month_end"] == MID_YEAR].iloc[0]
    assert row["count"] == len(communities) < 367
    assert row["value"] == pytest.approx(communities["reno_m2"].sum() / 10_000)


@pytest.mark.parametrize("viewed", [MID_YEAR, dt.date(2020, 6, 15), history_start()])
def test_the_series_ends_at_the_date_viewed(viewed: dt.date) -> None:
    with viewing(viewed):
        table = timeline_table(ENCLAVE)
    assert table["month_end"].iloc[-1] == viewed
    assert table["month_end"].iloc[0] == min(dt.date(2020, 1, 31), viewed)
    assert table["month_end"].max() == viewed


def test_without_a_date_the_series_runs_to_today_and_matches_the_layer_now() -> None:
    table = timeline_table(ENCLAVE)
    last = table[table["month_end"] == table["month_end"].max()]
    assert last["count"].sum() == len(load_layer("enclave_projects"))


def test_a_timeline_names_every_problem_of_its_declaration() -> None:
    with pytest.raises(LayerSpecError) as raised:
        Timeline("enclave_projects", count="invest", value="nope", stages=("洽谈", "开业"))
    message = str(raised.value)
    assert "no total 'nope'" in message
    assert "'invest' does not count features" in message
    assert "'开业' is not a value" in message
    with pytest.raises(LayerSpecError, match="no layer 'nowhere'"):
        Timeline("nowhere", count="count", value="count")
