"""Check-ins from the field: every point read, converted, matched, recorded or reported."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pytest

from fieldwork.checkins import import_checkins, read_checkins
from fieldwork.coverage import Rule, evaluate, gap_list, get_target_set, load_targets
from fieldwork.store import SqliteVisitStore
from geo.errors import DataError
from geo.offsets import BD09, GCJ02, WGS84, convert
from geo.waypoints import waypoints_gpx, waypoints_kml

VILLAGES = get_target_set("villages")
NOON = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)  # 12:00 Beijing time


@pytest.fixture
def store(tmp_path: Path) -> SqliteVisitStore:
    return SqliteVisitStore(tmp_path / "visits.sqlite")


@pytest.fixture(scope="module")
def villages() -> gpd.GeoDataFrame:
    return load_targets(VILLAGES)


def _csv(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_a_phone_form_csv_is_matched_and_every_point_reported(tmp_path, store, villages) -> None:
    v = villages.geometry
    rows = [
        f"{v[0].x},{v[0].y},2026-11-20 09:30,一队,入户走访",  # on village 0
        f"{v[1].x + 0.001},{v[1].y},2026-11-20 10:15,一队,",  # ~83 m east of village 1
        f"{v[1].x + 0.001},{v[1].y},2026-11-20 10:15:40,一队,again",  # same village, team, minute
        "116.40,39.90,2026-11-20 11:00,一队,北京",  # outside the district
        f"{v[2].x},{v[2].y},,一队,no time",
        f"{v[3].x},{v[3].y},2026-11-20 12:00,二队,",
    ]
    path = _csv(tmp_path / "打卡.csv", "经度,纬度,时间,工作队,备注", rows)
    report = import_checkins(path, target_set=VILLAGES, store=store, team="", tolerance_m=200)

    assert list(report.rows["status"]) == [
        "recorded",
        "recorded",
        "duplicate",
        "outside_district",
        "no_time",
        "recorded",
    ]
    assert list(report.rows["source_row"]) == [f"row {n}" for n in range(1, 7)]
    assert report.recorded_targets == tuple(sorted(villages["uid"][[0, 1, 3]]))
    assert report.rows["distance_m"][1] == pytest.approx(83, abs=3)
    visits = store.visits("villages")
    assert len(visits) == 3
    # 09:30 without a zone is Beijing time: 01:30 UTC.
    assert visits["visited_at"].iloc[0] == datetime(2026, 11, 20, 1, 30, tzinfo=UTC)
    assert set(visits["team"]) == {"一队", "二队"}
    assert store.imports()["points"].tolist() == [6]


def test_points_matching_nothing_are_listed_not_dropped(tmp_path, store, villages) -> None:
    v = villages.geometry[0]
    path = _csv(tmp_path / "far.csv", "lon,lat,time", [f"{v.x + 0.05},{v.y},2026-11-20 09:00"])
    report = import_checkins(path, target_set=VILLAGES, store=store, team="一队", tolerance_m=100)
    assert list(report.rows["status"]) == ["no_match"]
    assert store.visits().empty


@pytest.mark.parametrize("datum", [GCJ02, BD09])
def test_amap_and_baidu_coordinates_are_converted_when_the_user_says(
    tmp_path, store, villages, datum
) -> None:
    target = villages.geometry[5]
    lon, lat = convert(target.x, target.y, WGS84, datum)
    path = _csv(tmp_path / "amap.csv", "lon,lat,time", [f"{lon},{lat},2026-11-20 09:00"])
    unconverted = import_checkins(
        path, target_set=VILLAGES, store=store, team="一队", tolerance_m=100
    )
    assert list(unconverted.rows["status"]) == ["no_match"]  # ~500 m off without conversion
    report = import_checkins(
        path, target_set=VILLAGES, store=store, team="一队", tolerance_m=100, datum=datum
    )
    assert list(report.rows["status"]) == ["recorded"]
    assert report.rows["distance_m"][0] < 1.0
    assert report.rows["lon"][0] == pytest.approx(target.x, abs=1e-5)


def test_a_datum_column_converts_each_point(tmp_path, villages) -> None:
    a, b = villages.geometry[6], villages.geometry[7]
    a_lon, a_lat = convert(a.x, a.y, WGS84, GCJ02)
    rows = [f"{a_lon},{a_lat},2026-11-20 09:00,高德", f"{b.x},{b.y},2026-11-20 09:00,GPS"]
    path = _csv(tmp_path / "mixed.csv", "lon,lat,time,坐标系", rows)
    points = read_checkins(path)
    assert list(points["datum"]) == [GCJ02, WGS84]
    assert points.geometry[0].distance(a) < 1e-5 and points.geometry[1].distance(b) < 1e-9
    bad = _csv(tmp_path / "bad.csv", "lon,lat,坐标系", [f"{b.x},{b.y},Mercator"])

    with pytest.raises(DataError, match=r"bad\.csv.*unknown coordinate system.*Mercator"):
        read_checkins(bad)


def test_gap_list_to_gpx_and_back_returns_the_same_points(tmp_path, store) -> None:
    rule = Rule("near_site", metres=1_000)
    gaps = gap_list(evaluate(VILLAGES, rule), rule, "zh")
    path = tmp_path / "gaps.gpx"
    path.write_bytes(waypoints_gpx(gaps, name_field="name"))
    report = import_checkins(
        path, target_set=VILLAGES, store=store, team="一队", tolerance_m=50, fallback_time=NOON
    )
    assert list(report.rows["status"]) == ["recorded"] * len(gaps)
    assert list(report.rows["lon"]) == pytest.approx(list(gaps.geometry.x), abs=1e-7)
    assert list(report.rows["lat"]) == pytest.approx(list(gaps.geometry.y), abs=1e-7)

    assert sorted(report.recorded_targets) == sorted(gaps["uid"])
    assert report.rows["distance_m"].max() < 0.5
    assert list(report.rows["note"]) == list(gaps["name"])  # the waypoint's name comes back


def test_kml_without_times_needs_a_date_and_lists_every_point_otherwise(tmp_path, store) -> None:
    targets = load_targets(VILLAGES).iloc[:4]
    path = tmp_path / "gaps.kml"
    path.write_bytes(waypoints_kml(targets, name_field="name", document_name="清单"))
    report = import_checkins(path, target_set=VILLAGES, store=store, team="一队", tolerance_m=50)
    assert list(report.rows["status"]) == ["no_time"] * 4
    assert store.visits().empty
    dated = import_checkins(
        path, target_set=VILLAGES, store=store, team="一队", tolerance_m=50, fallback_time=NOON
    )
    assert list(dated.rows["status"]) == ["recorded"] * 4


def test_gpx_track_points_are_check_ins_too(tmp_path, store, villages) -> None:
    a, b = villages.geometry[8], villages.geometry[9]
    gpx = f"""<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="phone" xmlns="http://www.topografix.com/GPX/1/1">
<trk><name>巡查</name><trkseg>
<trkpt lat="{a.y}" lon="{a.x}"><time>2026-11-20T01:00:00Z</time></trkpt>
<trkpt lat="{b.y}" lon="{b.x}"><time>2026-11-20T02:00:00Z</time></trkpt>
</trkseg></trk></gpx>"""
    path = tmp_path / "track.gpx"
    path.write_text(gpx, encoding="utf-8")
    report = import_checkins(path, target_set=VILLAGES, store=store, team="二队", tolerance_m=50)
    assert list(report.rows["source_row"]) == ["track point 1", "track point 2"]
    assert list(report.rows["status"]) == ["recorded", "recorded"]
    times = store.visits()["visited_at"].tolist()
    assert times == [datetime(2026, 11, 20, 1, tzinfo=UTC), datetime(2026, 11, 20, 2, tzinfo=UTC)]


def test_a_polygon_in_geojson_is_listed_as_not_a_point(tmp_path, store, villages) -> None:
    v = villages.geometry[0]
    features = gpd.GeoDataFrame(
        {"time": ["2026-11-20T09:00:00+08:00"] * 2},
        geometry=[v, v.buffer(0.001)],
        crs=4326,
    )
    path = tmp_path / "points.geojson"
    features.to_file(path, driver="GeoJSON")
    report = import_checkins(path, target_set=VILLAGES, store=store, team="一队", tolerance_m=50)
    assert list(report.rows["status"]) == ["recorded", "not_a_point"]


def test_importing_the_same_file_again_records_nothing_new(tmp_path, store, villages) -> None:
    v = villages.geometry
    rows = [f"{v[n].x},{v[n].y},2026-11-20 09:0{n}" for n in range(3)]
    path = _csv(tmp_path / "day.csv", "lon,lat,time", rows)
    first = import_checkins(path, target_set=VILLAGES, store=store, team="一队", tolerance_m=50)
    again = import_checkins(path, target_set=VILLAGES, store=store, team="一队", tolerance_m=50)
    assert first.count("recorded") == 3
    assert list(again.rows["status"]) == ["duplicate"] * 3
    assert len(store.visits()) == 3 and len(store.imports()) == 2


def test_a_file_naming_no_team_needs_one_from_the_form(tmp_path, store, villages) -> None:
    v = villages.geometry[0]
    path = _csv(tmp_path / "anon.csv", "lon,lat,time", [f"{v.x},{v.y},2026-11-20 09:00"])
    with pytest.raises(DataError, match=r"anon\.csv.*team"):
        import_checkins(path, target_set=VILLAGES, store=store, team=" ", tolerance_m=50)
    assert store.visits().empty and store.imports().empty


def test_an_unreadable_file_is_named_as_the_user_knows_it(tmp_path, store) -> None:
    copy = tmp_path / "upload-3f2a.csv"
    copy.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        import_checkins(
            copy,
            target_set=VILLAGES,
            store=store,
            team="一队",
            tolerance_m=50,
            file_name="打卡.csv",
        )
    assert str(caught.value).startswith("打卡.csv: no coordinate columns")
    assert store.imports().empty


def test_an_import_records_its_importer_and_the_townships_it_matched(
    tmp_path, store, villages
) -> None:
    first = villages.iloc[0]
    other = villages[villages["town_code"] != first["town_code"]].iloc[0]  # another township
    rows = [
        f"{first.geometry.x},{first.geometry.y},2026-11-20 09:00",
        f"{other.geometry.x},{other.geometry.y},2026-11-20 09:05",
    ]
    path = _csv(tmp_path / "two.csv", "lon,lat,time", rows)
    import_checkins(
        path, target_set=VILLAGES, store=store, team="一队", tolerance_m=50, username="wang"
    )
    far = _csv(tmp_path / "far.csv", "lon,lat,time", ["120.0,41.0,2026-11-20 09:00"])
    scope = (str(first["town_code"]),)
    import_checkins(
        far,
        target_set=VILLAGES,
        store=store,
        team="一队",
        tolerance_m=50,
        username="li",
        townships=scope,
    )  # matched nothing: recorded for the importer's own townships

    imports = store.imports()
    matched = ",".join(sorted({first["town_code"], other["town_code"]}))
    assert imports[["username", "townships"]].values.tolist() == [
        ["wang", matched],
        ["li", scope[0]],
    ]
