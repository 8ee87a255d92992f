# stoop: build, test and demo. `make demo` and `make test` set up a fresh machine themselves.
PREFIX ?= /usr/local
SWIFT ?= swift
BIN := .build/release/stoop
DEBUG_BIN := .build/debug/stoop
SHARED ?= ../shared
APT_PACKAGES := libgit2-dev libyaml-dev

.PHONY: all deps build release test demo install man completions bench lint format check-generated conformance fuzz

all: build

# Install the C libraries stoop links against when they are missing (root only).
deps:
	@missing=""; \
	pkg-config --exists libgit2 || missing="$$missing libgit2-dev"; \
	pkg-config --exists yaml-0.1 || missing="$$missing libyaml-dev"; \
	command -v git >/dev/null || missing="$$missing git"; \
	python3 -c 'import yaml' 2>/dev/null || missing="$$missing python3-yaml"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing$$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) >/dev/null || exit 1; \
	  else \
	    echo "stoop needs the Debian packages$$missing; run: sudo apt-get install -y$$missing" >&2; exit 1; \
	  fi; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --static-swift-stdlib

test: deps
	$(SWIFT) build
	STOOP_SHARED=$(abspath $(SHARED)) $(SWIFT) test
	$(MAKE) --no-print-directory conformance
	$(MAKE) --no-print-directory check-generated

# kpt's e2e function cases and the catalog's examples (../shared/conformance) against the built
# binary; Tests/Conformance/known-failures.txt lists what does not pass yet, and why. Then kpt's
# own pkg update tests replayed on real git; update-differences.txt lists where stoop differs.
conformance: build
	python3 Tests/Conformance/check.py $(abspath $(SHARED)) $(DEBUG_BIN)
	python3 Tests/Conformance/check_update.py $(abspath $(SHARED)) $(DEBUG_BIN)

demo: release
	STOOP=$(abspath $(BIN)) bash examples/quickstart.sh

install: release
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/stoop
	install -m 0644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/

# The pages carry the release's date (Stoop.releaseDate), not today's: man needs a .Dd line to
# render NAME and SYNOPSIS, and a fixed one keeps the pages reproducible for check-generated.
RELEASE_DATE := $(shell sed -n 's/.*releaseDate = "\([0-9-]*\)".*/\1/p' Sources/StoopCLI/Stoop.swift)
MANUAL := generate-manual --multi-page --date $(RELEASE_DATE)

man: build
	rm -rf man && mkdir -p man
	$(SWIFT) package --allow-writing-to-directory man $(MANUAL) --output-directory man >/dev/null

completions: build
	mkdir -p completions
	$(DEBUG_BIN) --generate-completion-script bash > completions/stoop.bash
	$(DEBUG_BIN) --generate-completion-script zsh > completions/_stoop
	$(DEBUG_BIN) --generate-completion-script fish > completions/stoop.fish

# Fails when man/ or completions/ no longer match the command definitions.
check-generated: build
	@tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; \
	$(DEBUG_BIN) --generate-completion-script bash > $$tmp/stoop.bash; \
	$(DEBUG_BIN) --generate-completion-script zsh > $$tmp/_stoop; \
	$(DEBUG_BIN) --generate-completion-script fish > $$tmp/stoop.fish; \
	for f in stoop.bash _stoop stoop.fish; do \
	  cmp -s $$tmp/$$f completions/$$f || { echo "completions/$$f is stale: run make completions" >&2; exit 1; }; \
	done; \
	mkdir -p $$tmp/man; \
	$(SWIFT) package --allow-writing-to-directory $$tmp/man $(MANUAL) --output-directory $$tmp/man >/dev/null; \
	diff -r $$tmp/man man >/dev/null || { echo "man/ is stale: run make man" >&2; exit 1; }; \
	echo "man/ and completions/ are up to date"

# Fuzzes the YAML layer and the ResourceList reader for FUZZ_SECONDS (Sources/stoop-fuzz):
# mutates Tests/Fuzz/corpus, and saves every crash, round-trip loss or invalid emit, shrunk, in
# Tests/Fuzz/regressions (which `make test` replays); fails when it finds any.
# FUZZ_ENGINE=libfuzzer runs the same properties under libFuzzer (-sanitize=fuzzer,address;
# linked with lld, as gold fails on the sanitizer's objects), one process, coverage-guided.
FUZZ_SECONDS ?= 180
FUZZ_ENGINE ?= mutation
fuzz: deps
ifeq ($(FUZZ_ENGINE),libfuzzer)
	$(SWIFT) build -c release --scratch-path .build/libfuzzer --product stoop-fuzz \
	  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DSTOOP_LIBFUZZER -Xswiftc -use-ld=lld
	mkdir -p .build/fuzz/libfuzzer-corpus
	.build/libfuzzer/release/stoop-fuzz -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
	  -artifact_prefix=Tests/Fuzz/regressions/ .build/fuzz/libfuzzer-corpus Tests/Fuzz/corpus
else
	$(SWIFT) build -c release --product stoop-fuzz
	.build/release/stoop-fuzz --seconds $(FUZZ_SECONDS) --corpus Tests/Fuzz/corpus \
	  --regressions Tests/Fuzz/regressions --work .build/fuzz
endif

bench: release
	STOOP=$(abspath $(BIN)) bash bench/run.sh

lint:
	$(SWIFT) format lint --strict --recursive --parallel Package.swift Sources Tests
	@if grep -rnE '^\s*(public |internal |@_implementationOnly )?import (CGit2|CYAML)' Sources | grep -vE '^Sources/(Git/.*internal import CGit2|KRM/.*internal import CYAML)'; then \
	  echo "only Git may import CGit2 and only KRM may import CYAML, each with internal import" >&2; exit 1; fi
	@if grep -rnE '^\s*(public|package) .*(OpaquePointer|Unsafe)' Sources; then \
	  echo "no C pointer types in public or package declarations" >&2; exit 1; fi

format:
	$(SWIFT) format --in-place --recursive --parallel Package.swift Sources Tests
