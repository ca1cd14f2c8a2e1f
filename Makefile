# Two commands do all the setup on a fresh machine:
#   make demo       - install into .venv (only what the planner needs) and run the main job on the demo data
#   make test       - also install the test tools and the browser, and run the whole test suite
# and one for the notebooks:
#   make notebooks  - also install JupyterLab into .venv and open notebooks/ in it
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test notebooks install install-test install-notebooks browser clean

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

test: install-test browser
	$(BIN)/python -m pytest

notebooks: install-notebooks
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf $(VENV) maps/*.html maps/*.md maps/*.json
