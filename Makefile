# casegraph's two contracts: `make run` serves the bundled data, `make test`
# runs every check. Both start the Neo4j they need (scripts/neo4j.sh).
SHELL := bash
GO    ?= go
BIN   := bin/casegraph
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)

.PHONY: run build ui test soak overload bench generate neo4j-start neo4j-stop neo4j-status clean

## run: build, start a local Neo4j (unless NEO4J_URI is set), migrate, load data/cases, serve on :8080
run: build
	@scripts/run.sh $(BIN)

## build: compile the binary into bin/
build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/casegraph

## ui: build the explorer (web/src) into web/dist, which the binary embeds; commit web/dist
ui:
	npm ci --prefix web --no-audit --no-fund --loglevel=error
	cd web && node_modules/.bin/vite build

## test: format, vet, generated-code and race-enabled tests against a throwaway Neo4j
test:
	@scripts/test.sh

## soak: 10 minutes of mixed load on loopback (SOAK_DURATION to change), a table of memory and goroutines every 10 s
soak:
	@scripts/soak.sh

## overload: a normal client's p99 alone and beside abusive clients (OVERLOAD_DURATION per run, OVERLOAD_CASES synthetic cases)
overload:
	@SOAK_TAGS=overload SOAK_RUN=TestOverload scripts/soak.sh

## bench: a short benchmark (1k synthetic cases, 15 s per contender) in its own Neo4j; prints the tables
bench:
	@CASES=$${CASES:-1000} DURATION=$${DURATION:-15s} WARMUP=$${WARMUP:-5s} LIGHT_DURATION=$${LIGHT_DURATION:-6s} bench/run.sh

## generate: regenerate gqlgen code from schema.graphqls
generate:
	$(GO) generate ./...

## neo4j-start / neo4j-stop / neo4j-status: the local development Neo4j
neo4j-start:
	@scripts/neo4j.sh start
neo4j-stop:
	@scripts/neo4j.sh stop
neo4j-status:
	@scripts/neo4j.sh status

clean:
	rm -rf bin tools/neo4j/target
