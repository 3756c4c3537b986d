"""Say so before the suite when browser or worker tests will be skipped (no Chromium, no Redis)."""

import os
import shutil

broker = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
try:
    import redis

    redis.Redis.from_url(broker, socket_connect_timeout=1).ping()
except Exception:  # any failure means the worker test will be skipped
    print(f"注意：Redis 不可用（{broker}），真实 Celery worker 测试将被跳过。")

path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
if not (os.path.exists(path) or shutil.which("chromium")):
    print(
        f"注意：未找到 Chromium（{path}），浏览器测试将被跳过。"
        " 安装 Debian 的 chromium 软件包后即可运行。"
    )
