"""Coverage rules on small fixtures with answers worked out by hand, and the report's presets."""

from __future__ import annotations

from datetime import UTC, datetime

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from fieldwork.coverage import (
    PRESETS,
    Rule,
    coverage_by_township,
    evaluate,
    gap_list,
    gap_reason,
    get_target_set,
)
from geo.crs import METRIC_CRS
from layers.report import published_figure

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
HOUSEHOLDS = get_target_set("households")
VILLAGES = get_target_set("villages")
STREETS = get_target_set("demo_streets")


def _targets(rows: list[dict], points: list[tuple[float, float]]) -> gpd.GeoDataFrame:
    """Targets at metric points (CGCS2000 GK CM 120°E), returned in EPSG:4326."""
    frame = gpd.GeoDataFrame(
        [{"town": r["town_code"], "village": "", **r} for r in rows],
        geometry=[Point(x, y) for x, y in points],
        crs=METRIC_CRS,
    )
    return frame.to_crs(4326)


# Five villages in two townships, 1 km apart along a line.
FIVE = _targets(
    [{"uid": f"v{n}", "name": f"村{n}", "town_code": "A" if n < 3 else "B"} for n in range(1, 6)],
    [(540_000 + 1000 * n, 4_600_000) for n in range(1, 6)],
)


def test_pairing_covers_households_with_a_project() -> None:
    targets = FIVE.assign(aid_proj=["BF1", "", "BF2", None, "  "])
    result = evaluate(HOUSEHOLDS, Rule("pairing"), targets=targets)
    assert list(result["covered"]) == [True, False, True, False, False]
    table = coverage_by_township(result, target_rate=1.0).set_index("town_code")
    assert table.loc["A", ["targets", "covered", "short"]].tolist() == [2, 1, 1]
    assert table.loc["A", "rate"] == 0.5 and not table.loc["A", "met"]
    assert table.loc["B", ["targets", "covered", "short"]].tolist() == [3, 1, 2]


def test_visited_within_n_days_uses_the_last_visit() -> None:
    visits = pd.DataFrame(
        {
            "target_layer": ["villages", "villages", "villages", "households"],
            "target_uid": ["v1", "v2", "v2", "v3"],
            "visited_at": pd.to_datetime(
                ["2026-11-20T12:00Z", "2026-09-01T12:00Z", "2026-11-15T12:00Z", "2026-11-24T12:00Z"]
            ),
        }
    )
    result = evaluate(VILLAGES, Rule("visited", days=7), visits=visits, now=NOW, targets=FIVE)
    # v1: 5 days ago; v2: last visit 10 days ago (the older one does not count);
    # v3: visited only as a household, which is another target set; v4, v5 never.
    assert list(result["covered"]) == [True, False, False, False, False]
    assert result["measure"].iloc[0] == pytest.approx(5.0)
    assert result["measure"].iloc[1] == pytest.approx(10.0)
    assert result["measure"].iloc[2:].isna().all()
    wider = evaluate(VILLAGES, Rule("visited", days=10), visits=visits, now=NOW, targets=FIVE)
    assert list(wider["covered"]) == [True, True, False, False, False]


def test_visited_needs_the_visits_and_an_aware_now() -> None:
    with pytest.raises(ValueError, match="visits"):
        evaluate(VILLAGES, Rule("visited"), now=NOW, targets=FIVE)
    with pytest.raises(ValueError, match="timezone"):
        evaluate(
            VILLAGES, Rule("visited"), visits=pd.DataFrame(), now=datetime(2026, 1, 1), targets=FIVE
        )


def test_within_x_metres_of_a_site() -> None:
    # One site 300 m north of village 2: distances 1044, 300, 1044, 2022, 3014 m.
    sites = gpd.GeoDataFrame(geometry=[Point(542_000, 4_600_300)], crs=METRIC_CRS).to_crs(4326)
    result = evaluate(VILLAGES, Rule("near_site", metres=1_050), targets=FIVE, sites=sites)
    assert list(result["covered"]) == [True, True, True, False, False]
    assert result["measure"].tolist() == pytest.approx(
        [1044.0, 300.0, 1044.0, 2022.4, 3014.9], abs=1
    )
    strict = evaluate(VILLAGES, Rule("near_site", metres=299), targets=FIVE, sites=sites)
    assert not strict["covered"].any()


def test_at_least_k_demonstration_communities_per_street() -> None:
    streets = FIVE.iloc[:3].assign(town_code=["S1", "S2", "S3"])
    communities = pd.DataFrame(
        {"town_code": ["S1"] * 5 + ["S2"] * 4 + ["S2"] * 3, "demo": ["是"] * 9 + ["否"] * 3}
    )
    result = evaluate(STREETS, Rule("at_least_k", k=5), targets=streets, communities=communities)
    assert list(result["measure"]) == [5, 4, 0]
    assert list(result["covered"]) == [True, False, False]


def test_a_rule_must_apply_to_the_target_set() -> None:
    with pytest.raises(ValueError, match="does not apply"):
        evaluate(VILLAGES, Rule("pairing"), targets=FIVE)
    with pytest.raises(ValueError, match="unknown rule"):
        Rule("nearby")


def test_target_rate_below_one_counts_what_is_short() -> None:
    targets = FIVE.assign(aid_proj=["x", "", "x", "", ""])
    result = evaluate(HOUSEHOLDS, Rule("pairing"), targets=targets)
    table = coverage_by_township(result, target_rate=0.5).set_index("town_code")
    assert table.loc["A", "met"] and table.loc["A", "short"] == 0  # 1 of 2 ≥ 50%
    assert table.loc["B", "short"] == 1 and not table.loc["B", "met"]  # needs 2 of 3


def test_gap_list_is_sorted_by_township_and_village_with_reasons() -> None:
    targets = _targets(
        [
            {"uid": "h3", "name": "h3", "town_code": "B", "village": "二村"},
            {"uid": "h1", "name": "h1", "town_code": "A", "village": "二村"},
            {"uid": "h2", "name": "h2", "town_code": "A", "village": "一村"},
            {"uid": "h4", "name": "h4", "town_code": "A", "village": "一村"},
        ],
        [(541_000, 4_600_000), (542_000, 4_600_000), (543_000, 4_600_000), (544_000, 4_600_000)],
    ).assign(aid_proj=["", "", "", "BF9"])
    result = evaluate(HOUSEHOLDS, Rule("pairing"), targets=targets)
    gaps = gap_list(result, Rule("pairing"), "zh")
    assert gaps["uid"].tolist() == ["h2", "h1", "h3"]  # A/一村, A/二村, B/二村; h4 is covered
    assert set(gaps["reason"]) == {"无结对帮扶项目"}
    assert gaps.loc[0, "lon"] == pytest.approx(targets.geometry.iloc[2].x, abs=1e-6)


def test_reasons_say_why_in_both_languages() -> None:
    assert (
        gap_reason(Rule("visited", days=30), float("nan"), "en") == "never visited (rule: 30 days)"
    )
    assert gap_reason(Rule("visited", days=30), 45.7, "zh") == "上次走访在 45 天前（要求 30 天内）"
    assert "1,200 m" in gap_reason(Rule("near_site", metres=500), 1200.4, "en")
    assert gap_reason(Rule("at_least_k", k=5), 3, "zh") == "示范小区 3 个（要求至少 5 个）"


def test_the_reports_presets_hold_on_the_shipped_data() -> None:
    pairing, demo, _ = PRESETS
    households = evaluate(get_target_set(pairing.target_set), pairing.rule)
    assert len(households) == published_figure("pairing_households")
    assert households["covered"].all()
    streets = evaluate(get_target_set(demo.target_set), demo.rule)
    assert len(streets) == 9
    assert (streets["measure"] == published_figure("demo_communities_per_street")).all()
    table = coverage_by_township(streets, demo.target_rate)
    assert table["met"].all() and len(table) == 9


def test_gap_list_reads_numbers_in_names_as_numbers() -> None:
    targets = _targets(
        [
            {"uid": f"v{n}", "name": f"示例{n}村", "town_code": "A", "village": f"示例{n}村"}
            for n in (10, 2, 1)
        ],
        [(541_000, 4_600_000), (542_000, 4_600_000), (543_000, 4_600_000)],
    ).assign(aid_proj="")
    gaps = gap_list(evaluate(HOUSEHOLDS, Rule("pairing"), targets=targets), Rule("pairing"), "zh")
    assert list(gaps["name"]) == ["示例1村", "示例2村", "示例10村"]
