# Two commands do everything on a machine with only Python 3.11+ and make:
#   make lab    set up .venv if needed and open the course in JupyterLab
#   make test   set up/update .venv and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help venv lab test unit notebooks-test quiz-check lint notebooks app bench clean

help:
	@echo "make lab        open the course in JupyterLab (sets everything up first)"
	@echo "make app        open the course as a code-free web app (Voila, this computer only)"
	@echo "make test       run every test: unit, quiz validation, lint, notebooks (nbval)"
	@echo "make notebooks  re-execute the notebooks and save their outputs"
	@echo "make bench      run the benchmarks in benchmarks/"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "ketatraining needs Python 3.11 or newer; found " + sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

venv: $(STAMP)

# Running as root (containers) needs --allow-root; everyone else gets the default.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(STAMP)
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir=notebooks \
	  --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
	  notebooks/00-welcome.ipynb

# Clinician view: Voila on 127.0.0.1, no code shown, no request leaves the machine.
app: $(STAMP)
	$(BIN)/python -m ketatraining.app

# Each part gets its own fresh progress store so tests never touch a learner's data.
test: $(STAMP)
	$(MAKE) --no-print-directory lint quiz-check unit notebooks-test

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

quiz-check: $(STAMP)
	$(BIN)/ketatraining validate quizzes/

unit: $(STAMP)
	$(BIN)/python -m pytest -q -p no:nbval tests

notebooks-test: $(STAMP)
	tmp=$$(mktemp -d) && KETATRAINING_DB="sqlite:///$$tmp/progress.db" KETATRAINING_LEARNER=nbval \
	  $(BIN)/python -m pytest -q --nbval --nbval-current-env \
	  --nbval-sanitize-with tests/nbval-sanitize.cfg -p no:xdist notebooks; \
	  status=$$?; rm -rf "$$tmp"; exit $$status

notebooks: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py notebooks

bench: $(STAMP)
	for script in benchmarks/bench_*.py; do $(BIN)/python "$$script" || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info
