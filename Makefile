# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
# The virtual environment is (re)built whenever pyproject.toml changes.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: demo test bench screenshots lint

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

demo: $(BIN)/.installed
	$(BIN)/smartsmm demo

test: $(BIN)/.installed
	PATH="$(CURDIR)/$(BIN):$$PATH" scripts/test

lint: $(BIN)/.installed
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src

bench: $(BIN)/.installed
	PATH="$(CURDIR)/$(BIN):$$PATH" python bench/run.py

screenshots: $(BIN)/.installed
	PATH="$(CURDIR)/$(BIN):$$PATH" scripts/screenshots
