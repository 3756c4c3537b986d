"""Say so before the suite when browser tests will be skipped for want of Chromium."""

import os
import shutil

path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
if not (os.path.exists(path) or shutil.which("chromium")):
    print(
        f"注意：未找到 Chromium（{path}），浏览器测试将被跳过。"
        " 安装 Debian 的 chromium 软件包后即可运行。"
    )
