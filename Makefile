# Two commands do everything on a fresh machine: `make build` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUTPUT := output
STAMP  := $(VENV)/.installed

.PHONY: build site index check test serve watch publish clean axe admin admin-deps admin-site

# `cctp build` (scrapers/site_build.py) checks the changed articles, renders only the pages
# they touch, removes pages no longer produced and updates the search index; on an unchanged
# tree it does nothing. `cctp build --full` rebuilds from an empty output/.
build: $(STAMP) site $(if $(ADMIN),admin-site)

# Reinstall only when the project definition changes.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

check: $(STAMP)
	$(BIN)/cctp check content

site: $(STAMP)
	$(BIN)/cctp build --settings pelicanconf.py --output $(OUTPUT)

# `make build`, then stays: each change under content/ (a save, a git pull) is built as soon as
# it lands, by a process that keeps Pelican and the articles loaded (scrapers/resident.py).
# Ctrl-C stops it. SETTINGS=publishconf.py for the public site.
SETTINGS ?= pelicanconf.py
watch: $(STAMP)
	$(BIN)/cctp build --watch --settings $(SETTINGS) --output $(OUTPUT)

index: $(STAMP)
	$(BIN)/python -m scrapers.index $(OUTPUT)

publish: $(STAMP)
	$(BIN)/cctp build --settings publishconf.py --output $(OUTPUT)
	$(if $(ADMIN),$(MAKE) --no-print-directory admin-site)

# Editors' preview at http://127.0.0.1:8000: the site with drafts, the review page (/can-xem/)
# and search, rebuilt and reloaded on every save (previewconf.py). Never publish this output:
# `make build` and `make publish` render again every page the preview changed and remove
# the drafts' pages.
serve: $(STAMP)
	$(BIN)/pelican content -s previewconf.py -o $(OUTPUT) --autoreload --listen --bind 127.0.0.1 --port 8000

test: $(STAMP) axe admin-deps
	$(BIN)/python -m pytest

# axe-core for the accessibility tests (tests/test_a11y.py), from npm into .cache/npm (ignored).
AXE := .cache/npm/node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE):
	@if command -v npm >/dev/null; then \
	  npm install --no-save --no-audit --no-fund --prefix .cache/npm axe-core@4 >/dev/null; \
	else echo "npm không có: bỏ qua kiểm thử trợ năng (axe-core)"; fi

# The form editor (/admin/, Decap CMS). Its JavaScript comes from npm (admin/package-lock.json)
# into admin/node_modules (ignored) and is served from the site itself.
ADMIN_DEPS := admin/node_modules/.package-lock.json
$(ADMIN_DEPS): admin/package.json admin/package-lock.json
	npm ci --prefix admin --no-audit --no-fund --loglevel=error
	@touch $@
admin-deps:
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory $(ADMIN_DEPS); \
	else echo "npm không có: bỏ qua cài CMS cho /admin/ (kiểm thử /admin/ sẽ bỏ qua)"; fi

# `make admin`: the preview of `make serve` with /admin/, saving into content/ through
# decap-server on 127.0.0.1:8081. Review with git diff, commit as usual.
admin: $(STAMP) $(ADMIN_DEPS)
	$(BIN)/python -m admin.serve

# /admin/ in a built site only when the operator asks: `make publish ADMIN=1` with the git
# host in CCTP_ADMIN_BACKEND, CCTP_ADMIN_REPO… (docs/hosting.md).
admin-site: $(STAMP) $(ADMIN_DEPS)
	$(BIN)/python -m admin.build $(OUTPUT)/admin

clean:
	rm -rf $(OUTPUT) $(VENV) __pycache__ .pytest_cache
