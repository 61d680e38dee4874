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

# system packages the tests use, installed when missing if run as root (CI is): poppler's
# pdftotext converts real PDFs as users do (tests/test_eval_realworld_text.py); the review
# tests open reports in headless Chromium (Debian package `chromium`)
sysdeps:
	@command -v pdftotext >/dev/null && { command -v chromium >/dev/null || \
		command -v chromium-browser >/dev/null; } || { [ "$$(id -u)" = 0 ] && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq poppler-utils chromium >/dev/null; } || \
		{ echo "tests need pdftotext and chromium: apt-get install poppler-utils chromium"; exit 1; }

test: lint sysdeps
	$(BIN)/python -m pytest -q

bench: $(BIN)/budget-extract
	$(BIN)/python bench/bench_corpus.py

# accuracy against the gold annotations (eval/gold); fails below eval/thresholds.json
eval: $(BIN)/budget-extract
	$(BIN)/budget-extract eval --thresholds eval/thresholds.json
