"""Excel sheets (.xlsx) streamed within limits, with what Excel last computed for formulas.

The workbook's zip directory is checked first (`geo.archive.check_archive`); openpyxl then
reads it in read-only mode, its XML parsed by defusedxml (entity declarations are refused).
The sheet's declared dimension is ignored and its rows are streamed: reading stops and
refuses as soon as the rows, a row's columns or the cells go past the upload limits.  Cells
are converted as pandas converts them, so a normal sheet reads as `pandas.read_excel` read it.
Formulas are never evaluated: the values Excel saved with them are used, and said so.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
from defusedxml import DefusedXmlException
from openpyxl import load_workbook
from openpyxl.cell.cell import TYPE_ERROR, TYPE_FORMULA, TYPE_NUMERIC
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from pandas.errors import EmptyDataError
from pandas.io.parsers import TextParser

from geo.archive import check_archive
from geo.errors import DataError, ReadNotice
from geo.limits import UploadLimits

__all__ = ["excel_sheet_names", "read_excel_sheet"]

EXCEL_MAX_ROWS = 1_048_576  # the last row a worksheet can have
_SHOWN_CELLS = 5  # cell references named in a notice
# An element named f, with or without a namespace prefix: a cell's formula.
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")
_SCAN_CHUNK = 1024 * 1024
_MAX_TAG_BYTES = 64 * 1024  # a tag cut by a chunk's end is looked at again, up to this long
_UNSAFE_XML = "its XML declares entities (DOCTYPE/ENTITY); such workbooks are refused as unsafe"


def excel_sheet_names(path: Path, label: str, limits: UploadLimits) -> tuple[str, ...]:
    """The sheets of an .xlsx workbook, in order, after its zip directory is checked."""
    _check_workbook_archive(path, label, limits)
    with _workbook(path, label, data_only=False) as book:
        return tuple(str(name) for name in book.sheetnames)


def read_excel_sheet(
    path: Path, label: str, sheet: str | None, limits: UploadLimits
) -> tuple[pd.DataFrame, str, tuple[ReadNotice, ...]]:
    """The first sheet (or `sheet`) as a table with its first row as header, the sheet's name,
    and notices about formulas; DataError for anything unsafe, too large or unreadable."""
    _check_workbook_archive(path, label, limits)
    with _translated_errors(path, label):
        formulas_possible = _may_hold_formulas(path)
    with (
        _workbook(path, label, data_only=True) as values,
        _workbook(path, label, data_only=False) if formulas_possible else nullcontext() as formulas,
    ):
        chosen = _sheet_name(values, label, sheet)
        with _translated_errors(path, label):
            rows = _SheetRows(label, limits)
            formula_rows = (
                _worksheet(formulas, chosen, label).iter_rows() if formulas is not None else ()
            )
            rows.stream(formula_rows, _worksheet(values, chosen, label).iter_rows())
    return rows.table(label), chosen, rows.notices()


def _may_hold_formulas(path: Path) -> bool:
    """Whether any part of the workbook may hold a formula (an <f> element): if none does, the
    sheet is parsed once, for its values, instead of twice.  XML text cannot hold a literal
    "<", so a part without the tag has no formula; a part in UTF-16 is taken to have one."""
    with zipfile.ZipFile(path) as archive:
        for member in archive.infolist():  # any part may be a sheet: the relationships say
            with archive.open(member) as part:
                if _part_may_hold_formulas(part):
                    return True
    return False


def _part_may_hold_formulas(part: IO[bytes]) -> bool:
    tail = b""
    first = True
    while chunk := part.read(_SCAN_CHUNK):
        if first and (chunk.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in chunk[:64]):
            return True
        first = False
        data = tail + chunk
        if _FORMULA_TAG.search(data):
            return True
        start = data.rfind(b"<")
        tail = data[start:] if start >= 0 and len(data) - start <= _MAX_TAG_BYTES else b""
    return False


def _check_workbook_archive(path: Path, label: str, limits: UploadLimits) -> None:
    """Refuse, before openpyxl opens it, a file that is no zip or a zip that is unsafe."""
    if not zipfile.is_zipfile(path):
        raise DataError(label, "unreadable Excel workbook: it is not a zip archive, as .xlsx is")
    check_archive(path, limits, label, nested_ok=True)


@contextmanager
def _workbook(path: Path, label: str, *, data_only: bool) -> Iterator[Workbook]:
    with _translated_errors(path, label):
        book = load_workbook(path, read_only=True, data_only=data_only, keep_links=False)
    try:
        yield book
    finally:
        book.close()


@contextmanager
def _translated_errors(path: Path, label: str) -> Iterator[None]:
    """What openpyxl raises for a damaged or hostile workbook, as a DataError naming the file."""
    try:
        yield
    except (DataError, MemoryError):
        raise
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        causes = _causes(error)
        if any(isinstance(cause, DefusedXmlException) for cause in causes):
            raise DataError(label, _UNSAFE_XML) from error
        raise DataError(
            label, f"unreadable Excel workbook: {_problem(causes, path, label)}"
        ) from error


def _causes(error: BaseException) -> list[BaseException]:
    """The error and what caused it (openpyxl wraps the parser's errors in its own)."""
    chain = [error]
    while (cause := chain[-1].__cause__ or chain[-1].__context__) and len(chain) < 10:
        chain.append(cause)
    return chain


def _problem(causes: list[BaseException], path: Path, label: str) -> str:
    """The first line of the outermost error, and the innermost one; the server path never."""
    texts = [str(causes[0]).splitlines()[0] if str(causes[0]) else type(causes[0]).__name__]
    if len(causes) > 1:
        texts.append(f"({type(causes[-1]).__name__}: {causes[-1]})")
    return " ".join(texts).replace(str(path), label)


def _sheet_name(book: Workbook, label: str, sheet: str | None) -> str:
    names = [str(name) for name in book.sheetnames]
    if not names:
        raise DataError(label, "unreadable Excel workbook: it has no sheets")
    if sheet is not None and sheet not in names:
        raise DataError(label, f"no sheet {sheet!r}; sheets: {', '.join(names)}")
    return sheet if sheet is not None else names[0]


def _worksheet(book: Workbook, name: str, label: str) -> ReadOnlyWorksheet:
    sheet = book[name]
    if not isinstance(sheet, ReadOnlyWorksheet):
        raise DataError(label, f"sheet {name!r} is a chart, not a table")
    sheet.reset_dimensions()  # the declared dimension can claim A1:XFD1048576; rows tell
    return sheet


@dataclass
class _Cells:
    """Cells of one kind: how many, and the first few by reference (B2)."""

    count: int = 0
    first: list[str] = field(default_factory=list)

    def add(self, column: int, row: int) -> None:
        self.count += 1
        if len(self.first) < _SHOWN_CELLS:
            self.first.append(f"{get_column_letter(column)}{row}")

    def shown(self) -> str:
        listed = ", ".join(self.first)
        return f"{listed}, …" if self.count > len(self.first) else listed


@dataclass
class _SheetRows:
    """A sheet's rows as pandas converts them, counted against the limits as they arrive."""

    label: str
    limits: UploadLimits
    rows: list[list[Any]] = field(default_factory=list)
    width: int = 0
    blank_run: int = 0  # blank rows since the last row with a value (kept only if one follows)
    cells_read: int = 0  # cells openpyxl delivered, formatted empty ones included
    # Formula cells with a saved value, and without (Excel never computed them): how many,
    # and the first few by reference.
    computed: _Cells = field(default_factory=_Cells)
    uncomputed: _Cells = field(default_factory=_Cells)

    def stream(self, formulas: Iterable[tuple], values: Iterable[tuple]) -> None:
        """Take the rows of the formula reading and the value reading of a sheet, in step
        (no formula rows: the workbook holds no formulas)."""
        pairs = zip_longest(formulas, values, fillvalue=())
        for number, (formula_row, value_row) in enumerate(pairs, start=1):
            if number > EXCEL_MAX_ROWS:
                raise DataError(
                    self.label, f"has rows beyond Excel's last row ({EXCEL_MAX_ROWS:,})"
                )
            row = self._convert(number, formula_row, value_row)
            if row:
                self._add(row)
            else:
                self.blank_run += 1
            self._check_cells_read(max(len(formula_row), len(value_row)))

    def _convert(self, number: int, formula_row: tuple, value_row: tuple) -> list[Any]:
        """The row's values (trailing empty cells trimmed); formula cells noted by reference."""
        row = []
        for column, (formula, value) in enumerate(zip_longest(formula_row, value_row), start=1):
            if getattr(formula, "data_type", None) == TYPE_FORMULA:
                found = getattr(value, "value", None) is not None
                (self.computed if found else self.uncomputed).add(column, number)
            row.append(_pandas_value(value))
        while row and isinstance(row[-1], str) and row[-1] == "":
            row.pop()
        return row

    def _add(self, row: list[Any]) -> None:
        """Keep a row with values (and the blank rows before it), refusing past the limits."""
        data_rows = len(self.rows) + self.blank_run  # the first row is the header
        if data_rows > self.limits.max_features:
            raise DataError(
                self.label, f"holds more than the {self.limits.max_features:,} rows allowed"
            )
        if len(row) > self.limits.max_fields:
            raise DataError(
                self.label,
                f"holds {len(row):,} columns, more than the {self.limits.max_fields:,} allowed",
            )
        self.width = max(self.width, len(row))
        self._check_cells(data_rows * self.width)
        self.rows.extend([] for _ in range(self.blank_run))
        self.blank_run = 0
        self.rows.append(row)

    def _check_cells_read(self, cells: int) -> None:
        """Refuse a sheet whose rows make openpyxl deliver too many cells, empty or not (a
        header row's worth allowed on top, as the table's cells do not count the header)."""
        self.cells_read += cells
        if self.cells_read > self.limits.max_cells + self.limits.max_fields:
            raise DataError(
                self.label,
                f"holds more than the {self.limits.max_cells:,} cells allowed "
                "(empty formatted cells included)",
            )

    def _check_cells(self, cells: int) -> None:
        if cells > self.limits.max_cells:
            raise DataError(
                self.label,
                f"holds more than the {self.limits.max_cells:,} cells (rows × columns) allowed",
            )

    def table(self, label: str) -> pd.DataFrame:
        """The rows as pandas.read_excel builds them: first row the header ("Unnamed: N" for
        a blank name, "a.1" for a repeated one), empty cells missing, types inferred."""
        if not self.rows:
            return pd.DataFrame()
        for row in self.rows:
            row.extend([""] * (self.width - len(row)))
        try:
            return TextParser(self.rows, header=0, skip_blank_lines=False).read()
        except EmptyDataError:
            return pd.DataFrame()
        except (ValueError, TypeError) as error:
            raise DataError(label, f"unreadable Excel sheet: {error}") from error

    def notices(self) -> tuple[ReadNotice, ...]:
        found = []
        if self.computed.count:
            count = self.computed.count
            found.append(
                ReadNotice(
                    "excel_formulas",
                    count,
                    f"{_holding(count)}; the values Excel last computed were used "
                    f"({self.computed.shown()})",
                )
            )
        if self.uncomputed.count:
            count = self.uncomputed.count
            found.append(
                ReadNotice(
                    "excel_formulas_uncomputed",
                    count,
                    f"{_holding(count)} Excel never computed (no value was saved); "
                    f"left empty ({self.uncomputed.shown()})",
                )
            )
        return tuple(found)


def _pandas_value(cell: Any) -> Any:
    """A cell's value as pandas' openpyxl reader gives it: "" for empty, NaN for an error,
    an int for a whole number."""
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    data_type = getattr(cell, "data_type", None)
    if data_type == TYPE_ERROR:
        return np.nan
    if data_type == TYPE_NUMERIC and isinstance(value, int | float) and math.isfinite(value):
        whole = int(value)
        return whole if whole == value else float(value)
    return value


def _holding(count: int) -> str:
    return "1 cell holds a formula" if count == 1 else f"{count:,} cells hold formulas"
