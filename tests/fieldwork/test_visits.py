"""Who sees which import (issue 17 item 6): a field team only those of its own townships, and
its own that matched none; planners and a laptop without sign-in see every one."""

from __future__ import annotations

import pandas as pd
import pytest

from fieldwork.visits import IMPORT_COLUMNS, ImportRecord, typed_frame, visible_imports
from tests.fieldwork.visit_cases import START

CHANGBAOYINGZI, TAOHUATU = "211302205", "211302100"


def _imports() -> pd.DataFrame:
    rows = [  # import_id, file, team, username, townships
        (1, "mine.csv", "一队", "li", CHANGBAOYINGZI),
        (2, "colleague.csv", "二队", "wu", CHANGBAOYINGZI),
        (3, "other.csv", "三队", "zhou", TAOHUATU),
        (4, "both.csv", "", "wang", f"{TAOHUATU},{CHANGBAOYINGZI}"),
        (5, "nothing-matched.csv", "一队", "li", ""),
        (6, "theirs-nothing-matched.csv", "", "wang", ""),
        (7, "before-the-change.csv", "", "", ""),
    ]
    return typed_frame(
        [(*row, "WGS84", 10, 8, 2, START) for row in rows],
        IMPORT_COLUMNS,
    )


def test_a_field_team_sees_only_imports_within_its_townships_and_its_own() -> None:
    shown = visible_imports(_imports(), username="li", townships=(CHANGBAOYINGZI,))
    assert shown["import_id"].tolist() == [1, 2, 5]


def test_a_team_of_two_townships_sees_an_import_spanning_both() -> None:
    shown = visible_imports(_imports(), username="zhou", townships=(TAOHUATU, CHANGBAOYINGZI))
    assert shown["import_id"].tolist() == [1, 2, 3, 4]


def test_planners_and_a_laptop_see_every_import() -> None:
    assert len(visible_imports(_imports(), username="wang", townships=None)) == 7
    assert len(visible_imports(_imports(), username="", townships=None)) == 7


def test_a_field_team_of_no_township_sees_only_its_own_unmatched_imports() -> None:
    assert visible_imports(_imports(), username="li", townships=())["import_id"].tolist() == [5]
    empty = visible_imports(_imports().head(0), username="li", townships=(CHANGBAOYINGZI,))
    assert empty.empty and list(empty.columns) == list(IMPORT_COLUMNS)


def test_an_import_record_keeps_its_townships_sorted_once() -> None:
    record = ImportRecord("a.csv", "A", "WGS84", 1, START, townships=("2", "1", "2"))
    assert record.townships == ("1", "2") and record.township_text == "1,2"
    with pytest.raises(ValueError, match="townships"):
        ImportRecord("a.csv", "A", "WGS84", 1, START, townships=("1,2",))
    with pytest.raises(ValueError, match="townships"):
        ImportRecord("a.csv", "A", "WGS84", 1, START, townships=["1"])
