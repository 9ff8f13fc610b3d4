#!/usr/bin/env bash
# bench/scaling.sh — does each stage's cost grow with the data, or faster?
# Runs the pipeline (generate, build, check, analyze, train, score --all) on
# companies of BASE, 2×BASE and 4×BASE customers and prints, per stage, the
# wall time and peak RSS at each size and the growth from one size to the
# next. Linear cost grows about 2× per doubling; a regression to
# superlinear cost shows as a ratio well above 2 (about 4 for quadratic).
# Each size is run RUNS times and the median kept; writes its section of
# BENCHMARKS.md.
#
# Usage: bench/scaling.sh path/to/tenure      (BASE=5000 RUNS=3 by default)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
TENURE=$(realpath "${1:?usage: bench/scaling.sh path/to/tenure}")
BASE=${BASE:-5000}
RUNS=${RUNS:-3}
WORK=$(mktemp -d /tmp/tenure-bench-scaling.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

stages=(generate build check analyze train score)
declare -A wall rss

# stage_command STAGE DIR — the command line of one stage on the company in DIR.
stage_command() {
    local dir=$2
    case $1 in
    generate) echo "generate --quiet --customers $customers --db $dir/w.duckdb" ;;
    build) echo "build --quiet --db $dir/w.duckdb" ;;
    check) echo "check --quiet --db $dir/w.duckdb" ;;
    analyze) echo "analyze --quiet --db $dir/w.duckdb --out $dir/reports" ;;
    train) echo "train --quiet --db $dir/w.duckdb --models $dir/models" ;;
    score) echo "score --quiet --db $dir/w.duckdb --models $dir/models --all --no-record --out $dir/scores.csv" ;;
    esac
}

for multiple in 1 2 4; do
    customers=$((BASE * multiple))
    declare -A seconds_of=() kb_of=()
    for run in $(seq "$RUNS"); do
        dir="$WORK/$customers-$run"
        mkdir -p "$dir"
        for stage in "${stages[@]}"; do
            # shellcheck disable=SC2046 # the command line is split on purpose
            timed s kb "$TENURE" $(stage_command "$stage" "$dir")
            seconds_of[$stage]+="$s "
            kb_of[$stage]+="$kb "
            echo "scaling: $customers customers, run $run: $stage $s s, $((kb / 1024)) MB" >&2
        done
        rm -rf "$dir"
    done
    for stage in "${stages[@]}"; do
        # shellcheck disable=SC2086
        wall[$stage,$multiple]=$(median ${seconds_of[$stage]})
        # shellcheck disable=SC2086
        rss[$stage,$multiple]=$(median ${kb_of[$stage]})
    done
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf (a > 0 ? "%.2f×" : "–"), b / a }'; }

body="$WORK/section.md"
{
    echo "## Scaling: each stage at $BASE, $((2 * BASE)) and $((4 * BASE)) customers"
    echo
    echo "Release build; $(machine_line). Median of $RUNS runs per size. Linear cost doubles with"
    echo "the data; a growth well above 2× per doubling is superlinear."
    echo
    echo "| stage | $BASE | $((2 * BASE)) | $((4 * BASE)) | growth $BASE → $((2 * BASE)) | growth $((2 * BASE)) → $((4 * BASE)) | peak RSS at $((4 * BASE)) |"
    echo "|---|---|---|---|---|---|---|"
    for stage in "${stages[@]}"; do
        printf '| %s | %s s | %s s | %s s | %s | %s | %s MB |\n' "$stage" \
            "${wall[$stage,1]}" "${wall[$stage,2]}" "${wall[$stage,4]}" \
            "$(ratio "${wall[$stage,1]}" "${wall[$stage,2]}")" \
            "$(ratio "${wall[$stage,2]}" "${wall[$stage,4]}")" \
            "$((${rss[$stage,4]%.*} / 1024))"
    done
    echo
    echo "Command: \`BASE=$BASE RUNS=$RUNS bench/scaling.sh build/tenure\` (generate, build, check, analyze,"
    echo "train, \`score --all --no-record\`, each timed with \`/usr/bin/time\`)."
} >"$body"
cat "$body"
write_section scaling "$body"
