# Makefile — the front door. See README.md.
#
#   make          release build of build/tenure (-O2)
#   make run      the whole pipeline on the default synthetic company, then the server
#                 (PORT=N: serve on port N instead of 8000)
#   make test     sanitizer build (ASan + UBSan) and the full test suite under ctest
#   make bench    release build and the benchmark scripts in bench/
#   make clean    remove the build directories
#   make format   clang-format every C source
#
# Every target that builds runs scripts/bootstrap.sh first (silent when all is installed).

BUILD_DIR      := build
TEST_BUILD_DIR := build-test
JOBS           ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_QUIET    := --log-level=WARNING

# Keep the nested make that CMake runs from announcing every directory.
MAKEFLAGS += --no-print-directory

.PHONY: all build run test bench clean format bootstrap

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

clean:
	rm -rf $(BUILD_DIR) $(TEST_BUILD_DIR)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')
