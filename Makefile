# The two commands of the README: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432

.PHONY: setup run test test-sqlite test-postgres lint audit screenshots bench

$(BIN)/flashcoop: pyproject.toml
	./scripts/system-deps.sh --with-browser
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,postgres]'
	touch $@

setup: $(BIN)/flashcoop

run: setup
	$(BIN)/flashcoop migrate
	$(BIN)/flashcoop demo
	$(BIN)/flashcoop serve --host 127.0.0.1 --port 8000

test: setup lint test-sqlite test-postgres

lint: setup
	$(BIN)/ruff check flashcoop tests bench scripts
	$(BIN)/mypy flashcoop
	$(BIN)/lint-imports --no-cache
	$(BIN)/python scripts/i18n.py

test-sqlite: setup
	FLASHCOOP_TEST_DATABASE=sqlite $(BIN)/python -m pytest -q -p no:cacheprovider

# PostgreSQL runs when reachable; CI sets FLASHCOOP_REQUIRE_POSTGRES=1 so that it must be.
test-postgres: setup
	@if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || [ "$$FLASHCOOP_REQUIRE_POSTGRES" = 1 ]; then \
	  FLASHCOOP_TEST_DATABASE=$(PG_URL) $(BIN)/python -m pytest -q -p no:cacheprovider; \
	else echo "PostgreSQL not reachable on 127.0.0.1:5432: skipped the PostgreSQL run"; fi

# Known vulnerabilities in the installed dependencies (PyPI's advisory database, so it needs the
# network). --strict: a dependency that could not be checked fails the target rather than
# passing silently, so an unreachable advisory service is an error, never "no vulnerabilities".
audit: setup
	$(BIN)/pip-audit --strict --skip-editable --progress-spinner off

screenshots: setup
	$(BIN)/python scripts/screenshots.py

# Every figure of docs/performance.md, each beside its baseline measured in the same run, on
# SQLite and (when reachable) PostgreSQL. A few minutes; run it on an otherwise idle machine.
bench: setup
	$(BIN)/python bench/sale_post.py
	$(BIN)/python bench/ledger_summary.py
	$(BIN)/python bench/indicators.py
	$(BIN)/python bench/close_cohort.py
	$(BIN)/python bench/pages.py
