"""Export what a page shows as GeoJSON, GeoPackage, zipped shapefile, CSV or XLSX bytes."""

from __future__ import annotations

import codecs
import datetime
import io
import json
import math
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
import shapely.geometry
from openpyxl.utils import get_column_letter

from geo.crs import DISPLAY_CRS, to_display
from geo.errors import DataError
from geo.shapefile_write import write_shapefile

__all__ = [
    "FEATURE_FORMATS",
    "TABLE_FORMATS",
    "ExportFormat",
    "export_features",
    "export_filename",
    "export_table",
    "neutralise_formula",
    "shapefile_problem",
]


@dataclass(frozen=True)
class ExportFormat:
    """A download format: its key, labels for the page, file extension and MIME type."""

    key: str
    label_zh: str
    label_en: str
    extension: str
    mime: str


FEATURE_FORMATS: dict[str, ExportFormat] = {
    "geojson": ExportFormat("geojson", "GeoJSON", "GeoJSON", ".geojson", "application/geo+json"),
    "gpkg": ExportFormat(
        "gpkg", "GeoPackage", "GeoPackage", ".gpkg", "application/geopackage+sqlite3"
    ),
    "shp": ExportFormat(
        "shp", "Shapefile（zip 压缩包）", "Shapefile (zip)", ".zip", "application/zip"
    ),
    "csv": ExportFormat("csv", "CSV 表格（含坐标）", "CSV (with coordinates)", ".csv", "text/csv"),
}
TABLE_FORMATS: dict[str, ExportFormat] = {
    "csv": ExportFormat("csv", "CSV 表格", "CSV", ".csv", "text/csv"),
    "xlsx": ExportFormat(
        "xlsx",
        "Excel 工作簿",
        "Excel workbook",
        ".xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}

# Characters Windows, macOS or Linux refuse in file names, and control characters.
_UNSAFE_FILENAME = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f]')
_FALLBACK_NAME = "export"
# RFC 7946 (section 11.2): 7 decimals of a degree is about 1 cm.  GDAL is not used for
# GeoJSON because it drops a last digit 1 as float noise (120.6000001 -> 120.6).
_GEOJSON_DECIMALS = 7
# The parts of a shapefile set put in the zip, in this order.
_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
_SHAPEFILE_ENCODING = "UTF-8"
# DBF limits, in bytes of the encoded text: GDAL silently cuts longer names and values.
_DBF_NAME_BYTES = 10
_DBF_TEXT_BYTES = 254
# A fixed timestamp for zip members, so equal input gives identical archives.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_ZIP_FILE_MODE = 0o644 << 16
# Columns the CSV export adds after the attributes.
_CSV_COORDINATES = ("lon", "lat", "wkt")
_CSV_DECIMALS = 6
_CSV_LINE_END = "\r\n"  # RFC 4180
# CSV injection (OWASP): text starting with one of these is run as a formula by spreadsheets
# (full-width forms too: Excel and WPS take them for the ASCII ones when typed).  Such text
# gets a leading apostrophe in CSV and XLSX, except a plain number such as "-12.5" or "+86",
# which a spreadsheet reads as that number, never as a formula.
_FORMULA_START = frozenset("=+-@\t\r＝＋－＠")
_FORMULA_ESCAPE = "'"
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# GeoPackage layers and shapefile names: letters (Chinese kept), digits, "_" and "-" inside;
# GDAL refuses a GeoPackage layer starting with punctuation, "gpkg" is reserved and "sqlite_"
# belongs to SQLite; a long name would pass the file-name limit (255 bytes) in a shapefile.
_NOT_LAYER_NAME = re.compile(r"[^\w-]+")
_RESERVED_LAYER_PREFIXES = ("gpkg", "sqlite")
_LAYER_NAME_CHARS = 64
_FALLBACK_LAYER = "layer"
# Excel sheet names: at most 31 characters, none of these.
_UNSAFE_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
_SHEET_NAME_CHARS = 31
# Column widths in Excel's units (about one Latin character); CJK characters count double.
_MIN_COLUMN_WIDTH = 6
_MAX_COLUMN_WIDTH = 60
_COLUMN_PADDING = 2


def export_features(
    gdf: gpd.GeoDataFrame, fmt: str, *, layer_name: str, crs: str = DISPLAY_CRS
) -> bytes:
    """The features of ``gdf`` (every column it has) in ``crs`` as a file in format ``fmt``.

    GeoJSON and CSV are always EPSG:4326 (GeoJSON by its specification); GeoPackage and
    Shapefile may be written in another CRS, such as CGCS2000 Gauss-Krüger (EPSG:4549).
    """
    export_format = _format(FEATURE_FORMATS, fmt)
    label = export_filename(layer_name, fmt)
    if gdf.crs is None:
        raise DataError(label, f"the features have no CRS, so they cannot be written in {crs}")
    if crs != DISPLAY_CRS and export_format.key in ("geojson", "csv"):
        raise DataError(label, f"{export_format.label_en} is written in {DISPLAY_CRS} only")
    frame = to_display(gdf) if crs == DISPLAY_CRS else gdf.to_crs(crs)
    if export_format.key == "geojson":
        return _geojson(frame, layer_name, label)
    if export_format.key == "gpkg":
        return _geopackage(frame, layer_name, label)
    if export_format.key == "shp":
        return _zipped_shapefile(frame, layer_name, label)
    return _features_csv(frame, label)


def export_table(df: pd.DataFrame, fmt: str, *, sheet_name: str = "统计") -> bytes:
    """The table ``df`` (without its index) as CSV (UTF-8 with BOM) or XLSX bytes."""
    export_format = _format(TABLE_FORMATS, fmt)
    if export_format.key == "csv":
        return _csv_bytes(df)
    return _xlsx(df, _sheet_name(sheet_name))


def neutralise_formula(value: object) -> object:
    """``value`` made safe from CSV injection: text a spreadsheet would run as a formula (it
    starts with = + - @, a tab or a carriage return, or a full-width ＝ ＋ － ＠) gets a leading
    apostrophe; plain numbers written as text ("-12.5", "+86") and anything not text are kept.
    """
    if (
        isinstance(value, str)
        and value[:1] in _FORMULA_START
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return _FORMULA_ESCAPE + value
    return value


def export_filename(base: str, fmt: str, *, table: bool = False) -> str:
    """``base`` made safe as a file name (Chinese kept) plus the extension of format ``fmt``."""
    export_format = _format(TABLE_FORMATS if table else FEATURE_FORMATS, fmt)
    return _safe_name(base) + export_format.extension


# --- helpers ------------------------------------------------------------------------------------


def _format(formats: dict[str, ExportFormat], fmt: str) -> ExportFormat:
    """The format named ``fmt``, or ValueError listing the known keys."""
    try:
        return formats[fmt]
    except (KeyError, TypeError):
        known = ", ".join(repr(key) for key in formats)
        raise ValueError(f"unknown export format {fmt!r}; known formats: {known}") from None


def _safe_name(base: str) -> str:
    """``base`` with characters unsafe in file names replaced by "_"."""
    name = _UNSAFE_FILENAME.sub("_", str(base)).strip()
    return name or _FALLBACK_NAME


def _layer_name(name: str) -> str:
    """``name`` as a GeoPackage layer or shapefile name every tool opens: Chinese kept, other
    characters than letters, digits, "_" and "-" replaced by "_", none at either end."""
    cleaned = _NOT_LAYER_NAME.sub("_", unicodedata.normalize("NFC", str(name))).strip("_-")
    cleaned = cleaned[:_LAYER_NAME_CHARS].rstrip("_-")
    if not cleaned:
        return _FALLBACK_LAYER
    if cleaned.lower().startswith(_RESERVED_LAYER_PREFIXES):
        return f"{_FALLBACK_LAYER}_{cleaned}"
    return cleaned


def _write_error(label: str, error: Exception) -> DataError:
    return DataError(label, f"cannot be written: {error}")


def _geojson(frame: gpd.GeoDataFrame, layer_name: str, label: str) -> bytes:
    """An RFC 7946 FeatureCollection, one feature a line, Chinese as UTF-8 characters."""
    geometries = shapely.transform(
        shapely.orient_polygons(frame.geometry.array),
        lambda coordinates: np.round(coordinates, _GEOJSON_DECIMALS),
        include_z=None,
    )
    columns = [c for c in frame.columns if c != frame.geometry.name]
    names = [str(c) for c in columns]
    cells = [[_json_value(v) for v in frame[c].tolist()] for c in columns]
    lines = []
    try:
        for row, geometry in enumerate(geometries):
            feature = {
                "type": "Feature",
                "properties": {
                    name: column[row] for name, column in zip(names, cells, strict=True)
                },
                "geometry": None if geometry is None else shapely.geometry.mapping(geometry),
            }
            lines.append(_json(feature))
    except ValueError as error:  # NaN or infinite coordinates
        raise _write_error(label, error) from error
    header = '{"type":"FeatureCollection","name":' + _json(layer_name) + ',"features":['
    body = "".join(f"\n{line}," for line in lines).removesuffix(",")
    return (header + body + "\n]}\n").encode("utf-8")


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _json_value(value: object) -> object:
    """A cell as JSON: missing and non-finite numbers as null, dates as ISO 8601 text."""
    if _is_missing(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def _geopackage(frame: gpd.GeoDataFrame, layer_name: str, label: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="atlas-export-") as folder:
        path = Path(folder) / "export.gpkg"
        try:
            pyogrio.write_dataframe(frame, path, driver="GPKG", layer=_layer_name(layer_name))
        except (RuntimeError, OSError) as error:
            raise _write_error(label, error) from error
        return path.read_bytes()


def _zipped_shapefile(frame: gpd.GeoDataFrame, layer_name: str, label: str) -> bytes:
    _check_dbf_limits(frame, label)
    stem = _layer_name(layer_name)
    with tempfile.TemporaryDirectory(prefix="atlas-export-") as folder:
        shp = write_shapefile(frame, Path(folder) / f"{stem}.shp", encoding=_SHAPEFILE_ENCODING)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for suffix in _SHAPEFILE_PARTS:
                part = shp.with_suffix(suffix)
                if not part.exists():
                    raise DataError(label, f"the shapefile writer left no {suffix} file")
                member = zipfile.ZipInfo(part.name, date_time=_ZIP_DATE)
                member.compress_type = zipfile.ZIP_DEFLATED
                member.external_attr = _ZIP_FILE_MODE
                archive.writestr(member, part.read_bytes())
    return buffer.getvalue()


def shapefile_problem(gdf: gpd.GeoDataFrame) -> str | None:
    """Why the features cannot be written as a shapefile without loss, or None if they can."""
    try:
        _check_dbf_limits(gdf, "shapefile")
    except DataError as error:
        return error.problem
    return None


def _check_dbf_limits(frame: gpd.GeoDataFrame, label: str) -> None:
    """Raise DataError for column names or text a DBF would truncate (GDAL only warns)."""
    columns = [c for c in frame.columns if c != frame.geometry.name]
    long_names = [c for c in columns if len(str(c).encode(_SHAPEFILE_ENCODING)) > _DBF_NAME_BYTES]
    if long_names:
        names = ", ".join(repr(str(c)) for c in long_names)
        raise DataError(
            label,
            f"shapefile column names may be at most {_DBF_NAME_BYTES} bytes "
            "(10 Latin letters or 3 Chinese characters); too long: "
            f"{names}. Rename them, or export as GeoPackage or GeoJSON",
        )
    for column in columns:
        values = frame[column]
        if not (pd.api.types.is_string_dtype(values) or values.dtype == object):
            continue
        for index, value in values.items():
            if isinstance(value, str) and len(value.encode(_SHAPEFILE_ENCODING)) > _DBF_TEXT_BYTES:
                raise DataError(
                    label,
                    f"row {index}, column {column!r}: text of {len(value)} characters is longer "
                    f"than a shapefile holds ({_DBF_TEXT_BYTES} bytes, about 84 Chinese "
                    "characters). Export as GeoPackage or GeoJSON",
                )


def _features_csv(frame: gpd.GeoDataFrame, label: str) -> bytes:
    geometry_name = frame.geometry.name
    clashes = [c for c in _CSV_COORDINATES if c in frame.columns and c != geometry_name]
    if clashes:
        raise DataError(
            label,
            f"columns {', '.join(map(repr, clashes))} clash with the coordinate columns the CSV "
            "adds; rename them",
        )
    geometries = frame.geometry.array
    points = shapely.point_on_surface(geometries)
    table = pd.DataFrame(frame.drop(columns=geometry_name))
    table["lon"] = np.round(shapely.get_x(points), _CSV_DECIMALS)
    table["lat"] = np.round(shapely.get_y(points), _CSV_DECIMALS)
    table["wkt"] = shapely.to_wkt(geometries, rounding_precision=-1)
    return _csv_bytes(table)


def _spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells and column names went through `neutralise_formula`;
    columns that cannot hold text (numbers, booleans, dates) are left as they are.  Every CSV
    and XLSX the atlas writes goes through it.
    """
    safe = df.copy()
    for position in range(df.shape[1]):
        values = df.iloc[:, position]
        if (
            values.dtype == object
            or pd.api.types.is_string_dtype(values.dtype)
            or isinstance(values.dtype, pd.CategoricalDtype)
        ):
            safe.isetitem(position, values.astype(object).map(neutralise_formula))
    safe.columns = [neutralise_formula(column) for column in df.columns]
    return safe


def _csv_bytes(df: pd.DataFrame) -> bytes:
    """``df`` without its index as CSV in UTF-8 with a BOM, so Excel reads Chinese correctly."""
    text = _spreadsheet_safe(df).to_csv(index=False, lineterminator=_CSV_LINE_END)
    return codecs.BOM_UTF8 + text.encode("utf-8")


def _sheet_name(name: str) -> str:
    """``name`` made valid as an Excel sheet name."""
    cleaned = _UNSAFE_SHEET_NAME.sub("_", str(name)).strip("'")[:_SHEET_NAME_CHARS]
    return cleaned or "Sheet1"


def _xlsx(df: pd.DataFrame, sheet_name: str) -> bytes:
    # openpyxl writes text starting with "=" as a formula; after _spreadsheet_safe none does.
    df = _spreadsheet_safe(df)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        df.to_excel(writer, sheet_name=sheet_name, index=False)
        sheet = writer.sheets[sheet_name]
        for position, column in enumerate(df.columns, start=1):
            texts = [str(column), *(str(v) for v in df[column] if not _is_missing(v))]
            width = max(_display_width(text) for text in texts) + _COLUMN_PADDING
            letter = get_column_letter(position)
            sheet.column_dimensions[letter].width = min(
                max(width, _MIN_COLUMN_WIDTH), _MAX_COLUMN_WIDTH
            )
        sheet.freeze_panes = "A2"
    return buffer.getvalue()


def _is_missing(value: object) -> bool:
    missing = pd.isna(value)
    return bool(missing) if np.ndim(missing) == 0 else False


def _display_width(text: str) -> int:
    """How many Latin-character widths ``text`` takes: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
