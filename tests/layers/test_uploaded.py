"""Uploaded data as session layers: safe names, one layer per geometry kind, and the round trip
of a bureau shapefile (Gauss-Krüger, GBK) through upload and download."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, Polygon

from geo.export import export_features
from geo.io import read_vector
from geo.upload import inspect_upload
from layers import forget_session_layer, get_layer, is_layer, load_layer, register_session_layer
from layers.figures import feature_figures
from layers.uploaded import original_columns, uploaded_layers

PLOT = Polygon([(120.44, 41.57), (120.444, 41.57), (120.444, 41.573), (120.44, 41.573)])


def test_columns_travel_under_safe_names_and_keep_their_own_as_labels() -> None:
    frame = gpd.GeoDataFrame(
        {"<b>名称</b>": ["甲"], "a column name far longer than ten": [1]},
        geometry=[Point(120.4, 41.6)],
        crs=4326,
    )
    (layer,) = uploaded_layers(
        frame, title="测试", source_name="t.geojson", color="#ff0000", tooltip=["<b>名称</b>"]
    )
    assert list(layer.frame.columns) == ["uid", "f00", "f01", "geometry"]
    assert [f.label_zh for f in layer.spec.fields] == [
        "要素编号",
        "<b>名称</b>",
        "a column name far longer than ten",
    ]
    assert layer.spec.tooltip == ("f00",) and layer.spec.geometry == "point"
    assert list(original_columns(layer).columns)[:2] == [
        "<b>名称</b>",
        "a column name far longer than ten",
    ]


def test_mixed_geometry_becomes_one_layer_per_kind_and_empty_ones_are_not_drawn() -> None:
    frame = gpd.GeoDataFrame(
        {"名称": ["点", "线", "面", "空"]},
        geometry=[Point(120.4, 41.6), LineString([(120.4, 41.6), (120.5, 41.6)]), PLOT, None],
        crs=4326,
    )
    layers = uploaded_layers(frame, title="混合", source_name="m.kml", color="#00ff00")
    assert [layer.spec.geometry for layer in layers] == ["point", "line", "polygon"]
    assert [layer.spec.title_zh for layer in layers] == ["混合（点）", "混合（线）", "混合（面）"]
    assert sum(len(layer.frame) for layer in layers) == 3
    assert len({layer.spec.key for layer in layers}) == 3


def test_a_registered_upload_answers_like_an_atlas_layer_until_forgotten() -> None:
    frame = gpd.GeoDataFrame({"地块": ["一号"]}, geometry=[PLOT], crs=4326)
    (layer,) = uploaded_layers(frame, title="地块", source_name="p.geojson", color="#0000ff")
    register_session_layer(layer.spec, layer.frame)
    try:
        assert is_layer(layer.spec.key) and get_layer(layer.spec.key) is layer.spec
        figures = feature_figures(layer.spec.key, layer.frame["uid"].iloc[0], "zh")
        shown = dict(zip(figures["label"], figures["value"], strict=False))
        assert shown["地块"] == "一号"
        assert any(
            label == "面积" and unit == "亩"
            for label, unit in zip(figures["label"], figures["unit"], strict=True)
        )
        assert len(load_layer(layer.spec.key)) == 1
    finally:
        forget_session_layer(layer.spec.key)
    assert not is_layer(layer.spec.key)
    with pytest.raises(KeyError):
        get_layer(layer.spec.key)


def test_a_bureau_shapefile_round_trips_through_upload_and_download(tmp_path: Path) -> None:
    parts = tmp_path / "parts"
    parts.mkdir()
    names = ["规划地块（工业）", "龙山街道二号地块"]
    plots = [PLOT, PLOT.buffer(0).union(Point(120.45, 41.58).buffer(0.002))]
    # CGCS2000 3° Gauss-Krüger zone 40, the zone number in the easting, as bureaus deliver.
    bureau = gpd.GeoDataFrame({"名称": names}, geometry=plots, crs=4326).to_crs("EPSG:4528")
    bureau.to_file(parts / "地块.shp", encoding="GBK")
    (parts / "地块.cpg").unlink()
    upload = tmp_path / "地块.zip"
    with zipfile.ZipFile(upload, "w") as zipped:
        for part in sorted(parts.iterdir()):
            zipped.write(part, part.name)

    frame, report = inspect_upload(upload, file_name="地块.zip")
    assert report.encoding == "GBK" and report.crs == "EPSG:4528"
    (layer,) = uploaded_layers(frame, title="地块", source_name="地块.zip", color="#123456")
    assert layer.frame.geometry.iloc[0].normalize().equals_exact(PLOT.normalize(), tolerance=1e-7)

    for fmt, suffix, crs in (
        ("shp", ".zip", "EPSG:4326"),
        ("shp", ".zip", "EPSG:4549"),
        ("gpkg", ".gpkg", "EPSG:4326"),
    ):
        data = export_features(original_columns(layer), fmt, layer_name="地块", crs=crs)
        path = tmp_path / f"back-{crs[-4:]}{suffix}"
        path.write_bytes(data)
        back = read_vector(path)

        assert list(back["名称"]) == names
        assert back.geometry.iloc[0].symmetric_difference(PLOT).area < 1e-12  # same place
