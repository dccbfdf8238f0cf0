# modelward: `make run` serves the portal with demo data on :8080;
# `make test` runs every test. Both set up what they need on Debian.

GO ?= go
SHELL := /bin/bash

# Go 1.26.8's net/http, crypto/tls and crypto/x509 have known vulnerabilities
# (govulncheck, `make vuln`); the go command fetches 1.27.3 from the module
# proxy on first use (about 76 MB). Set GOTOOLCHAIN=local to build with the
# machine's own Go.
export GOTOOLCHAIN ?= go1.27.3

.PHONY: run cluster test bench fuzz lint vuln sec generate build check-generated postgres poppler haproxy test-tools

BENCH_OUT ?= bench.json

## run: private PostgreSQL under .data/, migrations, demo data, portal on :8080
run: postgres poppler
	@mkdir -p .data
	$(GO) build -o .data/modelward ./cmd/modelward
	./.data/modelward dev

## cluster: production's shape on loopback: a primary, a streaming standby,
## two copies of the portal and haproxy in front, on :8080
cluster: postgres poppler haproxy
	@mkdir -p .data
	$(GO) build -o .data/modelward ./cmd/modelward
	./.data/modelward dev --replicas 1

## test: the whole suite against real PostgreSQL, browser tests included
test: postgres test-tools check-generated
	$(GO) test -count=1 ./...

## bench: a private database, a country of 10,000 wards × 5 years, the
## portal measured against its targets; results in $(BENCH_OUT)
bench: postgres
	@mkdir -p .data
	$(GO) build -o .data/modelward ./cmd/modelward
	./.data/modelward bench --out $(BENCH_OUT)

## fuzz: each fuzz test for a bounded time (CI runs this)
FUZZTIME ?= 15s
fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzParseValue -fuzztime=$(FUZZTIME) ./internal/assess
	$(GO) test -run='^$$' -fuzz=FuzzParseUnits -fuzztime=$(FUZZTIME) ./internal/units
	$(GO) test -run='^$$' -fuzz=FuzzEvaluate -fuzztime=$(FUZZTIME) ./internal/assess
	$(GO) test -run='^$$' -fuzz=FuzzFold -fuzztime=$(FUZZTIME) ./internal/assess
	$(GO) test -run='^$$' -fuzz=FuzzResultForm -fuzztime=$(FUZZTIME) ./internal/server

## lint: gofmt, go vet and staticcheck
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

## vuln: govulncheck against the Go vulnerability database, which comes
## from the Go module proxy as the golang.org/x/vulndb module
VULN_VERSION   := v1.9.0
VULNDB_VERSION := v0.0.0-20261105234957-e22db6528018
vuln:
	@set -euo pipefail; \
	dir=$$($(GO) mod download -json golang.org/x/vulndb@$(VULNDB_VERSION) | sed -n 's/^\t"Dir": "\(.*\)",$$/\1/p'); \
	if [ ! -f .data/vulndb/$(VULNDB_VERSION)/index/db.json ]; then \
		rm -rf .data/vulndb && mkdir -p .data/vulndb; \
		$(GO) run golang.org/x/vulndb/cmd/indexdb@$(VULNDB_VERSION) -vulns "$$dir/data/osv" -out .data/vulndb/$(VULNDB_VERSION); \
	fi; \
	$(GO) run golang.org/x/vuln/cmd/govulncheck@$(VULN_VERSION) -db file://$(CURDIR)/.data/vulndb/$(VULNDB_VERSION) ./...

## sec: gosec, failing on any finding; the known false positives are
## annotated in the code (#nosec Gxxx -- why)
GOSEC_VERSION := v2.30.0
sec:
	$(GO) run github.com/securego/gosec/v2/cmd/gosec@$(GOSEC_VERSION) -quiet ./...

## generate: templ components to Go
generate:
	$(GO) tool templ generate

## build: the modelward binary
build:
	$(GO) build -o modelward ./cmd/modelward

# Generated templ code is committed; fail when it is out of date.
check-generated:
	@sum() { find web -name '*_templ.go' -print0 | sort -z | xargs -0 cat | sha256sum; }; \
	before=$$(sum); $(GO) tool templ generate >/dev/null 2>&1 || { $(GO) tool templ generate; exit 1; }; \
	if [ "$$before" != "$$(sum)" ]; then \
		echo "generated templ code was out of date; it is regenerated now: review and commit it"; exit 1; fi

# PostgreSQL's server binaries, from the OS packages when missing.
postgres:
	@if command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing PostgreSQL (apt-get install postgresql)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	else \
		echo "PostgreSQL's server binaries (initdb, pg_ctl) are missing. Install them with"; \
		echo "'sudo apt-get install postgresql', or run the portal against a database you"; \
		echo "have: DATABASE_URL=postgres://user:pass@host/db go run ./cmd/modelward dev"; \
		exit 1; \
	fi

# poppler-utils draws PDF evidence's previews (pdftoppm, pdfinfo): installed
# when missing and root; without it PDFs show an icon.
poppler:
	@if command -v pdftoppm >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing poppler-utils (PDF previews)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; \
	else \
		echo "poppler-utils is not installed: PDF evidence shows an icon (sudo apt-get install poppler-utils)"; \
	fi

# haproxy, the reverse proxy in front of the portal's copies (make cluster
# and the failover test): installed when missing and root.
haproxy:
	@if command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing haproxy"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null; \
	else \
		echo "haproxy is not installed: sudo apt-get install haproxy"; exit 1; \
	fi

# Debian's Chromium for the browser tests, poppler-utils' pdftotext for
# reading the PDFs back and haproxy for the failover test: installed when
# missing and root; otherwise those tests skip, saying why (and fail when
# CI=true).
test-tools:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing="$$missing haproxy"; \
	command -v zbarimg >/dev/null 2>&1 || missing="$$missing zbar-tools"; \
	command -v pk12util >/dev/null 2>&1 || missing="$$missing libnss3-tools"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing for the tests:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
		echo "not installed:$$missing; the tests that need them will skip (sudo apt-get install$$missing)"; \
	fi
