# Registrar: `make run` and `make test` do all set-up on a fresh Debian machine.
SWIFT        ?= swift
DB           ?= var/registrar.sqlite
CANDIDATES   ?= 200
SYSTEM_PACKAGES := libsqlite3-dev libzstd-dev sqlite3 zstd
BIN          := .build/debug/registrar

.PHONY: all deps build run test test-build format format-check bench clean

all: build

# Installs the system packages the build and the checks need, only when missing.
deps:
	@missing=""; for package in $(SYSTEM_PACKAGES); do \
		dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi; \
		$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

# Builds, plays a demo season into a fresh embedded SQLite file, then verifies the log.
run: build
	@mkdir -p $(dir $(DB))
	@rm -f $(DB) $(DB)-wal $(DB)-shm
	$(BIN) demo --db $(DB) --candidates $(CANDIDATES)
	$(BIN) snapshot --db $(DB)
	$(BIN) verify --db $(DB)

# Builds once with the tests, then runs them without rebuilding (switching rebuilds some modules otherwise).
test: deps format-check
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

format:
	swift-format format --in-place --recursive --configuration .swift-format Package.swift Sources Tests tools

format-check:
	swift-format lint --strict --recursive --configuration .swift-format Package.swift Sources Tests tools

# Benchmarks live apart from the tests: release build, ratios measured in one run. See BENCHMARKS.md.
bench: deps
	$(SWIFT) build -c release
	.build/release/registrar bench

clean:
	rm -rf .build var
