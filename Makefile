# The two commands of the README: `make run` (the application with demo data, web + worker +
# beat, zero-setup) and `make test` (the whole suite). Everything else is a helper.
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_WORKERS ?= auto

.PHONY: run remind test venv install install-dev migrate seed lint format messages bench clean screenshots

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $$(bin/find-python) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --no-deps -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make run: install, migrate, load the demo data when the database is empty, start web + worker + beat.
## A `.env` at the root is for docker compose (host `db`, `redis`): `make run` does not read it
## unless asked (`make run RUN_ENV=.env`); everything it writes stays under var/.
RUN_ENV ?= /dev/null
run: install
	@$(PY) bin/port-free $(PORT)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	@echo ""
	@echo "  Theo dõi nhiệm vụ: http://127.0.0.1:$(PORT)/   (admin: http://127.0.0.1:$(PORT)/admin/)"
	@echo ""
	PATH="$(VENV)/bin:$$PATH" PORT=$(PORT) $(VENV)/bin/honcho start -f Procfile -e $(RUN_ENV)

## make remind: run the daily sweep now (recurring tasks' next occurrences, reminders planned and sent);
## the beat runs the same sweep daily at 07:00.
remind: install
	$(PY) manage.py send_reminders

# axe-core (accessibility checks of the browser tests) from the npm registry, pinned by the lock.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## make test: the whole suite (DATABASE_URL selects PostgreSQL; SQLite otherwise).
test: install-dev node_modules/.installed
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup -q $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: install-dev
	$(PY) manage.py makemessages -l vi -l en --no-obsolete -i ".venv/*" -i "var/*" -i "tests/*" -i "directives/parsing/*"
	$(PY) manage.py compilemessages -i ".venv"

bench: install-dev
	$(PY) manage.py benchmark $(BENCH_ARGS)

clean:
	rm -rf var/

## make screenshots: refresh docs/screenshots/ from the browser tests.
screenshots: install-dev node_modules/.installed
	UPDATE_SCREENSHOTS=1 $(PY) -m pytest tests/browser -q -p no:xdist
