# Two commands set everything up: `make run` (serve the tracker with real data) and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
SOURCE ?= ofac-sdn
export DJANGO_DEBUG ?= true

.PHONY: install install-dev run worker beat migrate seed chromium screenshots test test-worker drills backup-drill lint fmt check import up down logs bench load-bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/base.txt
	touch $@

$(VENV)/.installed-dev: requirements/base.txt requirements/dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

# Developers and test runners get the local environment file too (never `make install`: servers use it).
install-dev: $(VENV)/.installed-dev .env.local

# The local environment file (tracker/env.py): development settings for this machine, so that the README's
# `.venv/bin/python manage.py ...` commands work in any new shell. Written once; edit it freely.
.env.local:
	@printf '%s\n' \
	  '# Local development settings, written by `make run` (see tracker/env.py). The environment wins over' \
	  '# this file. Never used in production: a deployment sets its variables itself (.env.example).' \
	  'DJANGO_DEBUG=true' > $@
	@echo "Wrote $@ (DJANGO_DEBUG=true for local development)"

migrate: install .env.local
	$(BIN)/python manage.py migrate --no-input

seed: migrate
	$(BIN)/python manage.py seed
	$(BIN)/python manage.py seed_allies

run: seed
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: install
	$(BIN)/celery -A tracker worker --loglevel=INFO --concurrency=2

beat: install
	$(BIN)/celery -A tracker beat --loglevel=INFO --schedule=$(or $(CELERY_BEAT_FILE),/tmp/celerybeat-schedule)

# Browser tests drive Debian's Chromium (/usr/bin/chromium); it is installed here when missing.
chromium:
	@command -v /usr/bin/chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; \
	  else echo "Chromium is missing: run 'sudo apt-get install chromium' (browser tests need /usr/bin/chromium)"; exit 1; fi; }

# The README's screenshots (docs/screenshots/), taken in Chromium from the tracker `make run` serves.
screenshots: install-dev chromium
	$(BIN)/python scripts/screenshots.py --base-url http://$(HOST):$(PORT)

test: install-dev chromium
	DJANGO_DEBUG=false $(BIN)/pytest -q -n 2 -m "not network and not worker and not drill and not readme" $(PYTEST_ARGS)

test-worker: install-dev
	DJANGO_DEBUG=false $(BIN)/pytest -q -p no:xdist -m worker $(PYTEST_ARGS)

# Fault drills on the real services: the local PostgreSQL (127.0.0.1:5432, user postgres, trust), private
# redis-servers and Celery worker processes. They kill workers and restart PostgreSQL (the last drill):
# never run them beside other work on the same cluster. About six minutes.
drills: install-dev
	DJANGO_DEBUG=false $(BIN)/pytest -q -p no:xdist -m drill tests/ops/test_drills.py $(PYTEST_ARGS)

# Back up a throwaway database of real data, restore it elsewhere, compare every table (local PostgreSQL).
backup-drill: install
	scripts/backup_drill.sh

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

fmt: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install-dev
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

import: migrate
	$(BIN)/python manage.py import_source $(SOURCE) $(ARGS)

bench: install-dev
	$(BIN)/python bench/import_bench.py $(ARGS)

# Mixed traffic from 100 clients against gunicorn on PostgreSQL (needs wrk; see bench/load_bench.py).
load-bench: install
	$(BIN)/python bench/load_bench.py $(ARGS)

up:
	docker compose up -d --build

down:
	docker compose down

logs:
	docker compose logs -f --tail=100

clean:
	rm -rf $(VENV) staticfiles media db.sqlite3
