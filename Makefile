# Two commands on a fresh Debian 12 machine, as root: `make demo` and `make test`.
# Each installs what is missing (apt packages, npm packages), builds, and runs.

BUILD ?= build
JOBS ?= $(shell nproc)
DEMO_DB ?= demo.db
LISTEN ?= 127.0.0.1:8080

APT_PACKAGES := cmake g++ make pkg-config libboost1.81-dev libsqlite3-dev sqlite3 libpq-dev postgresql libsodium-dev \
  nlohmann-json3-dev libcli11-dev libgtest-dev libgmock-dev chromium fonts-noto-cjk \
  libicu-dev libzip-dev libexpat1-dev libcsv-dev libxlsxwriter-dev

.PHONY: all deps build web demo test test-unit test-postgres test-e2e bench clean

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

test: test-unit test-postgres test-e2e

bench: build
	$(BUILD)/tongan bench-api --db bench-1m.db --children 1000000
	$(BUILD)/tongan bench-stats --db bench-stats-10m.db --children 10000000

clean:
	rm -rf $(BUILD) web/dist web/node_modules
