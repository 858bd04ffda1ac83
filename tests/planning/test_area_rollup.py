"""planning.area_rollup and geo.area_stats: the roll-up of a study area, checked against an
independent shapely computation and against the township roll-up."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, Point, box

from geo.area_stats import features_in_area, index_layer, rollup_in_area
from geo.crs import METRIC_CRS, SQUARE_METRES_PER_MU, to_metric
from geo.offsets import WGS84
from geo.stats import rollup_by_zone
from layers import LAYERS, get_layer, load_layer
from layers.figures import CONTEXT_LAYERS, township_rollup
from planning.area import drawn_area, feature_area, township_area
from planning.area_rollup import area_features, area_rollup

# A rectangle over the east of the city core and the villages east of it: households, enclave
# projects, closed communities and night lines inside it, some crossing its edges.
CORE = (120.44, 41.54, 120.54, 41.62)


def _rectangle(minx: float, miny: float, maxx: float, maxy: float) -> dict:
    ring = [[minx, miny], [maxx, miny], [maxx, maxy], [minx, maxy], [minx, miny]]
    return {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def _independent(key: str, area: shapely.Geometry) -> dict:
    """Count, area (亩) and length (km) inside `area` by plain shapely, one feature at a time."""
    metric = to_metric(load_layer(key)).geometry
    counted, area_m2, length_m = [], 0.0, 0.0
    for row, geometry in enumerate(metric):
        piece = geometry.intersection(area)
        if geometry.geom_type in ("LineString", "MultiLineString"):
            if piece.length > 0:
                counted.append(row)
            length_m += piece.length
        else:
            if area.contains(geometry.representative_point()):
                counted.append(row)
            area_m2 += piece.area
    return {
        "rows": counted,
        "area_mu": area_m2 / SQUARE_METRES_PER_MU,
        "length_km": length_m / 1000,
    }


def _value(table: pd.DataFrame, layer: str, label: str) -> float:
    title = get_layer(layer).title("en")
    chosen = table[(table["layer"] == title) & (table["label"] == label)]
    assert len(chosen) == 1, (layer, label, table)
    return float(chosen["value"].iloc[0])


def test_a_drawn_rectangle_counts_as_plain_shapely_does() -> None:
    area = drawn_area(_rectangle(*CORE), WGS84)
    table = area_rollup(area, ["households", "enclave_projects", "night_lines"], "en")

    households = _independent("households", area.metric)
    frame = load_layer("households").iloc[households["rows"]]
    assert len(households["rows"]) > 100
    assert _value(table, "households", "Households covered") == len(households["rows"])
    assert _value(table, "households", "Total expected gain") == pytest.approx(
        frame["gain_yuan"].sum(), abs=0.01
    )
    assert (
        _value(table, "households", "Assistance projects")
        == frame["aid_proj"].replace("", np.nan).nunique()
    )

    enclaves = _independent("enclave_projects", area.metric)
    frame = load_layer("enclave_projects").iloc[enclaves["rows"]]
    assert len(enclaves["rows"]) > 0
    assert _value(table, "enclave_projects", "Enclave projects") == len(enclaves["rows"])
    assert _value(table, "enclave_projects", "Land") == pytest.approx(enclaves["area_mu"], abs=0.01)
    assert _value(table, "enclave_projects", "Planned investment") == pytest.approx(
        frame["invest_wan"].sum() / 10_000, abs=0.01
    )

    lines = _independent("night_lines", area.metric)
    assert len(lines["rows"]) > 0
    labels = table[table["layer"] == get_layer("night_lines").title("en")]["label"].tolist()
    assert _value(table, "night_lines", labels[0]) == len(lines["rows"])
    assert _value(table, "night_lines", labels[1]) == pytest.approx(lines["length_km"], abs=0.01)

    features = area_features(area, "enclave_projects")
    assert sorted(features["uid"]) == sorted(frame["uid"])
    assert not set(features.columns) & {
        f.name for f in get_layer("enclave_projects").internal_fields
    }


def test_every_polygon_layer_gets_its_area_inside() -> None:
    area = drawn_area(_rectangle(*CORE), WGS84)
    table = area_rollup(area, ["closed_communities"], "zh")
    communities = _independent("closed_communities", area.metric)
    chosen = table[(table["label"] == "面积") & (table["unit"] == "亩")]
    assert float(chosen["value"].iloc[0]) == pytest.approx(communities["area_mu"], abs=0.01)


def test_a_small_frame_crossing_the_boundary() -> None:
    square = box(500_000, 4_600_000, 500_100, 4_600_100)  # 100 m × 100 m in EPSG:4549
    frame = gpd.GeoDataFrame(
        {
            "kind": ["in", "half", "mostly-out", "line", "edge-line", "on-edge", "point-in"],
            "value": [1, 2, 4, 8, 16, 32, 64],
        },
        geometry=[
            box(500_010, 4_600_010, 500_020, 4_600_020),  # wholly inside
            box(500_080, 4_600_010, 500_110, 4_600_040),  # anchor inside, a third outside
            box(500_090, 4_600_050, 500_190, 4_600_060),  # anchor outside, a tenth inside
            LineString([(500_050, 4_600_050), (500_150, 4_600_050)]),  # 50 m inside
            LineString([(500_000, 4_600_000), (500_000, 4_600_100)]),  # along the edge only
            Point(500_100, 4_600_050),  # on the boundary: not inside
            Point(500_050, 4_600_050),
        ],
        crs=METRIC_CRS,
    )
    indexed = index_layer(frame.geometry)
    hits = features_in_area(indexed, square)
    # A line along the boundary has its whole length on the area (closed, as in
    # geo.stats.rollup_by_zone, which counts it in both zones sharing the edge).
    assert frame["kind"].iloc[hits.rows].tolist() == ["in", "half", "line", "edge-line", "point-in"]
    assert hits.area_m2 == pytest.approx(100 + 20 * 30 + 10 * 10)
    assert hits.length_m == pytest.approx(50 + 100)
    row = rollup_in_area(indexed, frame, square, sum_fields=("value",))
    assert row["count"] == 5
    assert row["value"] == 1 + 2 + 8 + 16 + 64
    assert row["area_mu"] == pytest.approx(800 / SQUARE_METRES_PER_MU)
    zones = gpd.GeoDataFrame({"code": ["z"]}, geometry=[square], crs=METRIC_CRS)
    for kinds in (["in", "half", "mostly-out"], ["line", "edge-line"], ["on-edge", "point-in"]):
        part = frame[frame["kind"].isin(kinds)].reset_index(drop=True)
        ours = rollup_in_area(index_layer(part.geometry), part, square, sum_fields=("value",))
        theirs = rollup_by_zone(part, zones, zone_key="code", sum_fields=("value",)).loc["z"]
        assert ours.index.tolist() == theirs.index.tolist()
        assert ours.to_numpy() == pytest.approx(theirs.to_numpy().astype(float))
    nothing = features_in_area(indexed, box(0, 0, 1, 1))
    assert len(nothing.rows) == 0 and nothing.area_m2 == 0


# All 13 township-level units (DOMAIN.md).
CODES = [f"211302{n}" for n in ("001", "003", "004", "005", "006", "007", "008", "009", "010")]
CODES += ["211302100", "211302101", "211302102", "211302205"]


@pytest.mark.parametrize("code", CODES)
def test_the_roll_up_of_a_township_outline_is_the_township_roll_up(code: str) -> None:
    keys = [spec.key for spec in LAYERS if spec.key not in CONTEXT_LAYERS and spec.totals]
    ours = area_rollup(township_area(code), keys, "zh")
    theirs = township_rollup(code, "zh")
    assert len(theirs) > 0
    merged = theirs.merge(ours, on=["layer", "label", "unit"], how="left", suffixes=("", "_area"))
    assert merged["value_area"].notna().all()
    assert (merged["value"] - merged["value_area"]).abs().max() <= 0.011
    # Every layer the township roll-up leaves out (nothing there) is all zeros here.
    absent = ours[~ours["layer"].isin(theirs["layer"])]
    assert (absent["value"] == 0).all()


def test_households_within_2_km_of_the_industrial_park() -> None:
    area = feature_area("industrial_park", "park-changbao", 2000)
    table = area_rollup(area, ["households"], "zh")
    park = to_metric(load_layer("industrial_park")).geometry.iloc[0]
    district = to_metric(load_layer("district")).geometry.iloc[0]
    zone = park.buffer(2000).intersection(district)
    households = to_metric(load_layer("households")).geometry
    expected = int(households.within(zone).sum())
    assert expected > 0
    counted = table[table["label"] == "覆盖贫困户"]["value"].iloc[0]
    assert counted == expected


def test_an_uploaded_layer_gets_its_count_and_area(tmp_path) -> None:
    from layers import Field, LayerSpec, Style, forget_session_layer, register_session_layer

    spec = LayerSpec(
        key="upload_test_area_rollup",
        title_zh="上传",
        title_en="Upload",
        source="upload.shp",
        geometry="polygon",
        id_field="uid",
        name_field="uid",
        fields=(Field("uid", "编号", "ID"),),
        style=Style(color="#000000"),
    )
    lon, lat = 120.45, 41.57
    frame = gpd.GeoDataFrame(
        {"uid": ["a", "b"]},
        geometry=[
            box(lon, lat, lon + 0.001, lat + 0.001),
            box(lon + 0.1, lat, lon + 0.101, lat + 0.001),
        ],
        crs="EPSG:4326",
    )
    register_session_layer(spec, frame)
    try:
        area = drawn_area(_rectangle(lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01), WGS84)
        table = area_rollup(area, [spec.key], "en")
        assert table["label"].tolist() == ["Features", "Area"]
        assert table["value"].iloc[0] == 1
        expected = to_metric(frame.iloc[[0]]).area.iloc[0] / SQUARE_METRES_PER_MU
        assert table["value"].iloc[1] == pytest.approx(expected, abs=0.01)
    finally:
        forget_session_layer(spec.key)


def test_context_layers_are_left_out() -> None:
    area = township_area("211302001")
    assert area_rollup(area, ["district", "townships", "river"], "zh").empty
