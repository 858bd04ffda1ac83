"""Tables with coordinate columns (CSV, Excel sheets) read as points, within the upload limits.

CSV text is UTF-8 (a BOM is stripped) or GB18030; its first two lines are read here, bounded,
before pandas sees the file, so that a header of a million columns is refused rather than
parsed, and pandas then reads no more rows than the limits allow.  Excel sheets are streamed
by `geo.excel`.  Coordinate columns are found by their usual Chinese and English names; a
column named `geometry` is renamed (and said so) rather than replaced by the points.
"""

from __future__ import annotations

import codecs
import csv
import io
import warnings
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.errors import DataError, ReadNotice, shorten
from geo.excel import excel_sheet_names, read_excel_sheet
from geo.limits import UploadLimits
from geo.loaded import GEOMETRY_COLUMN, Loaded, renamed_geometry_field

__all__ = ["excel_sheet_names", "read_csv_points", "read_excel_points"]

# Coordinate column pairs a CSV may use, in order of preference, compared case-insensitively.
_COORDINATE_COLUMNS = (
    ("lon", "lat"),
    ("lng", "lat"),
    ("longitude", "latitude"),
    ("经度", "纬度"),
    ("x", "y"),
)
# CSV text: UTF-8 (a BOM is stripped) first, because GB18030 "decodes" almost any bytes.
_CSV_ENCODINGS = (("utf-8-sig", "UTF-8"), ("gb18030", "GB18030"))
# The header line and the first data line are read before pandas, each at most this long.
MAX_LINE_CHARS = 1024 * 1024
_SHOWN_VALUE_CHARS = 80  # of a name or value quoted in a refusal


def read_csv_points(path: Path, label: str, encoding: str | None, limits: UploadLimits) -> Loaded:
    """A CSV with coordinate columns as points, its first two lines checked before pandas
    parses it and no more rows parsed than the limits allow."""
    raw = path.read_bytes()
    if encoding is not None:
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as error:
            raise DataError(label, f"cannot decode as {encoding}: {error}") from error
        chosen, reason = encoding, "given by the caller (encoding=)"
    else:
        text, chosen, reason = _decode_csv(raw, label)
    text = text.removeprefix("\ufeff")
    columns = _check_csv_shape(text, label, limits)
    table = _read_csv_rows(text, label, columns, limits)
    frame, notices = _table_points(table, label)
    return Loaded(
        frame=frame,
        driver="CSV",
        encoding=chosen,
        encoding_reason=reason,
        layer=None,
        notices=notices,
    )


def read_excel_points(path: Path, label: str, sheet: str | None, limits: UploadLimits) -> Loaded:
    """The first sheet (or `sheet`) of an .xlsx workbook, with coordinate columns, as points."""
    table, chosen, formula_notices = read_excel_sheet(path, label, sheet, limits)
    frame, notices = _table_points(table, label)
    reason = "Excel workbooks store text as Unicode"
    return Loaded(
        frame=frame,
        driver="XLSX",
        encoding="UTF-8",
        encoding_reason=reason,
        layer=chosen,
        notices=formula_notices + notices,
    )


def _check_csv_shape(text: str, label: str, limits: UploadLimits) -> int:
    """The number of columns the header names, after refusing a header line too long or too
    wide and a first data line with values beyond the header's columns."""
    lines = _BoundedLines(text)
    records = csv.reader(lines)
    header = _next_record(records, lines, label, "the first line (column names)")
    if header is None:
        return 0  # no header at all: pandas says the file is empty
    if len(header) > limits.max_fields:
        raise DataError(
            label,
            f"holds {len(header):,} columns, more than the {limits.max_fields:,} allowed",
        )
    first = _next_record(records, lines, label, "the first line of data")
    if first is not None and any(value.strip() for value in first[len(header) :]):
        raise DataError(
            label,
            f"the first line of data has {len(first):,} values but the first line names "
            f"only {len(header):,} columns",
        )
    return len(header)


class _BoundedLines:
    """The lines of a text's first part for csv.reader, stopping it (_LineTooLong) as soon as
    a record grows longer than MAX_LINE_CHARS or reaches the end of the part looked at."""

    def __init__(self, text: str) -> None:
        self._head = text[: 2 * MAX_LINE_CHARS + 2]
        self.whole = len(self._head) == len(text)
        self._lines = io.StringIO(self._head, newline="")
        self.record_chars = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = self._lines.readline()
        if not line:
            raise StopIteration
        self.record_chars += len(line)
        cut = not self.whole and not line.endswith(("\n", "\r"))
        if cut or self.record_chars > MAX_LINE_CHARS:
            raise _LineTooLong
        return line


class _LineTooLong(Exception):
    """A record longer than MAX_LINE_CHARS, found before csv parses it."""


def _next_record(
    records: Iterator[list[str]], lines: _BoundedLines, label: str, what: str
) -> list[str] | None:
    """The next non-blank record, or None at the end of the text; DataError if it is longer
    than MAX_LINE_CHARS (or runs past the part of the text looked at)."""
    while True:
        lines.record_chars = 0
        try:
            record = next(records, None)
        except _LineTooLong:
            raise DataError(label, f"{what} is longer than {MAX_LINE_CHARS:,} characters") from None
        except csv.Error as error:
            raise DataError(label, f"{what} cannot be read: {error}") from error
        if record is None or not _blank(record):
            return record


def _blank(record: list[str]) -> bool:
    """Whether a CSV record is a blank line, which pandas skips (spaces and tabs alone too)."""
    return len(record) <= 1 and not "".join(record).strip(" \t")


def _read_csv_rows(text: str, label: str, columns: int, limits: UploadLimits) -> pd.DataFrame:
    """The CSV's rows, parsed no further than one row past the row and cell limits."""
    row_cap = min(limits.max_features, limits.max_cells // max(columns, 1))
    try:
        with warnings.catch_warnings():
            # index_col=False: values past the header's columns are not made an index; pandas
            # drops them with this warning, so a line holding any is refused instead.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            table = pd.read_csv(io.StringIO(text), nrows=row_cap + 1, index_col=False)
    except pd.errors.ParserWarning as warning:
        raise DataError(
            label, f"a line has more values than the {columns:,} columns the first line names"
        ) from warning
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise DataError(label, f"unreadable CSV: {error}") from error
    if len(table) > limits.max_features:
        raise DataError(label, f"holds more than the {limits.max_features:,} rows allowed")
    if len(table) * max(columns, 1) > limits.max_cells:
        raise DataError(
            label, f"holds more than the {limits.max_cells:,} cells (rows × columns) allowed"
        )
    return table


def _table_points(
    table: pd.DataFrame, label: str
) -> tuple[gpd.GeoDataFrame, tuple[ReadNotice, ...]]:
    """A table with coordinate columns as points; rows missing a coordinate have no geometry.
    A column named "geometry" is renamed first, with a notice saying so."""
    table, notices = _rename_geometry_column(table)
    x_column, y_column = _coordinate_columns(table, label)
    x = _numeric_column(table, x_column, label)
    y = _numeric_column(table, y_column, label)
    present = x.notna() & y.notna()
    points = np.full(len(table), None, dtype=object)
    points[present.to_numpy()] = shapely.points(x[present].to_numpy(), y[present].to_numpy())
    geometry = gpd.GeoSeries(points, index=table.index)
    return gpd.GeoDataFrame(table, geometry=geometry, crs=None), notices


def _rename_geometry_column(table: pd.DataFrame) -> tuple[pd.DataFrame, tuple[ReadNotice, ...]]:
    """The table with a column named "geometry" renamed "geometry_1" (or the first free
    "geometry_N"), so that the points do not replace it."""
    if GEOMETRY_COLUMN not in table.columns:
        return table, ()
    new, notice = renamed_geometry_field(
        map(str, table.columns), kind="column", clashes_with="the points' geometry"
    )
    return table.rename(columns={GEOMETRY_COLUMN: new}), (notice,)


def _decode_csv(raw: bytes, label: str) -> tuple[str, str, str]:
    """CSV bytes as text, the encoding used and why: UTF-8 (with or without BOM), else GB18030."""
    for codec, name in _CSV_ENCODINGS:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        if name == "UTF-8":
            bom = " with BOM" if raw.startswith(codecs.BOM_UTF8) else ""
            return text, name, f"the file is valid UTF-8{bom}"
        return text, name, "the file is not valid UTF-8 but is valid GB18030"
    raise DataError(label, "text is neither UTF-8 nor GB18030; pass encoding= to say which it is")


def _coordinate_columns(table: pd.DataFrame, label: str) -> tuple[str, str]:
    """The (x, y) column names of a CSV, matched case-insensitively."""
    by_key = {}
    for column in table.columns:
        by_key.setdefault(str(column).strip().lower(), column)
    for x_key, y_key in _COORDINATE_COLUMNS:
        if x_key in by_key and y_key in by_key:
            return by_key[x_key], by_key[y_key]
    wanted = "; ".join(f"{x}/{y}" for x, y in _COORDINATE_COLUMNS)
    found = ", ".join(str(column) for column in table.columns) or "none"
    raise DataError(label, f"no coordinate columns (looked for {wanted}); columns found: {found}")


def _numeric_column(table: pd.DataFrame, column: str, label: str) -> pd.Series:
    values = pd.to_numeric(table[column], errors="coerce")
    bad = values.isna() & table[column].notna()
    if bad.any():
        row = bad.idxmax()
        name = shorten(str(column), _SHOWN_VALUE_CHARS)
        value = shorten(str(table[column][row]), _SHOWN_VALUE_CHARS)
        raise DataError(label, f"column {name!r} row {row}: {value!r} is not a number")
    return values.astype(float)
