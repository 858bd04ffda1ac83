"""Load the atlas's layers into PostGIS, or export them back to shapefiles.

    python scripts/postgis_layers.py load   [--url URL] [--data DIR]
    python scripts/postgis_layers.py export [--url URL] --output DIR

URL defaults to $ATLAS_DATABASE_URL. `load` reads every registered layer from its shapefile
(encodings and CRSs resolved as the app does) and writes table layer_<key> in EPSG:4326 with a
spatial index, plus atlas_layers (key, source CRS, features): plain copies, refused once the
database holds the versioned layer store (store.postgis), whose edits a reload would lose.
`export` writes each layer's current features (layer_<key>, in either case) back as a UTF-8
shapefile in EPSG:4326.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.io import read_vector_with_report
from geo.postgis import DATABASE_URL_ENV, read_layer, table_name, write_layer
from geo.shapefile_write import write_shapefile
from layers import DATA_DIR, LAYERS
from store.postgis import PostgisStore

CATALOGUE = """
CREATE TABLE IF NOT EXISTS atlas_layers (
    key TEXT PRIMARY KEY, source_crs TEXT NOT NULL, features INTEGER NOT NULL
)"""


def load(url: str, data_dir: Path) -> dict[str, int]:
    """Every registered layer into PostGIS; features written per layer."""
    store = PostgisStore(url)
    if not store.is_empty():
        raise RuntimeError(
            f"{store.name} holds the versioned layer store: publish changes to it, do not reload"
        )
    written = {}
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        connection.execute(CATALOGUE)
        for spec in LAYERS:
            frame, report = read_vector_with_report(data_dir / spec.source)
            written[spec.key] = write_layer(connection, table_name(spec.key), frame)
            connection.execute(
                "INSERT INTO atlas_layers (key, source_crs, features) VALUES (%s, %s, %s)"
                " ON CONFLICT (key) DO UPDATE SET source_crs = EXCLUDED.source_crs,"
                " features = EXCLUDED.features",
                (spec.key, report.crs_source, len(frame)),
            )
    return written


def export(url: str, output: Path) -> dict[str, Path]:
    """Every loaded layer back to a shapefile in `output`; the files written."""
    output.mkdir(parents=True, exist_ok=True)
    files = {}
    with psycopg.connect(url, autocommit=True) as connection:
        keys = [row[0] for row in connection.execute("SELECT key FROM atlas_layers ORDER BY key")]
        for key in keys:
            frame = read_layer(connection, table_name(key))
            files[key] = write_shapefile(frame, output / f"{key}.shp", encoding="UTF-8")
    return files


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("load", "export"))
    parser.add_argument("--url", default=os.environ.get(DATABASE_URL_ENV))
    parser.add_argument("--data", type=Path, default=DATA_DIR)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    if not args.url:
        parser.error(f"give --url or set {DATABASE_URL_ENV}")
    if args.command == "load":
        for key, count in load(args.url, args.data).items():
            print(f"{key:20s} {count:6d} features -> {table_name(key)}")
    else:
        if args.output is None:
            parser.error("export needs --output DIR")
        for key, path in export(args.url, args.output).items():
            print(f"{table_name(key):26s} -> {path}")


if __name__ == "__main__":
    main()
