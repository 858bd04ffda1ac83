"""The tile server's views (store/pg_tile_views.py): each layer's view holds exactly what
maps.tiles.tile_frame gives for its current features, escaping and figures included, and the
tile role reads those views and no table."""

from __future__ import annotations

import html

import geopandas as gpd
import pandas as pd
import psycopg
import pytest
import shapely
from psycopg import sql

from layers import DATA_DIR, get_layer
from layers.store_seed import SEED_AUTHOR, seed_layers
from maps.tiles import tile_frame
from scripts.shared.database import prepare_tile_views, tile_role_password
from store.pg_tile_views import TILE_SCHEMA, tile_columns
from store.postgis import PostgisStore

KEYS = ("enclave_projects", "households", "closed_communities", "townships")
HOSTILE = "<script>alert(\"A&B\")</script> 'quoted' &amp; 天缘"
ROLE, PASSWORD = "atlas_tiles_test", "tiles-test-secret"
# Figures on either side of two-decimal rounding, as format_figure prints them.
FIGURES = (2.675, 0.125, 0.135, 1234567.891, -0.001, 2.0, 1e-9, 99999.995, None)


@pytest.fixture(scope="module")
def seeded(postgis) -> str:
    """A store holding the layers of KEYS, hostile text and edge figures put into their
    current features, and the tile views (as `make shared` makes them)."""
    url = postgis.new_database()
    store = PostgisStore(url)
    store.seed(seed_layers(tuple(get_layer(k) for k in KEYS), DATA_DIR), author=SEED_AUTHOR)
    with psycopg.connect(url, autocommit=True) as connection:
        uids = [r[0] for r in connection.execute("SELECT uid FROM layer_enclave_projects")]
        for uid, figure in zip(uids, FIGURES, strict=False):
            connection.execute(
                "UPDATE layer_enclave_projects SET land_mu = %s WHERE uid = %s", (figure, uid)
            )
        connection.execute(
            "UPDATE layer_enclave_projects SET name = %s, status = %s, invest_wan = NULL"
            " WHERE uid = %s",
            (HOSTILE, "<b>unknown</b>", uids[0]),
        )
        connection.execute(
            "UPDATE layer_households SET village = %s, mode = NULL"
            " WHERE uid = (SELECT MIN(uid) FROM layer_households)",
            ("a&b<c>'d\"",),
        )
    tile_role_password(url, PASSWORD, role=ROLE)
    return url


def _view(url: str, key: str) -> gpd.GeoDataFrame:
    with psycopg.connect(url) as connection:
        statement = sql.SQL("SELECT *, ST_AsBinary(geom) AS wkb FROM {}.{}").format(
            sql.Identifier(TILE_SCHEMA), sql.Identifier(key)
        )
        cursor = connection.execute(statement)
        names = [c.name for c in cursor.description]
        frame = pd.DataFrame(cursor.fetchall(), columns=names)
    shapes = shapely.from_wkb(frame.pop("wkb").map(bytes).to_numpy())
    return gpd.GeoDataFrame(frame.drop(columns="geom"), geometry=shapes, crs=4326)


@pytest.mark.parametrize("key", KEYS)
def test_a_view_holds_what_a_tile_carries(seeded: str, key: str) -> None:
    spec = get_layer(key)
    expected = tile_frame(spec, PostgisStore(seeded).read(key)).set_index("_id")
    got = _view(seeded, key).set_index("_id")
    assert set(got.columns) == set(expected.columns)
    assert list(got.columns.drop("geometry")) == tile_columns(spec)[1:]
    assert not {f.name for f in spec.internal_fields} & set(got.columns)
    assert sorted(got.index) == sorted(expected.index)
    got = got.loc[expected.index]
    for column in expected.columns.drop("geometry"):
        assert got[column].tolist() == expected[column].tolist(), column
    assert got.geometry.geom_equals_exact(expected.geometry, tolerance=0).all()


def test_hostile_text_and_figures_come_out_as_the_tiles_give_them(seeded: str) -> None:
    view = _view(seeded, "enclave_projects")
    hostile = view[view["name"] == html.escape(HOSTILE)].iloc[0]
    assert hostile["status"] == "&lt;b&gt;unknown&lt;/b&gt;"
    assert hostile["_color"] == get_layer("enclave_projects").style.color
    assert hostile["invest_wan"] == ""
    assert {"2.67", "0.12", "1,234,567.89", "0", "2", "99,999.99", ""} <= set(view["land_mu"])


def test_the_tile_role_reads_the_views_and_no_table(seeded: str) -> None:
    info = psycopg.conninfo.conninfo_to_dict(seeded)
    info.update(user=ROLE, password=PASSWORD)
    info.pop("passfile", None)
    with psycopg.connect(**info, autocommit=True) as connection:
        for key in KEYS:
            connection.execute(
                sql.SQL("SELECT count(*) FROM {}.{}").format(
                    sql.Identifier(TILE_SCHEMA), sql.Identifier(key)
                )
            )
        tables = connection.execute(
            "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables"
            " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            " AND tablename <> 'spatial_ref_sys'"  # PostGIS's, readable by everyone
        ).fetchall()
        assert len(tables) >= 2 * len(KEYS) + 3  # current and history, catalogue, versions
        for (table,) in tables:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                connection.execute(f"SELECT 1 FROM {table} LIMIT 1")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute(f"CREATE TABLE {TILE_SCHEMA}.mine (x int)")


def test_views_are_made_anew_for_layers_added_later(seeded: str) -> None:
    PostgisStore(seeded).add_layers(seed_layers((get_layer("river"),), DATA_DIR), author="t")
    assert set(prepare_tile_views(seeded, ROLE)) == {*KEYS, "river"}  # `make shared` again
    river = _view(seeded, "river")
    expected = tile_frame(get_layer("river"), PostgisStore(seeded).read("river"))
    assert sorted(river["_id"]) == sorted(expected["_id"])
