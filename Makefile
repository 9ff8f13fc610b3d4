# Makefile — the front door. See README.md.
#
#   make          release build of build/tenure (-O2)
#   make run      the whole pipeline on the default synthetic company, then the server
#                 (PORT=N: serve on port N instead of 8000)
#   make test     sanitizer build (ASan + UBSan) and the full test suite under ctest
#   make bench    release build and the benchmark scripts in bench/
#   make fuzz     the libFuzzer targets (clang), each for FUZZ_SECONDS (default 3600),
#                 FUZZ_JOBS at a time; findings in fuzz-findings/ (docs/fuzzing.md)
#   make clean    remove the build directories
#   make format   clang-format every C source
#
# Every target that builds runs scripts/bootstrap.sh first (silent when all is installed).

BUILD_DIR      := build
TEST_BUILD_DIR := build-test
FUZZ_BUILD_DIR := build-fuzz
FUZZ_SECONDS   ?= 3600
FUZZ_JOBS      ?= $(JOBS)
FUZZ_OUT       ?= fuzz-findings
JOBS           ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_QUIET    := --log-level=WARNING

# Keep the nested make that CMake runs from announcing every directory.
MAKEFLAGS += --no-print-directory

.PHONY: all build run test bench bench-huge fuzz clean format bootstrap

all: build

bootstrap:
	@scripts/bootstrap.sh

build: bootstrap
	@cmake -S . -B $(BUILD_DIR) $(CMAKE_QUIET) -DCMAKE_BUILD_TYPE=Release -DTENURE_TESTS=OFF
	@cmake --build $(BUILD_DIR) --parallel $(JOBS)

run: build
	$(BUILD_DIR)/tenure run $(if $(PORT),--port $(PORT))

test: bootstrap
	@cmake -S . -B $(TEST_BUILD_DIR) $(CMAKE_QUIET) -DCMAKE_BUILD_TYPE=Test -DTENURE_TESTS=ON
	@cmake --build $(TEST_BUILD_DIR) --parallel $(JOBS)
	@scripts/run-tests.sh $(TEST_BUILD_DIR) $(JOBS)

bench: build
	@bench/run.sh $(BUILD_DIR)/tenure

# Half a million customers, about a billion events: an hour or more and about 45 GB of disk.
bench-huge: build
	@bench/huge.sh $(BUILD_DIR)/tenure

# FUZZ_TARGETS="request values" runs only those (tests/fuzz/targets.cmake lists them all).
fuzz: bootstrap
	@tests/fuzz/build.sh $(FUZZ_BUILD_DIR) $(JOBS)
	@tests/fuzz/run.sh $(FUZZ_BUILD_DIR) $(FUZZ_SECONDS) $(FUZZ_OUT) $(FUZZ_JOBS) $(FUZZ_TARGETS)

clean:
	rm -rf $(BUILD_DIR) $(TEST_BUILD_DIR) $(FUZZ_BUILD_DIR)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')
