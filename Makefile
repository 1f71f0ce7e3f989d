# Opora: two commands. `make run` sets up and serves the demo region; `make test` sets up and tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
DEMO_PASSWORD ?= opora-demo-2010

.PHONY: run test install install-dev translations clean

run: $(VENV)/.installed
	$(BIN)/opora init
	$(BIN)/opora demo --password '$(DEMO_PASSWORD)'
	@echo "Opora: http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	$(BIN)/opora run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev
	scripts/ensure-chromium
	$(BIN)/ruff check .
	$(BIN)/pytest

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# Re-extract UI strings after changing them, then fill in app/translations/ru and compile.
translations: $(VENV)/.installed-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -o app/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching
	$(BIN)/pybabel compile -d app/translations

clean:
	rm -rf $(VENV) build *.egg-info artifacts .pytest_cache
