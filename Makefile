# Two commands do all the setup on a fresh machine:
#   make demo       - install into .venv (only what the planner needs) and run the main job on the demo data
#   make test       - also install the test tools and the browser, and run the whole test suite
# and one for the notebooks:
#   make notebooks  - also install JupyterLab into .venv and open notebooks/ in it
# and for the shared register (PostgreSQL + PostGIS from Debian's packages):
#   make db         - start a server in .db/ on localhost:55432 to try by hand (make db-stop stops it)
# 'make test' installs postgresql and postgis too; the tests start and stop their own throwaway server.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test notebooks install install-test install-notebooks browser database db db-stop clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# One stamp per set of packages: 'make demo' never waits for the test tools.
$(BIN)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(BIN)/.installed-test: pyproject.toml $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

$(BIN)/.installed-notebooks: pyproject.toml $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e '.[notebooks]'
	touch $@

install: $(BIN)/.installed
install-test: $(BIN)/.installed-test
install-notebooks: $(BIN)/.installed-notebooks

demo: install
	$(BIN)/planner demo

browser:
	bash scripts/install_browser.sh

database:
	bash scripts/install_db.sh

test: install-test browser database
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

db: install
	bash scripts/start_db.sh

db-stop:
	bash scripts/stop_db.sh

notebooks: install-notebooks
	$(BIN)/jupyter lab notebooks/

clean:
	-bash scripts/stop_db.sh
	rm -rf $(VENV) .db maps/*.html maps/*.md maps/*.json
