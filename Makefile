# newsarchive - a thin wrapper around CMake (like neovim's).
#
#   make demo      install missing packages, build Release, index the sample
#                  news, show a search, a story and a timeline
#   make test      install missing packages, build with -Werror, run every
#                  test; then again under AddressSanitizer + UBSan
#   make install PREFIX=/usr/local
#   make bench     the benchmark suite (BENCH_N=100000 by default)

PREFIX ?= /usr/local
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build
DEMO_ARCHIVE ?= $(BUILD)/demo-archive
CTEST_FLAGS ?= --output-on-failure

.PHONY: all deps deps-test build release demo test test-asan install bench clean
.PHONY: fuzz test-long

all: build

deps:
	@sh scripts/install-deps.sh

deps-test:
	@sh scripts/install-deps.sh --test
	@sh scripts/install-npm-tools.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DARC_WERROR=ON
	cmake --build $(BUILD) -j $(JOBS)

release: deps
	cmake -S . -B $(BUILD)-release -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DARC_WERROR=OFF
	cmake --build $(BUILD)-release -j $(JOBS)

demo: release
	@rm -rf $(DEMO_ARCHIVE)
	@echo '== newsindex import samples/'
	@$(BUILD)-release/indexer/newsindex --archive $(DEMO_ARCHIVE) import samples/
	@echo
	@echo "== newsquery search 'putin witkoff' --limit 3"
	@$(BUILD)-release/query/newsquery --archive $(DEMO_ARCHIVE) search 'putin witkoff' --limit 3
	@echo
	@story=$$($(BUILD)-release/query/newsquery --archive $(DEMO_ARCHIVE) search "witkoff moscow" --limit 1 --format jsonl | sed -n "s/.*\"story\":\([0-9]*\).*/\1/p"); \
	 echo "== newsquery story $$story"; \
	 $(BUILD)-release/query/newsquery --archive $(DEMO_ARCHIVE) story $$story
	@echo
	@echo "== newsquery timeline 'witkoff OR umerov' --since 2025-11-28 --until 2025-12-06"
	@$(BUILD)-release/query/newsquery --archive $(DEMO_ARCHIVE) timeline 'witkoff OR umerov' --since 2025-11-28 --until 2025-12-06

test: deps-test
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DARC_WERROR=ON
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest $(CTEST_FLAGS) -j $(JOBS)
	$(MAKE) test-asan

test-asan: deps-test
	cmake -S . -B $(BUILD)-asan -DCMAKE_BUILD_TYPE=Debug -DARC_WERROR=ON -DARC_SANITIZE=ON
	cmake --build $(BUILD)-asan -j $(JOBS)
	cd $(BUILD)-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest $(CTEST_FLAGS) -j $(JOBS)

# The prefix is configured (not only given to --install) so that the
# installed newsarc.pc points at it.
install: deps
	cmake -S . -B $(BUILD)-release -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DARC_WERROR=OFF -DCMAKE_INSTALL_PREFIX=$(PREFIX)
	cmake --build $(BUILD)-release -j $(JOBS)
	cmake --install $(BUILD)-release

bench: release
	tools/bench/run

# Hardening (issue 7): libFuzzer harnesses, one at a time, FUZZ_SECONDS each
# (needs clang + libclang-rt-14-dev: scripts/install-deps.sh --fuzz), and the
# crash-kill test with 50 kill points on a larger import.
FUZZ_SECONDS ?= 600
fuzz:
	@sh scripts/install-deps.sh --fuzz
	FUZZ_SECONDS=$(FUZZ_SECONDS) tools/fuzz/run.sh $(BUILD)-fuzz

test-long: build
	cd $(BUILD) && KILL_POINTS=50 KILL_ARTICLES=3000 ctest $(CTEST_FLAGS) --timeout 3600 -R 'cli.t200-kill'

clean:
	rm -rf $(BUILD) $(BUILD)-release $(BUILD)-asan
