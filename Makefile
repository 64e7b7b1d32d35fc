# kqlhunt build and test entry points. `make demo` and `make test` are the two
# commands the README gives; .ci/run calls `make test`.

GO        ?= go
BIN       := bin/kqlhunt
STATICCHECK_VERSION := v0.8.2
GOBIN     := $(shell $(GO) env GOPATH)/bin
STATICCHECK := $(GOBIN)/staticcheck

.PHONY: build demo test lint fmt-check vet staticcheck unit bench-smoke conformance

build:
	$(GO) build -o $(BIN) ./cmd/kqlhunt

# Run the bundled CloudShell rule over the bundled demo dataset.
demo: build
	./$(BIN) hunt --data demo --format table

$(STATICCHECK):
	$(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...
	cd bench && $(GO) vet ./...

staticcheck: $(STATICCHECK)
	$(STATICCHECK) ./...
	cd bench && $(STATICCHECK) ./...

# Unit tests, golden tests and the seed corpora of every fuzz target.
unit:
	$(GO) test -count=1 ./...

lint: fmt-check vet staticcheck

# The whole test suite: formatting, vet, staticcheck, unit tests, and the
# benchmark harness at a small size (correctness only).
test: lint unit bench-smoke

# The DuckDB benchmark harness (its own module, cgo) at 20,000 rows, and its
# growth mode at 2,000 and 20,000: results of kqlhunt and DuckDB must agree;
# no timing is asserted.
bench-smoke: build
	cd bench && $(GO) test -count=1 ./...
	work=$$(mktemp -d) && cd bench && $(GO) run ./cmd/cloudshell-bench --small --kqlhunt $(CURDIR)/$(BIN) --work $$work && \
	$(GO) run ./cmd/cloudshell-bench --small --growth --kqlhunt $(CURDIR)/$(BIN) --work $$work; \
	status=$$?; rm -rf $$work; exit $$status

conformance: build
	python3 ../shared/tools/kqldocs-conformance.py --cases ../shared/corpus/kqldocs/cases.jsonl \
		--cmd "$(CURDIR)/$(BIN) query --format json -"
