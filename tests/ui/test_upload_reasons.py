"""The upload report's CRS and encoding explanations in the chosen language (issue 14, item 10).

Every reason geo gives is collected by reading real files through geo.upload.inspect_upload;
the Chinese explanation must leave no English word but codes (EPSG:4549, UTF-8, GBK …)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
from shapely.geometry import Point

from geo.upload import UploadReport, inspect_upload
from ui.messages import explain_notice, explain_reason

_VILLAGES = {"name": ["五十家子村", "他拉皋村"], "note": ["示例", "备注"]}
_LON_LAT = [Point(120.45, 41.55), Point(120.5, 41.6)]
_GK_ZONE_40 = [Point(40_537_000, 4_600_000), Point(40_541_000, 4_605_000)]  # EPSG:4528, 120°E
_GK_NO_ZONE = [Point(537_000, 4_600_000), Point(541_000, 4_605_000)]
# Words a Chinese explanation may keep: names of formats and codes, not English prose.
_KEPT = {"Shapefile", "GeoJSON", "Excel", "Unicode", "CSV", "DBF", "ASCII", "BOM", "ZIP", "GPX"}


def _zipped_shapefile(
    folder: Path, geometry, *, crs, encoding: str, cpg: bool | str, values=_VILLAGES
) -> Path:
    """A zipped shapefile; `cpg` False: no .cpg, a text: the .cpg says that."""
    frame = gpd.GeoDataFrame(values, geometry=geometry, crs=crs)
    shp = folder / "villages.shp"
    frame.to_file(shp, encoding=encoding)
    if not cpg:
        shp.with_suffix(".cpg").unlink(missing_ok=True)
    elif isinstance(cpg, str):
        shp.with_suffix(".cpg").write_text(cpg)
    if crs is None:
        shp.with_suffix(".prj").unlink(missing_ok=True)
    archive = folder / "villages.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in folder.glob("villages.*"):
            if part != archive:
                zipped.write(part, part.name)
    return archive


def _geojson(folder: Path, geometry, crs) -> Path:
    path = folder / "villages.geojson"
    gpd.GeoDataFrame(_VILLAGES, geometry=geometry, crs=crs).to_file(path, driver="GeoJSON")
    return path


def _csv(folder: Path, encoding: str) -> Path:
    path = folder / "villages.csv"
    path.write_bytes("名称,经度,纬度\n五十家子村,120.45,41.55\n".encode(encoding))
    return path


def _excel(folder: Path) -> Path:
    path = folder / "villages.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["名称", "经度", "纬度"])
    book.active.append(["五十家子村", 120.45, 41.55])
    book.save(path)
    return path


_LOCAL_WKT = (  # named in Chinese: a name from the file is shown as it is
    'LOCAL_CS["工地坐标",LOCAL_DATUM["工地",0],UNIT["metre",1],AXIS["X",EAST],AXIS["Y",NORTH]]'
)

# (name, make(folder) -> file, inspect_upload keyword arguments)
_FILES = [
    (
        "shapefile GBK without .cpg",
        lambda f: _zipped_shapefile(f, _LON_LAT, crs="EPSG:4326", encoding="GBK", cpg=False),
        {},
    ),
    (
        "shapefile UTF-8 without .cpg",
        lambda f: _zipped_shapefile(f, _LON_LAT, crs="EPSG:4326", encoding="UTF-8", cpg=False),
        {},
    ),
    (
        "shapefile GBK, .cpg says UTF-8",
        lambda f: _zipped_shapefile(f, _LON_LAT, crs="EPSG:4326", encoding="GBK", cpg="UTF-8"),
        {},
    ),
    (
        "shapefile UTF-8, .cpg says GBK",
        lambda f: _zipped_shapefile(
            f,
            _LON_LAT,
            crs="EPSG:4326",
            encoding="UTF-8",
            cpg="GBK",
            values={"name": ["村 é", "é"], "note": ["é", "é"]},
        ),
        {},
    ),
    (
        "shapefile ASCII, empty .cpg",
        lambda f: _zipped_shapefile(
            f, _LON_LAT, crs="EPSG:4326", encoding="UTF-8", cpg=" ", values={"name": ["a", "b"]}
        ),
        {},
    ),
    (
        "shapefile UTF-8 with .cpg",
        lambda f: _zipped_shapefile(f, _LON_LAT, crs="EPSG:4326", encoding="UTF-8", cpg=True),
        {},
    ),
    (
        "shapefile GK zone prefix, no CRS",
        lambda f: _zipped_shapefile(f, _GK_ZONE_40, crs=None, encoding="UTF-8", cpg=True),
        {},
    ),
    (
        "shapefile GK without zone, no CRS",
        lambda f: _zipped_shapefile(f, _GK_NO_ZONE, crs=None, encoding="UTF-8", cpg=True),
        {},
    ),
    (
        "shapefile declared, crs chosen too",
        lambda f: _zipped_shapefile(f, _LON_LAT, crs="EPSG:4326", encoding="UTF-8", cpg=True),
        {"crs": "EPSG:4549"},
    ),
    (
        "shapefile no CRS, crs chosen",
        lambda f: _zipped_shapefile(f, _GK_NO_ZONE, crs=None, encoding="UTF-8", cpg=True),
        {"crs": "EPSG:4549"},
    ),
    (
        "shapefile contradicted CRS",
        lambda f: _zipped_shapefile(f, _GK_NO_ZONE, crs="EPSG:4326", encoding="UTF-8", cpg=True),
        {},
    ),
    (
        "shapefile projected CRS with lon/lat",
        lambda f: _zipped_shapefile(f, _LON_LAT, crs="EPSG:4549", encoding="UTF-8", cpg=True),
        {},
    ),
    (
        "shapefile local CRS",
        lambda f: _zipped_shapefile(f, _GK_NO_ZONE, crs=_LOCAL_WKT, encoding="UTF-8", cpg=True),
        {},
    ),
    ("GeoJSON", lambda f: _geojson(f, _LON_LAT, "EPSG:4326"), {}),
    ("CSV UTF-8", lambda f: _csv(f, "utf-8"), {}),
    ("CSV UTF-8 with BOM", lambda f: _csv(f, "utf-8-sig"), {}),
    ("CSV GB18030", lambda f: _csv(f, "gb18030"), {}),
    ("Excel", _excel, {}),
]


def _reports(tmp_path: Path) -> list[tuple[str, UploadReport]]:
    reports = []
    for number, (name, make, options) in enumerate(_FILES):
        folder = tmp_path / str(number)
        folder.mkdir()
        path = make(folder)
        reports.append((name, inspect_upload(path, file_name=path.name, **options)[1]))
    return reports


def _reasons(tmp_path: Path) -> list[tuple[str, str]]:
    reasons = []
    for name, report in _reports(tmp_path):
        reasons += [(name, report.crs_reason), (name, report.encoding_reason)]
    return reasons


def _english_words(chinese: str) -> list[str]:
    """ASCII words left in a Chinese text, but codes (EPSG:4549, UTF-8, GB18030, .cpg, CP936)."""
    words = re.findall(r"[.]?[A-Za-z][\w:.\-]*", chinese)
    return [
        word
        for word in words
        if not (word.startswith(".") or word in _KEPT or not re.search(r"[a-z]", word))
    ]


@pytest.fixture(scope="module")
def reasons(tmp_path_factory) -> list[tuple[str, str]]:
    return _reasons(tmp_path_factory.mktemp("reasons"))


def test_every_reason_geo_gives_is_explained_in_chinese(reasons) -> None:
    kinds = {reason for _, reason in reasons}
    assert len(kinds) >= 14, kinds  # the cases do reach that many different reasons
    for name, reason in reasons:
        chinese = explain_reason(reason, "zh")
        assert not _english_words(chinese), (name, reason, chinese)
        assert re.search(r"[\u4e00-\u9fff]", chinese), (name, reason, chinese)


def test_codes_from_the_reason_are_kept(reasons) -> None:
    explained = {reason: explain_reason(reason, "zh") for _, reason in reasons}
    gbk = next(reason for reason in explained if "GBK" in reason)
    assert "GBK" in explained[gbk]
    chosen = next(reason for reason in explained if "given by the caller (crs=" in reason)
    assert "EPSG:4549" in explained[chosen]
    assert explain_reason("read from the file", "zh") == "从文件中读取"


def test_the_english_reason_has_no_chinese(reasons) -> None:
    for name, reason in reasons:
        english = explain_reason(reason, "en").replace("工地坐标", "")  # the file's own name
        assert not re.search(r"[\u4e00-\u9fff]", english), (name, english)
    local = next(reason for name, reason in reasons if name == "shapefile local CRS")
    assert explain_reason(local, "en").startswith("the file declares 工地坐标 but it is")


def test_the_cpg_notice_is_in_chinese_with_its_values(tmp_path: Path) -> None:
    reports = dict(_reports(tmp_path))
    notices = reports["shapefile GBK, .cpg says UTF-8"].notices
    assert [notice.code for notice in notices] == ["cpg_overridden"]
    line = explain_notice(notices[0], "zh")
    assert not _english_words(line), line
    assert "UTF-8" in line and "GBK" in line
