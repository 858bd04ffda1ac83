"""The shared deployment's tile server: tipg (FastAPI) over the views of schema atlas_tiles
(store/pg_tile_views.py), connected as the `atlas_tiles` role, behind a gate.

The gate lets through only `GET /collections/atlas_tiles.<key>/tiles/WebMercatorQuad/z/x/y`
(query dropped), and only for a request whose sign-in cookie is valid (accounts.signin_token:
signature, expiry, an open session in the account store, the users file unchanged) and whose
role may see layer <key> (accounts.roles). Everything else is 404, no cookie 401, a role
without the layer 403, each with a one-line body; tiles are `Cache-Control: private,
no-store`. The tiles' layer is tipg's default name, MVT_LAYER_NAME. No Streamlit here.

    ATLAS_TILES_DATABASE_URL  the atlas_tiles role's URL (libpq; passfile= read here)
    ATLAS_DATABASE_URL        the account store (sessions), as the replicas use it
    ATLAS_USERS_FILE, ATLAS_COOKIE_KEY  as the replicas have them
    ATLAS_TILE_MAX_FEATURES   features per tile at most (tipg's limit; default 20000)

Run: uvicorn --factory scripts.shared.tile_server:app_from_environment --host 127.0.0.1
"""

from __future__ import annotations

import os
import re
from collections.abc import Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import Any

import asyncpg
import psycopg
import tipg.collections
from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from tipg.collections import register_collection_catalog
from tipg.database import connection_factory
from tipg.factory import OGCTilesFactory
from tipg.middleware import CatalogUpdateMiddleware
from tipg.settings import DatabaseSettings, MVTSettings

from accounts import AccountStore, open_account_store
from accounts.roles import may_see_layer
from accounts.signin_token import COOKIE_NAME, read_token, signed_in_user
from accounts.users_file import USERS_FILE_ENV, load_users
from geo.errors import DataError
from scripts.shared.database import passfile_password
from store.pg_tile_views import TILE_SCHEMA

__all__ = [
    "MVT_LAYER_NAME",
    "TILES_DATABASE_URL_ENV",
    "TileGate",
    "app_from_environment",
    "asyncpg_connect",
    "tile_app",
]

TILES_DATABASE_URL_ENV = "ATLAS_TILES_DATABASE_URL"
ACCOUNTS_URL_ENV = "ATLAS_DATABASE_URL"
MAX_FEATURES_ENV = "ATLAS_TILE_MAX_FEATURES"
MVT_LAYER_NAME = "default"  # tipg's name for the one layer of its tiles
MAX_ZOOM = 22  # tipg's WebMercatorQuad default
CATALOG_TTL_S = 60  # views made by a later set-up are found within a minute
TILE_PATH = re.compile(
    rf"^/collections/{TILE_SCHEMA}\.([a-z][a-z0-9_]{{0,62}})"
    r"/tiles/WebMercatorQuad/(\d{1,2})/(\d{1,7})/(\d{1,7})$"
)
_REFUSALS = {401: b"sign in first\n", 403: b"not for your role\n", 404: b"not found\n"}
_OTHER_ERROR = b"no tile\n"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def tile_app(connect: dict[str, Any], *, max_features: int = 20_000) -> FastAPI:
    """tipg's tile endpoints over schema atlas_tiles, connecting with asyncpg's `connect`
    keywords (host, port, user, password, database); nothing else of tipg is mounted."""
    # tipg reads these once from the environment; fixed here so the tiles are what the app
    # expects whatever TIPG_* variables say (one layer named MVT_LAYER_NAME, 256-unit buffer).
    tipg.collections.mvt_settings = MVTSettings(
        _env_file=None,
        tile_resolution=4096,
        tile_buffer=256,
        tile_clip=True,
        max_features_per_tile=max_features,
        set_mvt_layername=False,
    )
    db_settings = DatabaseSettings(
        _env_file=None,
        schemas=[TILE_SCHEMA],
        functions=[],
        spatial_extent=False,  # no scan of every view when the catalogue is read
        datetime_extent=False,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.pool = await asyncpg.create_pool(
            **connect, min_size=1, max_size=8, init=connection_factory([TILE_SCHEMA], "pg_temp")
        )
        await register_collection_catalog(app, db_settings=db_settings)
        yield
        await app.state.pool.close()

    app = FastAPI(lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None)
    app.include_router(OGCTilesFactory(with_common=False, with_viewer=False).router)
    app.add_middleware(
        CatalogUpdateMiddleware,  # type: ignore[arg-type]
        func=register_collection_catalog,  # type: ignore[arg-type]
        ttl=CATALOG_TTL_S,
        db_settings=db_settings,
    )
    return app


@dataclass(frozen=True)
class TileGate:
    """ASGI middleware: only signed-in users' tile requests for layers their role may see."""

    app: ASGIApp
    users_file: Path
    accounts: AccountStore
    now: Callable[[], datetime] = lambda: datetime.now(UTC)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse, or pass the tile request on with its query dropped and no caching."""
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            return  # no websockets: the connection closes
        found = TILE_PATH.match(scope["path"]) if scope["method"] == "GET" else None
        if found is None or not _on_the_grid(*map(int, found.groups()[1:])):
            await _refuse(send, 404)
            return
        role = await run_in_threadpool(self._role, _cookie(scope))
        if role is None:
            await _refuse(send, 401)
        elif not may_see_layer(role, found.group(1)):
            await _refuse(send, 403)
        else:
            await self.app({**scope, "query_string": b""}, receive, _private(send))

    def _role(self, token: str | None) -> str | None:
        """The role of the user the cookie signs in, None if it signs in nobody."""
        moment = self.now()
        claims = read_token(token, now=moment)
        if claims is None:
            return None
        try:
            user = signed_in_user(claims, load_users(self.users_file), self.accounts, moment)
        except DataError:
            return None
        return user.role if user is not None else None


def _on_the_grid(z: int, x: int, y: int) -> bool:
    return z <= MAX_ZOOM and x < 2**z and y < 2**z


def _cookie(scope: Scope) -> str | None:
    jar = SimpleCookie()
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except CookieError:
                return None
    morsel = jar.get(COOKIE_NAME)
    return morsel.value if morsel is not None else None


def _private(send: Send) -> Send:
    """`send` with the tile marked private and never stored; an error tipg answers becomes
    a one-line body (no detail of the database or the code)."""
    refused: list[int] = []

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            status = message["status"]
            if status >= 400:
                refused.append(status)
                await _refuse(send, status, body=False)
                return
            headers = [(k, v) for k, v in message.get("headers", []) if k != b"cache-control"]
            headers.append((b"cache-control", b"private, no-store"))
            message = {**message, "headers": headers}
        elif refused:
            if not message.get("more_body", False):
                await send({"type": "http.response.body", "body": _body(refused[0])})
            return
        await send(message)

    return wrapped


def _body(status: int) -> bytes:
    return _REFUSALS.get(status, _OTHER_ERROR)


async def _refuse(send: Send, status: int, *, body: bool = True) -> None:
    text = _body(status)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(text)).encode()),
                (b"cache-control", b"private, no-store"),
            ],
        }
    )
    if body:
        await send({"type": "http.response.body", "body": text})


def asyncpg_connect(url: str) -> dict[str, Any]:
    """asyncpg's connection keywords for a libpq URL (a passfile= is read for the password)."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    connect: dict[str, Any] = {
        "host": info.get("host"),
        "port": int(info["port"]) if info.get("port") else None,
        "user": info.get("user"),
        "database": info.get("dbname"),
        "password": info.get("password"),
    }
    if connect["password"] is None and info.get("passfile"):
        connect["password"] = passfile_password(Path(str(info["passfile"])))
    return {key: value for key, value in connect.items() if value is not None}


def app_from_environment() -> ASGIApp:
    """The gated tile server as the environment configures it (uvicorn --factory)."""
    missing = [
        name
        for name in (TILES_DATABASE_URL_ENV, ACCOUNTS_URL_ENV, USERS_FILE_ENV, "ATLAS_COOKIE_KEY")
        if not os.environ.get(name)
    ]
    if missing:
        raise SystemExit(f"the tile server needs {', '.join(missing)}")
    app = tile_app(
        asyncpg_connect(os.environ[TILES_DATABASE_URL_ENV]),
        max_features=int(os.environ.get(MAX_FEATURES_ENV, "20000")),
    )
    return TileGate(
        app,
        users_file=Path(os.environ[USERS_FILE_ENV]).expanduser(),
        accounts=open_account_store(os.environ[ACCOUNTS_URL_ENV]),
    )
