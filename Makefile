# thidua_sim: the two commands of the README.
#   make run   - builds the district's planning briefs (default scenario, shipped data)
#   make test  - the whole test suite (unit, notebooks, batch, browser)
# Both create or reuse the virtual environment .venv from the lock file.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SCENARIO ?= params/scenarios/status_quo.yaml
OUT    ?= out/briefs

.PHONY: run test bench lock browser validate clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

run: $(STAMP)
	$(BIN)/thidua-sim briefs --scenario $(SCENARIO) --data data/kbang --out $(OUT)

test: $(STAMP) browser
	$(BIN)/python -m pytest

validate: $(STAMP)
	$(BIN)/thidua-sim validate data params

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Headless chromium from Debian's packages for the browser tests; never a browser download.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

# Regenerate the lock file after changing dependencies in pyproject.toml.
lock:
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra test --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) out .pytest_cache
