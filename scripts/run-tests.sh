#!/usr/bin/env bash
# run-tests.sh — runs the ctest suite of a build directory and ends the output
# with ctest's summary line ("100% tests passed, 0 tests failed out of N"),
# repeated after ctest's timing footer so it is the last thing printed.
# Usage: scripts/run-tests.sh BUILD_DIR [JOBS]
set -uo pipefail
BUILD_DIR=${1:?usage: run-tests.sh BUILD_DIR [JOBS]}
JOBS=${2:-2}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
(cd "$BUILD_DIR" && ctest --output-on-failure --parallel "$JOBS") 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
summary=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1)
echo
echo "${summary:-ctest printed no summary line (exit $status)}"
exit "$status"
