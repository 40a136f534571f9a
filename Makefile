# The two commands: `make run` and `make test`. Each sets up everything it needs first.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
RUNTIME := $(VENV)/.runtime
PO     := $(wildcard locales/*/LC_MESSAGES/messages.po)
MO     := $(PO:.po=.mo)
BABEL_KEYWORDS := -k Msg:1c,2

.PHONY: run test bench runtime setup catalogs lint typecheck imports unit chromium espeak-ng guide catalogs-update review-export review-import clean

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

unit: setup chromium espeak-ng
	$(BIN)/pytest $(PYTEST_ARGS)

# The web pages are tested in a real Chromium: the system's (Debian's package, or Homebrew's on macOS), driven by
# Playwright; no test tool downloads a browser. INSPRAAK_CHROMIUM may point at one installed elsewhere.
CHROMIUM_FOUND = command -v chromium || command -v chromium-browser || command -v google-chrome \
	|| test -x "$$INSPRAAK_CHROMIUM" || test -x /Applications/Chromium.app/Contents/MacOS/Chromium
chromium:
	@($(CHROMIUM_FOUND)) >/dev/null 2>&1 || { \
	  echo "Installing Chromium for the web page tests (once)..."; \
	  if command -v apt-get >/dev/null 2>&1; then \
	    if [ "$$(id -u)" = 0 ]; then as_root=; elif sudo -n true 2>/dev/null; then as_root="sudo -n"; \
	    else echo "make: Chromium is needed for the tests: run 'sudo apt-get install chromium' once, or set INSPRAAK_CHROMIUM" >&2; exit 1; fi; \
	    $$as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$as_root apt-get install -y -qq chromium >/dev/null; \
	  elif command -v brew >/dev/null 2>&1; then brew install --cask --quiet chromium; \
	  else echo "make: Chromium is needed for the tests: install it, or set INSPRAAK_CHROMIUM to its path" >&2; exit 1; fi; }

# A test speaks a Dutch voice note with espeak-ng, for the real Whisper model to transcribe: Debian's package (as root,
# or with sudo that asks no password) or Homebrew's on macOS.
espeak-ng:
	@command -v espeak-ng >/dev/null 2>&1 || { \
	  echo "Installing espeak-ng for the voice note tests (once)..."; \
	  if command -v apt-get >/dev/null 2>&1; then \
	    if [ "$$(id -u)" = 0 ]; then as_root=; elif sudo -n true 2>/dev/null; then as_root="sudo -n"; \
	    else echo "make: espeak-ng is needed for the tests: run 'sudo apt-get install espeak-ng' once" >&2; exit 1; fi; \
	    $$as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$as_root apt-get install -y -qq espeak-ng >/dev/null; \
	  elif command -v brew >/dev/null 2>&1; then brew install --quiet espeak-ng; \
	  else echo "make: espeak-ng is needed for the tests: install it from your system's packages" >&2; exit 1; fi; }

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
