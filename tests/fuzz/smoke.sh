#!/usr/bin/env bash
# smoke.sh — a target's short run in `make test`: the seed corpus
# (tests/fuzz/corpus/<target>, the inputs of past findings included) is
# replayed, then the target fuzzes for SECONDS more (default 7). Nothing is
# written to the source tree: new inputs and a failing one go to a
# temporary directory, whose failing input and log are printed.
# Usage: tests/fuzz/smoke.sh BUILD_DIR TARGET [SECONDS]
set -uo pipefail
FUZZ_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD_DIR=${1:?usage: smoke.sh BUILD_DIR TARGET [SECONDS]}
TARGET=${2:?target}
SECONDS_RUN=${3:-7}
# shellcheck source=tests/fuzz/lib.sh
source "$FUZZ_DIR/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus"
mapfile -t flags < <(fuzz_flags "$TARGET")
started=$SECONDS
"$BUILD_DIR/tests/fuzz/fuzz_$TARGET" "${flags[@]}" -max_total_time="$SECONDS_RUN" \
    -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" "$FUZZ_DIR/corpus/$TARGET" \
    >"$work/fuzz.log" 2>&1
status=$?
fuzz_summary "$TARGET" "$work/fuzz.log" $((SECONDS - started)) "$work/none"
if [[ $status -ne 0 ]]; then
    grep -a -v -E '^#[0-9]+' "$work/fuzz.log" | tail -n 60
    for input in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
        [[ -f $input ]] && { echo "the failing input ($input), base64:"; base64 -w0 "$input"; echo; }
    done
    exit 1
fi
