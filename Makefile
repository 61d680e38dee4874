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

.PHONY: demo test bench lint eval sysdeps
demo: $(BIN)/budget-extract
	$(BIN)/budget-extract $(SAMPLE) -o putuo.json

lint: $(BIN)/budget-extract
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# system packages the tests use: poppler's pdftotext converts real PDFs as users do
# (tests/test_eval_realworld_text.py); installed when missing if run as root (CI is)
sysdeps:
	@command -v pdftotext >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
		apt-get install -y -qq poppler-utils >/dev/null; } || \
		{ echo "tests need pdftotext: apt-get install poppler-utils"; exit 1; }

test: lint sysdeps
	$(BIN)/python -m pytest -q

bench: $(BIN)/budget-extract
	$(BIN)/python bench/bench_corpus.py

# accuracy against the gold annotations (eval/gold); fails below eval/thresholds.json
eval: $(BIN)/budget-extract
	$(BIN)/budget-extract eval --thresholds eval/thresholds.json
