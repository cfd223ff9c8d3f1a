# Kakehashi: `make run` starts the site with demo data; `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app portal
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test setup install install-test catalogs db chromium pg-client pg-replication lock check-translations bench load clean

run: install catalogs db
	PORTAL_ENV=development $(FLASK) run --host $(HOST) --port $(PORT)

test: install-test catalogs chromium pg-client pg-replication
	$(BIN)/python -m pytest $(PYTEST_ARGS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Every install is pinned by the lock (requirements/constraints.txt, all extras, made by `make lock`
# from pyproject.toml's ranges), so CI and every machine get the same versions.
LOCK := requirements/constraints.txt
PIP_INSTALL := $(BIN)/python -m pip install --quiet -c $(LOCK)

# Stamps: reinstall only when pyproject.toml or the lock changes.
$(VENV)/.installed: pyproject.toml $(LOCK) | $(BIN)/python
	$(PIP_INSTALL) -e ".[postgres,redis]"
	touch $@

$(VENV)/.installed-test: pyproject.toml $(LOCK) $(VENV)/.installed
	$(PIP_INSTALL) -e ".[test,postgres,redis]"
	touch $@

# Re-pin after changing a dependency in pyproject.toml (tests/unit/test_lock.py fails until then).
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet "uv>=0.5,<1"
	$(BIN)/uv pip compile pyproject.toml --all-extras --python-version 3.11 \
	  --python-platform x86_64-unknown-linux-gnu --quiet -o $(LOCK)

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

catalogs: install
	PORTAL_ENV=development $(FLASK) translate compile

# Create or upgrade the schema, refresh reference data, load the demo world into an empty database.
db: install
	PORTAL_ENV=development $(FLASK) db upgrade
	PORTAL_ENV=development $(FLASK) reference load
	PORTAL_ENV=development $(FLASK) seed-demo --if-empty

# Browser tests use the system Chromium (Playwright cannot download browsers here).
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  echo "Installing Chromium with apt-get (needed by the browser tests)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }
	@# A Japanese font, so that the screenshots in tests/browser/artifacts/ can be read (the site itself
	@# uses no web fonts; phones have their own).
	@[ -n "$$(fc-list :lang=ja 2>/dev/null)" ] || { \
	  echo "Installing a Japanese font for the browser screenshots"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq fonts-ipafont-gothic; }
	@# And Noto Nastaliq Urdu (in fonts-noto-core, 12 MB), the face Android phones use, for the /ur/ screenshots.
	@[ -n "$$(fc-list :lang=ur 2>/dev/null)" ] || { \
	  echo "Installing an Urdu font for the browser screenshots"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq fonts-noto-core; }

# The backup tests run pg_dump/pg_restore (flask --app portal backup|restore); they fail without them.
pg-client:
	@command -v pg_dump >/dev/null 2>&1 && command -v pg_restore >/dev/null 2>&1 || { \
	  echo "Installing the PostgreSQL client tools with apt-get (needed by the backup tests)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql-client; }

# tests/services/test_read_replicas.py starts a streaming replica of the local PostgreSQL cluster
# with pg_basebackup: allow replication connections from 127.0.0.1 (trust, like the cluster's other
# local lines) when pg_hba.conf does not yet.
pg-replication: pg-client
	@hba=$$(psql -h 127.0.0.1 -U postgres -d postgres -Atc 'SHOW hba_file') || { \
	  echo "PostgreSQL is not answering on 127.0.0.1:5432 (the tests need it)"; exit 1; }; \
	grep -Eq '^[[:space:]]*host[[:space:]]+replication[[:space:]]' "$$hba" || { \
	  echo "Allowing replication connections from 127.0.0.1 in $$hba (the replica test needs them)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  echo 'host replication all 127.0.0.1/32 trust' | $$SUDO tee -a "$$hba" >/dev/null && \
	  psql -h 127.0.0.1 -U postgres -d postgres -Atc 'SELECT pg_reload_conf()' >/dev/null; }

check-translations: install
	PORTAL_ENV=development $(FLASK) translate check

# Benchmarks print figures (see docs/performance.md); DATABASE_URL picks PostgreSQL.
bench: install-test catalogs
	$(BIN)/python bench/search_bench.py
	$(BIN)/python bench/import_bench.py
	$(BIN)/python bench/classify_accuracy.py

$(VENV)/.installed-load: pyproject.toml $(LOCK) $(VENV)/.installed-test
	$(PIP_INSTALL) -e ".[test,postgres,redis,load]"
	touch $@

# Load with locust against gunicorn (docs/performance.md): SQLite with 2 workers, then PostgreSQL with
# 4 workers and Redis rate limits. 50 users for 120 s each; 100,000 postings seeded on first use.
load: $(VENV)/.installed-load catalogs
	$(BIN)/python bench/load_bench.py
	$(BIN)/python bench/load_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test \
	  --redis-url redis://127.0.0.1:6379/14

clean:
	rm -rf $(VENV) instance .pytest_cache
