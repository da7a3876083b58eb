# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
# Both install from the hashed locks in requirements/ (pip --require-hashes), so every machine
# and the Docker image get the same versions; `make lock` / `make upgrade` refresh the locks.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APP_LOCK := requirements/app.txt
TEST_LOCK := requirements/test.txt
BUILD_LOCK := requirements/build.txt
# The lock tool, in a venv of its own so that it never enters the application's.
UV_VERSION := 0.13.8
LOCK_VENV := .venv-lock
COMPILE := $(LOCK_VENV)/bin/uv pip compile --quiet --generate-hashes --universal \
	--python-version 3.11

.PHONY: demo test lint typecheck bench docs lock upgrade clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The locked dependencies first (hashes checked), then dealgate itself without dependencies,
# built by the locked hatchling (no build isolation: nothing unpinned is fetched).
$(VENV)/.installed: $(APP_LOCK) $(BUILD_LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r $(APP_LOCK) -r $(BUILD_LOCK)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-test: $(TEST_LOCK) $(BUILD_LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r $(TEST_LOCK) -r $(BUILD_LOCK)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $(VENV)/.installed $@

demo: $(VENV)/.installed
	$(BIN)/dealgate demo

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/pytest

bench: $(VENV)/.installed-test
	$(BIN)/python -m bench.gates
	$(BIN)/python -m bench.api_calls
	$(BIN)/python -m bench.audit

docs: $(VENV)/.installed
	$(BIN)/python -m sync.docgen

$(LOCK_VENV)/bin/uv:
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet uv==$(UV_VERSION)

# After editing pyproject.toml: re-resolve, keeping every pin that still fits.
lock: | $(LOCK_VENV)/bin/uv
	$(COMPILE) $(UV_ARGS) pyproject.toml --extra postgres -o $(APP_LOCK)
	$(COMPILE) $(UV_ARGS) pyproject.toml --extra test -o $(TEST_LOCK)
	$(COMPILE) $(UV_ARGS) requirements/build.in -o $(BUILD_LOCK)

# The newest releases within pyproject.toml's bounds; review the diff, then `make test`.
upgrade:
	$(MAKE) lock UV_ARGS=--upgrade

clean:
	rm -rf $(VENV) $(LOCK_VENV) .pytest_cache .mypy_cache .ruff_cache
