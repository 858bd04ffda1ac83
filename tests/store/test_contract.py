"""The layer stores held to one contract: versions, edits, rollback, any date's picture,
conflicts and an append-only history."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from store import EditConflict, NothingChanged, PublishConflict, StoreError
from tests.store.cases import START, TODAY, seed_layers, sites_frame, square
from tests.store.conftest import open_store

EDIT_DAY = dt.date(2026, 11, 20)


def by_uid(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return frame.sort_values("uid").reset_index(drop=True)


def stage_of(store, uid: str, **options) -> str:
    frame = store.read("sites", **options)
    return frame.loc[frame["uid"] == uid, "stage"].item()


def sign(store, uid: str = "s1", *, expected: int | None = 1, day: dt.date = EDIT_DAY):
    state = store.feature("sites", uid)
    return store.edit(
        "sites",
        uid,
        attributes={**state.attributes, "stage": "签约"},
        geometry=state.geometry,
        expected_version=expected,
        author="王规划",
        comment="签约仪式",
        effective=day,
    )


def test_a_seeded_store_reads_back_what_was_loaded(store) -> None:
    stored = store.read("sites")
    expected = sites_frame()
    assert list(stored.columns) == [*expected.columns]
    pd.testing.assert_frame_equal(
        pd.DataFrame(stored.drop(columns="geometry")),
        pd.DataFrame(expected.drop(columns="geometry")),
    )
    assert all(stored.geometry.geom_type == "MultiPolygon")  # one type per table for QGIS
    assert stored.geometry.geom_equals(expected.geometry).all()
    assert store.heads() == {"points": 1, "sites": 1}
    assert store.source_crs("sites") == "EPSG:4549"
    assert [v.kind for v in store.versions("sites")] == ["seed"]


def test_an_edit_is_a_new_version_with_its_change_logged(store) -> None:
    version = sign(store)

    assert (version.number, version.kind, version.changed) == (2, "edit", 1)
    assert stage_of(store, "s1") == "签约"
    assert store.heads()["sites"] == 2 and store.feature("sites", "s1").version == 2
    change = store.changes(layer="sites", uid="s1").iloc[0]
    assert change["fields"] == ("stage",)
    assert (change["before"]["stage"], change["after"]["stage"]) == ("洽谈", "签约")
    assert (change["author"], change["comment"], change["effective"]) == (
        "王规划",
        "签约仪式",
        EDIT_DAY,
    )
    assert change["recorded_at"].tzinfo is not None


def test_any_date_shows_the_layer_as_it_stood(store) -> None:
    sign(store)

    assert stage_of(store, "s1", as_of=EDIT_DAY - dt.timedelta(days=1)) == "洽谈"
    assert stage_of(store, "s1", as_of=EDIT_DAY) == "签约"
    assert store.read("sites", as_of=START - dt.timedelta(days=1)).empty
    pd.testing.assert_frame_equal(
        by_uid(store.read("sites", as_of=TODAY)), by_uid(store.read("sites"))
    )


def test_the_seeded_history_gives_earlier_dates_their_picture(target: str) -> None:
    final = sites_frame().iloc[2].drop("geometry").to_dict()
    history = (
        ("s2", dt.date(2020, 3, 2), "add", {**final, "stage": "洽谈", "invest": 500}),
        ("s2", dt.date(2020, 6, 1), "change", final),
    )
    store = open_store(target)
    store.seed(seed_layers(history), author="seed")

    march = store.read("sites", as_of=dt.date(2020, 3, 31))
    assert march.loc[march["uid"] == "s2", "invest"].item() == 500
    june = store.read("sites", as_of=dt.date(2020, 6, 1))
    assert june.loc[june["uid"] == "s2", "invest"].item() == final["invest"]
    assert list(june["uid"]) == list(store.read("sites")["uid"])  # the layer's own order
    assert len(store.read("sites", as_of=dt.date(2020, 3, 1))) == 4  # s2 not yet there
    assert len(store.changes(layer="sites", uid="s2")) == 2


def test_a_seed_history_that_ends_elsewhere_is_refused(target: str) -> None:
    final = sites_frame().iloc[2].drop("geometry").to_dict()
    history = (("s2", dt.date(2020, 3, 2), "add", {**final, "invest": 1}),)
    with pytest.raises(StoreError, match="s2"):
        open_store(target).seed(seed_layers(history), author="seed")
    assert open_store(target).is_empty()


def test_publishing_adds_changes_and_retires_in_one_version(store) -> None:
    new = sites_frame()
    new.loc[1, "invest"] = 9999
    new.loc[2, "geometry"] = square(121.0, 41.0)
    new = pd.concat(
        [
            new[new["uid"] != "s4"],
            gpd.GeoDataFrame(
                {"uid": ["s9"], "name": ["新"], "stage": ["洽谈"], "invest": [1], "land": [1.0]},
                geometry=[square(120.9, 41.6)],
                crs="EPSG:4326",
            ),
        ],
        ignore_index=True,
    )
    diff, head = store.diff("sites", new)
    assert head == 1
    assert list(diff.added["uid"]) == ["s9"] and list(diff.retired["uid"]) == ["s4"]
    assert dict(zip(diff.changed["uid"], diff.fields, strict=True)) == {
        "s1": ("invest",),
        "s2": ("geometry",),
    }

    version = store.publish(
        "sites", new, base_version=head, author="管理员", comment="十一月更新", effective=EDIT_DAY
    )

    assert (version.added, version.changed, version.retired) == (1, 2, 1)
    assert sorted(store.read("sites")["uid"]) == ["s0", "s1", "s2", "s3", "s9"]
    assert "s4" in set(store.read("sites", as_of=EDIT_DAY - dt.timedelta(days=1))["uid"])
    assert store.feature("sites", "s4") is None
    assert set(store.changes(layer="sites", since=EDIT_DAY)["action"]) == {
        "add",
        "change",
        "retire",
    }


def test_publishing_the_same_features_again_changes_nothing(store) -> None:
    same = sites_frame().to_crs("EPSG:4549").to_crs("EPSG:4326")  # round-trip noise only
    with pytest.raises(NothingChanged):
        store.publish("sites", same, base_version=1, author="a", comment="", effective=EDIT_DAY)
    assert store.heads()["sites"] == 1


def test_a_rollback_is_a_new_version_and_loses_nothing(store) -> None:
    sign(store)
    sign(store, "s2", expected=1)

    version = store.rollback("sites", 1, base_version=3, author="管理员", comment="撤回")

    assert (version.number, version.kind, version.restores, version.changed) == (
        4,
        "rollback",
        1,
        2,
    )
    pd.testing.assert_frame_equal(
        by_uid(store.read("sites")), by_uid(store.read_version("sites", 1))
    )
    assert stage_of(store, "s1", as_of=EDIT_DAY) == "签约"  # the history keeps what was
    assert [v.number for v in store.versions("sites")] == [4, 3, 2, 1]


def test_an_edit_of_a_feature_changed_since_it_was_opened_is_refused(store) -> None:
    opened = store.feature("sites", "s1")
    sign(store)  # someone else saves first

    with pytest.raises(EditConflict) as refused:
        store.edit(
            "sites",
            "s1",
            attributes={**opened.attributes, "invest": 1},
            geometry=opened.geometry,
            expected_version=opened.version,
            author="李",
            comment="",
            effective=EDIT_DAY,
        )
    assert refused.value.theirs.attributes["stage"] == "签约"  # both versions to compare
    assert stage_of(store, "s1") == "签约" and store.heads()["sites"] == 2


def test_a_publish_on_a_layer_that_moved_on_is_refused(store) -> None:
    _, head = store.diff("sites", sites_frame(3))
    sign(store)
    with pytest.raises(PublishConflict, match="version 2"):
        store.publish(
            "sites", sites_frame(3), base_version=head, author="a", comment="", effective=EDIT_DAY
        )
    assert len(store.read("sites")) == 5


def test_adding_and_retiring_one_feature(store) -> None:
    store.edit(
        "sites",
        "s7",
        attributes={"uid": "s7", "name": "新项目", "stage": "洽谈", "invest": 10, "land": 2.5},
        geometry=square(120.6, 41.7),
        expected_version=None,
        author="a",
        comment="",
        effective=EDIT_DAY,
    )
    assert store.feature("sites", "s7").attributes["name"] == "新项目"
    store.retire("sites", "s7", expected_version=2, author="a", comment="", effective=TODAY)
    assert "s7" not in set(store.read("sites")["uid"])
    assert "s7" in set(store.read("sites", as_of=EDIT_DAY)["uid"])


@pytest.mark.parametrize(
    ("day", "problem"),
    [(TODAY + dt.timedelta(days=1), "future"), (START - dt.timedelta(days=1), "before")],
)
def test_dates_in_the_future_or_before_the_last_change_are_refused(store, day, problem) -> None:
    with pytest.raises(StoreError, match=problem):
        sign(store, day=day)
    assert store.heads()["sites"] == 1


def test_values_that_are_not_of_their_kind_are_refused(store) -> None:
    state = store.feature("sites", "s1")
    with pytest.raises(StoreError, match="invest"):
        store.edit(
            "sites",
            "s1",
            attributes={**state.attributes, "invest": "很多"},
            geometry=state.geometry,
            expected_version=1,
            author="a",
            comment="",
            effective=EDIT_DAY,
        )
    with pytest.raises(StoreError, match="who"):
        sign(store) if False else store.edit(
            "sites",
            "s1",
            attributes=state.attributes | {"stage": "签约"},
            geometry=state.geometry,
            expected_version=1,
            author="  ",
            comment="",
            effective=EDIT_DAY,
        )
    assert store.heads()["sites"] == 1


def test_seeding_a_store_that_holds_layers_is_refused(store) -> None:
    with pytest.raises(StoreError, match="already"):
        store.seed(seed_layers(), author="seed")


def test_other_layers_are_untouched_by_an_edit(store) -> None:
    before = store.read("points")
    sign(store)
    pd.testing.assert_frame_equal(store.read("points"), before)
    assert store.heads()["points"] == 1


def test_a_moved_shape_is_a_change_of_geometry(store) -> None:
    state = store.feature("sites", "s3")
    moved = shapely.affinity.translate(state.geometry, 0.001)
    store.edit(
        "sites",
        "s3",
        attributes=state.attributes,
        geometry=moved,
        expected_version=1,
        author="a",
        comment="",
        effective=EDIT_DAY,
    )
    assert store.changes(uid="s3").iloc[0]["fields"] == ("geometry",)
    assert store.feature("sites", "s3").geometry.equals_exact(moved, 1e-9)
