# Two commands do all the setup on a fresh machine:
#   make demo   - install into .venv and run the main job on the bundled demo data
#   make test   - install (with test tools and the browser) and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test install browser clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/.installed

demo: install
	$(BIN)/planner demo

browser:
	bash scripts/install_browser.sh

test: install browser
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) maps/*.html maps/*.md maps/*.json
