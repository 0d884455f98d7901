# hms-ops: `make up` runs it with demo data, `make test` runs everything CI runs.
# Both install what a fresh Debian machine lacks (as root, or through sudo) before building.

SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:$(PATH)

# Debian packages the build, the embedded database and the tests need.
APT_PACKAGES := postgresql libpq-dev libxml2-dev zlib1g-dev curl ca-certificates python3 python3-pip
BIN := .build/debug/hms-ops
# Extra flags for `make up`, e.g. make up ARGS="--port 9191"
ARGS ?=

.PHONY: up test unit architecture test-tools deps build build-tests lint format bench clean

# What only the tests need: a real Prometheus (and promtool) to compare against, xmllint for the
# XSDs, Chromium and its WebDriver for the browser tests.
TEST_APT_PACKAGES := prometheus libxml2-utils chromium chromium-driver

# Installs the Debian packages named in $(1) that are missing (nothing when all are there).
define apt_install
	@missing=""; \
	for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo=sudo; \
	  else echo "error: these packages are missing and installing them needs root:$$missing"; exit 1; fi; \
	  echo "installing:$$missing"; \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	fi
endef

## Install missing Debian packages.
deps:
	$(call apt_install,$(APT_PACKAGES))
	@command -v swift >/dev/null || { echo "error: swift not found (expected at /opt/swift/usr/bin)"; exit 1; }

build: deps
	swift build --product hms-ops

## Start the embedded database, demo service with traffic, collector and dashboard on :9090.
up: build
	@exec $(BIN) up $(ARGS)

build-tests: deps
	swift build --build-tests

## The format check: fails on any difference from .swift-format.
lint:
	swift format lint --strict --recursive Sources Tests Package.swift

format:
	swift format --in-place --recursive Sources Tests Package.swift

## Everything CI runs: format check, unit tests, the integration tests on a real PostgreSQL
## (an embedded cluster the test run starts itself; no database means failure), and the browser
## tests of the card, badge and dashboard in headless Chromium against the real server.
test: build-tests lint architecture test-tools
	timeout --kill-after=30 1500 swift test --skip-build
	timeout --kill-after=30 900 python3 Tests/Browser/test_browser.py --binary $(BIN)

## The suites that need no PostgreSQL, no network and no browser: each module's own tests.
UNIT_TARGETS := CoreTests|ExpositionTests|ConfigTests|IngestTests|SLOEngineTests|HTTPAPITests|SLAServiceTests|CostModelTests|WidgetsTests
unit: build-tests architecture
	timeout --kill-after=30 300 swift test --skip-build --filter '^($(UNIT_TARGETS))\.'

## Every import follows the modules' arrows (docs/architecture.md).
architecture:
	python3 scripts/check-architecture.py

## The peers the tests compare against: Debian's Prometheus, Python's prometheus_client; jsonschema validates API
## answers; Selenium drives Chromium; axe-core (in selenium-axe-python) checks accessibility.
test-tools:
	$(call apt_install,$(TEST_APT_PACKAGES))
	@python3 -c 'import prometheus_client' 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check prometheus_client==0.26.0
	@python3 -c 'import jsonschema' 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check jsonschema==4.26.0
	@python3 -c 'import selenium' 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check selenium==4.51.0
	@python3 -c 'import selenium_axe_python' 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check selenium-axe-python==2.2.0

bench: build
	@for script in benchmarks/*.sh benchmarks/*/run.sh benchmarks/*/e2e.sh; do echo "== $$script"; bash "$$script" || exit 1; done

clean:
	rm -rf .build
