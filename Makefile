# regiokarte: make run (install + serve with demo data), make test, make lint, make bench
VENV ?= .venv
PY := $(VENV)/bin/python
RK := $(VENV)/bin/regiokarte
PORT ?= 5000
HOST ?= 127.0.0.1
DEMO_COMPANIES ?= 20000
PYTEST_WORKERS ?= 2

.PHONY: install run test lint bench bench-browser screenshots icons clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

run: install
	$(RK) init
	$(RK) demo --companies $(DEMO_COMPANIES) --seed 1 --if-empty
	$(RK) serve --host $(HOST) --port $(PORT)

test: install
	$(PY) -m pytest -n $(PYTEST_WORKERS) -p no:cacheprovider

lint: install
	$(VENV)/bin/ruff check core plugins webapp tests bench scripts
	$(VENV)/bin/ruff format --check core plugins webapp tests bench scripts
	$(VENV)/bin/mypy

bench: install
	$(PY) bench/search_bench.py
	$(PY) bench/transit_bench.py

bench-browser: install
	$(PY) bench/browser_bench.py

# Start page (desktop, 390 px phone), a profile and the accessibility page into screenshots/
screenshots: install
	$(PY) scripts/screenshots.py

# Redraw the portal's PNG app icons (committed; needs Pillow from the dev extras)
icons: install
	$(PY) scripts/make_icons.py

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
