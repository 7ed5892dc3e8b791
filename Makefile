# The two set-up commands in the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint

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

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Every check CI runs: lint, types, import boundaries, then the test suite.
test: lint
	$(BIN)/pytest
