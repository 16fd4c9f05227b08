# Comptoir: `make run` and `make test` are the only set-up commands.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PYTHONPATH := site
# Links printed and e-mailed by the dev server point at the port it listens on.
export SITE_BASE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run install migrate demo serve serve-prod test e2e bench lint messages clean

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py demo

serve:
	@echo "Serving Comptoir with Daphne on http://127.0.0.1:$(PORT) (Ctrl-C to stop)"
	DJANGO_SETTINGS_MODULE=comptoir.settings.dev $(VENV)/bin/daphne -b 127.0.0.1 -p $(PORT) --websocket_connect_timeout 30 comptoir.asgi:application

run: demo serve

# Production serving (README, "Deploying"): needs DATABASE_URL, REDIS_URL and
# DJANGO_SECRET_KEY; migrates, collects static files, then runs the Procfile.
serve-prod: install
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-comptoir.settings.production} $(PY) manage.py serve_prod

test: install
	$(VENV)/bin/pytest -q -n 2 --dist loadgroup

e2e: install
	$(VENV)/bin/pytest -q tests/e2e

bench: install
	$(PY) bench/run.py
	$(PY) bench/reviews.py
	$(PY) bench/ideas.py
	$(PY) bench/rewards.py
	$(PY) bench/cpu.py
	$(PY) bench/ingest.py
	$(PY) bench/sockets.py
	$(PY) bench/reservations.py
	$(PY) bench/forum.py
	$(PY) bench/resale.py
	@if [ -n "$$DATABASE_URL" ]; then $(PY) bench/load.py && $(PY) bench/serving.py; \
	else echo "bench/load.py and bench/serving.py skipped: they need DATABASE_URL (PostgreSQL) and Redis"; fi

# Full-page pictures of the main pages at 390 and 1280 px in docs/screenshots/, taken
# in Chromium on the demo content served from a fresh database (a few minutes).
.PHONY: screenshots
screenshots: install
	$(PY) manage.py screenshots

lint: install
	$(VENV)/bin/ruff check .

messages: install
	$(PY) manage.py makemessages -l fr --ignore=.venv --ignore=bench
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm media private_media static_collected
