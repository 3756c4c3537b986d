# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test setup venv assets migrate seed lint check-migrations stop-db bench clean

.venv/.installed: requirements.lock pyproject.toml
	test -x $(PY) || python3 -m venv .venv
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.lock
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

venv: .venv/.installed
assets: node_modules/.package-lock.json

setup: venv assets
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) load_reference_data

seed: setup
	$(MANAGE) seed_demo

# Serve on http://127.0.0.1:8000 with a Celery worker and beat when Redis answers; otherwise
# tasks run eagerly in-process (CELERY_TASK_ALWAYS_EAGER).
run: seed
	@if $(PY) scripts/redis_up.py $(REDIS_URL); then \
		echo "Redis 可用：启动 Celery worker 和 beat。"; \
		export CELERY_BROKER_URL=$(REDIS_URL); \
		$(PY) -m celery -A config worker -l warning --concurrency 2 & \
		$(PY) -m celery -A config beat -l warning & \
		trap 'kill $$(jobs -p) 2>/dev/null' EXIT INT TERM; \
		CELERY_BROKER_URL=$(REDIS_URL) $(MANAGE) runserver $(HOST):$(PORT); \
	else \
		echo "未发现 Redis：后台任务将在请求进程内同步执行。"; \
		$(MANAGE) runserver $(HOST):$(PORT); \
	fi

# The whole suite on PostgreSQL (DATABASE_URL if set, else the embedded cluster under var/).
# Browser tests run when Chromium is installed and are skipped (with a notice) otherwise;
# REQUIRE_BROWSER=1 (set by .ci/run) turns such a skip into a failure.
test: venv assets
	$(PY) scripts/browser_notice.py
	$(PY) -m pytest $(PYTEST_ARGS)

lint:
	$(PY) -m ruff check .
	$(PY) scripts/check_function_length.py

check-migrations:
	$(MANAGE) makemigrations --check --dry-run

stop-db:
	$(PY) scripts/stop_embedded_db.py

bench: venv
	$(PY) bench/run_all.py

clean:
	rm -rf .venv node_modules staticfiles
