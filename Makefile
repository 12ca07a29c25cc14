# Two commands on a fresh Debian 12 machine, as root: `make demo` and `make test`.
# Each installs what is missing (apt packages, npm packages), builds, and runs.

BUILD ?= build
JOBS ?= $(shell nproc)
DEMO_DB ?= demo.db
LISTEN ?= 127.0.0.1:8080
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 20
FUZZ_TARGETS := resident_id csv xlsx json_body rule_files

APT_PACKAGES := cmake g++ make pkg-config libboost1.81-dev libsqlite3-dev sqlite3 libpq-dev postgresql libsodium-dev libssl-dev \
  nlohmann-json3-dev libcli11-dev libgtest-dev libgmock-dev chromium fonts-noto-cjk \
  libicu-dev libzip-dev libexpat1-dev libcsv-dev libxlsxwriter-dev libgoogle-perftools-dev clang libclang-rt-14-dev wrk

.PHONY: all deps build web demo test test-unit test-postgres test-e2e test-fuzz fuzz-long test-load bench clean

all: build web

deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# npm ci only when the lock file changed since the last install.
web/node_modules/.installed: web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $@

web: deps
	@if [ -f web/package.json ]; then \
	  $(MAKE) --no-print-directory web/node_modules/.installed && cd web && npm run build; \
	fi

demo: build web
	$(BUILD)/tongan demo --db $(DEMO_DB) --listen $(LISTEN) --web web/dist

test-unit: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-e2e: build web
	@if [ -d web/e2e ]; then cd web && TONGAN_BIN=../$(BUILD)/tongan node --test e2e/; fi

# The store and API tests again, against a throwaway PostgreSQL on loopback (stopped afterwards).
test-postgres: build
	@dir=$$(mktemp -d /tmp/tongan-pg.XXXXXX) && \
	uri=$$(scripts/postgres-test-server start $$dir) || exit 1; \
	trap 'scripts/postgres-test-server stop '$$dir' >/dev/null; exit 130' INT TERM; \
	echo "PostgreSQL test server: $$uri"; \
	(cd $(BUILD) && TONGAN_TEST_POSTGRES=$$uri ctest --output-on-failure -j $(JOBS)); rc=$$?; \
	scripts/postgres-test-server stop $$dir; exit $$rc

# libFuzzer targets (fuzz/), built with clang and ASan/UBSan in $(FUZZ_BUILD). Each runs
# FUZZ_SECONDS on a scratch copy of its seed corpus (fuzz/corpus is never written); a crash,
# sanitizer report, leak or hang (-timeout) fails, keeping the scratch folder with the input.
$(FUZZ_BUILD)/CMakeCache.txt:
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -DTONGAN_FUZZ=ON -DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo

test-fuzz: deps $(FUZZ_BUILD)/CMakeCache.txt
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz
	@work=$$(mktemp -d /tmp/tongan-fuzz.XXXXXX) || exit 1; failed=""; \
	for target in $(FUZZ_TARGETS); do \
	  mkdir -p $$work/$$target/corpus $$work/$$target/artifacts && cp fuzz/corpus/$$target/* $$work/$$target/corpus/; \
	  dict=""; if [ -f fuzz/$$target.dict ]; then dict="-dict=fuzz/$$target.dict"; fi; \
	  if $(FUZZ_BUILD)/fuzz/$${target}_fuzzer $$work/$$target/corpus $$dict -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
	       -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=$$work/$$target/artifacts/ >$$work/$$target/log 2>&1; then \
	    echo "fuzz $$target: ok, $$(grep -o 'DONE.*' $$work/$$target/log | head -1), $$(grep -o 'stat::average_exec_per_sec: *[0-9]*' $$work/$$target/log)"; \
	  else \
	    tail -n 40 $$work/$$target/log; echo "fuzz $$target: FAILED, input in $$work/$$target/artifacts"; failed="$$failed $$target"; \
	  fi; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz targets failed:$$failed (logs in $$work)"; exit 1; fi; \
	rm -rf $$work

fuzz-long:
	$(MAKE) --no-print-directory test-fuzz FUZZ_SECONDS=600

# The server under wrk on loopback (LOAD_SECONDS, default 15) while slow clients trickle bytes:
# no socket errors, only 2xx, /api/me still quick, peak RSS bounded (scripts/load-test).
test-load: build
	BUILD=$(BUILD) scripts/load-test

test: test-unit test-postgres test-e2e test-fuzz test-load

bench: build
	$(BUILD)/tongan bench-api --db bench-1m.db --children 1000000
	$(BUILD)/tongan bench-stats --db bench-stats-10m.db --children 10000000

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD) web/dist web/node_modules
