# Seedscope: the two commands of the README, and a few helpers.
#   make run    serve the dashboard on the bundled seeds/ and the workshop room server
#               (first run sets up .venv)
#   make test   the layer contracts, the type check, then the whole test suite
#               on every core (installs test tools and Debian's chromium if missing)
#   make bench  run the benchmarks in bench/ (by hand; not part of the tests);
#               one table, exit 1 when a target is missed
#   make fuzz   check and time 20,000 mutated digests (by hand; a few minutes)

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test bench fuzz lint clean-venv

# One stamp per dependency set: re-installs only when pyproject.toml or the
# constraints change, so later runs start at once. uv installs the same pinned
# packages as pip in seconds instead of about 40 s on a fresh clone; pip does
# it when uv cannot be had.
INSTALL = $(BIN)/uv pip install --python $(BIN)/python --quiet -c constraints.txt

# These machines set PYTHONDONTWRITEBYTECODE=1: nothing imported is cached as
# bytecode, so every process compiles every module it imports, every time
# (importing streamlit, pandas, plotly and pyarrow took 2.1 s instead of 1.4 s,
# in each of the suite's dozens of servers and subprocesses). Our own .venv
# and __pycache__ folders may keep bytecode: the first import writes it.
# (Compiling all of site-packages at install instead cost 8.5 s more.)
export PYTHONDONTWRITEBYTECODE :=

$(BIN)/.run-installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt uv || $(BIN)/python -m pip install --quiet --upgrade pip
	$(INSTALL) -e . || $(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $@

$(BIN)/.test-installed: $(BIN)/.run-installed
	$(INSTALL) -e '.[test]' || $(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

run: $(BIN)/.run-installed
	$(BIN)/python -m ui.serve $(if $(SEEDS),-- --seeds $(SEEDS))

# The import contracts and the type check take seconds, so they run first:
# a broken layer rule fails at once rather than after the browser tests.
# worksteal: a worker that runs out of tests takes the other's pending ones
# (with the default "load", one worker idled for the last 33 s of a run).
test: $(BIN)/.test-installed
	./scripts/ensure-chromium
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy loaders seedscope
	$(BIN)/python -m pytest -n auto --dist worksteal

bench: $(BIN)/.test-installed
	$(BIN)/python -m bench

# 20,000 mutated real digests: no exception, no lost heading or row, both
# engines agree, each parse under 1 s per MB (0.1 s at least); prints the slowest.
fuzz: $(BIN)/.test-installed
	$(BIN)/python -m tests.support.fuzz --mutants 20000

lint: $(BIN)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean-venv:
	rm -rf $(VENV)
