"""Figures of the statistics panel: a feature's figures and a township's roll-up of every layer."""

from __future__ import annotations

import pytest

from layers import load_layer
from layers.figures import feature_figures, rollup_notes, township_rollup

GUANGMING = "211302005"


def _figure(table, layer_title: str, label: str) -> float:
    rows = table[(table["layer"] == layer_title) & (table["label"] == label)]
    return float(rows["value"].iloc[0]) if len(rows) else 0.0


@pytest.mark.parametrize("code", list(load_layer("townships")["code"]))
def test_a_township_counts_the_night_lines_whose_length_it_measures(code: str) -> None:
    rollup = township_rollup(code, "zh")
    count = _figure(rollup, "夜经济廊带与商街", "廊、带、商街")
    length = _figure(rollup, "夜经济廊带与商街", "总长度")
    assert (count > 0) == (length > 0), (count, length)


def test_guangming_counts_the_two_lines_crossing_it_and_says_how() -> None:
    rollup = township_rollup(GUANGMING, "zh")
    assert _figure(rollup, "夜经济廊带与商街", "廊、带、商街") == 2
    assert _figure(rollup, "夜经济廊带与商街", "总长度") == pytest.approx(1.12)
    notes = " ".join(rollup_notes(GUANGMING, "zh"))
    assert "途经几个乡镇街道，就在每个乡镇街道各计一条" in notes
    assert "passes through" in " ".join(rollup_notes(GUANGMING, "en"))


def test_township_project_counts_are_distinct_projects_reaching_it_and_say_so() -> None:
    codes = list(load_layer("townships")["code"])
    projects = {
        code: _figure(township_rollup(code, "zh"), "结对帮扶贫困户", "帮扶项目") for code in codes
    }
    assert all(0 <= count < 165 for count in projects.values())
    assert projects["211302100"] == 62  # 桃花吐镇 (165 before projects served one or two townships)
    notes = " ".join(rollup_notes("211302100", "zh"))
    assert "到达本乡镇街道（在此有服务对象）的不同帮扶项目数" in notes
    assert "不能相加成全区的 165 个" in notes


def test_a_feature_panel_gives_the_area_in_mu_once() -> None:
    orchard = load_layer("orchards")["uid"].iloc[0]
    figures = feature_figures("orchards", orchard, "zh")
    assert len(figures[(figures["label"] == "面积") & (figures["unit"] == "亩")]) == 1
    assert len(figures[(figures["label"] == "面积") & (figures["unit"] == "公顷")]) == 1
    english = feature_figures("orchards", orchard, "en")
    assert len(english[(english["label"] == "Area") & (english["unit"] == "mu")]) == 1


def test_a_feature_panel_shows_the_township_not_its_code() -> None:
    household = load_layer("households").iloc[0]
    figures = feature_figures("households", household["uid"], "zh")
    assert "乡镇街道代码" not in set(figures["label"])
    assert household["town_code"] not in set(figures["value"].astype(str))
    assert household["town"] in set(figures["value"])
