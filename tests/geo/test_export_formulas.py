"""No download runs as a spreadsheet formula (OWASP CSV injection), and any layer name writes.

Every CSV and XLSX the atlas writes goes through geo.export's one neutraliser: text starting
with = + - @, a tab, a carriage return or a full-width ＝ ＋ － ＠ gets a leading apostrophe,
column names included; plain numbers (numeric columns, or text such as "-12.5") are kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point, Polygon

from fieldwork.coverage import get_target_set
from fieldwork.gap_exports import export_gaps, gap_columns
from geo.export import export_features, export_table, neutralise_formula

# (text in the data, text in the download)
HOSTILE = [
    ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("@SUM(1)", "'@SUM(1)"),
    ("-1+1", "'-1+1"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("＝1", "'＝1"),
    ("＋1", "'＋1"),
    ("－1", "'－1"),
    ("＠SUM(1)", "'＠SUM(1)"),
]
KEPT = ["-12.5", "+86", "长宝营子乡", "双塔区 = 老城区", "http://example.org", "1+1"]
TEXT_IN = [value for value, _ in HOSTILE] + KEPT
TEXT_OUT = [value for _, value in HOSTILE] + KEPT
NUMBERS = [-(n + 0.5) for n in range(len(TEXT_IN))]
EVIL_HEADER = "=evil"


def _table() -> pd.DataFrame:
    return pd.DataFrame({EVIL_HEADER: TEXT_IN, "名称": KEPT[2:3] * len(TEXT_IN), "数值": NUMBERS})


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _xlsx_cells(data: bytes) -> list[list[openpyxl.cell.Cell]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows()]


def _assert_csv(data: bytes, text_column: int, number_column: int) -> list[str]:
    rows = _csv_rows(data)
    assert [row[text_column] for row in rows[1:]] == TEXT_OUT
    assert [float(row[number_column]) for row in rows[1:]] == NUMBERS  # numbers untouched
    assert rows[1][number_column] == "-0.5"
    return rows[0]


def _assert_xlsx(data: bytes, text_column: int, number_column: int) -> list[str]:
    cells = _xlsx_cells(data)
    assert not [cell.coordinate for row in cells for cell in row if cell.data_type == "f"]
    # XML keeps no carriage return: openpyxl reads it back as a line feed.
    expected = [value.replace("\r", "\n") for value in TEXT_OUT]
    assert [row[text_column].value for row in cells[1:]] == expected
    assert all(row[text_column].data_type == "s" for row in cells[1:])
    assert [row[number_column].value for row in cells[1:]] == NUMBERS
    assert all(row[number_column].data_type == "n" for row in cells[1:])
    return [cell.value for cell in cells[0]]


# --- the neutraliser ---------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [*HOSTILE, ("-", "'-")])
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(value: str, expected: str) -> None:
    assert neutralise_formula(value) == expected


@pytest.mark.parametrize(
    "value", ["-12.5", "+86", "-3", "+.5", "-1e5", "1.5E-3", *KEPT, "", "'=1", " =1"]
)
def test_plain_numbers_and_ordinary_text_are_kept(value: str) -> None:
    assert neutralise_formula(value) == value


@pytest.mark.parametrize("value", [-1, -2.5, None, float("nan"), True, dt.date(2026, 1, 1)])
def test_values_that_are_not_text_are_never_touched(value: object) -> None:
    kept = neutralise_formula(value)
    assert kept is value or (isinstance(value, float) and math.isnan(kept))


# --- every CSV and XLSX the atlas writes -------------------------------------------------------


def test_features_csv_neutralises_cells_and_headers() -> None:
    frame = gpd.GeoDataFrame(
        _table(),
        geometry=[Point(120.45 + n / 1000, 41.57) for n in range(len(TEXT_IN))],
        crs=4326,
    )

    header = _assert_csv(export_features(frame, "csv", layer_name="=图层"), 0, 2)

    assert header == ["'=evil", "名称", "数值", "lon", "lat", "wkt"]


def test_table_csv_neutralises_cells_and_headers() -> None:
    header = _assert_csv(export_table(_table(), "csv"), 0, 2)

    assert header == ["'=evil", "名称", "数值"]


def test_table_xlsx_has_no_formula_and_neutralises_cells_and_headers() -> None:
    header = _assert_xlsx(export_table(_table(), "xlsx", sheet_name="=统计"), 0, 2)

    assert header == ["'=evil", "名称", "数值"]


def test_text_columns_of_any_dtype_are_neutralised_and_missing_cells_stay_empty() -> None:
    table = pd.DataFrame(
        {
            "category": pd.Categorical(["=1", "甲"]),
            "string": pd.array(["@x", pd.NA], dtype="string"),
            "object": ["+1+1", None],
            "negative": [-1, -2],
        }
    )

    rows = _csv_rows(export_table(table, "csv"))

    assert rows[1:] == [["'=1", "'@x", "'+1+1", "-1"], ["甲", "", "", "-2"]]


def _gaps() -> gpd.GeoDataFrame:
    columns = list(gap_columns("zh"))
    text = {column: TEXT_IN for column in columns if column not in ("lon", "lat")}
    frame = pd.DataFrame({**text, "lon": NUMBERS, "lat": NUMBERS})[columns]
    return gpd.GeoDataFrame(frame, geometry=[Point(120.45, 41.57)] * len(TEXT_IN), crs=4326)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_gap_list_downloads_neutralise_every_text_column(fmt: str) -> None:
    data = export_gaps(
        _gaps(), fmt, target_set=get_target_set("villages"), rule_text="=规则", lang="zh"
    )

    labels = list(gap_columns("zh").values())
    text_columns = [labels.index(label) for label in ("乡镇街道", "村/社区", "目标", "未覆盖原因")]
    number_column = labels.index("经度")
    check = _assert_csv if fmt == "csv" else _assert_xlsx
    for column in text_columns:
        assert check(data, column, number_column) == labels


# --- layer names of GeoPackage and zipped Shapefile downloads -----------------------------------


LAYER_NAMES = {
    "-x": "x",
    ".x": "x",
    "'x": "x",
    "=x": "x",
    "#图层": "图层",
    "   ": "layer",
    "": "layer",
    "规划地块（点）": "规划地块_点",
    "gpkg_contents": "layer_gpkg_contents",
    "sqlite_master": "layer_sqlite_master",
    "x" * 300: "x" * 64,
}


def _plots() -> gpd.GeoDataFrame:
    squares = [
        Polygon([(x, 41.57), (x + 0.004, 41.57), (x + 0.004, 41.573), (x, 41.573)])
        for x in (120.44, 120.45)
    ]
    return gpd.GeoDataFrame({"名称": ["一号", "二号"]}, geometry=squares, crs=4326)


@pytest.mark.parametrize(("name", "expected"), LAYER_NAMES.items(), ids=repr)
def test_geopackage_writes_any_layer_name(tmp_path: Path, name: str, expected: str) -> None:
    path = tmp_path / "export.gpkg"
    path.write_bytes(export_features(_plots(), "gpkg", layer_name=name))

    assert [layer for layer, _ in pyogrio.list_layers(path)] == [expected]
    frame = pyogrio.read_dataframe(path)
    assert frame["名称"].tolist() == ["一号", "二号"]


@pytest.mark.parametrize(("name", "expected"), LAYER_NAMES.items(), ids=repr)
def test_zipped_shapefile_writes_any_layer_name(tmp_path: Path, name: str, expected: str) -> None:
    path = tmp_path / "export.zip"
    path.write_bytes(export_features(_plots(), "shp", layer_name=name))

    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == sorted(
            f"{expected}{suffix}" for suffix in (".cpg", ".dbf", ".prj", ".shp", ".shx")
        )
    frame = pyogrio.read_dataframe(f"/vsizip/{path}/{expected}.shp")
    assert frame["名称"].tolist() == ["一号", "二号"]
