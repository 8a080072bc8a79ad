# 米易县城乡居民养老保险事务中心 2021年度单位决算 — open-data site.
# `make serve` and `make test` do all set-up themselves on a fresh Debian machine.

SHELL   := /bin/bash
PYTHON  ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
# Python packages: three hashed sets compiled from requirements/*.in (make requirements); the stamp
# is keyed on all three, so a change to any of them re-installs.
REQS    := requirements/runtime.txt requirements/test.txt requirements/dev.txt
STAMP   := $(VENV)/.installed-$(shell cat $(REQS) | sha256sum | cut -c1-12)
NPMSTAMP := node_modules/.installed-$(shell sha256sum package-lock.json | cut -c1-12)
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST    ?= 127.0.0.1
PORT    ?= 8000
export NO_MKDOCS_2_WARNING := 1
# The project's Python package (juesuan) lives in scripts/.
export PYTHONPATH := $(CURDIR)/scripts
# Reproducible builds: dates in the sitemap and gzip headers come from the last commit, not the clock.
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

.PHONY: setup system python requirements npm import validate build serve dev test test-fast test-import bench clean

setup: system python npm

# Debian packages: chromium (browser tests), Noto CJK (Chinese text in static charts), node/npm (chart runtime).
system:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	fc-list 2>/dev/null | grep -q "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

# A fresh venv holding exactly the pinned sets: every file is checked against its hash, and --no-deps
# installs nothing that is not listed (the sets are complete); pip check then proves they agree.
# The stamp's name is the sets' content hash, so it needs no prerequisites: a rewrite of the files
# with the same content (make requirements, a checkout) does not re-install.
python: $(STAMP)
$(STAMP):
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check --require-hashes --no-deps $(addprefix -r ,$(REQS))
	$(VENV)/bin/pip check
	touch $@

# Recompile requirements/*.txt after editing a requirements/*.in, with the pinned pip-tools from dev.txt.
# runtime first: test.in and dev.in are constrained by the sets before them. Only PyPI is asked (this
# machine's pip config, with its local indexes and find-links, is set aside), so the hashes are PyPI's.
requirements: python
	for set in runtime test dev; do \
	  env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_INDEX_URL -u PIP_CONSTRAINT -u PYTHONPATH \
	    PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="make requirements" \
	    $(VENV)/bin/pip-compile --quiet --generate-hashes \
	    --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
	    --output-file=requirements/$$set.txt requirements/$$set.in || exit 1; \
	done

# The chart runtime (vega, vega-embed) from the npm registry, pinned by package-lock.json.
npm: $(NPMSTAMP)
$(NPMSTAMP): package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Import a published report (PDF, DOCX or text) as a draft package: make import SRC=report.pdf [DEST=folder] [FORCE=1]
# [UNIT=…] [YEAR=…] [KIND=…] [FORMAT=…] [SLUG=…]. The last line printed is the folder written.
import: python
	@test -n "$(SRC)" || { echo "error: give the report file: make import SRC=<file.pdf|.docx|.txt>" >&2; exit 2; }
	$(PY) -m juesuan.importer "$(SRC)" $(if $(DEST),--dest "$(DEST)") $(if $(FORCE),--force) $(if $(UNIT),--unit "$(UNIT)") \
	  $(if $(YEAR),--year "$(YEAR)") $(if $(KIND),--kind "$(KIND)") $(if $(FORMAT),--format "$(FORMAT)") $(if $(SLUG),--slug "$(SLUG)")

validate: python
	@$(DROP_SITE)
	$(PY) -m juesuan.tools.validate

# A build never leaves a stale or half-written site/: the old one is removed before validation (DROP_SITE,
# set for build and run by validate), mkdocs writes to build/site.new (SITE_BUILD_DIR, read by mkdocs.yml),
# and that replaces site/ only when mkdocs succeeds. A failed or interrupted build leaves no site/ at all.
SITE_NEW := build/site.new
# After a build that succeeded, the build caches lose what no build has used for 14 days (juesuan/tools/prune.py).
build: validate npm
	$(VENV)/bin/mkdocs build --strict --clean
	@rm -rf site && mv $(SITE_NEW) site
	@$(PY) -m juesuan.tools.prune --days 14
build: DROP_SITE := rm -rf site $(SITE_NEW)
build: export SITE_BUILD_DIR := $(CURDIR)/$(SITE_NEW)

serve: setup build
	@echo "Serving http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	$(PY) -m http.server $(PORT) --bind $(HOST) --directory site

# Live reload while editing pages or data.
dev: setup validate npm
	$(VENV)/bin/mkdocs serve --strict -a $(HOST):$(PORT)

test: setup build
	$(PY) -m pytest -q

# The fast set: data, checks, charts and downloads as data; no site build, no browser, no make (under 30 s).
# The data tests: no site build, no browser, no PDF import (about 30 s).
test-fast: python
	$(PY) -m pytest -q -m "not slow and not importer"

# The importer's tests that need no site build (PDF and DOCX reading, drafts; about 30 s).
test-import: python
	$(PY) -m pytest -q -m "importer and not slow"

# Performance table: for 1/10/100/300 reports the cold build, the build after one package changes (build cache),
# the home page's and a first and second search's bytes; page weight, import time, Lighthouse. SIZES="1 10" for fewer.
bench: setup
	$(PY) -m juesuan.tools.bench $(if $(SIZES),--sizes $(SIZES))

clean:
	rm -rf site build .pytest_cache
