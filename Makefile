# Zubia: `make run` serves the app with demo data, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed
CATALOGS := $(wildcard crm/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

# The suite runs on every core (pytest-xdist); PYTEST_ARGS="-n 0" runs it in one process.
PYTEST_ARGS ?= -n auto

.PHONY: run test lint format bench translations

run: $(STAMP) $(COMPILED)
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	$(FLASK) user ensure-admin
	$(FLASK) dev --host 127.0.0.1 --port 5000

test: $(STAMP) $(COMPILED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest $(PYTEST_ARGS)

bench: $(STAMP) $(COMPILED)
	$(BIN)/python -m bench $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Re-extract the UI text and merge it into every catalogue (then translate what is new).
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_pgettext:1c,2 --ignore-dirs='.*' -o crm/translations/messages.pot --no-location --sort-output --width=100 .
	$(BIN)/pybabel update -i crm/translations/messages.pot -d crm/translations --no-fuzzy-matching --width=100

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@
