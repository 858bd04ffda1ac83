"""The shared deployment's tile server (scripts/shared/tile_server.py), in process against a
real PostGIS: a tile holds exactly the features meeting it, as the tile views give them;
nothing but a signed-in user's tile request for a layer their role may see is answered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import jwt
import mapbox_vector_tile
import morecantile
import psycopg
import pytest
import shapely
from starlette.testclient import TestClient

from accounts import open_account_store
from accounts.signin_token import COOKIE_KEY_ENV, COOKIE_NAME, Claims, issue_token
from accounts.users_file import load_users, password_version
from layers import DATA_DIR, get_layer
from layers.store_seed import SEED_AUTHOR, seed_layers
from maps.tiles import SERVER_LAYER_NAME, tile_frame
from scripts.shared.database import tile_role_password
from scripts.shared.tile_server import MVT_LAYER_NAME, TileGate, asyncpg_connect, tile_app
from scripts.users import add_user, set_disabled
from store.postgis import PostgisStore

KEYS = ("enclave_projects", "households", "eco_redline", "townships")
ROLE, PASSWORD = "atlas_tiles_server_test", "tile-server-secret"
EXTENT, BUFFER = 4096, 256
TMS = morecantile.tms.get("WebMercatorQuad")
NOW = datetime.now(UTC)
KEY = "tile-server-test-key-" + "k" * 48  # long enough for HS512 too
_CITY = TMS.tile(120.45, 41.57, 12)  # the city core of Shuangta
CITY = (12, _CITY.x, _CITY.y)


def tile_path(key: str, z: int, x: int, y: int) -> str:
    return f"/collections/atlas_tiles.{key}/tiles/WebMercatorQuad/{z}/{x}/{y}"


@pytest.fixture(scope="module")
def server(postgis, tmp_path_factory) -> SimpleNamespace:
    """The gated app over a store of KEYS, with a planner and a promoter signed in."""
    url = postgis.new_database()
    store = PostgisStore(url)
    store.seed(seed_layers(tuple(get_layer(k) for k in KEYS), DATA_DIR), author=SEED_AUTHOR)
    tile_role_password(url, PASSWORD, role=ROLE)
    folder = tmp_path_factory.mktemp("tile-server")
    users = folder / "users.yaml"
    for name in ("planner", "promoter"):
        add_user(users, name, role=name, name=name, password=f"{name}-password-1")
    accounts = open_account_store(folder / "accounts.sqlite")
    mp = pytest.MonkeyPatch()
    mp.setenv(COOKIE_KEY_ENV, KEY)
    connect = asyncpg_connect(url) | {"user": ROLE, "password": PASSWORD}
    gate = TileGate(tile_app(connect), users_file=users, accounts=accounts, now=lambda: NOW)
    with TestClient(gate, base_url="https://testserver") as client:
        yield SimpleNamespace(
            url=url,
            users=users,
            accounts=accounts,
            client=client,
            cookies=_cookies(users, accounts),
        )
    mp.undo()


def _cookies(users: Path, accounts) -> dict[str, str]:
    cookies = {}
    for username, (_, hashed) in load_users(users).items():
        session = accounts.open_session(
            username, address="127.0.0.1", now=NOW, lifetime=timedelta(hours=8)
        )
        claims = Claims(username, session, password_version(hashed), NOW + timedelta(hours=8))
        cookies[username] = issue_token(claims, now=NOW)
    return cookies


def get(server: SimpleNamespace, path: str, user: str | None = "planner", **kwargs):
    cookies = {COOKIE_NAME: server.cookies[user]} if user else {}
    return server.client.get(path, headers=_cookie_header(cookies), **kwargs)


def _cookie_header(cookies: dict[str, str]) -> dict[str, str]:
    return {"cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}


def tiles_of(frame, zooms=(10, 12, 14), per_zoom=4) -> list[tuple[int, int, int]]:
    """A few tiles holding features of `frame`, and a neighbour of each (edges too)."""
    points = frame.geometry.representative_point()
    found = []
    for z in zooms:
        step = max(1, len(points) // per_zoom)
        for point in points.iloc[::step][:per_zoom]:
            tile = TMS.tile(point.x, point.y, z)
            found += [(z, tile.x, tile.y), (z, tile.x + 1, tile.y)]
    return sorted(set(found))


def tile_box(z: int, x: int, y: int, grow: float) -> shapely.Polygon:
    bounds = TMS.xy_bounds(morecantile.Tile(x, y, z))
    width = bounds.right - bounds.left
    box = shapely.box(bounds.left, bounds.bottom, bounds.right, bounds.top)
    return box.buffer(grow * width, join_style="mitre")


@pytest.mark.parametrize("key", ["enclave_projects", "households"])
def test_a_tile_holds_exactly_the_features_meeting_it(server: SimpleNamespace, key: str) -> None:
    spec = get_layer(key)
    display = tile_frame(spec, PostgisStore(server.url).read(key))
    rows = display.drop(columns="geometry").set_index("_id", drop=False).to_dict("index")
    shapes = display.to_crs(3857)
    ids, tree = shapes["_id"].to_numpy(), shapely.STRtree(shapes.geometry.array)
    slack, seen = 2 / EXTENT, set()
    for zxy in tiles_of(display):
        response = get(server, tile_path(key, *zxy))
        assert response.status_code == 200, (zxy, response.text)
        assert response.headers["cache-control"] == "private, no-store"
        decoded = mapbox_vector_tile.decode(response.content)
        assert set(decoded) <= {MVT_LAYER_NAME}
        features = decoded.get(MVT_LAYER_NAME, {}).get("features", [])
        got = [f["properties"] for f in features]
        got_ids = {p["_id"] for p in got}
        assert len(got_ids) == len(got), f"{zxy}: a feature twice"
        inner = set(ids[tree.query(tile_box(*zxy, -slack), predicate="intersects")])
        outer = set(ids[tree.query(tile_box(*zxy, slack), predicate="intersects")])
        assert inner <= got_ids, f"{zxy}: missing {sorted(inner - got_ids)[:5]}"
        assert got_ids <= outer, f"{zxy}: outside the tile {sorted(got_ids - outer)[:5]}"
        for properties in got:
            assert properties == rows[properties["_id"]]
        seen |= got_ids
    assert len(seen) > 5
    assert MVT_LAYER_NAME == SERVER_LAYER_NAME  # what the app (maps/tiles.py) reads


@pytest.mark.parametrize("key", ["enclave_projects", "households"])
def test_no_internal_field_in_any_tile(server: SimpleNamespace, key: str) -> None:
    spec = get_layer(key)
    frame = PostgisStore(server.url).read(key)
    allowed = {"_id", "_color", *spec.tooltip, spec.style.by_field} - {None}
    for zxy in tiles_of(frame, zooms=(8, 11, 13)):
        raw = get(server, tile_path(key, *zxy)).content
        for feature in mapbox_vector_tile.decode(raw).get(MVT_LAYER_NAME, {}).get("features", []):
            assert set(feature["properties"]) <= allowed
        for field in spec.internal_fields:
            assert field.name.encode() not in raw
            values = {str(v) for v in frame[field.name].dropna() if len(str(v)) >= 6}
            assert not [v for v in values if v.encode() in raw][:1]


CITY_ZXY = "/".join(map(str, CITY))
NOT_TILES = [
    "/",
    "/api",
    "/api.html",
    "/docs",
    "/openapi.json",
    "/healthz",
    "/conformance",
    "/collections",
    "/collections/atlas_tiles.enclave_projects",
    "/collections/atlas_tiles.enclave_projects/items",
    "/collections/atlas_tiles.enclave_projects/items/1",
    "/collections/atlas_tiles.enclave_projects/queryables",
    "/collections/atlas_tiles.enclave_projects/tiles",
    "/collections/atlas_tiles.enclave_projects/tiles/WebMercatorQuad",
    "/collections/atlas_tiles.enclave_projects/tiles/WebMercatorQuad/tilejson.json",
    "/collections/atlas_tiles.enclave_projects/tiles/WebMercatorQuad/style.json",
    "/collections/atlas_tiles.enclave_projects/tiles/WebMercatorQuad/map",
    "/collections/atlas_tiles.enclave_projects/tiles/WorldCRS84Quad/3/6/2",
    f"/collections/public.layer_enclave_projects/tiles/WebMercatorQuad/{CITY_ZXY}",
    f"/collections/atlas_tiles.enclave_projects/tiles/WebMercatorQuad/{CITY_ZXY}.pbf",
    "/tileMatrixSets",
    "/tileMatrixSets/WebMercatorQuad",
]


@pytest.mark.parametrize("path", NOT_TILES)
def test_every_other_path_is_not_found(server: SimpleNamespace, path: str) -> None:
    for user in ("planner", None):
        response = get(server, path, user=user)
        assert response.status_code == 404, (path, user)
        assert response.text == "not found\n"


def test_only_get_is_answered(server: SimpleNamespace) -> None:
    path = tile_path("enclave_projects", *CITY)
    cookie = _cookie_header({COOKIE_NAME: server.cookies["planner"]})
    for method in ("POST", "PUT", "DELETE", "HEAD", "OPTIONS"):
        assert server.client.request(method, path, headers=cookie).status_code == 404


def test_a_bad_tile_address_is_refused_in_one_line(server: SimpleNamespace) -> None:
    for zxy in ((23, 1, 1), (3, 8, 0), (3, 0, 8)):
        response = get(server, tile_path("enclave_projects", *zxy))
        assert (response.status_code, response.text) == (404, "not found\n"), zxy
    response = get(server, tile_path("no_such_layer", *CITY))  # tipg's own refusal
    assert (response.status_code, response.text) == (404, "not found\n")
    assert get(server, tile_path("no_such_layer", *CITY), user=None).status_code == 401


def _forged(claims: dict, key: str = KEY, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, key, algorithm=algorithm)


def test_no_valid_sign_in_no_tile(server: SimpleNamespace) -> None:
    path = tile_path("enclave_projects", *CITY)
    assert get(server, path, user=None).status_code == 401
    payload = jwt.decode(server.cookies["planner"], options={"verify_signature": False})
    expired = {**payload, "exp": int((NOW - timedelta(minutes=1)).timestamp())}
    refused = {
        "other key": _forged(payload, key="not-our-key-but-as-long-as-ours-is-32"),
        "expired": _forged(expired),
        "no signature": jwt.encode(payload, None, algorithm="none"),
        "HS512": _forged(payload, algorithm="HS512"),
        "unknown session": _forged({**payload, "sid": "x" * 40}),
        "other password": _forged({**payload, "pwv": "0" * 16}),
        "garbage": "not-a-token",
    }
    for why, token in refused.items():
        response = server.client.get(path, headers=_cookie_header({COOKIE_NAME: token}))
        assert response.status_code == 401, why
        assert response.text == "sign in first\n"
    assert get(server, path).status_code == 200  # the planner's own cookie


def test_a_revoked_session_gets_no_tile(server: SimpleNamespace) -> None:
    (_, hashed) = load_users(server.users)["planner"]
    session = server.accounts.open_session(
        "planner", address="127.0.0.1", now=NOW, lifetime=timedelta(hours=8)
    )
    claims = Claims("planner", session, password_version(hashed), NOW + timedelta(hours=8))
    headers = _cookie_header({COOKIE_NAME: issue_token(claims, now=NOW)})
    path = tile_path("households", *CITY)
    assert server.client.get(path, headers=headers).status_code == 200
    server.accounts.revoke_session(session, now=NOW, by="admin")
    assert server.client.get(path, headers=headers).status_code == 401


def test_an_expired_session_or_a_disabled_user_gets_no_tile(server: SimpleNamespace) -> None:
    path = tile_path("households", *CITY)
    (_, hashed) = load_users(server.users)["planner"]
    ended = server.accounts.open_session(
        "planner", address="127.0.0.1", now=NOW - timedelta(hours=9), lifetime=timedelta(hours=8)
    )
    claims = Claims("planner", ended, password_version(hashed), NOW + timedelta(hours=1))
    headers = _cookie_header({COOKIE_NAME: issue_token(claims, now=NOW)})
    assert server.client.get(path, headers=headers).status_code == 401
    add_user(server.users, "planner2", role="planner", name="p2", password="planner2-password")
    cookie = _cookies(server.users, server.accounts)["planner2"]
    headers = _cookie_header({COOKIE_NAME: cookie})
    assert server.client.get(path, headers=headers).status_code == 200
    set_disabled(server.users, "planner2", disabled=True)
    assert server.client.get(path, headers=headers).status_code == 401


def test_an_edit_shows_in_the_next_tile(server: SimpleNamespace) -> None:
    path = tile_path("enclave_projects", *CITY)
    features = mapbox_vector_tile.decode(get(server, path).content)[MVT_LAYER_NAME]["features"]
    uid = features[0]["properties"]["_id"]
    with psycopg.connect(server.url, autocommit=True) as connection:
        connection.execute(
            "UPDATE layer_enclave_projects SET name = %s WHERE uid = %s", ("新名 <&>", uid)
        )
    features = mapbox_vector_tile.decode(get(server, path).content)[MVT_LAYER_NAME]["features"]
    names = {f["properties"]["_id"]: f["properties"]["name"] for f in features}
    assert names[uid] == "新名 &lt;&amp;&gt;"


def test_a_promoter_gets_the_enclave_sites_and_no_planner_layer(server: SimpleNamespace) -> None:
    z, x, y = CITY
    for key in ("enclave_projects", "townships"):
        assert get(server, tile_path(key, z, x, y), user="promoter").status_code == 200, key
    for key in ("eco_redline", "households"):
        response = get(server, tile_path(key, z, x, y), user="promoter")
        assert response.status_code == 403, key
        assert response.text == "not for your role\n"
        assert get(server, tile_path(key, z, x, y), user="planner").status_code == 200


def test_a_query_is_dropped_not_applied(server: SimpleNamespace) -> None:
    path = tile_path("households", *CITY)
    whole = get(server, path).content
    assert len(mapbox_vector_tile.decode(whole)[MVT_LAYER_NAME]["features"]) > 1
    assert get(server, path + "?limit=1&properties=_id").content == whole
