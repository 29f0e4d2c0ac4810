# Two commands do everything on a fresh machine: `make build` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUTPUT := output
STAMP  := $(VENV)/.installed

.PHONY: build site index check test serve publish clean axe

build: $(STAMP) check site index

# Reinstall only when the project definition changes.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

check: $(STAMP)
	$(BIN)/cctp check content

site: $(STAMP)
	$(BIN)/pelican content -s pelicanconf.py -o $(OUTPUT) --delete-output-directory --fatal errors

index: $(STAMP)
	$(BIN)/python -m scrapers.index $(OUTPUT)

publish: $(STAMP) check
	$(BIN)/pelican content -s publishconf.py -o $(OUTPUT) --delete-output-directory --fatal errors
	$(BIN)/python -m scrapers.index $(OUTPUT)

# Editors' preview at http://127.0.0.1:8000: the site with drafts, the review page (/can-xem/)
# and search, rebuilt and reloaded on every save (previewconf.py). Never publish this output:
# `make build` and `make publish` rebuild output/ from scratch without drafts.
serve: $(STAMP)
	$(BIN)/pelican content -s previewconf.py -o $(OUTPUT) --autoreload --listen --bind 127.0.0.1 --port 8000

test: $(STAMP) axe
	$(BIN)/python -m pytest

# axe-core for the accessibility tests (tests/test_a11y.py), from npm into .cache/npm (ignored).
AXE := .cache/npm/node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE):
	@if command -v npm >/dev/null; then \
	  npm install --no-save --no-audit --no-fund --prefix .cache/npm axe-core@4 >/dev/null; \
	else echo "npm không có: bỏ qua kiểm thử trợ năng (axe-core)"; fi

clean:
	rm -rf $(OUTPUT) $(VENV) __pycache__ .pytest_cache
