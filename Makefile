# Two entry points, each working on a fresh machine with only Python 3 and make:
#   make demo  - the main job: a tour of the package (offline unless OPENROUTER_API_KEY is set)
#   make test  - install everything and run every check CI runs
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest bench docs

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,docs,bench,ray]"
	@touch $@

demo: $(STAMP)
	$(BIN)/openrouter-gemini demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy --strict langchain_openrouter_gemini

pytest: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

docs: $(STAMP)
	$(BIN)/mkdocs build --strict --site-dir site

test: lint typecheck pytest docs

bench: $(STAMP)
	$(BIN)/python -m benchmarks
