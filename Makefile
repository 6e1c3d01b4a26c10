# Triage — the two commands of the README:
#   make serve   set up (system packages, release build) and run the proxy on routes.yaml
#   make test    set up and run every test (unit and integration)
# Other targets: make quickstart (a real local model behind Triage), make deps, make model,
# make build, make check, make bench.

SWIFT ?= swift
CONFIG ?= routes.yaml

.PHONY: deps model build serve test check bench quickstart

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

check: build
	$$($(SWIFT) build -c release --show-bin-path)/triage check $(CONFIG)

test: deps model
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

bench: deps
	bash bench/run.sh
