"""The shared deployment's database: the server, its three roles and what each may do.

- `atlas`, the bootstrap superuser: set-up only (creates the database and the roles).
- `atlas_owner`: owns the database and every table; loads layers, migrates, seeds.
- `atlas_app`: what the replicas connect as. Not a superuser, no CREATE anywhere, no member
  of pg_execute_server_program (so no `COPY … TO PROGRAM`), no pg_authid: it reads layers,
  edits the current features, inserts versions, history rows and visits, never UPDATEs or
  DELETEs history; the sign-in tables as `accounts.postgis.prepare` grants.
- `atlas_tiles`: what the tile server connects as: it reads the views of schema atlas_tiles
  (store/pg_tile_views.py: what a tile of each layer carries) and no table at all.

Each role's password is random, kept in a 0600 libpq password file; URLs name the file.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import quote, urlencode

import psycopg
from psycopg import sql

from scripts.local_postgis import Cluster, start_cluster, write_passfile
from store.pg_tile_views import TILE_ROLE, create_tile_views, grant_tile_role
from store.postgis import PostgisStore, grant_app_role

__all__ = [
    "APP_ROLE",
    "DATABASE",
    "OWNER_ROLE",
    "TILE_ROLE",
    "app_role_url",
    "passfile_password",
    "prepare_database",
    "prepare_roles",
    "prepare_tile_views",
    "seed_layer_store",
    "tile_role_password",
    "tile_role_url",
]

DATABASE = "atlas"
OWNER_ROLE = "atlas_owner"
APP_ROLE = "atlas_app"
_VISIT_TABLES = ("atlas_imports", "atlas_visits")
# The visit store's own rights: INSERT visits and imports, and fill in an import's counts.
_VISIT_GRANTS = (
    "GRANT SELECT, INSERT ON atlas_imports, atlas_visits TO {}",
    "GRANT UPDATE (recorded, duplicates) ON atlas_imports TO {}",
)


def prepare_database(folder: Path, pg_port: int) -> tuple[Cluster, str, str]:
    """Start (or reuse) the server in `folder`/pg with passwords required, the database owned
    by the owner role, every role and grant in place, the tile views made anew; (cluster,
    owner URL, app URL). The tile server's URL is `tile_role_url(cluster, folder)`."""
    secrets_folder = folder / "secrets"
    secrets_folder.mkdir(mode=0o700, exist_ok=True)
    secrets_folder.chmod(0o700)
    cluster = start_cluster(
        folder / "pg", port=pg_port, password_file=secrets_folder / "superuser.pgpass"
    )
    owner_pass = _passfile(secrets_folder / "owner.pgpass", OWNER_ROLE)
    app_pass = _passfile(secrets_folder / "app.pgpass", APP_ROLE)
    tile_pass = _passfile(_tile_passfile(folder), TILE_ROLE)
    roles = ((OWNER_ROLE, owner_pass), (APP_ROLE, app_pass), (TILE_ROLE, tile_pass))
    with psycopg.connect(cluster.url("postgres"), autocommit=True) as connection:
        for role, passfile in roles:
            _login_role(connection, role, passfile_password(passfile))
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)
        ).fetchone()
        if not exists:
            connection.execute(
                f"CREATE DATABASE {DATABASE} TEMPLATE atlas_template OWNER {OWNER_ROLE}"
            )
        connection.execute(f"ALTER DATABASE {DATABASE} OWNER TO {OWNER_ROLE}")
        connection.execute(f"REVOKE ALL ON DATABASE {DATABASE} FROM PUBLIC")
        connection.execute(f"GRANT CONNECT ON DATABASE {DATABASE} TO {APP_ROLE}")
    with psycopg.connect(cluster.url(DATABASE), autocommit=True) as connection:
        _hand_over_to_owner(connection)
        connection.execute(f"REVOKE CREATE ON SCHEMA public FROM {APP_ROLE}")  # granted once
    owner_url = cluster.url(DATABASE, user=OWNER_ROLE, passfile=owner_pass)
    app_url = cluster.url(DATABASE, user=APP_ROLE, passfile=app_pass)
    seed_layer_store(owner_url, Path(__file__).resolve().parents[2] / "data" / "shapefiles")
    prepare_roles(owner_url, APP_ROLE)
    prepare_tile_views(owner_url)
    return cluster, owner_url, app_url


def tile_role_url(cluster: Cluster, folder: Path) -> str:
    """The URL the tile server connects with (its password in a 0600 file in secrets/)."""
    return cluster.url(DATABASE, user=TILE_ROLE, passfile=_tile_passfile(folder))


def _tile_passfile(folder: Path) -> Path:
    return folder / "secrets" / "tiles.pgpass"


def _passfile(path: Path, role: str) -> Path:
    if not path.exists():
        write_passfile(path, role, secrets.token_urlsafe(24))
    return path


def passfile_password(passfile: Path) -> str:
    """The password in a one-line libpq password file."""
    line = passfile.read_text(encoding="utf-8").strip()
    return line.split(":", 4)[4].replace("\\:", ":").replace("\\\\", "\\")


def _login_role(connection: psycopg.Connection, role: str, password: str) -> None:
    """Make `role` (or bring it back to) a plain login role with `password`."""
    exists = connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
    connection.execute("SET password_encryption = 'scram-sha-256'")
    connection.execute(
        sql.SQL(
            "{} ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
            " PASSWORD {}"
        ).format(
            sql.SQL("ALTER" if exists else "CREATE"), sql.Identifier(role), sql.Literal(password)
        )
    )
    for powerful in ("pg_execute_server_program", "pg_read_server_files", "pg_write_server_files"):
        connection.execute(
            sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(powerful), sql.Identifier(role))
        )


def _hand_over_to_owner(connection: psycopg.Connection) -> None:
    """Tables, sequences and functions of ours made by the superuser (a deployment set up
    before the owner role existed) or by the app role (which owned the visit tables) pass
    to the owner role; PostGIS's own objects stay the superuser's."""
    rows = connection.execute(
        """
        SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END,
               c.relname
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'S')
          AND pg_get_userbyid(c.relowner) <> %s
          AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                          AND d.objid = c.oid AND d.deptype IN ('e', 'a', 'i'))
        UNION ALL
        SELECT 'FUNCTION', p.oid::regprocedure::text
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> %s
          AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                          AND d.objid = p.oid AND d.deptype = 'e')
        """,
        (OWNER_ROLE, OWNER_ROLE),
    ).fetchall()
    for kind, name in rows:
        target = sql.SQL(name) if kind == "FUNCTION" else sql.Identifier(name)
        connection.execute(
            sql.SQL("ALTER {} {} OWNER TO {}").format(
                sql.SQL(kind), target, sql.Identifier(OWNER_ROLE)
            )
        )


def seed_layer_store(url: str, data_dir: Path) -> bool:
    """Load the shipped layers (and their history) into the store while it is empty, as the
    owner, and later the layers registered since; whether any were loaded. Layers the store
    holds are left as they are."""
    from layers import LAYERS  # the registry, read only when there is something to seed
    from layers.store_seed import SEED_AUTHOR, seed_layers

    store = PostgisStore(url)
    if not store.is_empty():
        heads = store.heads()
        missing = tuple(spec for spec in LAYERS if spec.key not in heads)
        return bool(missing) and bool(
            store.add_layers(seed_layers(missing, data_dir), author=SEED_AUTHOR)
        )
    store.seed(seed_layers(LAYERS, data_dir), author=SEED_AUTHOR)
    return True


def prepare_roles(url: str, role: str) -> None:
    """As the tables' owner (`url`): make the visit tables if missing and grant `role` what
    the app needs of the layer store, the visits and the sign-in tables, and nothing more."""
    from accounts.postgis import prepare as prepare_accounts
    from fieldwork.postgis_store import PostgisVisitStore

    PostgisVisitStore(url)  # its tables exist, made by the owner
    with psycopg.connect(url, autocommit=True) as connection:
        _grant(connection, role)
        # The sign-in sessions and log (issue 17 items 2 and 3), as the owner, after the roles.
        prepare_accounts(connection, role)


def _grant(connection: psycopg.Connection, role: str) -> None:
    grantee = sql.Identifier(role)
    with connection.transaction():
        grant_app_role(connection, role)
        connection.execute(sql.SQL("REVOKE CREATE ON SCHEMA public FROM {}").format(grantee))
        for table in _VISIT_TABLES:
            connection.execute(
                sql.SQL("REVOKE ALL ON {} FROM {}").format(sql.Identifier(table), grantee)
            )
        for statement in _VISIT_GRANTS:
            connection.execute(sql.SQL(statement).format(grantee))


def prepare_tile_views(url: str, role: str = TILE_ROLE) -> list[str]:
    """As the tables' owner (`url`): the tile views of every registered layer made anew (also
    those added since the last set-up), and `role` let read them, nothing else; their keys."""
    from layers import LAYERS

    with psycopg.connect(url, autocommit=True) as connection:
        made = create_tile_views(connection, LAYERS)
        grant_tile_role(connection, role)
    return made


def tile_role_password(url: str, password: str, role: str = TILE_ROLE) -> None:
    """Make (or update) the login `role` with `password` on the database at `url` (for tests;
    the deployment keeps the password in a file); the views and grants follow."""
    with psycopg.connect(url, autocommit=True) as connection:
        _login_role(connection, role, password)
    prepare_tile_views(url, role)


def app_role_url(url: str, password: str, role: str = APP_ROLE) -> str:
    """Make (or update) the login `role` with `password` on the database at `url` (whose
    user owns the tables) and grant it what the app needs; its URL, password included (for
    tests; the deployment names a password file instead)."""
    with psycopg.connect(url, autocommit=True) as connection:
        _login_role(connection, role, password)
    prepare_roles(url, role)
    info = psycopg.conninfo.conninfo_to_dict(url)
    for key in ("passfile", "password", "user"):
        info.pop(key, None)
    database = quote(str(info.pop("dbname", "")), safe="")
    # A URL, as the stores expect (they tell a database from a file by its scheme).
    return f"postgresql://{quote(role, safe='')}:{quote(password, safe='')}@/{database}?" + (
        urlencode(info)
    )
