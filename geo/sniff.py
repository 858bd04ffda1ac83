"""An uploaded file's content checked against what its name promises, before any reader opens it.

GDAL chooses a driver by content, not by name: an OGR VRT document named `x.geojson` would be
opened as VRT and read any file of the server.  Each suffix therefore admits only content of
its own kind (JSON for GeoJSON, a GeoPackage database, a `<kml>` or `<gpx>` document, an
Excel workbook, text for CSV), XML with a DOCTYPE or entities is refused (entity expansion,
external entities), and GeoPackage layers must be plain tables of a bounded size (a view can
run forever).  The reader is also told which GDAL drivers may open the file.
"""

from __future__ import annotations

import re
import sqlite3
import time
import zipfile
from pathlib import Path

from geo.archive import check_archive
from geo.errors import DataError
from geo.geojson_checks import check_geojson
from geo.limits import UploadLimits

__all__ = ["ALLOWED_DRIVERS", "UPLOAD_GDAL_DRIVERS", "check_content", "check_untrusted"]

# The GDAL drivers each kind of upload may be opened with, and nothing else.
ALLOWED_DRIVERS = {
    ".shp": ("ESRI Shapefile",),
    ".zip": ("ESRI Shapefile",),
    ".geojson": ("GeoJSON",),
    ".json": ("GeoJSON",),
    ".gpkg": ("GPKG",),
    ".kml": ("LIBKML", "KML"),
    ".kmz": ("LIBKML", "KML"),
    ".gpx": ("GPX",),
}
UPLOAD_GDAL_DRIVERS = tuple(sorted({d for drivers in ALLOWED_DRIVERS.values() for d in drivers}))

_HEAD_BYTES = 64 * 1024
_SQLITE_MAGIC = b"SQLite format 3\x00"
# GeoPackage application ids: 'GPKG' (1.2+) and 'GP10'/'GP11' (1.0/1.1).
_GPKG_APPLICATION_IDS = {0x47504B47, 0x47503130, 0x47503131}
_GPKG_SECONDS = 10.0
_XML_DANGER = re.compile(rb"<!DOCTYPE|<!ENTITY|<xi:include|<!\[CDATA\[\s*<!ENTITY", re.IGNORECASE)
_XML_ROOT = re.compile(rb"<\s*(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")


def check_untrusted(path: Path, label: str, limits: UploadLimits) -> None:
    """Everything checked of an outside file before a reader opens it: its content matches its
    suffix (below) and a GeoJSON names no URL or file, and holds only finite numbers."""
    suffix = path.suffix.lower()
    if suffix in (".kmz", ".xlsx"):  # zips their readers unpack: the directory is judged first
        check_archive(path, limits, label, nested_ok=suffix == ".xlsx")
    check_content(path, suffix, label, limits)
    if suffix in (".geojson", ".json"):
        check_geojson(path, label, limits)


def check_content(path: Path, suffix: str, label: str, limits: UploadLimits) -> None:
    """DataError unless the file's bytes are of the kind its suffix promises."""
    head = _head(path)
    if suffix in (".geojson", ".json"):
        _check_json(head, label)
    elif suffix == ".gpkg":
        _check_geopackage(path, head, label, limits)
    elif suffix in (".kml", ".gpx"):
        _check_xml(head, suffix[1:], label)
    elif suffix == ".kmz":
        _check_kmz(path, label)
    elif suffix == ".csv":
        _check_text(head, label)
    elif suffix == ".xlsx":
        _check_workbook(path, label)


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(_HEAD_BYTES)


def _mismatch(label: str, promised: str, found: str) -> DataError:
    return DataError(label, f"content does not match its name: named {promised}, but {found}")


def _what_it_is(head: bytes) -> str:
    """A short description of what the bytes look like, for a mismatch message."""
    if head.startswith(_SQLITE_MAGIC):
        return "it is an SQLite database"
    if head.startswith(b"PK\x03\x04"):
        return "it is a zip archive"
    if b"<OGRVRTDataSource" in head or b"<VRTDataset" in head:
        return "it is a GDAL virtual-file document, which is refused"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        return "it is an XML document"
    if stripped.startswith((b"{", b"[")):
        return "it is JSON"
    return "it is binary data" if b"\x00" in head else "it is something else"


def _check_json(head: bytes, label: str) -> None:
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped.startswith(b"{"):
        raise _mismatch(label, "GeoJSON", _what_it_is(head))


def _check_text(head: bytes, label: str) -> None:
    if b"\x00" in head or head.startswith((b"PK\x03\x04", _SQLITE_MAGIC)):
        raise _mismatch(label, "CSV", _what_it_is(head))


def _check_xml(head: bytes, root: str, label: str) -> None:
    name = {"kml": "KML", "gpx": "GPX"}[root]
    if _XML_DANGER.search(head):
        raise DataError(
            label, f"the {name} document declares a DOCTYPE or entities, which are refused"
        )
    stripped = _skip_prolog(head.lstrip(b"\xef\xbb\xbf \t\r\n"))
    match = _XML_ROOT.match(stripped)
    if match is None or match.group(1).decode("ascii", "replace").lower() != root:
        raise _mismatch(label, name, _what_it_is(head))


def _skip_prolog(text: bytes) -> bytes:
    """The XML text after its declaration, comments and processing instructions."""
    while True:
        text = text.lstrip()
        if text.startswith(b"<?"):
            end = text.find(b"?>")
        elif text.startswith(b"<!--"):
            end = text.find(b"-->")
        else:
            return text
        if end < 0:
            return b""
        text = text[end + 2 :].lstrip(b">")


def _check_kmz(path: Path, label: str) -> None:
    """A KMZ is a zip (its directory is checked by geo.archive) whose .kml is a KML document."""
    try:
        with zipfile.ZipFile(path) as archive:
            documents = [n for n in archive.namelist() if n.lower().endswith(".kml")]
            if not documents:
                raise DataError(label, "the KMZ holds no .kml document")
            for name in documents:
                with archive.open(name) as member:
                    _check_xml(member.read(_HEAD_BYTES), "kml", label)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise DataError(label, f"not a readable KMZ (zip) archive: {error}") from error


def _check_workbook(path: Path, label: str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _mismatch(label, "an Excel workbook (.xlsx)", _what_it_is(_head(path))) from None
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _mismatch(label, "an Excel workbook (.xlsx)", "the zip holds no workbook")


# --- GeoPackage -------------------------------------------------------------------------------


def _check_geopackage(path: Path, head: bytes, label: str, limits: UploadLimits) -> None:
    """A GeoPackage whose feature layers are plain tables within the feature and field limits."""
    if not head.startswith(_SQLITE_MAGIC):
        raise _mismatch(label, "GeoPackage", _what_it_is(head))
    if len(head) < 100 or int.from_bytes(head[68:72], "big") not in _GPKG_APPLICATION_IDS:
        raise _mismatch(label, "GeoPackage", "it is an SQLite database that is not a GeoPackage")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as error:
        raise DataError(label, f"unreadable GeoPackage: {error}") from None
    deadline = time.monotonic() + _GPKG_SECONDS
    connection.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    try:
        _check_geopackage_layers(connection, label, limits)
    except sqlite3.OperationalError as error:
        if "interrupted" in str(error):
            raise DataError(label, "the GeoPackage takes too long to inspect") from None
        raise DataError(label, f"unreadable GeoPackage: {error}") from None
    except sqlite3.DatabaseError as error:
        raise DataError(label, f"unreadable GeoPackage: {error}") from None
    finally:
        connection.close()


def _check_geopackage_layers(connection: sqlite3.Connection, label: str, limits) -> None:
    kinds = dict(connection.execute("SELECT name, type FROM sqlite_master"))
    if "gpkg_contents" not in kinds:
        raise DataError(label, "not a GeoPackage: it has no gpkg_contents table")
    layers = [
        str(name)
        for (name,) in connection.execute(
            "SELECT table_name FROM gpkg_contents WHERE data_type IN ('features', 'attributes')"
        )
    ]
    for layer in layers:
        shown = layer[:60]
        if kinds.get(layer) != "table":
            raise DataError(
                label,
                f"layer '{shown}' is {'an SQL view' if kinds.get(layer) == 'view' else 'missing'}; "
                "only plain tables are read (export the view as a table)",
            )
        quoted = '"' + layer.replace('"', '""') + '"'
        columns = len(connection.execute(f"PRAGMA table_info({quoted})").fetchall())
        if columns > limits.max_fields:
            raise DataError(
                label,
                f"layer '{shown}' has {columns:,} fields, more than the {limits.max_fields:,} allowed",
            )
        rows = connection.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0]
        if rows > limits.max_features:
            raise DataError(
                label,
                f"layer '{shown}' has {rows:,} features, more than the "
                f"{limits.max_features:,} allowed",
            )
