# newsetl: `make run` ingests the bundled sample set into ./data; `make test` runs the whole test suite.
# Both create .venv and install the project (with its dev tools) when needed.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint format bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/newsetl run $(ARGS)

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy flows tasks schemas

# Pipeline benchmark (issue 8): writes bench/results/bench.md and bench.json; SIZES=10000,100000 for growth.
bench: $(STAMP)
	$(PY) -m bench.run_bench --articles 10000 $(if $(SIZES),--sizes $(SIZES))

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache build *.egg-info
