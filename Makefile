# CXC Desk. `make run` serves the app; `make test` runs the whole suite. See README.md.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
PORT ?= 8501

.PHONY: cluster profile run install install-dev migrate places catalogues locales locale test test-fast test-long lint demo bench bench-scale browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(BIN)/python
	$(PIP) install -r requirements.txt 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/python -c "import sqlmodel, sqlalchemy, alembic, fpdf, pandas"
	touch $@

$(DEV_STAMP): requirements-dev.txt $(STAMP)
	$(PIP) install -r requirements-dev.txt 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/python -c "import pytest, playwright, hypothesis"
	touch $@

install: $(STAMP)

install-dev: $(DEV_STAMP)

migrate: $(STAMP)
	$(BIN)/python manage.py migrate

places: $(STAMP)
	$(BIN)/python manage.py places

# Languages (README: "Languages"). The .po files are the sources; the .mo files are built here, never committed.
BABEL := $(BIN)/python -m babel.messages.frontend
PO_FILES := $(wildcard locales/*/LC_MESSAGES/cxc.po)
MO_FILES := $(PO_FILES:.po=.mo)

%.mo: %.po $(STAMP)
	$(BABEL) compile --domain cxc --input-file $< --output-file $@ --statistics

catalogues: $(MO_FILES)

# After code or specs changed: extract every text again and merge the new ones into each language's .po.
locales: $(STAMP)
	$(BABEL) extract --mapping-file babel.cfg --keywords _ --keywords N_ --keywords ngettext:1,2 --no-location \
	  --ignore-dirs ".venv tests bench migrations locales node_modules" --project "CXC Desk" \
	  --output-file locales/cxc.pot .
	@if ls locales/*/LC_MESSAGES/cxc.po >/dev/null 2>&1; then \
	  $(BABEL) update --domain cxc --input-file locales/cxc.pot --output-dir locales --no-fuzzy-matching --ignore-obsolete; \
	fi
	$(MAKE) catalogues

# A new language: make locale LANG_CODE=pt (then add it to LANGUAGE_NAMES in domain/i18n.py).
locale: locales
	$(BABEL) init --domain cxc --input-file locales/cxc.pot --output-dir locales --locale $(LANG_CODE)

run: migrate places catalogues
	$(BIN)/python serve.py --server.port $(PORT)

# Several app processes on PostgreSQL behind Debian's nginx (deploy/nginx.conf), on this machine.
N ?= 3
cluster: $(STAMP)
	$(BIN)/python deploy/cluster.py --processes $(N)

demo: migrate
	$(BIN)/python manage.py demo

# Debian packages the tests drive (Chromium, DejaVu fonts, nginx, poppler's pdfsig, openssl's time-stamping
# authority) when missing and
# root, and the OpenID Provider the login tests run (tests/oidc, from package-lock.json).
DEBS := chromium fonts-dejavu-core nginx-light poppler-utils openssl
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] \
	    || [ ! -x /usr/sbin/nginx ] || [ ! -x /usr/bin/pdfsig ] || [ ! -x /usr/bin/openssl ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get -o DPkg::Lock::Timeout=600 update -qq \
	      && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq $(DEBS) >/dev/null; \
	  else \
	    echo "Missing Debian packages: run 'sudo apt-get install $(DEBS)'"; exit 1; \
	  fi; \
	fi
	@if [ ! -f tests/oidc/node_modules/.package-lock.json ] \
	    || [ tests/oidc/package-lock.json -nt tests/oidc/node_modules/.package-lock.json ]; then \
	  npm ci --prefix tests/oidc --no-audit --no-fund --loglevel=error; \
	fi

lint: $(DEV_STAMP)
	$(BIN)/ruff check .

test: $(DEV_STAMP) browser lint catalogues
	$(BIN)/python -m pytest

test-fast: $(DEV_STAMP) catalogues
	$(BIN)/python -m pytest -m "not e2e"

# The long variants: 50 SIGKILLs instead of 8 (the short ones run in `make test`).
test-long: $(DEV_STAMP) browser
	CXC_CRASH_ROUNDS=50 $(BIN)/python -m pytest tests/db/test_crash.py

bench: $(DEV_STAMP) browser
	CXC_DATA_DIR=$$(mktemp -d) $(BIN)/python -m bench.run

# Only the pages at programme scale (the queue and the figures at 50,000 exchanges): a few minutes.
bench-scale: $(DEV_STAMP)
	CXC_DATA_DIR=$$(mktemp -d) $(BIN)/python -m bench.bench_scale

# Where the server's time goes in one page run and one action (cProfile; see bench/profile_action.py).
profile: $(DEV_STAMP)
	$(BIN)/python -m bench.profile_action

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
