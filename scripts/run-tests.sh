#!/usr/bin/env bash
# run-tests.sh — runs the ctest suite of a build directory and ends the output
# with ctest's summary line ("100% tests passed, 0 tests failed out of N"),
# repeated after ctest's timing footer so it is the last thing printed.
# While tests run it says, once a minute, which ones are still running, so a
# long integration test is not mistaken for a hang.
# Usage: scripts/run-tests.sh BUILD_DIR [JOBS]
set -uo pipefail
BUILD_DIR=${1:?usage: run-tests.sh BUILD_DIR [JOBS]}
JOBS=${2:-2}
log=$(mktemp)
heartbeat=""
trap 'rm -f "$log"; [[ -n $heartbeat ]] && kill "$heartbeat" 2>/dev/null' EXIT

count=$(cd "$BUILD_DIR" && ctest -N | awk '/^Total Tests:/ {print $3}')
echo "make test: ${count:-the} tests on $JOBS jobs; the whole run takes about 11 minutes on 2 cores" \
    "(the integration tests run the real binary under the sanitizers)."

# still_running — the tests started and not finished yet, from ctest's own lines.
still_running() {
    comm -23 <(sed -n 's/^ *Start *[0-9]*: \(.*\)$/\1/p' "$log" | sort) \
        <(sed -n 's/^ *[0-9]*\/[0-9]* Test *#[0-9]*: \([^ ]*\) .*$/\1/p' "$log" | sort) | paste -sd ' '
}

started=$SECONDS
(
    while sleep 60; do
        running=$(still_running)
        [[ -n $running ]] && echo "make test: $(((SECONDS - started) / 60)) min so far; still running: $running"
    done
) &
heartbeat=$!

(cd "$BUILD_DIR" && ctest --output-on-failure --parallel "$JOBS") 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
kill "$heartbeat" 2>/dev/null
heartbeat=""
summary=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1)
echo
echo "${summary:-ctest printed no summary line (exit $status)}"
exit "$status"
