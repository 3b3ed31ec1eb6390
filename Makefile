# Tadbir — the two set-up commands are `make run` and `make test`; everything else is optional.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run worker test lint install install-dev translations extract-translations db content check sync watch demo serve bench clean help
.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-22s %s\n", $$1, $$2}'

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/python requirements.txt
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed ## Create .venv and install the application
install-dev: $(VENV)/.installed-dev ## Install what tests and linters need too

translations: $(VENV)/.installed ## Compile the interface translations (.po -> .mo)
	$(BIN)/pybabel compile -d courses/translations > /dev/null 2>&1 || $(BIN)/pybabel compile -d courses/translations

extract-translations: $(VENV)/.installed ## Extract strings and update the fr/ar/en catalogs
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o courses/translations/messages.pot .
	$(BIN)/pybabel update -i courses/translations/messages.pot -d courses/translations --no-fuzzy-matching

db: $(VENV)/.installed ## Create or upgrade the database schema
	$(FLASK) db upgrade

content: db ## Check and import content/ into the database
	$(FLASK) content sync

# Trainers' commands: COURSE=folder (or "a b") for some courses only, MSG_LANG=ar|en for the
# messages' language, STRICT=1 to count warnings as errors (check only).
COURSE ?=
MSG_LANG ?= fr
CONTENT_OPTIONS = $(foreach course,$(COURSE),--course $(course)) --lang $(MSG_LANG)

check: install translations ## Check content/: every error and warning with its file:line (COURSE=folder, STRICT=1)
	$(FLASK) content check $(CONTENT_OPTIONS) $(if $(STRICT),--strict)

sync: db translations ## Import content/ into the database, all or nothing (COURSE=folder for one course)
	$(FLASK) content sync $(CONTENT_OPTIONS)

watch: db translations ## Import again at each save, printing each result with its time; Ctrl-C stops (COURSE=folder)
	$(FLASK) content watch $(CONTENT_OPTIONS)

run: install translations content ## Set up everything and serve on http://127.0.0.1:5000 (with a task worker)
	$(FLASK) users demo
	export PUBLIC_BASE_URL="$${PUBLIC_BASE_URL:-http://$(HOST):$(PORT)}"; \
	$(FLASK) tasks worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

worker: install ## Run a task worker (mail, long exports) in the foreground
	$(FLASK) tasks worker

serve: install translations content ## Serve with gunicorn (production settings in gunicorn.conf.py)
	$(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

# Two processes, one test file each at a time (files share fixtures and live servers); TEST_WORKERS=0 for one.
TEST_WORKERS ?= 2
PYTEST := $(BIN)/pytest $(if $(filter-out 0,$(TEST_WORKERS)),-n $(TEST_WORKERS) --dist loadfile)

test: install-dev translations ## Run the whole suite (again on TEST_DATABASE_URL's server when set)
	$(PYTEST)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on $$TEST_DATABASE_URL"; \
		TADBIR_TEST_SERVER_URL="$$TEST_DATABASE_URL" $(PYTEST) -m "not browser"; \
	fi

bench: install-dev translations ## Benchmarks: pages under load, bulk work (figures in docs/performance.md)
	$(BIN)/python -m bench

lint: install-dev ## Ruff (style, bugs, security rules)
	$(BIN)/ruff check courses tests bench wsgi.py
	$(BIN)/ruff format --check courses tests bench wsgi.py
	$(BIN)/bandit -c pyproject.toml -r courses -q

clean: ## Remove the virtual environment and caches (keeps instance/)
	rm -rf $(VENV) .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
