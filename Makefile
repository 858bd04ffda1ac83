# Two commands do all set-up on a fresh machine:
#   make run    install what the app needs, then serve it on http://localhost:8501
#   make test   install what the tests need, then lint and run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test lint data

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

run: $(VENV)/.runtime-installed
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest

data: $(VENV)/.runtime-installed
	$(BIN)/python scripts/build_sample_data.py
