# newsetl: `make run` ingests the bundled sample set into ./data; `make test` runs the whole test suite.
# Both create .venv and install the project (with its dev tools) when needed.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# The article extractors are compiled with mypyc (setup.py); compiled again when one of their sources changes.
COMPILED := $(VENV)/.compiled-stamp
NATIVE_SOURCES := $(shell cat tasks/native_sources.txt)

.PHONY: run test lint format bench clean

# The dependencies and the project, its extractors left as Python; the next rule compiles them, once.
$(STAMP): pyproject.toml setup.py tasks/native_sources.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	NEWSETL_PURE_PYTHON=1 $(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# With the venv's mypy, without a fresh build environment (~1.5 min); NEWSETL_PURE_PYTHON=1 skips compiling.
$(COMPILED): $(STAMP) $(NATIVE_SOURCES)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(COMPILED)

run: $(COMPILED)
	$(VENV)/bin/newsetl run $(ARGS)

test: $(COMPILED)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy flows tasks schemas

# Pipeline benchmark (issue 8): writes bench/results/bench.md and bench.json; SIZES=10000,100000 for growth.
bench: $(COMPILED)
	$(PY) -m bench.run_bench --articles 10000 $(if $(SIZES),--sizes $(SIZES))

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache build *.egg-info
