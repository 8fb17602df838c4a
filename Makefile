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
# Where the chatty steps (pip, the docs build, the wheel check) write their full output.
LOGS := build/logs
# Every extra: CI runs every test. (A variable, as a comma would split a $(call) argument.)
EXTRAS := test,docs,bench,ray

# $(call quietly,NAME,COMMAND): run COMMAND with its output in $(LOGS)/NAME.log, printing
# one line while it runs and the whole log only if it fails, so the CI log stays readable.
define quietly
@mkdir -p $(LOGS); \
echo "$(1) (full output: $(LOGS)/$(1).log)"; \
if ( $(2) ) > $(LOGS)/$(1).log 2>&1; then :; else \
	status=$$?; cat $(LOGS)/$(1).log; echo "$(1) FAILED (exit $$status)"; exit $$status; \
fi
endef

.PHONY: demo test lint typecheck pytest bench docs wheel-check

$(CREATED):
	$(call quietly,venv,$(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install --upgrade pip)
	@touch $@

$(DEMO_STAMP): pyproject.toml $(CREATED)
	$(call quietly,install-demo,$(BIN)/python -m pip install -e .)
	@touch $@

# Ray with Ray Data (pyarrow, pandas) is the largest part of this install (about 1 GB in all):
# the `ray` extra's tests run in CI like every other test.
$(STAMP): pyproject.toml $(CREATED)
	$(call quietly,install,$(BIN)/python -m pip install -e ".[$(EXTRAS)]")
	@touch $@

demo: $(DEMO_STAMP)
	$(BIN)/openrouter-gemini demo

lint: $(STAMP)
	$(BIN)/ruff check --quiet .
	$(BIN)/ruff format --check --quiet .

typecheck: $(STAMP)
	$(BIN)/mypy --strict langchain_openrouter_gemini scripts

# -q: dots and the closing "N passed" line, no session header; --benchmark-disable runs
# LangChain's standard benchmark tests once, as plain tests, without the timing table.
pytest: $(STAMP)
	$(BIN)/python -m pytest -q --benchmark-disable $(PYTEST_ARGS)

docs: $(STAMP)
	$(call quietly,docs,$(BIN)/mkdocs build --strict --site-dir site)

# Build the sdist and wheel, twine-check them, install the wheel alone in a fresh venv and
# run the CLI offline from outside the source tree.
wheel-check: $(STAMP)
	$(BIN)/python scripts/check_wheel.py --quiet

test: lint typecheck pytest docs wheel-check

bench: $(STAMP)
	$(BIN)/python -m benchmarks
