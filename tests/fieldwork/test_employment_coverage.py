"""Employment coverage: registered poor people able to work as person-level targets, the rules
on hand-made rows and on the shipped data, the report's preset, a check-in confirming employment
for a person id, and gap lists that carry the synthetic id only."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from fieldwork.checkins import import_checkins
from fieldwork.coverage import (
    PRESETS,
    Rule,
    coverage_by_township,
    evaluate,
    gap_list,
    gap_reason,
    get_target_set,
    load_targets,
)
from fieldwork.gap_exports import export_gaps
from fieldwork.store import SqliteVisitStore
from geo.crs import to_metric
from layers import load_layer
from layers.report import published_figure

WORKERS = get_target_set("workers")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
# The channels the report names for work inside the district (the rest: outside, not broken down).
IN_DISTRICT_CHANNELS = ("企业安置", "事业编制", "公益性岗位", "扶贫车间", "互助就业")


@pytest.fixture(scope="module")
def people():
    return load_targets(WORKERS)


@pytest.fixture
def store(tmp_path: Path) -> SqliteVisitStore:
    return SqliteVisitStore(tmp_path / "visits.sqlite")


def test_the_set_is_one_row_per_person_with_synthetic_ids_only(people) -> None:
    assert len(people) == published_figure("jobs_capable_poor")
    assert people["uid"].is_unique and people["uid"].str.fullmatch(r"worker-\d{5}").all()
    assert (people["name"] == people["uid"]).all()  # a person is shown by the synthetic id
    assert "hh_id" not in people and "wk_id" not in people
    assert set(people.columns) == {
        *("uid", "name", "town_code", "town", "village", "geometry"),
        *("employed", "workplace", "trained"),
    }
    assert people["village"].ne("").all() and people["town"].ne("").all()


def test_each_rule_on_hand_made_rows() -> None:
    rows = load_targets(WORKERS).iloc[:4].copy()
    rows["employed"] = ["是", "否", "是", "是"]
    rows["workplace"] = ["区内", "区内", "市外", "未细分"]
    rows["trained"] = ["否", "是", "是", None]
    covered = {
        kind: list(evaluate(WORKERS, Rule(kind), targets=rows)["covered"])
        for kind in ("employed", "in_district", "trained")
    }
    assert covered == {
        "employed": [True, False, True, True],
        "in_district": [True, True, False, False],
        "trained": [False, True, True, False],
    }


def test_the_rules_on_the_shipped_data() -> None:
    frame = load_layer("workers")
    employed = evaluate(WORKERS, Rule("employed"))
    assert int(employed["covered"].sum()) == published_figure("jobs_capable_poor")
    trained = evaluate(WORKERS, Rule("trained"))
    assert int(trained["covered"].sum()) == published_figure("jobs_trained") == 2248
    in_district = evaluate(WORKERS, Rule("in_district"))
    by_channel = frame["channel"].value_counts()
    assert int(in_district["covered"].sum()) == sum(by_channel[c] for c in IN_DISTRICT_CHANNELS)
    covered_channels = set(frame.loc[in_district["covered"].to_numpy(), "channel"])
    assert covered_channels == set(IN_DISTRICT_CHANNELS)  # 市外务工 and 其他（未细分） are not


def test_the_reports_preset_every_capable_person_employed() -> None:
    (preset,) = [p for p in PRESETS if p.target_set == "workers"]
    assert "3834" in preset.title("zh") and "3834" in preset.title("en")
    assert preset.rule == Rule("employed") and preset.target_rate == 1.0
    evaluated = evaluate(get_target_set(preset.target_set), preset.rule)
    assert (len(evaluated), int(evaluated["covered"].sum())) == (3834, 3834)
    assert coverage_by_township(evaluated, preset.target_rate)["met"].all()


def _visits(rows: list[tuple[str, float, str]]) -> pd.DataFrame:
    """Visits to workers: (uid, days before NOW, note)."""
    return pd.DataFrame(
        {
            "target_layer": "workers",
            "target_uid": [uid for uid, _, _ in rows],
            "visited_at": pd.to_datetime([NOW - timedelta(days=d) for _, d, _ in rows], utc=True),
            "note": [note for _, _, note in rows],
        }
    )


def test_employment_confirmed_counts_only_confirming_visits_within_n_days(people) -> None:
    a, b, c, d = people["uid"][:4]
    visits = _visits(
        [
            (a, 3, "入户走访，就业已核实"),
            (b, 3, "入户走访"),
            (c, 40, "就业已核实"),
            (d, 1, "Employment confirmed"),
        ]
    )
    rule = Rule("confirmed", days=30)
    result = evaluate(WORKERS, rule, visits=visits, now=NOW, targets=people.iloc[:5])
    assert list(result["covered"]) == [True, False, False, True, False]
    visited = evaluate(WORKERS, Rule("visited"), visits=visits, now=NOW, targets=people.iloc[:5])
    assert list(visited["covered"]) == [True, True, False, True, False]  # any visit counts there
    reasons = [gap_reason(rule, m, "zh") for m in result["measure"]]
    assert reasons[1] == "就业从未经走访核实（要求 30 天内）"
    assert reasons[2] == "上次核实就业在 40 天前（要求 30 天内）"
    with pytest.raises(ValueError, match="visits"):
        evaluate(WORKERS, rule, now=NOW)


def test_a_check_in_naming_a_person_id_confirms_that_persons_employment(
    tmp_path, store, people
) -> None:
    a, b = people.iloc[0], people.iloc[1]
    metres = to_metric(people[["geometry"]]).geometry
    far = metres.distance(metres[0]).idxmax()
    rows = [
        # at a's door naming b (within the tolerance): b is the person visited, not the nearest
        f"{a.geometry.x},{a.geometry.y},2026-11-20 09:30,一队,就业已核实,{b.uid}",
        f"{a.geometry.x},{a.geometry.y},2026-11-20 09:40,一队,就业已核实,worker-99999",
        f"{a.geometry.x},{a.geometry.y},2026-11-20 09:50,一队,就业已核实,{people.uid[far]}",
    ]
    path = tmp_path / "打卡.csv"
    path.write_text("经度,纬度,时间,工作队,备注,编号\n" + "\n".join(rows) + "\n", encoding="utf-8")
    tolerance = metres[0].distance(metres[1]) + 30  # b is within it, far is not
    report = import_checkins(
        path, target_set=WORKERS, store=store, team="", tolerance_m=tolerance, now=NOW
    )
    assert list(report.rows["status"]) == ["recorded", "no_match", "no_match"]
    assert report.recorded_targets == (b.uid,)
    assert report.rows["target_name"][0] == b.uid  # the synthetic id, never a name
    visits = store.visits("workers")
    result = evaluate(WORKERS, Rule("confirmed", days=30), visits=visits, now=NOW)
    assert list(result.loc[result["covered"], "uid"]) == [b.uid]


def test_a_field_team_matches_only_people_of_its_townships(tmp_path, store, people) -> None:
    a = people.iloc[0]
    path = tmp_path / "打卡.csv"
    path.write_text(
        f"lon,lat,time,note,编号\n{a.geometry.x},{a.geometry.y},2026-11-20 09:30,就业已核实,{a.uid}\n",
        encoding="utf-8",
    )
    other = sorted(set(people["town_code"]) - {a.town_code})[:1]
    kwargs = {"target_set": WORKERS, "store": store, "team": "一队", "tolerance_m": 30}
    assert list(import_checkins(path, townships=other, **kwargs).rows["status"]) == ["no_match"]
    own = import_checkins(path, townships=[a.town_code], **kwargs)
    assert own.recorded_targets == (a.uid,)


@pytest.mark.parametrize("fmt", ["csv", "gpx", "kml", "pdf"])
def test_gap_exports_carry_the_synthetic_id_and_nothing_else_of_the_person(fmt) -> None:
    rule = Rule("in_district")
    gaps = gap_list(evaluate(WORKERS, rule), rule, "zh")
    assert len(gaps) == 3834 - 1304
    sample = gaps.iloc[:40]
    data = export_gaps(sample, fmt, target_set=WORKERS, rule_text="区内就业", lang="zh")
    text = (
        "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
        if fmt == "pdf"
        else data.decode("utf-8-sig")
    )
    frame = load_layer("workers").set_index("uid").loc[sample["uid"]]
    for uid, row in frame.iterrows():
        assert uid in text
        assert row["hh_id"] not in text and row["wk_id"] not in text
    assert "SHT-" not in text  # no registered household or worker id at all
    assert "未在区内就业" in text
