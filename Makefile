# Two commands do everything on a fresh machine: `make build` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUTPUT := output
STAMP  := $(VENV)/.installed

.PHONY: build site index check test serve publish clean

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

serve: $(STAMP)
	$(BIN)/python -m http.server 8000 --bind 127.0.0.1 --directory $(OUTPUT)

test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf $(OUTPUT) $(VENV) __pycache__ .pytest_cache
