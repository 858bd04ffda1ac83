"""After an import, "newly covered" follows the chosen visit rule: a visit confirming employment
covers a person under the confirmed rule; a plain visit does not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fieldwork.checkins import import_checkins
from fieldwork.coverage import Rule, get_target_set, load_targets
from fieldwork.store import SqliteVisitStore
from views.coverage.checkins import _covered_by_visits

WORKERS = get_target_set("workers")


def test_newly_covered_counts_what_the_chosen_visit_rule_counts(tmp_path: Path) -> None:
    people = load_targets(WORKERS).head(2)
    confirmed, plain = people.iloc[0], people.iloc[1]
    yesterday = (dt.datetime.now() - dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    rows = [
        f"{confirmed.geometry.x},{confirmed.geometry.y},{yesterday},就业已核实,{confirmed.uid}",
        f"{plain.geometry.x},{plain.geometry.y},{yesterday},入户走访,{plain.uid}",
    ]
    path = tmp_path / "打卡.csv"
    path.write_text("经度,纬度,时间,备注,编号\n" + "\n".join(rows) + "\n", encoding="utf-8")
    store = SqliteVisitStore(tmp_path / "visits.sqlite")
    import_checkins(path, target_set=WORKERS, store=store, team="一队", tolerance_m=30)

    by_confirmation = _covered_by_visits(WORKERS, Rule("confirmed", days=30), store)
    assert list(by_confirmation.index) == [confirmed.uid]
    by_visit = _covered_by_visits(WORKERS, Rule("visited", days=30), store)
    assert set(by_visit.index) == {confirmed.uid, plain.uid}
    # A rule that reads no visits (employed) reports what the visits covered.
    assert set(_covered_by_visits(WORKERS, Rule("employed"), store).index) == set(by_visit.index)
