# Durchstarten: `make run` serves the app with demo data, `make test` runs lint and the suite.
VENV      := .venv
BIN       := $(VENV)/bin
PY        := $(BIN)/python
STAMP     := $(VENV)/.installed
DEVSTAMP  := $(VENV)/.installed-dev
HOST      ?= 127.0.0.1
PORT      ?= 8000
PYTEST_ARGS ?=
DE_PO     := src/durchstarten/locale/de/LC_MESSAGES/django.po

.PHONY: run serve test lint format messages install install-dev browser-deps vendor clean api-schema bandit sbom

$(PY):
	@interp="$${PYTHON:-$$(sh scripts/find-python)}" && \
	  echo "Creating $(VENV) with $$interp" && "$$interp" -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml requirements.lock | $(PY)
	$(PY) -m pip install --quiet -c requirements.lock -e .
	@touch $@

$(DEVSTAMP): $(STAMP)
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	@touch $@

install: $(STAMP)
install-dev: $(DEVSTAMP)

run: $(STAMP)
	$(BIN)/durchstarten migrate --no-input
	$(BIN)/durchstarten seed --demo --if-empty
	$(BIN)/durchstarten demo_logins
	@echo "Durchstarten läuft auf http://$(HOST):$(PORT)/  (Beenden mit Strg+C)"
	@# The background worker (large imports, retention) runs beside the server and stops with it.
	@$(BIN)/durchstarten db_worker --no-reload --no-startup-delay -v 0 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/durchstarten runserver $(HOST):$(PORT)

lint: $(DEVSTAMP)
	$(BIN)/bandit -c pyproject.toml -r src -q --severity-level medium
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/djlint --check --lint src/durchstarten

format: $(DEVSTAMP)
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench
	$(BIN)/djlint --reformat src/durchstarten

browser-deps:
	@sh scripts/ensure-chromium

test: $(DEVSTAMP) lint browser-deps
	$(BIN)/durchstarten makemigrations --check --dry-run -v 0
	$(BIN)/pytest $(PYTEST_ARGS)

# Static security analysis (no medium or high findings allowed) and the dependency SBOM.
bandit: $(DEVSTAMP)
	$(BIN)/bandit -c pyproject.toml -r src -q --severity-level medium

sbom: $(DEVSTAMP)
	@sh scripts/sbom

# The committed OpenAPI contract; tests/api/test_schema_file.py fails when it is out of date.
api-schema: $(STAMP)
	$(BIN)/durchstarten spectacular --file docs/api/openapi.yaml --validate --fail-on-warn

# Needs GNU gettext; the compiled .mo files are committed so that run and test do not.
messages: $(DEVSTAMP)
	cd src/durchstarten && ../../$(BIN)/durchstarten makemessages -l de -l en --no-obsolete -i 'seeding/*'
		$(PY) scripts/fill-source-catalogue $(DE_PO)
	cd src/durchstarten && ../../$(BIN)/durchstarten compilemessages -v 0

# Refreshes the committed front-end assets from the npm registry (versions pinned in package.json).
vendor:
	npm ci --no-audit --no-fund
	sh scripts/vendor-assets

# Benchmarks (docs/performance.md): PostgreSQL on 127.0.0.1:5432, then a smaller SQLite run.
# bench/run.py creates and drops its own database "durchstarten_bench" on the server (or a
# temporary SQLite file); it never touches an existing database.
BENCH_PG   ?= postgres://postgres@127.0.0.1:5432/postgres
BENCH_ARGS ?=
.PHONY: bench
bench: $(STAMP)
	DATABASE_URL=$(BENCH_PG) $(PY) bench/run.py --participants 20000 --budget 30 $(BENCH_ARGS)
	DATABASE_URL=sqlite:// $(PY) bench/run.py --participants 5000 --budget 30 $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var/*.sqlite3 node_modules
