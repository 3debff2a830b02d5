# jitpsim build, run and test targets. `make run` and `make test` are the two
# set-up commands in the README.
GO       ?= go
BIN      := bin/jitpsim
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)
SCENARIO ?= scenarios/smoke.yaml

.PHONY: build run test bench bench-conns e2e lint fmt clean

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/jitpsim

run: build
	./$(BIN) run $(SCENARIO)

# The test command CI runs (.ci/run calls exactly this).
test: lint
	$(GO) test -race -count=1 ./...

# Benchmarks print ratios against floors measured in the same run (see README).
bench: build
	$(GO) test -run '^$$' -bench 'MintVsFloor|JITPThroughput|ClientMemoryHold' -benchtime 1x -count 1 ./sim/
	$(GO) test -run '^$$' -bench . -benchtime 200x ./report/ ./sim/pki/
	./$(BIN) run scenarios/bench-10k.yaml --quiet --out bin/bench-10k

# The classic JITP walkthrough with openssl, the AWS CLI and mosquitto_pub against `jitpsim serve`
# (make test runs it too, through cmd/jitpsim's TestE2EWalkthrough, when the tools are installed).
e2e: build
	JITPSIM=./$(BIN) .ci/e2e-walkthrough.sh

# Server memory per connection: 10,000 devices connected to one `jitpsim serve` (a separate process).
bench-conns: build
	$(GO) run ./cmd/connbench --jitpsim ./$(BIN) --devices 10000

lint:
	@unformatted=$$(gofmt -l .); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

fmt:
	gofmt -w .

clean:
	rm -rf bin
