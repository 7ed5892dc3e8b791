# The two set-up commands in the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint screenshots bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

# The site on the embedded defaults: SQLite, the dev sgID, http://127.0.0.1:8000
run: $(VENV)/.runtime
	DEBUG=true SGID_MOCK=true $(BIN)/python manage.py migrate --no-input
	DEBUG=true SGID_MOCK=true $(BIN)/python manage.py runserver 127.0.0.1:8000

# axe-core for the accessibility tests (npm, no build step); skipped where npm is missing.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: the accessibility tests will skip"; fi

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Every check CI runs: lint, types, import boundaries, then the test suite.
test: lint node_modules/.installed
	$(BIN)/pytest

# Screenshots of the main pages at desktop and phone widths, for the README.
screenshots: $(VENV)/.dev node_modules/.installed
	SGID_SCREENSHOTS=docs/screenshots $(BIN)/pytest -q tests/browser/test_accessibility.py

# The benchmark (PostgreSQL and Redis on 127.0.0.1): prints its figures, writes BENCHMARKS.md.
bench: $(VENV)/.dev
	$(BIN)/python -m bench.run
