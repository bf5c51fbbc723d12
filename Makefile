# 信易贷 — two commands on a fresh machine with Python 3.11 and make: `make run`, `make test`.
PYTHON ?= python3.11
VENV := .venv
UV_VERSION := 0.13.9
UV := $(VENV)/bin/uv
BIN := $(VENV)/bin
PACKAGES := app scoring whitelist lenders banksim
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Installed packages are compiled to bytecode once, at setup: a process that may not write
# __pycache__ (PYTHONDONTWRITEBYTECODE, a read-only install) would otherwise compile pandas,
# LightGBM and SQLAlchemy from source at every start, which doubles a second `make run`.
export UV_COMPILE_BYTECODE := 1

.PHONY: run test setup compile lint typecheck pytest docs clean

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# The environment is rebuilt from the lock whenever the lock or the project file changes.
$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --quiet
	touch $@

setup: $(VENV)/.synced

# The project's own modules are compiled too (only the ones changed since the last run).
compile: setup
	$(BIN)/python -m compileall -q $(PACKAGES) >/dev/null

run: compile
	XYD_ENV=$${XYD_ENV:-development} $(BIN)/xyd db upgrade
	XYD_ENV=$${XYD_ENV:-development} $(BIN)/xyd demo --if-empty
	XYD_ENV=$${XYD_ENV:-development} $(BIN)/xyd serve

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: setup
	$(BIN)/mypy $(PACKAGES)

# One pytest-xdist worker per core, each with a PostgreSQL database and a Redis DB of its own
# (tests/workers.py); the browser tests share one worker (--dist loadgroup), so their servers are
# built once; `make test PYTEST_WORKERS=0` runs everything in one process.
PYTEST_WORKERS ?= auto
pytest: compile
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup

test: lint typecheck pytest

docs: setup
	$(BIN)/python -c "from scoring.sources.catalogue import render_markdown as r; open('docs/data-contracts.md', 'w', encoding='utf-8').write(r())"
	$(BIN)/python -c "from scoring.features.catalogue import render_markdown as r; open('docs/features.md', 'w', encoding='utf-8').write(r())"
	$(BIN)/python -c "from app.monitoring.registry import render_markdown as r; open('docs/indicators.md', 'w', encoding='utf-8').write(r())"

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
