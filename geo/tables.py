"""Tables with coordinate columns (CSV, Excel sheets) read as points.

CSV text is UTF-8 (a BOM is stripped) or GB18030; coordinate columns are found by their usual
Chinese and English names.
"""

from __future__ import annotations

import codecs
import io
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.errors import DataError
from geo.limits import UploadLimits
from geo.loaded import Loaded

__all__ = ["read_csv_points", "read_excel_points"]

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


def read_csv_points(path: Path, label: str, encoding: str | None, limits: UploadLimits) -> Loaded:
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
    try:
        table = pd.read_csv(io.StringIO(text))
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise DataError(label, f"unreadable CSV: {error}") from error

    frame = _table_points(table, label)
    return Loaded(frame=frame, driver="CSV", encoding=chosen, encoding_reason=reason, layer=None)


def read_excel_points(path: Path, label: str, sheet: str | None, limits: UploadLimits) -> Loaded:
    """The first sheet (or `sheet`) of an .xlsx workbook, with coordinate columns, as points."""
    try:
        sheets = pd.ExcelFile(path, engine="openpyxl")
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise DataError(label, f"unreadable Excel workbook: {error}") from error
    with sheets:
        names = [str(name) for name in sheets.sheet_names]
        if sheet is not None and sheet not in names:
            raise DataError(label, f"no sheet {sheet!r}; sheets: {', '.join(names)}")
        chosen = sheet if sheet is not None else names[0]
        table = pd.read_excel(sheets, sheet_name=chosen)
    frame = _table_points(table, label)
    reason = "Excel workbooks store text as Unicode"
    return Loaded(
        frame=frame, driver="XLSX", encoding="UTF-8", encoding_reason=reason, layer=chosen
    )


def _table_points(table: pd.DataFrame, label: str) -> gpd.GeoDataFrame:
    """A table with coordinate columns as points; rows missing a coordinate have no geometry."""
    x_column, y_column = _coordinate_columns(table, label)
    x = _numeric_column(table, x_column, label)
    y = _numeric_column(table, y_column, label)
    present = x.notna() & y.notna()
    points = np.full(len(table), None, dtype=object)
    points[present.to_numpy()] = shapely.points(x[present].to_numpy(), y[present].to_numpy())
    return gpd.GeoDataFrame(table, geometry=gpd.GeoSeries(points, index=table.index), crs=None)


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
        raise DataError(
            label, f"column {column!r} row {row}: {table[column][row]!r} is not a number"
        )
    return values.astype(float)
