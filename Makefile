# Registrar: `make run` and `make test` do all set-up on a fresh Debian machine.
SWIFT        ?= swift
DB           ?= var/registrar.sqlite
CANDIDATES   ?= 200
PORT         ?= 8080
SYSTEM_PACKAGES := libsqlite3-dev libzstd-dev sqlite3 zstd python3 python3-venv
BIN          := .build/debug/registrar

PEER_VENV    ?= .build-peer-venv
BENCH_BUILD  ?= .build-bench
SCALE        ?= 200000
RUNS         ?= 5
FUZZ_ITERATIONS ?= 3000
SEED         ?= 2026
ITERATIONS   ?= 20000

.PHONY: all deps build run run-fresh demo test test-browser fuzz-http format format-check openapi-check bench bench-commands bench-scale bench-http peer-venv clean

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

# Builds and serves the API on an embedded SQLite file; the first run plays a demo season into it and prints the
# demo accounts. `make run-fresh` starts over from an empty file.
run: build
	@mkdir -p $(dir $(DB))
	$(BIN) serve --db $(DB) --demo $(CANDIDATES) --port $(PORT)

run-fresh:
	rm -f $(DB) $(DB)-wal $(DB)-shm
	$(MAKE) run

# Plays a demo season into a new file and checks it: snapshots, dictionary training, verify.
demo: build
	@mkdir -p $(dir $(DB))
	@rm -f var/demo.sqlite var/demo.sqlite-wal var/demo.sqlite-shm
	$(BIN) demo --db var/demo.sqlite --candidates $(CANDIDATES)
	$(BIN) snapshot --db var/demo.sqlite --train-dictionary
	$(BIN) rebuild --db var/demo.sqlite
	$(BIN) verify --db var/demo.sqlite

# Builds once with the tests, then runs them without rebuilding (switching rebuilds some modules otherwise).
# Then, against the debug server (tools/fuzz): a seeded fuzzing run of the API (no 5xx, every 4xx a JSON error, no
# refused write appended, verify intact afterwards), and a kill -9 under concurrent writes (nothing acknowledged lost,
# nothing appended twice, verify intact after the restart).
test: deps format-check openapi-check
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	python3 tools/fuzz/http_fuzz.py --binary $(BIN) --iterations $(FUZZ_ITERATIONS) --seed 2026
	python3 tools/fuzz/http_crash.py --binary $(BIN)

# A longer fuzzing run on the release build: `make fuzz-http SEED=7 ITERATIONS=100000`.
fuzz-http: deps
	$(SWIFT) build -c release --scratch-path $(BENCH_BUILD) --product registrar
	python3 tools/fuzz/http_fuzz.py --binary $(BENCH_BUILD)/release/registrar --iterations $(ITERATIONS) --seed $(SEED)

# Validates openapi.json (OpenAPI 3.1) and checks the copy the server embeds is current.
openapi-check:
	tools/validate-openapi.sh

# The reviewer's comparison page in headless chromium (installed when missing): demo season, log-in as the demo
# reviewer, the seed's CHSI case checked for highlighted mismatches, screenshot in var/screenshots/. Not part of `test`.
test-browser: deps
	tools/test-browser.sh

format:
	swift-format format --in-place --recursive --configuration .swift-format Package.swift Sources Tests tools

format-check:
	swift-format lint --strict --recursive --configuration .swift-format Package.swift Sources Tests tools

# Benchmarks live apart from the tests: release build, ratios measured in one run. See BENCHMARKS.md.
# The Python peer (tools/peer) runs inside `registrar bench`, from a venv created here when missing.
# It ends with the HTTP load run (bench-http's script).
bench: deps peer-venv
	@$(MAKE) --no-print-directory deps SYSTEM_PACKAGES="wrk python3"
	$(SWIFT) build -c release --scratch-path $(BENCH_BUILD) --product registrar
	$(BENCH_BUILD)/release/registrar bench --peer-python $(PEER_VENV)/bin/python
	python3 tools/load/http_load.py --binary $(BENCH_BUILD)/release/registrar $(LOAD_ARGS)

# The command-path suite (issue 3) $(RUNS) times, each run against a peer run of its own, then every run's ratios side
# by side: on a shared machine one run is one sample of its speed at that moment.
bench-commands: deps peer-venv
	$(SWIFT) build -c release --scratch-path $(BENCH_BUILD) --product registrar
	$(BENCH_BUILD)/release/registrar bench --only commands --repeat $(RUNS) --peer-python $(PEER_VENV)/bin/python

# The rebuild benchmark at scale (the demo season replicated to $(SCALE) candidates; several minutes, GBs on disk).
bench-scale: deps peer-venv
	$(SWIFT) build -c release --scratch-path $(BENCH_BUILD) --product registrar
	$(BENCH_BUILD)/release/registrar bench --only rebuild --scale-candidates $(SCALE) --peer-python $(PEER_VENV)/bin/python

# HTTP load (issue 5): wrk (installed when missing) against `registrar serve` on loopback, then the in-process command
# rate of the same binary; see BENCHMARKS.md. Not part of `test`. Options: LOAD_ARGS="--duration 30 ...".
bench-http: deps
	@$(MAKE) --no-print-directory deps SYSTEM_PACKAGES="wrk python3"
	$(SWIFT) build -c release --scratch-path $(BENCH_BUILD) --product registrar
	python3 tools/load/http_load.py --binary $(BENCH_BUILD)/release/registrar $(LOAD_ARGS)

# The peer's interpreter: a venv with tools/peer/requirements.txt, (re)installed when the requirements change.
peer-venv: $(PEER_VENV)/.installed

$(PEER_VENV)/.installed: tools/peer/requirements.txt
	@$(MAKE) --no-print-directory deps SYSTEM_PACKAGES="python3 python3-venv"
	test -x $(PEER_VENV)/bin/python || python3 -m venv $(PEER_VENV)
	$(PEER_VENV)/bin/pip install -q -r tools/peer/requirements.txt
	touch $@

clean:
	rm -rf .build $(BENCH_BUILD) $(PEER_VENV) var
