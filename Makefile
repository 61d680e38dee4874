# One command to set up and run on a sample, one to run the tests. Both create .venv.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAMPLE := ../shared/corpus/pdf/shanghai-putuo-finance-2024-final-account.pdf

$(BIN)/budget-extract: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

.PHONY: demo test bench lint eval browser
demo: $(BIN)/budget-extract
	$(BIN)/budget-extract $(SAMPLE) -o putuo.json

lint: $(BIN)/budget-extract
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# the review tests open reports in headless Chromium (Debian package `chromium`)
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
	  || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

test: lint browser
	$(BIN)/python -m pytest -q

bench: $(BIN)/budget-extract
	$(BIN)/python bench/bench_corpus.py

# accuracy against the gold annotations (eval/gold); fails below eval/thresholds.json
eval: $(BIN)/budget-extract
	$(BIN)/budget-extract eval --thresholds eval/thresholds.json
