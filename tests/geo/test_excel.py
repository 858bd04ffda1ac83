"""Excel tables read safely: within the limits, checked before the work they bound,
formulas read as Excel last computed them, and nothing changed without a notice.

Every workbook is made here: from openpyxl, its sheet XML then rewritten (a forged
dimension, a cell at XFD1048576, a sheet far larger than its zip, an entity bomb, formulas
with and without saved values).  Reads that could blow up run in a child process with a
1.5 GB address-space limit and a 60 s timeout (tests/geo/table_reading.py), so that a
regression fails the suite instead of taking the machine down.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter
from shapely.geometry import Point

from geo.errors import DataError
from geo.excel import read_excel_sheet
from geo.limits import MB, UploadLimits
from geo.tables import excel_sheet_names, read_excel_points
from tests.geo.table_reading import SMALL, _read_in_child, _refusal

SHEET = "xl/worksheets/sheet1.xml"


# --- making files ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    """A formula cell, with the value Excel saved for it (None: never computed)."""

    text: str
    cached: float | None


def _cell(reference: str, value: object) -> str:
    if isinstance(value, Formula):
        saved = "" if value.cached is None else f"<v>{value.cached}</v>"
        return f'<c r="{reference}"><f>{escape(value.text)}</f>{saved}</c>'
    if isinstance(value, str):
        return f'<c r="{reference}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
    return f'<c r="{reference}"><v>{value}</v></c>'


def _rows(*rows: list[object], first: int = 1) -> str:
    """Sheet XML rows (<row> elements) holding `rows`, the first at row number `first`."""
    parts = []
    for number, values in enumerate(rows, start=first):
        cells = "".join(
            _cell(f"{get_column_letter(column)}{number}", value)
            for column, value in enumerate(values, start=1)
            if value is not None
        )
        parts.append(f'<row r="{number}">{cells}</row>')
    return "".join(parts)


POINTS = _rows(
    ["名称", "经度", "纬度"], ["甲", 120.5, 41.6], ["乙", 120.6, 41.7], ["丙", 120.7, 41.8]
)


def _xlsx(
    path: Path,
    sheet_data: str,
    *,
    dimension: str = "A1:C4",
    doctype: str = "",
    members: dict[str, str] | None = None,
) -> Path:
    """A one-sheet workbook made by openpyxl, its sheet XML then replaced by `sheet_data`
    (with a declared `dimension` and an optional DOCTYPE), other members replaced or added
    from `members`."""
    book = openpyxl.Workbook()
    book.active.title = "点位"
    buffer = io.BytesIO()
    book.save(buffer)
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f"{doctype}"
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{sheet_data}</sheetData></worksheet>'
    )
    replaced = {SHEET: sheet, **(members or {})}
    with (
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for name in source.namelist():
            data = replaced.pop(name, None)
            target.writestr(name, data.encode() if data is not None else source.read(name))
        for name, data in replaced.items():  # members the workbook did not have
            target.writestr(name, data.encode())
    return path


def _entity_bomb(root: str) -> str:
    """A DOCTYPE whose last entity expands to 10**9 characters."""
    entities = ['<!ENTITY e0 "0123456789">']
    entities += [f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, 9)]
    return f"<!DOCTYPE {root} [{''.join(entities)}]>"


# --- Excel: the sheet's real extent, not its declared one -----------------------------------


def test_forged_dimension_reads_the_real_rows_quickly(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "forged.xlsx", POINTS, dimension="A1:XFD1048576")
    assert path.stat().st_size < 10_000

    outcome = _read_in_child("xlsx", path, SMALL)  # 3 × 16,384 cells would be over its limit

    assert outcome[:2] == ("read", 3)
    assert outcome[2] < 10


def test_a_cell_at_the_last_row_and_column_is_refused_not_padded_out(tmp_path: Path) -> None:
    far = POINTS + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    path = _xlsx(tmp_path / "far.xlsx", far, dimension="A1:XFD1048576")

    outcome = _read_in_child("xlsx", path)

    assert outcome[0] == "refused"
    assert outcome[1] == "holds more than the 1,000,000 rows allowed"


def test_a_row_number_beyond_excel_is_refused(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "beyond.xlsx", POINTS + '<row r="99999999999"><c r="A99999999999"/></row>'
    )

    outcome = _read_in_child("xlsx", path)

    assert outcome[:2] == ("refused", "has rows beyond Excel's last row (1,048,576)")


def test_blank_and_formatted_rows_after_the_table_are_trimmed(tmp_path: Path) -> None:
    trailing = '<row r="5"><c r="A5" s="0"/><c r="XFD5"/></row><row r="900"/>'
    path = _xlsx(tmp_path / "trailing.xlsx", POINTS + trailing)

    loaded = read_excel_points(path, "trailing.xlsx", None, UploadLimits())

    assert list(loaded.frame.columns) == ["名称", "经度", "纬度", "geometry"]
    assert len(loaded.frame) == 3


# --- Excel: limits, checked as the rows arrive ----------------------------------------------


def _broken_after(rows: str, number: int) -> str:
    """`rows` followed by malformed XML, which a reader that went on would trip over."""
    return rows + f'<row r="{number}"><c r="A{number}"><v>1</c></row>'


def test_excel_with_too_many_rows_is_refused_before_the_rest_is_read(tmp_path: Path) -> None:
    body = _rows(["名称", "经度", "纬度"], *[["点", 120.5, 41.6]] * 7)
    path = _xlsx(tmp_path / "rows.xlsx", _broken_after(body, 9))

    assert _refusal("xlsx", path) == "holds more than the 5 rows allowed"


def test_excel_with_too_many_columns_is_refused(tmp_path: Path) -> None:
    body = _rows(["名称", "经度", "纬度"], ["点", 120.5, 41.6, 1, 2, 3, 4, 5])
    path = _xlsx(tmp_path / "wide.xlsx", _broken_after(body, 3))

    assert _refusal("xlsx", path) == "holds 8 columns, more than the 5 allowed"


def test_excel_with_too_many_cells_is_refused(tmp_path: Path) -> None:
    limits = UploadLimits(max_features=100, max_fields=10, max_cells=20)
    body = _rows(["名称", "经度", "纬度"], *[["点", 120.5, 41.6]] * 7)
    path = _xlsx(tmp_path / "cells.xlsx", _broken_after(body, 9))

    assert _refusal("xlsx", path, limits) == "holds more than the 20 cells (rows × columns) allowed"


def test_empty_formatted_cells_far_out_count_as_work(tmp_path: Path) -> None:
    formatted = "".join(f'<row r="{n}"><c r="XFD{n}" s="0"/></row>' for n in range(5, 7))
    path = _xlsx(tmp_path / "formatted.xlsx", POINTS + formatted)

    assert _refusal("xlsx", path) == (
        "holds more than the 1,000 cells allowed (empty formatted cells included)"
    )


def test_a_workbook_with_an_embedded_workbook_is_read(tmp_path: Path) -> None:
    embedded = {"xl/embeddings/Microsoft_Excel_Worksheet.xlsx": "PK not unpacked, never read"}
    path = _xlsx(tmp_path / "embedded.xlsx", POINTS, members=embedded)

    assert len(read_excel_points(path, "embedded.xlsx", None, SMALL).frame) == 3


def test_a_sheet_unpacking_beyond_the_limit_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    body = _rows(["名称", "经度", "纬度"], *[["点", 120.5, 41.6]] * 100_000)
    path = _xlsx(tmp_path / "huge.xlsx", body)
    assert zipfile.ZipFile(path).getinfo(SHEET).file_size > 8 * MB
    limits = UploadLimits(max_unpacked_bytes=4 * MB, max_ratio=1e9)

    outcome = _read_in_child("xlsx", path, limits)

    assert outcome[0] == "refused"
    assert re.fullmatch(r"unpacks to \d+ MB, more than the 4 MB allowed", outcome[1])


def test_a_file_that_is_no_zip_is_refused_before_openpyxl(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"name,lon,lat\n")

    assert _refusal("xlsx", path) == (
        "unreadable Excel workbook: it is not a zip archive, as .xlsx is"
    )


# --- Excel: XML entity bombs ----------------------------------------------------------------


def test_defusedxml_guards_openpyxl() -> None:
    assert openpyxl.DEFUSEDXML


def test_entity_bomb_in_the_sheet_is_refused_not_expanded(tmp_path: Path) -> None:
    bomb = (
        _rows(["名称", "经度", "纬度"])
        + '<row r="2"><c r="A2" t="inlineStr"><is><t>&e8;</t></is></c></row>'
    )
    path = _xlsx(tmp_path / "bomb.xlsx", bomb, doctype=_entity_bomb("worksheet"))

    outcome = _read_in_child("xlsx", path)

    assert outcome[0] == "refused"
    assert "declares entities" in outcome[1]


def test_entity_in_the_workbook_part_is_refused(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    buffer = io.BytesIO()
    book.save(buffer)
    workbook_xml = zipfile.ZipFile(buffer).read("xl/workbook.xml").decode()
    workbook_xml = workbook_xml.replace(
        "<workbook", '<!DOCTYPE workbook [<!ENTITY x "y">]><workbook', 1
    )
    path = _xlsx(tmp_path / "entity.xlsx", POINTS, members={"xl/workbook.xml": workbook_xml})

    assert "declares entities" in _refusal("xlsx", path)
    with pytest.raises(DataError, match="declares entities"):
        excel_sheet_names(path, "entity.xlsx", SMALL)


# --- Excel: formulas --------------------------------------------------------------------------


def test_formulas_use_the_values_excel_saved_and_say_so(tmp_path: Path) -> None:
    body = _rows(
        ["名称", "经度", "纬度", "合计"],
        ["甲", Formula("120+0.5", 120.5), 41.6, Formula("B2+C2", 162.1)],
        ["乙", "120.6", 41.7, Formula("B3+C3", None)],  # a coordinate written as text
        ["丙", 120.7, Formula("41+0.8", None), 1],
    )
    path = _xlsx(tmp_path / "formulas.xlsx", body, dimension="A1:D4")

    loaded = read_excel_points(path, "formulas.xlsx", None, SMALL)

    frame = loaded.frame
    assert frame["经度"].tolist() == [120.5, 120.6, 120.7]
    assert frame.geometry.iloc[0].equals(Point(120.5, 41.6))
    assert frame.geometry.iloc[1].equals(Point(120.6, 41.7))
    assert frame.geometry.iloc[2] is None  # its latitude was never computed
    assert frame["合计"].iloc[0] == pytest.approx(162.1)
    assert pd.isna(frame["合计"].iloc[1])
    notices = {notice.code: notice for notice in loaded.notices}
    assert notices["excel_formulas"].count == 2
    assert notices["excel_formulas"].detail == (
        "2 cells hold formulas; the values Excel last computed were used (B2, D2)"
    )
    assert notices["excel_formulas_uncomputed"].count == 2
    assert notices["excel_formulas_uncomputed"].detail == (
        "2 cells hold formulas Excel never computed (no value was saved); left empty (D3, C4)"
    )


def test_many_formula_cells_are_counted_and_a_few_named(tmp_path: Path) -> None:
    rows = [["名称", "经度", "纬度"]] + [["点", Formula("120.5", 120.5), 41.6]] * 5
    path = _xlsx(tmp_path / "many.xlsx", _rows(*rows, ["点", 120.5, Formula("41.6", 41.6)]))

    (notice,) = read_excel_points(path, "many.xlsx", None, UploadLimits()).notices

    assert (notice.code, notice.count) == ("excel_formulas", 6)
    assert notice.detail.endswith("were used (B2, B3, B4, B5, B6, …)")


# --- Excel: normal sheets read as pandas read them --------------------------------------------


def test_a_normal_sheet_reads_as_pandas_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "normal.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["名称", None, "a", "a", "经度", "纬度", "日期", "是否"])
    sheet.append(["甲", 1, 2.5, "x", 120.5, 41.6, datetime.datetime(2024, 5, 1), True])
    sheet.append([])
    sheet.append(["乙", 2, 3, None, "120.6", 41.7, None, False])
    sheet["J9"].number_format = "0.00"  # a formatted empty cell far out
    book.create_sheet("第二页").append(["x"])
    book.save(path)

    table, chosen, notices = read_excel_sheet(path, "normal.xlsx", None, UploadLimits())

    pd.testing.assert_frame_equal(table, pd.read_excel(path))
    assert list(table.columns) == ["名称", "Unnamed: 1", "a", "a.1", "经度", "纬度", "日期", "是否"]
    assert (chosen, notices) == ("Sheet", ())
    assert excel_sheet_names(path, "normal.xlsx", UploadLimits()) == ("Sheet", "第二页")


# --- a column named geometry ------------------------------------------------------------------


def test_excel_geometry_column_is_renamed_and_said(tmp_path: Path) -> None:
    body = _rows(["geometry", "经度", "纬度"], ["界桩", 120.5, 41.6])
    path = _xlsx(tmp_path / "geometry.xlsx", body)

    loaded = read_excel_points(path, "geometry.xlsx", None, SMALL)

    assert loaded.frame["geometry_1"].tolist() == ["界桩"]
    assert loaded.frame.geometry.iloc[0].equals(Point(120.5, 41.6))
    assert [notice.code for notice in loaded.notices] == ["column_renamed"]
