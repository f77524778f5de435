# Two entry points for a fresh machine with Python 3.11+, git and make: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-alone lint install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes; the project itself is installed editable.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/uprwatch demo

# Four workers, a test file each: the slow tests wait on the network or on Telegram's pacing as often as they
# compute, so four files side by side keep both cores busy. Passive OpenMP waits stop two Whisper processes'
# idle threads from spinning on each other's core.
PYTEST := OMP_WAIT_POLICY=PASSIVE $(CURDIR)/$(BIN)/python -m pytest -q -n 4 --dist loadfile --no-loadscope-reorder

test: $(STAMP)
	$(PYTEST)

# The suite from a clone of the last commit with no ../shared beside it, as every user's clone is: tests that need
# the real UN data must skip and nothing else may fail. CI runs it after `make test`.
test-alone: $(STAMP)
	alone=$$(mktemp -d) && git clone --quiet . $$alone/uprwatch && \
	  (cd $$alone/uprwatch && $(PYTEST)); status=$$?; rm -rf $$alone; exit $$status

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) build *.egg-info
