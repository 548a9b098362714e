# regiokarte: make run (install + serve with demo data), make test, make lint, make bench
# make serve-prod (gunicorn), make load (load test), make bench-peer (side by side with Datasette)
VENV ?= .venv
PY := $(VENV)/bin/python
RK := $(VENV)/bin/regiokarte
PORT ?= 5000
HOST ?= 127.0.0.1
DEMO_COMPANIES ?= 20000
PYTEST_WORKERS ?= 2
PYTEST := $(PY) -m pytest -n $(PYTEST_WORKERS) -p no:cacheprovider

.PHONY: install translations run test test-sqlite test-postgres serve-prod lint bench load bench-peer \
	bench-browser screenshots icons clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	$(VENV)/bin/python scripts/translations.py compile
	touch $@

# make run: the demo, config/demo.toml (every in-tree plugin, fictitious data for the region in
# instance/demo.db, an admin "demo" whose password the first start prints); make run DEMO=0:
# no demo data, the configuration REGIOKARTE_CONFIG names (or the built-in defaults)
DEMO ?= 1
ifeq ($(DEMO),1)
RUN_ENV := REGIOKARTE_CONFIG=config/demo.toml
endif

run: install
	$(RUN_ENV) $(RK) init
	$(if $(filter 1,$(DEMO)),$(RUN_ENV) $(RK) demo --companies $(DEMO_COMPANIES) --seed 1 \
	  --if-empty --operator demo)
	$(RUN_ENV) $(RK) serve --host $(HOST) --port $(PORT)

# The whole suite on SQLite, then again on PostgreSQL when it is there (the server of
# REGIOKARTE_TEST_DATABASE_URL, or throwaway clusters the tests start with initdb); browser
# tests run in the SQLite pass only. Fails when either pass fails.
test: install
	@status=0; \
	$(PYTEST) || status=1; \
	$(MAKE) --no-print-directory test-postgres || status=1; \
	exit $$status

test-sqlite: install
	$(PYTEST)

test-postgres: install
	@if [ -n "$$REGIOKARTE_TEST_DATABASE_URL" ] || $(PY) scripts/pg_cluster.py available; then \
	  echo "REGIOKARTE_TEST_ENGINE=postgresql $(PYTEST) -m 'not browser'"; \
	  REGIOKARTE_TEST_ENGINE=postgresql $(PYTEST) -m 'not browser'; \
	else \
	  echo "test-postgres: SKIPPED, no PostgreSQL (apt-get install postgresql, or set" \
	    "REGIOKARTE_TEST_DATABASE_URL=postgresql+psycopg://user@host/db with CREATEDB)"; \
	fi

# Production server: gunicorn with webapp/gunicorn_conf.py (one worker per core, WORKERS=n)
serve-prod: install
	$(RK) init
	$(VENV)/bin/gunicorn -c python:webapp.gunicorn_conf --bind $(HOST):$(PORT) \
	  $(if $(WORKERS),--workers $(WORKERS)) 'webapp.wsgi:app'

# make translations: pybabel extract/update/compile for every catalog (docs/translations.md)
translations: install
	$(VENV)/bin/python scripts/translations.py update

lint: install
	$(VENV)/bin/ruff check core plugins webapp tests bench scripts regiokarte_testing examples
	$(VENV)/bin/ruff format --check core plugins webapp tests bench scripts regiokarte_testing examples
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(VENV)/bin/bandit -r core plugins webapp -lll -q

bench: install
	$(PY) bench/search_bench.py
	$(PY) bench/transit_bench.py
	$(PY) bench/hostile_bench.py
	$(PY) bench/jobs_match_bench.py

$(VENV)/.installed-bench: $(VENV)/.installed
	$(VENV)/bin/pip install --quiet -e '.[bench]'
	touch $@

# Load test of gunicorn on loopback (wrk from Debian); start-up and memory at 50,000 and 500,000
load: install
	$(PY) bench/load_bench.py

# Ours and Datasette side by side on the same 50,000 companies and the same faceted views
bench-peer: $(VENV)/.installed-bench
	$(PY) bench/peer_bench.py

bench-browser: install
	$(PY) bench/browser_bench.py

# The README's pictures (1280x900 desktop, 390x844 phone) into docs/screenshots/
screenshots: install
	$(PY) scripts/screenshots.py

# Redraw the portal's PNG app icons (committed; needs Pillow from the dev extras)
icons: install
	$(PY) scripts/make_icons.py

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
