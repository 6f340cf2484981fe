# The one task runner: README's two commands and CI all come through here.
#   make demo   install, then run the main job on built-in sample data
#   make test   install everything the tests need (Debian packages too), lint, test
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
DEB_PACKAGES = p7zip-full readstat unzip
SUDO = $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test install install-test system-packages sheet-packages lint docs docs-check bench clean

demo: install
	$(BIN)/crossings demo

install: $(BIN)/activate sheet-packages
	$(BIN)/pip install --quiet --disable-pip-version-check -e .

install-test: $(BIN)/activate system-packages sheet-packages
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# Debian packages the tests use: 7z writes Deflate64 zips, readstat writes SAS files,
# unzip checks the zips the sample writer makes, chromium runs the browser tests
# (Playwright drives Debian's build: never `playwright install`), pdftoppm turns
# the fact sheet into PNGs, Java runs Spark (the parity tests).
system-packages:
	@missing=""; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	command -v 7z >/dev/null || missing="$$missing p7zip-full"; \
	command -v readstat >/dev/null || missing="$$missing readstat"; \
	command -v unzip >/dev/null || missing="$$missing unzip"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

# Debian packages the fact sheet's PDF needs (WeasyPrint: Pango; fonts), when missing.
sheet-packages:
	@missing=""; \
	dpkg -s libpango-1.0-0 libpangoft2-1.0-0 >/dev/null 2>&1 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	fc-list 2>/dev/null | grep -q "Liberation Sans" || missing="$$missing fonts-liberation2"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

docs: install
	$(BIN)/python -m crossings.cli.docs > docs/cli.md
	$(BIN)/python -c 'import json; from crossings.measures.meta import json_schema; print(json.dumps(json_schema(), indent=2, sort_keys=True))' > docs/meta.schema.json
	$(BIN)/python -c 'from crossings.measures.methodology_docs import render_markdown as r; print(r(), end="")' > docs/methodology.md

docs-check: install
	$(BIN)/python -m crossings.cli.docs | diff -u docs/cli.md - || \
	  (echo "docs/cli.md is stale: run 'make docs'"; exit 1)
	$(BIN)/python -c 'from crossings.measures.methodology_docs import render_markdown as r; print(r(), end="")' | diff -u docs/methodology.md - || \
	  (echo "docs/methodology.md is stale: run 'make docs'"; exit 1)

test: install-test lint docs-check
	$(BIN)/python -m pytest -q

bench: install-test
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
