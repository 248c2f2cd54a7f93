# One-command set-up: every target installs what it needs into .venv first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.misper-installed

# Prefect's temporary local server: no analytics, and a start timeout that survives a slow machine.
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS := 180
export PREFECT_LOGGING_LEVEL ?= WARNING

.PHONY: install demo test bench clean sample-data browser pdftools

install: $(STAMP) browser pdftools

# Headless Chromium for the report checks (tests/test_report_browser.py): installed only when missing.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  echo "installing chromium (Debian package) for the HTML report checks"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# pdftotext and pdfinfo (Debian poppler-utils) for the tests that read PDFs page by page
# (tests/test_annex.py, tests/leak_scan.py): installed only when missing.
pdftools:
	@command -v pdftotext >/dev/null 2>&1 && command -v pdfinfo >/dev/null 2>&1 || { \
	  echo "installing poppler-utils (Debian package) for the PDF checks"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq poppler-utils >/dev/null; }

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# The main job on the bundled SYNTHETIC sample; prints where the reports are.
demo: install
	$(BIN)/misper demo

# Flow tests (marker `prefect`) share one Prefect test server per session: never under xdist.
test: install
	$(BIN)/python -m pytest -m "not prefect"
	$(BIN)/python -m pytest -m prefect -p no:xdist

# misper at 30k, 120k and 1M episodes beside its anchors (docs/performance.md); not part of `make test`.
# BENCH_ARGS=--national adds 3.5M; BENCH_ARGS="--sizes 30000" runs one size. The per-part benchmarks: bench/run.py.
bench: install
	$(BIN)/python bench/scale.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) data/misper.duckdb data/misper.duckdb.wal out
