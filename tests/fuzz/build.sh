#!/usr/bin/env bash
# build.sh — configures (once) and builds the fuzz targets with clang in
# BUILD_DIR: the Fuzz build type (ASan, UBSan and libFuzzer's coverage
# instrumentation) with -DTENURE_FUZZ=ON. Quiet unless something fails;
# one build at a time per directory (`make fuzz` and `make test` share it).
# Usage: tests/fuzz/build.sh BUILD_DIR [JOBS]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD_DIR=${1:?usage: build.sh BUILD_DIR [JOBS]}
JOBS=${2:-2}
CC=${TENURE_FUZZ_CC:-clang}

command -v "$CC" >/dev/null ||
    { echo "fuzz: $CC is missing (scripts/bootstrap.sh installs clang and libclang-rt-dev)" >&2; exit 1; }
mkdir -p "$BUILD_DIR"
exec 9>"$BUILD_DIR/.build.lock"
flock 9
log="$BUILD_DIR/build.log"
if ! { cmake -S "$ROOT" -B "$BUILD_DIR" --log-level=WARNING -DCMAKE_C_COMPILER="$CC" \
    -DCMAKE_BUILD_TYPE=Fuzz -DTENURE_FUZZ=ON -DTENURE_TESTS=OFF &&
    cmake --build "$BUILD_DIR" --target fuzz_targets --parallel "$JOBS"; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "fuzz: the build in $BUILD_DIR failed" >&2
    exit 1
fi
