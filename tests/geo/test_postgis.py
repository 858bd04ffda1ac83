"""Layers in a real PostGIS (the server the tests start): loaded with SRIDs and spatial indexes,
read back unchanged, exported back to shapefiles, and spatial questions answered in SQL the same
way geo.stats answers them in Python."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from geo.io import read_vector
from geo.postgis import DATABASE_URL_ENV, place, rollup_sql, table_name
from geo.stats import rollup_by_zone
from layers import DATA_DIR, LAYERS, layer_source_crs, load_layer
from scripts.local_postgis import Cluster
from scripts.postgis_layers import export, load


@pytest.fixture(scope="module")
def loaded(postgis: Cluster) -> str:
    url = postgis.new_database()
    load(url, DATA_DIR)
    return url


def test_every_layer_is_a_table_with_its_srid_and_a_spatial_index(loaded: str) -> None:
    with psycopg.connect(loaded) as connection:
        catalogue = dict(connection.execute("SELECT key, features FROM atlas_layers").fetchall())
        for spec in LAYERS:
            table = table_name(spec.key)
            srid = connection.execute(
                "SELECT Find_SRID('public', %s, 'geom')", (table,)
            ).fetchone()[0]
            index = connection.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexdef LIKE '%%gist%%'",
                (table,),
            ).fetchone()
            assert srid == 4326 and index is not None, spec.key
            assert catalogue[spec.key] == len(load_layer(spec.key))


def test_layers_read_from_the_database_equal_the_files(
    loaded: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from_files = {spec.key: load_layer(spec.key) for spec in LAYERS}
    crs_from_file = layer_source_crs("closed_communities")
    monkeypatch.setenv(DATABASE_URL_ENV, loaded)
    for spec in LAYERS:
        expected, got = from_files[spec.key], load_layer(spec.key)
        assert list(got.columns) == list(expected.columns), spec.key
        names = [f.name for f in spec.fields]
        assert got[names].astype(str).equals(expected[names].astype(str)), spec.key
        assert got.geometry.geom_equals_exact(expected.geometry, tolerance=1e-9).all(), spec.key
    assert layer_source_crs("closed_communities") == crs_from_file == "EPSG:4549"


def test_export_writes_the_layers_back_as_shapefiles(loaded: str, tmp_path: Path) -> None:
    files = export(loaded, tmp_path)
    assert set(files) == {spec.key for spec in LAYERS}
    back = read_vector(files["closed_communities"])
    original = load_layer("closed_communities")
    assert list(back["name"]) == list(original["name"])  # Chinese text intact (GBK → UTF-8)
    # The store keeps polygons as multi-part ones (one type per table): the same shapes.
    assert back.geometry.geom_equals(original.geometry).all()


@pytest.mark.parametrize(
    ("key", "sums"),
    [
        ("closed_communities", ("buildings",)),
        ("households", ("gain_yuan",)),
        ("night_lines", ()),  # a line counts in every township it passes through
    ],
)
def test_rollups_by_township_in_sql_equal_the_python_ones(
    loaded: str, key: str, sums: tuple[str, ...]
) -> None:
    with psycopg.connect(loaded) as connection:
        in_sql = rollup_sql(
            connection, table_name(key), table_name("townships"), zone_key="code", sum_fields=sums
        )
    in_python = rollup_by_zone(
        load_layer(key), load_layer("townships"), zone_key="code", sum_fields=sums
    )
    assert list(in_sql["count"]) == list(in_python["count"])
    for name in sums:
        assert list(in_sql[name]) == pytest.approx(list(in_python[name]))
    if "area_mu" in in_python:
        assert list(in_sql["area_mu"]) == pytest.approx(list(in_python["area_mu"]), rel=1e-6)
    if "length_km" in in_python:
        assert list(in_sql["length_km"]) == pytest.approx(list(in_python["length_km"]), rel=1e-6)


def test_an_empty_database_is_seeded_with_the_shipped_layers_on_first_use(
    postgis: Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATABASE_URL_ENV, postgis.new_database())
    assert len(load_layer("villages")) == 48


def test_township_rollups_come_from_sql_and_equal_the_python_ones(
    loaded: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import layers.figures as figures

    codes = list(load_layer("townships")["code"])
    in_python = {code: figures.township_rollup(code, "zh") for code in codes}
    monkeypatch.setenv(DATABASE_URL_ENV, loaded)

    def no_python(*_args) -> None:
        raise AssertionError("with a database the roll-up must run in SQL")

    monkeypatch.setattr(figures, "_rollup_table_in_python", no_python)
    for code in codes:
        in_sql = figures.township_rollup(code, "zh")
        expected = in_python[code]
        assert list(in_sql["label"]) == list(expected["label"]), code
        assert list(in_sql["value"]) == pytest.approx(list(expected["value"]), rel=1e-6, abs=0.01)


def test_a_database_is_named_by_database_and_host_only() -> None:
    socket_url = (
        "postgresql://atlas_app@/atlas?host=/srv/atlas/pg&port=54329&passfile=/s/app.pgpass"
    )
    assert place(socket_url) == "atlas @ localhost"  # no server path, no password file
    assert place("postgresql://u:secret@db.office:5432/atlas") == "atlas @ db.office"
