"""Known answers for geo.export's tables and file names: XLSX and CSV with their Chinese text."""

from __future__ import annotations

import codecs
import io

import openpyxl
import pandas as pd
import pytest

from geo.export import (
    export_filename,
    export_table,
)


def test_unknown_table_format_is_refused_with_the_known_keys() -> None:
    with pytest.raises(ValueError, match="'csv', 'xlsx'"):
        export_table(pd.DataFrame({"a": [1]}), "xls")


# --- tables -------------------------------------------------------------------------------------


def _stats() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "乡镇": ["长宝营子乡", "桃花吐镇"],
            "项目数": [3, 12],
            "面积（公顷）": [12.5, 0.75],
            "备注": ["=SUM(B2:B3)", None],
        },
        index=[7, 9],
    )


def test_xlsx_holds_header_and_values_in_one_sheet() -> None:
    book = openpyxl.load_workbook(io.BytesIO(export_table(_stats(), "xlsx")))

    assert book.sheetnames == ["统计"]
    sheet = book["统计"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows == [
        ["乡镇", "项目数", "面积（公顷）", "备注"],
        ["长宝营子乡", 3, 12.5, "'=SUM(B2:B3)"],
        ["桃花吐镇", 12, 0.75, None],
    ]
    assert sheet["D2"].data_type == "s"  # a formula in the data is written as text (OWASP)
    assert sheet.column_dimensions["A"].width >= len("长宝营子乡") * 2


def test_xlsx_sheet_name_is_given_and_made_valid() -> None:
    book = openpyxl.load_workbook(
        io.BytesIO(export_table(_stats(), "xlsx", sheet_name="乡镇/统计"))
    )

    assert book.sheetnames == ["乡镇_统计"]


def test_table_csv_has_bom_and_no_index() -> None:
    data = export_table(_stats(), "csv")

    assert data.startswith(codecs.BOM_UTF8)
    table = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert table.columns.tolist() == ["乡镇", "项目数", "面积（公顷）", "备注"]
    assert table["乡镇"].tolist() == ["长宝营子乡", "桃花吐镇"]
    assert table["项目数"].tolist() == [3, 12]


# --- file names ---------------------------------------------------------------------------------


def test_export_filename_replaces_unsafe_characters_and_keeps_chinese() -> None:
    assert (
        export_filename('双塔区/项目:2024*?"<>|\\', "geojson") == "双塔区_项目_2024_______.geojson"
    )
    assert export_filename("双塔区项目", "shp") == "双塔区项目.zip"
    assert export_filename("乡镇统计", "xlsx", table=True) == "乡镇统计.xlsx"
    assert export_filename("乡镇统计", "csv", table=True) == "乡镇统计.csv"


def test_export_filename_refuses_unknown_formats() -> None:
    with pytest.raises(ValueError, match="'csv', 'xlsx'"):
        export_filename("统计", "geojson", table=True)
    with pytest.raises(ValueError, match="'geojson'"):
        export_filename("项目", "xlsx")
