# Triage — the two commands of the README:
#   make serve   set up (system packages, release build) and run the proxy on routes.yaml
#   make test    set up and run every test (unit and integration)
# Other targets: make quickstart (a real local model behind Triage), make install (puts
# `triage` on the PATH), make uninstall, make deps, make model, make build, make check, make bench.

SWIFT ?= swift
CONFIG ?= routes.yaml
# make install: $(DESTDIR)$(PREFIX)/bin/triage. TRIAGE_BIN installs an existing build of
# `triage` instead of building the release one.
PREFIX ?= /usr/local
TRIAGE_BIN ?=
RESOURCES = triage_TriageClassifier.resources

.PHONY: deps model build serve test check bench quickstart install uninstall

# libcurl headers for the CCurl system library, wrk for the benchmark, and the Python
# packages the integration tests use as real clients. Installs only what is missing.
deps:
	@if ! pkg-config --exists libcurl 2>/dev/null || ! command -v wrk >/dev/null 2>&1; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq libcurl4-openssl-dev pkg-config wrk >/dev/null; \
	fi
	@python3 -c "import openai, anthropic" 2>/dev/null || python3 -m pip install -q --disable-pip-version-check "openai>=1.40" "anthropic>=0.40"

# The real local model (llama-cpp-python + SmolLM2-135M under .local-model/) for the quick start
# and the real-model tests; quiet when already installed.
model:
	@scripts/local-model.sh install

build: deps
	$(SWIFT) build -c release --product triage

serve: build
	$$($(SWIFT) build -c release --show-bin-path)/triage serve --config $(CONFIG)

# Start SmolLM2-135M on llama.cpp and Triage in front of it; show a routed prompt; serve until Ctrl-C.
quickstart: deps model
	scripts/quickstart.sh

# `triage` and, beside it, the classifier's resource bundle (the default complexity weights),
# which the binary looks for in its own directory.
install: $(if $(TRIAGE_BIN),,build)
	@bin="$(TRIAGE_BIN)"; [ -n "$$bin" ] || bin="$$($(SWIFT) build -c release --show-bin-path)/triage"; \
	[ -x "$$bin" ] || { echo "make install: no triage binary at $$bin" >&2; exit 1; }; \
	dest="$(DESTDIR)$(PREFIX)/bin"; \
	install -d "$$dest" && install -m 755 "$$bin" "$$dest/triage" && \
	rm -rf "$$dest/$(RESOURCES)" && cp -R "$$(dirname "$$bin")/$(RESOURCES)" "$$dest/$(RESOURCES)" && \
	echo "installed $$dest/triage (and $$dest/$(RESOURCES))"

uninstall:
	rm -rf "$(DESTDIR)$(PREFIX)/bin/triage" "$(DESTDIR)$(PREFIX)/bin/$(RESOURCES)"

check: build
	$$($(SWIFT) build -c release --show-bin-path)/triage check $(CONFIG)

# Every test is a Swift Testing test, so XCTest's runner is off: it would only print
# "Executed 0 tests" before the real run.
test: deps model
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-xctest

bench: deps
	bash bench/run.sh
