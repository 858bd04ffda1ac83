"""The hostile-upload corpus and what its tests share: a listener that counts connections,
the limits the worker reads under, and the check that a refusal names no server path.

Each case is a file made here, of one of the classes an attacker or an accident produces —
driver confusion, network access, resource exhaustion, silent loss, error leakage.
Used by tests/geo/test_hostile_uploads.py and test_upload_worker.py.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Point, Polygon

from geo.limits import MB, UploadLimits

DISTRICT = Polygon([(120.3, 41.4), (120.7, 41.4), (120.7, 41.8), (120.3, 41.8)])
LIMITS = UploadLimits(
    max_file_bytes=20 * MB,
    max_unpacked_bytes=40 * MB,
    max_fields=200,
    max_features=50_000,
    max_cells=1_000_000,
    max_vertices_per_feature=50_000,
    memory_bytes=1536 * MB,
    cpu_seconds=20,
    wall_seconds=40,
)
SECRET = "canary-7f3a-secret"


class Listener:
    """A TCP server on loopback that counts every connection made to it."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/crs.wkt"

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()


@dataclass(frozen=True)
class Case:
    """A hostile file: its name, how to make it, and the problem it must be refused with."""

    name: str
    make: Callable[[Path, str, Path], bytes]  # (folder, listener URL, canary folder) -> bytes
    refused: str | None  # a fragment of the refusal; None: accepted (then `check` applies)
    check: Callable[[gpd.GeoDataFrame, object], None] | None = None


def _feature_collection(features: list, **extra) -> bytes:
    return json.dumps({"type": "FeatureCollection", **extra, "features": features}).encode()


def _point_feature(coordinates, **properties) -> dict:
    geometry = {"type": "Point", "coordinates": coordinates}
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def _vrt(source: str) -> bytes:
    return (
        f'<OGRVRTDataSource><OGRVRTLayer name="p"><SrcDataSource>{source}</SrcDataSource>'
        '<GeometryType>wkbPoint</GeometryType><GeometryField encoding="PointFromColumns" '
        'x="x" y="y"/></OGRVRTLayer></OGRVRTDataSource>'
    ).encode()


def _zip(members: dict[str, bytes]) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _gpkg_with_view(folder: Path) -> bytes:
    """A GeoPackage whose only feature layer is a view over a recursive query that never ends."""
    path = folder / "view.gpkg"
    gpd.GeoDataFrame({"a": [1]}, geometry=[Point(120.5, 41.6)], crs=4326).to_file(
        path, layer="seed"
    )
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE VIEW forever AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
            "FROM n) SELECT i AS fid, (SELECT geom FROM seed) AS geom FROM n"
        )
        db.execute("DELETE FROM gpkg_contents")
        db.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
            "VALUES ('forever', 'features', 'forever', 4326)"
        )
        db.execute("UPDATE gpkg_geometry_columns SET table_name = 'forever'")
    return path.read_bytes()


def _zigzag(vertices: int) -> Polygon:
    """One polygon zigzagging over itself: every tooth crosses the one before."""
    xs = [120.4 + 0.2 * (i / vertices) for i in range(vertices)]
    ys = [41.5 + (0.1 if i % 2 else 0.0) + 0.05 * ((i // 2) % 2) for i in range(vertices)]
    return Polygon(list(zip(xs, ys, strict=True)))


def _prj_shapefile_zip(folder: Path, prj: str) -> bytes:
    parts = folder / "prj-parts"
    parts.mkdir(exist_ok=True)
    gpd.GeoDataFrame({"n": [1]}, geometry=[Point(500_000, 4_600_000)]).to_file(parts / "p.shp")
    (parts / "p.prj").write_text(prj, encoding="ascii")
    return _zip({p.name: p.read_bytes() for p in sorted(parts.iterdir())})


_LOCAL_CS = (
    'LOCAL_CS["site grid",LOCAL_DATUM["site",0],UNIT["metre",1],AXIS["X",EAST],AXIS["Y",NORTH]]'
)
_MARS = (
    'GEOGCS["Mars 2000",DATUM["D_Mars_2000",SPHEROID["Mars_2000_IAU_IAG",3396190,169.89444722]],'
    'PRIMEM["Greenwich",0],UNIT["Degree",0.0174532925199433]]'
)


def _accepts_renamed_geometry_property(frame, report) -> None:
    assert frame["geometry_1"].tolist() == ["x"] and frame["name"].tolist() == ["a"]
    assert [n.code for n in report.notices] == ["column_renamed"]


CASES = [
    # --- driver confusion: content other than the name promises ---------------------------
    Case("vrt.geojson", lambda f, u, c: _vrt(f"CSV:{c / 'secret.csv'}"), "virtual-file"),
    Case("vrt.json", lambda f, u, c: _vrt(str(c / "secret.csv")), "virtual-file"),
    Case("vrt.kml", lambda f, u, c: _vrt(str(c / "secret.csv")), "content does not match"),
    Case("vrt.gpx", lambda f, u, c: _vrt(str(c / "secret.csv")), "content does not match"),
    Case("vrt.gpkg", lambda f, u, c: _vrt(str(c / "secret.csv")), "content does not match"),
    Case(
        "gpx-as.kml", lambda f, u, c: b'<?xml version="1.0"?><gpx version="1.1"></gpx>', "named KML"
    ),
    Case("sqlite.gpkg", lambda f, u, c: _plain_sqlite(f), "not a GeoPackage"),
    Case("zip.geojson", lambda f, u, c: _zip({"a.txt": b"x"}), "content does not match"),
    Case(
        "zipped-vrt.zip",
        lambda f, u, c: _zip({"d.geojson": _vrt(str(c / "secret.csv"))}),
        "virtual-file",
    ),
    Case("xlsx-not.xlsx", lambda f, u, c: _zip({"a.txt": b"x"}), "no workbook"),
    # --- the network and other files: nothing may be fetched or opened ----------------------
    Case(
        "link-crs.geojson",
        lambda f, u, c: _feature_collection(
            [_point_feature([120.5, 41.6])], crs={"type": "link", "properties": {"href": u}}
        ),
        "linked",
    ),
    Case(
        "url-crs.geojson",
        lambda f, u, c: _feature_collection(
            [_point_feature([120.5, 41.6])], crs={"type": "name", "properties": {"name": u}}
        ),
        "is refused",
    ),
    Case(
        "file-crs.geojson",
        lambda f, u, c: _feature_collection(
            [_point_feature([120.5, 41.6])],
            crs={"type": "name", "properties": {"name": str(c / "secret.prj")}},
        ),
        "is refused",
    ),
    Case("vsicurl.geojson", lambda f, u, c: _vrt(f"/vsicurl/{u}"), "virtual-file"),
    Case(
        "entity.gpx",
        lambda f, u, c: (
            f'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY e SYSTEM "{u}">]>'
            '<gpx version="1.1"><wpt lat="41.6" lon="120.5"><name>&e;</name></wpt></gpx>'
        ).encode(),
        "DOCTYPE",
    ),
    Case(
        "laughs.kml",
        lambda f, u, c: (
            b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><kml><Placemark><name>&b;</name>'
            b"<Point><coordinates>120.5,41.6</coordinates></Point></Placemark></kml>"
        ),
        "DOCTYPE",
    ),
    Case(
        "network-link.kml",
        lambda f, u, c: (
            '<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
            f"<NetworkLink><Link><href>{u}</href></Link></NetworkLink><Placemark><name>p</name>"
            "<Point><coordinates>120.5,41.6</coordinates></Point></Placemark></Document></kml>"
        ).encode(),
        None,
    ),
    # --- resource exhaustion: refused before the work, or stopped by a limit ----------------
    Case(
        "wide.csv",
        lambda f, u, c: (",".join(["lon", "lat"] + [f"c{i}" for i in range(5000)]) + "\n").encode(),
        "5,002",
    ),
    Case(
        "many-properties.geojson",
        lambda f, u, c: _feature_collection(
            [_point_feature([120.5, 41.6], **{f"p{i}": i for i in range(100_000)})]
        ),
        "100,000 properties",
    ),
    Case(
        "deep.geojson",
        lambda f, u, c: (
            b'{"type":"FeatureCollection","features":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
        ),
        "nested too deeply",
    ),
    Case("recursive-view.gpkg", lambda f, u, c: _gpkg_with_view(f), "SQL view"),
    Case(
        "zigzag.geojson",
        lambda f, u, c: gpd.GeoDataFrame(geometry=[_zigzag(60_000)], crs=4326).to_json().encode(),
        "60,001 vertices",
    ),
    Case(
        "too-many-features.geojson",
        lambda f, u, c: _feature_collection([_point_feature([120.5, 41.6])] * 50_001),
        "50,001 features",
    ),
    # --- silent loss: refused, or accepted with the change told -----------------------------
    Case(
        "nan.geojson",
        lambda f, u, c: (
            b'{"type":"FeatureCollection","features":[{"type":"Feature",'
            b'"properties":{},"geometry":{"type":"Point","coordinates":[NaN,NaN]}}]}'
        ),
        "NaN or infinite",
    ),
    Case(
        "text-coordinates.geojson",
        lambda f, u, c: _feature_collection([_point_feature(["120.5", "41.6"])]),
        "not numbers",
    ),
    Case(
        "geometry-property.geojson",
        lambda f, u, c: _feature_collection(
            [_point_feature([120.5, 41.6], name="a", geometry="x")]
        ),
        None,
        _accepts_renamed_geometry_property,
    ),
    # --- errors that once leaked tracebacks -------------------------------------------------
    Case("local-cs.zip", lambda f, u, c: _prj_shapefile_zip(f, _LOCAL_CS), None),
    Case("mars.zip", lambda f, u, c: _prj_shapefile_zip(f, _MARS), None),
    Case(
        "mars.geojson",
        lambda f, u, c: _feature_collection(
            [_point_feature([120.5, 41.6])],
            crs={"type": "name", "properties": {"name": "IAU_2015:49900"}},
        ),
        "only EPSG codes",
    ),
    Case(
        "huge-value.csv",
        lambda f, u, c: b"lon,lat\n" + b"x" * 100_000 + b",41.6\n",
        "is not a number",
    ),
]


def _plain_sqlite(folder: Path) -> bytes:
    path = folder / "plain.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (a)")
    return path.read_bytes()


def _assert_plain(message: str, file_name: str, folder: Path) -> None:
    """A short message naming the file as the user named it, with no server path in it."""
    assert message.startswith(f"{file_name}: "), message
    assert len(message) < 1000, f"{len(message)} characters"
    for server_path in (str(folder), "atlas-upload-", "site-packages", str(Path.cwd())):
        assert server_path not in message, message
    assert "Traceback" not in message and SECRET not in message
