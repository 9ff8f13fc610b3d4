#!/usr/bin/env bash
# run.sh — the long fuzz runs of `make fuzz`: each target for SECONDS of CPU
# time, JOBS targets at a time, starting from its seed corpus (tests/fuzz/corpus/<t>)
# and from what earlier runs found. Everything a run writes stays under
# OUT_DIR/<target>/ (git-ignored): corpus/ (the inputs that reached new
# code), crashes/ (an input that failed, with a name saying how), fuzz.log.
# A summary line per target (time, executions, coverage, findings) goes to
# stdout and to OUT_DIR/summary.txt; docs/fuzzing.md records them.
# Exits 1 when a target found something.
# Usage: tests/fuzz/run.sh BUILD_DIR SECONDS OUT_DIR JOBS [TARGET...]
set -uo pipefail
FUZZ_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD_DIR=${1:?usage: run.sh BUILD_DIR SECONDS OUT_DIR JOBS [TARGET...]}
SECONDS_EACH=${2:?seconds per target}
OUT_DIR=${3:?output directory}
JOBS=${4:-1}
shift 4
# shellcheck source=tests/fuzz/lib.sh
source "$FUZZ_DIR/lib.sh"
TARGETS=("$@")
[[ ${#TARGETS[@]} -gt 0 ]] || read -r -a TARGETS <<<"$(fuzz_targets)"

# The CPU seconds process $1 has used so far (user + system), or nothing once it is gone.
cpu_seconds() {
    awk -v tick="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) / tick }' "/proc/$1/stat" 2>/dev/null
}

# Runs one target until it has used SECONDS_EACH of CPU time (on a shared machine its
# wall time would shortchange it), at most four times that in wall time, or until it
# finds something. libFuzzer stops on SIGINT with its final statistics (exit 72).
run_target() {
    local target=$1 out="$OUT_DIR/$1"
    mkdir -p "$out/corpus" "$out/crashes"
    local started=$SECONDS
    "$BUILD_DIR/tests/fuzz/fuzz_$target" $(fuzz_flags "$target") \
        -max_total_time=$((SECONDS_EACH * 4)) -print_final_stats=1 \
        -artifact_prefix="$out/crashes/" "$out/corpus" "$FUZZ_DIR/corpus/$target" \
        >"$out/fuzz.log" 2>&1 &
    local fuzzer=$! used
    while used=$(cpu_seconds "$fuzzer") && [[ -n $used ]]; do
        if ((used >= SECONDS_EACH)); then
            kill -INT "$fuzzer" 2>/dev/null
            break
        fi
        sleep 5
    done
    wait "$fuzzer"
    local status=$?
    ((status == 72)) && status=0 # stopped by us, not a finding
    local cpu
    times >"$out/times" # `times` in a pipe or $(…) would report a fresh subshell's
    cpu=$(tail -n 1 "$out/times" | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/);
                                          printf "%d", u[1] * 60 + u[2] + s[1] * 60 + s[2] }')
    local line
    line="$(date -u +%FT%TZ) $(fuzz_summary "$target" "$out/fuzz.log" $((SECONDS - started)) "$out/crashes"), ${cpu} s CPU"
    echo "$line"
    echo "$line" >>"$OUT_DIR/summary.txt"
    return "$status"
}

mkdir -p "$OUT_DIR"
echo "fuzz: ${TARGETS[*]}: $SECONDS_EACH s of CPU each, $JOBS at a time; findings in $OUT_DIR/<target>/crashes"
failed=0
running=0
for target in "${TARGETS[@]}"; do
    if ((running >= JOBS)); then
        wait -n || failed=1
        running=$((running - 1))
    fi
    run_target "$target" &
    running=$((running + 1))
done
while ((running > 0)); do
    wait -n || failed=1
    running=$((running - 1))
done
exit "$failed"
