# The two commands: `make run` and `make test`. Each sets up everything it needs first.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
RUNTIME := $(VENV)/.runtime
PO     := $(wildcard locales/*/LC_MESSAGES/messages.po)
MO     := $(PO:.po=.mo)
BABEL_KEYWORDS := -k Msg:1c,2

.PHONY: run test bench runtime setup catalogs lint typecheck imports unit chromium espeak-ng postgresql guide catalogs-update review-export review-import clean

run: runtime ## Run the bot (without INSPRAAK_TOKEN: the local sandbox chat)
	$(BIN)/inspraak $(ARGS)

test: setup lint typecheck imports unit ## Lint, type checks, import layers and every test

bench: setup ## Measure the bot against the bare framework; writes docs/benchmarks.md (ARGS=--quick: a short try)
	$(BIN)/python -m bench $(ARGS)

# Running needs only the runtime dependencies (chart fonts ship with the bot); testing adds the toolchain.
runtime: $(RUNTIME) catalogs
setup: $(STAMP) catalogs

$(BIN)/python:
	@echo "Setting up $(VENV) (once)..."
	@$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependencies change.
PIP := $(BIN)/python -m pip install --quiet --quiet --disable-pip-version-check --no-input
$(RUNTIME): pyproject.toml | $(BIN)/python
	@$(PIP) --upgrade pip
	@$(PIP) -e .
	@touch $@

$(STAMP): pyproject.toml $(RUNTIME)
	@$(PIP) -e '.[dev]'
	@touch $@

catalogs: $(MO)

%.mo: %.po $(RUNTIME)
	@$(BIN)/pybabel --quiet compile --domain=messages --input-file=$< --output-file=$@

lint: setup
	$(BIN)/ruff check bot tests bench
	$(BIN)/ruff format --check bot tests bench

typecheck: setup
	$(BIN)/mypy --strict bot bench

imports: setup
	$(BIN)/lint-imports

# The whole suite on SQLite and, at the same time, the tests that open a database once more on PostgreSQL
# (INSPRAAK_TEST_ENGINE; the tests mostly wait on the network, so the two runs share the machine well). The
# PostgreSQL run's report follows the SQLite one's; either failing fails the target.
unit: setup chromium espeak-ng postgresql
	@log=$$(mktemp); \
	INSPRAAK_TEST_ENGINE=postgresql $(BIN)/pytest $(PYTEST_ARGS) >"$$log" 2>&1 & postgresql=$$!; \
	echo "== every test on SQLite (the database tests run on PostgreSQL meanwhile)"; \
	$(BIN)/pytest $(PYTEST_ARGS); sqlite=$$?; \
	wait $$postgresql; again=$$?; \
	echo "== the database tests on PostgreSQL"; cat "$$log"; rm -f "$$log"; \
	test $$sqlite = 0 && test $$again = 0

# The tests' system tools, each installed when missing: Debian's package (as root, or with sudo that asks no
# password) or Homebrew's on macOS. Each tool's target says what it is (TOOL), what it is for, how it is found, its
# package names, and where else it may be (HINT).
SYSTEM_TOOL = ($(FOUND)) >/dev/null 2>&1 || { \
	  echo "Installing $(TOOL) for the $(FOR) (once)..."; \
	  if command -v apt-get >/dev/null 2>&1; then \
	    if [ "$$(id -u)" = 0 ]; then as_root=; elif sudo -n true 2>/dev/null; then as_root="sudo -n"; \
	    else echo "make: $(TOOL) is needed for the tests: run 'sudo apt-get install $(APT)' once$(HINT)" >&2; exit 1; fi; \
	    $$as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$as_root apt-get install -y -qq $(APT) >/dev/null; \
	  elif command -v brew >/dev/null 2>&1; then brew install --quiet $(BREW); \
	  else echo "make: $(TOOL) is needed for the tests: install it from your system's packages$(HINT)" >&2; exit 1; fi; }
chromium espeak-ng postgresql:
	@$(SYSTEM_TOOL)

# The web pages are tested in a real Chromium, driven by Playwright; no test tool downloads a browser.
chromium: TOOL = Chromium
chromium: FOR = web page tests
chromium: FOUND = command -v chromium || command -v chromium-browser || command -v google-chrome \
	|| test -x "$$INSPRAAK_CHROMIUM" || test -x /Applications/Chromium.app/Contents/MacOS/Chromium
chromium: APT = chromium
chromium: BREW = --cask chromium
chromium: HINT = , or set INSPRAAK_CHROMIUM to its path

# A test speaks a Dutch voice note with espeak-ng, for the real Whisper model to transcribe.
espeak-ng: TOOL = espeak-ng
espeak-ng: FOR = voice note tests
espeak-ng: FOUND = command -v espeak-ng
espeak-ng: APT = espeak-ng
espeak-ng: BREW = espeak-ng

# The tests that open a database run once more against a throwaway PostgreSQL server (tests/postgres.py starts it),
# found where the tests look: on PATH, by pg_config, in INSPRAAK_PG_BINDIR, or in Debian's and Homebrew's versioned
# folders.
POSTGRESQL_INITDBS = /usr/lib/postgresql/*/bin/initdb /opt/homebrew/opt/postgresql@*/bin/initdb \
	/usr/local/opt/postgresql@*/bin/initdb
postgresql: TOOL = PostgreSQL
postgresql: FOR = database tests
postgresql: FOUND = command -v initdb || test -x "$$(pg_config --bindir)/initdb" \
	|| { test -n "$$INSPRAAK_PG_BINDIR" && test -x "$$INSPRAAK_PG_BINDIR/initdb"; } \
	|| for initdb in $(POSTGRESQL_INITDBS); do test -x "$$initdb" && break; done
postgresql: APT = postgresql
postgresql: BREW = postgresql@16
postgresql: HINT = , or set INSPRAAK_PG_BINDIR to the folder holding initdb

guide: setup chromium ## Play the coordinator guide's conversations against the bot and write them (and pictures of the web pages) into the guide
	$(BIN)/python -m tests.guide

review-export: runtime ## CATALOG=nl: that language's translations nobody has confirmed, as a sheet (review-nl.csv)
	$(BIN)/python -m bot.i18n.review export $(CATALOG) $(SHEET)

review-import: runtime ## CATALOG=nl SHEET=review-nl.csv REVIEWER="Name": take the reviewed sheet in, then compile
	$(BIN)/python -m bot.i18n.review import $(CATALOG) $(SHEET) "$(REVIEWER)"
	@$(BIN)/pybabel --quiet compile --domain=messages --statistics \
		--input-file=locales/$(CATALOG)/LC_MESSAGES/messages.po --output-file=locales/$(CATALOG)/LC_MESSAGES/messages.mo

catalogs-update: $(STAMP) ## Extract every translatable text and merge it into all catalogs
	$(BIN)/pybabel extract --mapping-file=babel.cfg $(BABEL_KEYWORDS) --add-comments=TRANSLATORS: \
		--sort-by-file --width=100 --project=inspraak --copyright-holder="inspraak contributors" \
		--output-file=locales/messages.pot .
	$(BIN)/pybabel update --input-file=locales/messages.pot --output-dir=locales --domain=messages \
		--width=100 --ignore-obsolete

clean:
	rm -rf $(VENV) locales/*/LC_MESSAGES/*.mo
