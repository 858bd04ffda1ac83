"""The hostile and broken corpus: files made here, each refused with a message naming the file
and the problem, and the validation report of files that can be read."""

from __future__ import annotations

import io
import json
import struct
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, Polygon

from geo.archive import safe_extract
from geo.errors import DataError, SwappedAxes
from geo.limits import MB, UploadLimits
from geo.offsets import GCJ02, WGS84, convert
from geo.upload import inspect_upload

DISTRICT = Polygon([(120.3, 41.4), (120.7, 41.4), (120.7, 41.8), (120.3, 41.8)])
SMALL = UploadLimits(max_file_bytes=2 * MB, max_unpacked_bytes=3 * MB, max_members=20, max_ratio=50)


def _points(n: int = 3, **columns) -> gpd.GeoDataFrame:
    data = {"名称": [f"点{i}" for i in range(n)], **columns}
    return gpd.GeoDataFrame(
        data, geometry=[Point(120.4 + 0.01 * i, 41.6) for i in range(n)], crs=4326
    )


def _shapefile_zip(tmp_path: Path, frame: gpd.GeoDataFrame, name: str = "points", **options):
    folder = tmp_path / f"{name}-parts"
    folder.mkdir()
    frame.to_file(folder / f"{name}.shp", **options)
    archive = tmp_path / f"{name}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for part in sorted(folder.iterdir()):
            zipped.write(part, part.name)
    return archive, folder


def _zip(tmp_path: Path, members: dict[str, bytes], name: str = "upload.zip") -> Path:
    archive = tmp_path / name
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for member, content in members.items():
            zipped.writestr(member, content)
    return archive


def _refusal(path: Path, file_name: str, **options) -> str:
    with pytest.raises(DataError) as caught:
        inspect_upload(path, file_name=file_name, district=DISTRICT, **options)
    message = str(caught.value)
    assert message.startswith(f"{file_name}: "), message  # the file as the user named it
    return message


# --- archives ------------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_by_its_ratio(tmp_path: Path) -> None:
    bomb = _zip(tmp_path, {"points.shp": b"\0" * (2 * MB)})
    assert "a zip bomb is refused" in _refusal(bomb, "bomb.zip", limits=SMALL)


def test_a_zip_unpacking_beyond_the_limit_is_refused(tmp_path: Path) -> None:
    members = {f"part{i}.csv": bytes(range(256)) * 4096 for i in range(4)}  # 4 MB, ratio ~1
    big = _zip(tmp_path, members)
    assert "more than the 3 MB allowed" in _refusal(big, "big.zip", limits=SMALL)


def test_extraction_counts_real_bytes_not_the_directory(tmp_path: Path, monkeypatch) -> None:
    archive = _zip(tmp_path, {"a.csv": b"x" * (512 * 1024), "b.csv": b"y" * (512 * 1024)})
    tight = UploadLimits(max_unpacked_bytes=700 * 1024, max_ratio=10_000)

    def trusting(path, limits, label):  # as if the directory had understated the sizes
        with zipfile.ZipFile(path) as zipped:
            return zipped.infolist()

    monkeypatch.setattr("geo.archive.check_archive", trusting)
    with pytest.raises(DataError, match=r"stopped in 'b\.csv'"):
        safe_extract(archive, tmp_path / "out", tight, "x.zip")


def test_too_many_members_are_refused(tmp_path: Path) -> None:
    many = _zip(tmp_path, {f"f{i}.txt": b"x" for i in range(25)})
    assert "holds 25 files, more than the 20 allowed" in _refusal(many, "many.zip", limits=SMALL)


@pytest.mark.parametrize(
    "member", ["../evil.shp", "/etc/evil.shp", "..\\evil.shp", "a/../../b.shp"]
)
def test_members_escaping_the_folder_are_refused(tmp_path: Path, member: str) -> None:
    escape = _zip(tmp_path, {member: b"x"})
    message = _refusal(escape, "escape.zip")
    assert "would be written outside the extraction folder" in message
    assert not (tmp_path.parent / "evil.shp").exists()


def test_a_nested_archive_is_refused(tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zipped:
        zipped.writestr("a.csv", "lon,lat\n120.4,41.6\n")
    nested = _zip(tmp_path, {"inner.zip": inner.getvalue()})
    assert "holds another archive ('inner.zip')" in _refusal(nested, "nested.zip")


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"lon,lat\n" + b"120.4,41.6\n" * 300_000)
    assert "too large" in _refusal(path, "big.csv", limits=SMALL)


def test_a_kmz_with_an_escaping_member_is_refused(tmp_path: Path) -> None:
    kmz = _zip(tmp_path, {"../doc.kml": b"<kml/>"}, name="map.kmz")
    assert "outside the extraction folder" in _refusal(kmz, "map.kmz")


# --- broken shapefiles ---------------------------------------------------------------------


def _broken_zip(tmp_path: Path, change) -> Path:
    _, folder = _shapefile_zip(tmp_path, _points(), encoding="UTF-8")
    change(folder)
    archive = tmp_path / "broken.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in sorted(folder.iterdir()):
            zipped.write(part, part.name)
    return archive


def test_a_truncated_shp_is_refused(tmp_path: Path) -> None:
    def truncate(folder: Path) -> None:
        shp = folder / "points.shp"
        shp.write_bytes(shp.read_bytes()[:-10])

    message = _refusal(_broken_zip(tmp_path, truncate), "broken.zip")
    assert "the .shp file is truncated or damaged" in message


def test_a_missing_shx_is_named(tmp_path: Path) -> None:
    message = _refusal(_broken_zip(tmp_path, lambda f: (f / "points.shx").unlink()), "broken.zip")
    assert "the .shx file is missing" in message


def test_dbf_and_shp_record_counts_that_differ_are_refused(tmp_path: Path) -> None:
    def fewer_records(folder: Path) -> None:
        dbf = folder / "points.dbf"
        data = bytearray(dbf.read_bytes())
        data[4:8] = struct.pack("<I", 2)
        dbf.write_bytes(bytes(data))

    message = _refusal(_broken_zip(tmp_path, fewer_records), "broken.zip")
    assert "the .shp holds 3 shapes but the .dbf 2 records" in message


def test_a_prj_proj_cannot_read_is_named(tmp_path: Path) -> None:
    def garble(folder: Path) -> None:
        (folder / "points.prj").write_text('GEOGCS["broken', encoding="utf-8")

    assert "the .prj file cannot be read by PROJ" in _refusal(
        _broken_zip(tmp_path, garble), "broken.zip"
    )


def test_text_in_no_known_encoding_is_refused(tmp_path: Path) -> None:
    def garble(folder: Path) -> None:
        (folder / "points.cpg").unlink()
        dbf = folder / "points.dbf"
        data = dbf.read_bytes()
        index = data.index("点0".encode())
        dbf.write_bytes(data[:index] + b"\xff\xfe\xfd\xfc\xfb\xfa" + data[index + 6 :])

    message = _refusal(_broken_zip(tmp_path, garble), "broken.zip")
    assert "encoding" in message or "GBK" in message or "UTF-8" in message


# --- coordinates and geometry ----------------------------------------------------------------


def test_nan_and_infinite_coordinates_name_their_rows(tmp_path: Path) -> None:
    # A NaN cell is a missing coordinate: the feature is kept, without geometry, and counted.
    path = tmp_path / "nan.csv"
    path.write_text("lon,lat\n120.4,41.6\nnan,41.6\n", encoding="utf-8")
    _, report = inspect_upload(path, file_name="nan.csv", district=DISTRICT)
    assert (report.feature_count, report.empty_features) == (2, 1)
    # An infinite coordinate cannot be drawn or measured: refused, naming the row.
    path.write_text("lon,lat\n120.4,41.6\n120.5,-inf\n", encoding="utf-8")
    assert "coordinates that are not numbers (NaN or infinite): 1" in _refusal(path, "inf.csv")


def test_coordinates_outside_any_plausible_range_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "far.csv"
    path.write_text("x,y\n1e12,1e12\n2e12,2e12\n", encoding="utf-8")
    assert "none can be guessed" in _refusal(path, "far.csv")


def test_latitude_first_is_detected_and_swapped_on_request(tmp_path: Path) -> None:
    path = tmp_path / "swapped.csv"
    path.write_text("lon,lat\n41.6,120.4\n41.61,120.45\n", encoding="utf-8")
    with pytest.raises(SwappedAxes, match=r"swapped\.csv: the coordinates look like latitude"):
        inspect_upload(path, file_name="swapped.csv", district=DISTRICT)
    frame, report = inspect_upload(path, file_name="swapped.csv", district=DISTRICT, swap_xy=True)
    assert frame.geometry.iloc[0].x == pytest.approx(120.4)
    assert report.swapped_axes and report.outside_district == 0


def test_self_intersections_are_repaired_and_reported(tmp_path: Path) -> None:
    bowtie = Polygon([(120.40, 41.60), (120.42, 41.62), (120.42, 41.60), (120.40, 41.62)])
    path = tmp_path / "bowtie.geojson"
    gpd.GeoDataFrame({"名称": ["蝴蝶"]}, geometry=[bowtie], crs=4326).to_file(path)
    frame, report = inspect_upload(path, file_name="bowtie.geojson", district=DISTRICT)
    assert len(report.repaired) == 1 and frame.geometry.iloc[0].is_valid


def test_empty_duplicate_and_mixed_features_are_counted(tmp_path: Path) -> None:
    geometries = [
        Point(120.4, 41.6),
        Point(120.4, 41.6),
        LineString([(120.4, 41.6), (120.5, 41.6)]),
        Polygon(),
        Point(116.4, 39.9),
    ]
    frame = gpd.GeoDataFrame({"名称": ["a", "a", "b", "c", "北京"]}, geometry=geometries, crs=4326)
    path = tmp_path / "mixed.geojson"
    path.write_text(frame.to_json(drop_id=True), encoding="utf-8")
    _, report = inspect_upload(path, file_name="mixed.geojson", district=DISTRICT)
    assert report.feature_count == 5
    assert report.duplicate_features == 1
    assert report.empty_features == 1
    assert report.mixed_geometry and report.geometry_types["Point"] == 3
    assert report.outside_district == 1


def test_html_in_names_and_values_is_read_as_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "script.geojson"
    feature = {
        "type": "Feature",
        "properties": {"<img src=x onerror=alert(1)>": "<script>alert(2)</script>"},
        "geometry": {"type": "Point", "coordinates": [120.4, 41.6]},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), "utf-8")
    frame, report = inspect_upload(path, file_name="script.geojson", district=DISTRICT)
    assert frame.iloc[0]["<img src=x onerror=alert(1)>"] == "<script>alert(2)</script>"
    assert report.fields[0] == ("<img src=x onerror=alert(1)>", "text")


# --- what reading reports ------------------------------------------------------------------


def test_a_gk_zone_shapefile_with_gbk_text_reads_in_place(tmp_path: Path) -> None:
    frame = _points(2).to_crs("EPSG:4549")
    archive, _ = _shapefile_zip(tmp_path, frame, encoding="GBK")
    for cpg in (tmp_path / "points-parts").glob("*.cpg"):
        cpg.unlink()
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in sorted((tmp_path / "points-parts").iterdir()):
            zipped.write(part, part.name)
    read, report = inspect_upload(archive, file_name="规划局.zip", district=DISTRICT)
    assert list(read["名称"]) == ["点0", "点1"]
    assert read.geometry.iloc[1].x == pytest.approx(120.41, abs=1e-7)
    assert report.crs == "EPSG:4549" and report.encoding == "GBK"
    assert report.format == "zipped Shapefile" and report.outside_district == 0


def test_amap_coordinates_are_shifted_when_the_user_says(tmp_path: Path) -> None:
    lon, lat = convert(120.45, 41.58, WGS84, GCJ02)
    path = tmp_path / "amap.csv"
    path.write_text(f"经度,纬度,名称\n{lon},{lat},坝南社区\n", encoding="utf-8")
    frame, report = inspect_upload(path, file_name="amap.csv", district=DISTRICT, datum=GCJ02)
    assert (frame.geometry.iloc[0].x, frame.geometry.iloc[0].y) == pytest.approx(
        (120.45, 41.58), abs=1e-6
    )
    assert report.datum == GCJ02


def test_a_geopackage_lists_its_layers_and_reads_the_one_chosen(tmp_path: Path) -> None:
    path = tmp_path / "two.gpkg"
    _points(2).to_file(path, layer="村点")
    _points(3).to_file(path, layer="项目点", mode="a")
    first, listed = inspect_upload(path, file_name="two.gpkg", district=DISTRICT)
    assert listed.layer == "村点" and len(first) == 2  # the first layer, until one is chosen
    frame, report = inspect_upload(path, file_name="two.gpkg", district=DISTRICT, layer="项目点")
    assert set(report.layers) == {"村点", "项目点"} and len(frame) == 3


def test_a_file_without_crs_reports_the_guess(tmp_path: Path) -> None:
    path = tmp_path / "gk.csv"
    x, y = gpd.GeoSeries([Point(120.45, 41.58)], crs=4326).to_crs("EPSG:4549").iloc[0].coords[0]
    path.write_text(f"x,y\n{x},{y}\n", encoding="utf-8")
    frame, report = inspect_upload(path, file_name="gk.csv", district=DISTRICT)
    assert report.crs_guessed and report.crs == "EPSG:4549"
    assert frame.geometry.iloc[0].x == pytest.approx(120.45, abs=1e-7)
    _, told = inspect_upload(path, file_name="gk.csv", district=DISTRICT, crs="EPSG:4549")
    assert not told.crs_guessed


def test_an_unsupported_type_is_named(tmp_path: Path) -> None:
    path = tmp_path / "drawing.dwg"
    path.write_bytes(b"AC1015")
    assert "unsupported file type '.dwg'" in _refusal(path, "drawing.dwg")
