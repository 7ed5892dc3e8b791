# The two set-up commands in the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The one variable for the address: `make run PORT=8001` serves there, and the dev sgID sends the
# browser back there (SGID_DEV_ORIGIN; the real environment wins over .env).
PORT ?= 8000
ORIGIN := http://127.0.0.1:$(PORT)
DEV_ENV := DEBUG=true SGID_MOCK=true SGID_DEV_ORIGIN=$(ORIGIN)

.PHONY: run test lint screenshots bench messages translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

# The site on the embedded defaults: SQLite, the dev sgID, http://127.0.0.1:$(PORT)
run: $(VENV)/.runtime .env
	@$(MAKE) --no-print-directory translations || echo "Translations not built (see above): the \
	site's own text shows in English; Django's admin and dates follow the language chosen."
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	@echo "Open $(ORIGIN)/ (this address exactly: the dev sgID returns the browser to it)"
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# A development .env, so that `.venv/bin/python manage.py ...` works afterwards as under
# `make run`. Written only where there is none (a file target: an existing .env is never touched),
# and it names no port: `make run` passes SGID_DEV_ORIGIN from PORT.
.env:
	@printf '%s\n' \
	  '# Development settings, written by `make run` because there was no .env (git-ignored).' \
	  '# `make run` never overwrites this file. It names no port: `make run PORT=8001` sets the' \
	  '# dev sgID origin itself. Every setting the site reads is in .env.example.' \
	  'DEBUG=true' \
	  'SGID_MOCK=true' > $@
	@echo "Wrote .env for development (DEBUG=true, SGID_MOCK=true)"

# Translations: locale/<language>/LC_MESSAGES/{django,djangojs}.po are the source (committed),
# and locale/django/<language>/ what Django's own catalogs lack; the .mo files Django reads are
# built from them (git-ignored), again whenever a .po changes.
LOCALES := ms zh_Hans ta
PO_FILES := $(wildcard locale/*/LC_MESSAGES/*.po locale/django/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)
# Folders with no strings of the site's (and, in .venv, Django's own catalogs).
NOT_OURS := --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=tests --ignore=bench

translations: $(MO_FILES)

$(MO_FILES) &: $(PO_FILES) | $(VENV)/.runtime
	@command -v msgfmt >/dev/null 2>&1 || { echo "msgfmt not found: install GNU gettext \
	(Debian: apt-get install gettext)"; exit 1; }
	$(DEV_ENV) $(BIN)/python manage.py compilemessages $(NOT_OURS)

# After marking a string: every .po gains it, empty, for its translator (docs/design.md).
messages: $(VENV)/.runtime
	$(DEV_ENV) $(BIN)/python manage.py makemessages $(addprefix -l ,$(LOCALES)) $(NOT_OURS) \
	  --add-location=file --no-obsolete
	$(DEV_ENV) $(BIN)/python manage.py makemessages -d djangojs $(addprefix -l ,$(LOCALES)) \
	  $(NOT_OURS) --add-location=file --no-obsolete

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
test: lint node_modules/.installed translations
	$(BIN)/pytest

# Screenshots of the main pages at desktop and phone widths, for the README.
screenshots: $(VENV)/.dev node_modules/.installed translations
	SGID_SCREENSHOTS=docs/screenshots $(BIN)/pytest -q tests/browser/test_accessibility.py

# The benchmark (PostgreSQL and Redis on 127.0.0.1): prints its figures, writes BENCHMARKS.md.
bench: $(VENV)/.dev
	$(BIN)/python -m bench.run
