# Two commands do everything on a machine with only Python 3.11+ and make:
#   make lab    set up .venv if needed and open your own copy of the course in JupyterLab
#   make test   set up/update .venv and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help venv axe lock fuzz lab lab-dev test unit notebooks-test quiz-check lint mypy notebooks app bench clean proxy

help:
	@echo "make lab        open your own copy of the course in JupyterLab (sets everything up first)"
	@echo "make lab-dev    trainers and developers: JupyterLab on the repository's notebooks/"
	@echo "make app        open the course as a code-free web app (Voila, this computer only)"
	@echo "make test       run every test: lint, mypy, quiz validation, unit, notebooks (nbval)"
	@echo "make mypy       type-check the package (strict on the data and report layers)"
	@echo "make notebooks  re-execute the notebooks and save their outputs"
	@echo "make bench      run the benchmarks in benchmarks/"
	@echo "make lock       update requirements.lock after changing a dependency in pyproject.toml"
	@echo "make fuzz       mutation-fuzz the quiz validator for FUZZ_SECONDS (default 60)"
	@echo "make proxy      install the hub tests' proxy (configurable-http-proxy, from npm)"

# The whole environment is installed from requirements.lock (every package, exact version
# and sha256 hash), so a fresh machine next month gets what CI tested today. uv installs it;
# uv itself comes from PyPI into .venv/tools, pinned by hash in tools/bootstrap.lock.
LOCK := requirements.lock
UV := $(VENV)/tools/bin/uv
UV_LOCK_FLAGS := --universal --python-version 3.11 --generate-hashes --quiet \
  --custom-compile-command "make lock"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "ketatraining needs Python 3.11 or newer; found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)

$(UV): tools/bootstrap.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps --upgrade \
	  --target $(VENV)/tools -r tools/bootstrap.lock
	@touch $(UV)

$(STAMP): pyproject.toml $(LOCK) | $(UV)
	@$(PYTHON) tools/check_lock.py
	$(UV) pip sync --quiet --python $(BIN)/python --require-hashes $(LOCK)
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

# After adding or changing a dependency in pyproject.toml: `make lock`, then commit
# requirements.lock. Versions already locked stay; `make lock UPGRADE=1` moves all to newest.
lock: | $(UV)
	$(UV) pip compile pyproject.toml --extra test $(UV_LOCK_FLAGS) $(if $(UPGRADE),--upgrade,) -o $(LOCK)
	$(UV) pip compile tools/bootstrap.in $(UV_LOCK_FLAGS) -o tools/bootstrap.lock
	@$(PYTHON) tools/check_lock.py && echo "lock: requirements.lock updated; commit it"

venv: $(STAMP)

# Running as root (containers) needs --allow-root; everyone else gets the default.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

# Learners: a copy of the course in their data folder (ketatraining/lab/learner_copy.py),
# so learning never changes the repository; JupyterLab with the learner-mode settings.
lab: $(STAMP)
	$(BIN)/python -m ketatraining.lab $(ROOT_FLAG)

# Trainers and developers: JupyterLab on the repository itself, as before.
lab-dev: $(STAMP)
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir=notebooks \
	  --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
	  notebooks/00-welcome.ipynb

# Clinician view: Voila on 127.0.0.1, no code shown, no request leaves the machine.
app: $(STAMP)
	$(BIN)/python -m ketatraining.app

# The hub tests' proxy: configurable-http-proxy from the npm registry, pinned by
# tools/chp/package-lock.json, installed into tools/chp/node_modules (never globally).
CHP := tools/chp/node_modules/.bin/configurable-http-proxy
$(CHP): tools/chp/package.json tools/chp/package-lock.json
	@if command -v npm >/dev/null; then \
	  echo "cd tools/chp && npm ci"; cd tools/chp && npm ci --no-audit --no-fund --silent && touch ../../$(CHP); \
	else echo "make proxy: npm is missing (Debian: apt-get install npm); the hub tests will be skipped"; fi

proxy: $(CHP)

# Each part gets its own fresh progress store so tests never touch a learner's data.
test: $(STAMP) $(CHP)
	$(MAKE) --no-print-directory lint mypy quiz-check unit notebooks-test

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Types: strict on quiz/, progress/, analysis/, interop/, certificate/ (pyproject.toml).
mypy: $(STAMP)
	$(BIN)/mypy

quiz-check: $(STAMP)
	$(BIN)/ketatraining validate quizzes/

# axe-core (npm registry, exact version) for the accessibility checks of the browser tests.
AXE_VERSION := 4.14.1
AXE := $(VENV)/node/node_modules/axe-core/axe.min.js
$(AXE):
	@if command -v npm >/dev/null; then \
	  echo "npm install axe-core@$(AXE_VERSION)"; \
	  npm install --no-audit --no-fund --no-save --prefix $(VENV)/node axe-core@$(AXE_VERSION); \
	else echo "make axe: npm is missing (Debian: apt-get install npm); the accessibility tests will be skipped"; fi

axe: $(AXE)

# The browser tests run in a process of their own: Playwright's sync API keeps an event
# loop running in the main thread, which breaks any later test that calls asyncio.run.
# Both parts always run; the target fails if either does.
unit: $(STAMP) $(AXE)
	@status=0; \
	$(BIN)/python -m pytest -q -p no:nbval -m "not browser" tests || status=1; \
	$(BIN)/python -m pytest -q -p no:nbval -m browser tests/browser || status=1; \
	exit $$status

notebooks-test: $(STAMP)
	tmp=$$(mktemp -d) && KETATRAINING_DB="sqlite:///$$tmp/progress.db" KETATRAINING_LEARNER=nbval \
	  KETATRAINING_OUTBOX_DIR="$$tmp/outbox" \
	  $(BIN)/python -m pytest -q --nbval --nbval-current-env \
	  --nbval-sanitize-with tests/nbval-sanitize.cfg -p no:xdist notebooks; \
	  status=$$?; rm -rf "$$tmp"; exit $$status

# Mutation fuzzer over the shipped quizzes (tests/quiz/test_fuzz.py); make test runs a short
# fixed run of it. Fails on any unexpected exception; prints cases, slowest case, peak memory.
FUZZ_SECONDS ?= 60
fuzz: $(STAMP)
	KETATRAINING_FUZZ_SECONDS=$(FUZZ_SECONDS) $(BIN)/python -m pytest -q -s -p no:nbval \
	  tests/quiz/test_fuzz.py

notebooks: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py notebooks

bench: $(STAMP)
	for script in benchmarks/bench_*.py; do $(BIN)/python "$$script" || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info tools/chp/node_modules
