# Grassroots: `make run` serves the demo on SQLite, `make test` runs every check and test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# PostgreSQL used by the second test run (pytest-django creates and drops test_grassroots).
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/grassroots
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist: one worker per CPU (each gets its own test database); PYTEST_ARGS= runs serially.
PYTEST_ARGS ?= -n auto
# The slowest tests run once (docs/decisions/0016-browser-tests-once.md, 0019-slow-tests-once.md):
# the browser journeys and the demo crawl (@pytest.mark.browser) and the data-migration tests
# (@pytest.mark.data_migration) on PostgreSQL, the production engine; the demo's seeding tests
# (@pytest.mark.demo_seed) on SQLite, the engine of `make run`. Every other test runs on both.
# Everything on both: make test SQLITE_MARKERS= POSTGRES_MARKERS=
SQLITE_MARKERS ?= not browser and not data_migration
POSTGRES_MARKERS ?= not demo_seed
SQLITE_TEST_URL := sqlite:///$(CURDIR)/var/test.sqlite3
# 1: each pytest-xdist worker copies the test database migrated once for the run (make test
# builds it beside the checks; docs/decisions/0022-migrate-once-per-run.md). Empty: each
# worker migrates its own, as `make test-sqlite` or `make test-postgres` alone do.
TEST_DB_TEMPLATE ?=

.PHONY: setup run test lint layers typecheck checks template-sqlite template-postgres test-sqlite test-postgres bench lock clean

$(BIN)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

build/.built: node_modules/.installed scripts/build-assets.mjs $(shell find frontend -type f)
	npm run --silent build
	touch $@

setup: $(BIN)/.installed build/.built

run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	HOST=$(HOST) PORT=$(PORT) scripts/serve-demo.sh

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The app layer order (pyproject.toml, [tool.importlinter]): each app imports only from itself
# and the apps below it.
layers: setup
	$(BIN)/lint-imports

typecheck: setup
	$(BIN)/mypy grassroots bench

checks: setup
	$(BIN)/python manage.py makemigrations --check --dry-run
	scripts/check-deploy.sh

# Each run's test database, migrated once (grassroots/testing/template_db.py).
template-sqlite: setup
	mkdir -p var
	DATABASE_URL=$(SQLITE_TEST_URL) $(BIN)/python -m grassroots.testing.template_db build

template-postgres: setup
	DATABASE_URL=$(PG_TEST_URL) scripts/require-postgres.sh \
		$(BIN)/python -m grassroots.testing.template_db build

test-sqlite: setup
	DATABASE_URL=$(SQLITE_TEST_URL) TEST_DB_TEMPLATE=$(TEST_DB_TEMPLATE) \
		$(BIN)/pytest $(PYTEST_ARGS) -m "$(SQLITE_MARKERS)"

test-postgres: setup
	DATABASE_URL=$(PG_TEST_URL) TEST_DB_TEMPLATE=$(TEST_DB_TEMPLATE) scripts/require-postgres.sh \
		$(BIN)/pytest $(PYTEST_ARGS) -m "$(POSTGRES_MARKERS)"

# The checks use one core at a time: two jobs at once, the type check (the longest, a minute or
# more from a fresh clone) on one core while the test databases are migrated and the other
# checks run on the other; then the two pytest runs copy those databases.
test: setup
	$(MAKE) --jobs=2 --output-sync=target typecheck template-sqlite template-postgres \
		lint layers checks
	$(MAKE) test-sqlite test-postgres TEST_DB_TEMPLATE=1
	DATABASE_URL=$(PG_TEST_URL) scripts/require-postgres.sh \
		$(BIN)/python -m grassroots.testing.template_db drop

bench: setup
	$(BIN)/python -m bench

lock:
	rm -rf var/lockenv && $(PYTHON) -m venv var/lockenv
	var/lockenv/bin/pip install --quiet '.[dev]'
	var/lockenv/bin/pip freeze --exclude-editable | grep -v '^grassroots' > requirements.lock
	rm -rf var/lockenv build/lib build/bdist.*

clean:
	rm -rf $(VENV) node_modules build var/static
