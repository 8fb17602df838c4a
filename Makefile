# Two entry points, each working on a fresh machine with only Python 3 and make:
#   make demo  - the main job: a tour of the package (offline unless OPENROUTER_API_KEY is set)
#   make test  - install everything and run every check CI runs
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# One virtualenv, two levels of install: the demo needs only the package and its runtime
# dependencies; the checks need the test, docs and bench extras too.
CREATED    := $(VENV)/.created
DEMO_STAMP := $(VENV)/.demo-installed
STAMP      := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest bench docs wheel-check

$(CREATED):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@touch $@

$(DEMO_STAMP): pyproject.toml $(CREATED)
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(STAMP): pyproject.toml $(CREATED)
	$(BIN)/python -m pip install --quiet -e ".[test,docs,bench,ray]"
	@touch $@

demo: $(DEMO_STAMP)
	$(BIN)/openrouter-gemini demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy --strict langchain_openrouter_gemini scripts

pytest: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

docs: $(STAMP)
	$(BIN)/mkdocs build --strict --site-dir site

# Build the sdist and wheel, twine-check them, install the wheel alone in a fresh venv and
# run the CLI offline from outside the source tree.
wheel-check: $(STAMP)
	$(BIN)/python scripts/check_wheel.py

test: lint typecheck pytest docs wheel-check

bench: $(STAMP)
	$(BIN)/python -m benchmarks
