# creditflow: `make run` sets everything up and serves the demo ledger;
# `make test` runs every test. Both start with the assets step.

DB        ?= creditflow.duckdb
ADDR      ?= 127.0.0.1:8080
BENCH_DIR ?= bench
ECHARTS   := web/static/echarts.min.js
AXE       := web/assets/node_modules/axe-core/axe.min.js

.PHONY: all assets build run test bench clean

all: build

# The echarts JavaScript comes from the npm package (pinned in
# web/assets/package-lock.json) and is embedded into the binary; axe-core,
# pinned there too, is read by the browser tests only.
assets: $(ECHARTS) $(AXE)

$(ECHARTS) $(AXE) &: web/assets/package.json web/assets/package-lock.json
	cd web/assets && npm ci --no-audit --no-fund --loglevel=error
	cp web/assets/node_modules/echarts/dist/echarts.min.js $(ECHARTS)
	touch $(AXE)

build: assets
	go build -o creditflow ./cmd/creditflow

run: build
	./creditflow serve --demo --db $(DB) --addr $(ADDR)

# The tests run with the race detector: the ingest, the caches and the
# server share work between goroutines.
test: assets
	go vet ./...
	go test -race -count=1 -timeout 30m ./...

# bench generates a ledger of 1M invoices, ~1M payments and 50k customers
# (once, with the CLI, so that the generator's memory does not count) and
# times the ingest against DuckDB's own CSV load of the same files, then a
# year of bank statements with ~1M payments, then the analytics, scoring and
# change detection on a 1M-invoice ledger.
bench: build
	test -f $(BENCH_DIR)/1m/invoices.csv || \
		./creditflow demo --out $(BENCH_DIR)/1m --customers 50000 --invoices 1000000 --seed 1 --end 2026-11-01
	test -f $(BENCH_DIR)/statements/invoices.csv || \
		./creditflow demo --out $(BENCH_DIR)/statements --customers 50000 --invoices 1400000 --years 1 --seed 1 --end 2026-11-01 --statements
	CREDITFLOW_BENCH_DIR=$(CURDIR)/$(BENCH_DIR)/1m go test -run '^$$' -bench '^BenchmarkIngest$$' -benchtime 1x -timeout 30m ./ingest/
	CREDITFLOW_BENCH_STATEMENTS_DIR=$(CURDIR)/$(BENCH_DIR)/statements go test -run '^$$' -bench BankStatements -benchtime 1x -timeout 30m ./bank/
	CREDITFLOW_BENCH_INVOICES=1000000 CREDITFLOW_BENCH_CUSTOMERS=50000 \
		go test -run '^$$' -bench . -benchtime 3x -timeout 60m ./risk/ ./forecast/
	CREDITFLOW_BENCH_DIR=$(CURDIR)/$(BENCH_DIR)/1m go test -run '^$$' -bench Report -benchtime 1x -timeout 30m ./report/

clean:
	rm -f creditflow $(ECHARTS)
	rm -rf web/assets/node_modules $(BENCH_DIR)
