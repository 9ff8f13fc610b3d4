#!/usr/bin/env bash
# analyze.sh — speed of `tenure analyze` (issue 5) on the default generated
# company (target ≤ 5 s), and of the statistics alone on data of that size:
# Cox PH on 5,000 rows × 8 covariates (target: well under a second),
# Kaplan-Meier and the log-rank test (bench/bench_stats.c).
# Median of RUNS runs (default 3). Usage: bench/analyze.sh path/to/tenure
set -euo pipefail
source "$(dirname "$0")/lib.sh"
TENURE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
STATS="$(dirname "$TENURE")/bench_stats"
RUNS=${RUNS:-3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tenure-bench-analyze.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

"$TENURE" generate --quiet --db "$WORK/w.duckdb"
"$TENURE" build --quiet --db "$WORK/w.duckdb"
times=()
for run in $(seq "$RUNS"); do
    timed seconds kb "$TENURE" analyze --quiet --db "$WORK/w.duckdb" --out "$WORK/reports"
    times+=("$seconds")
done
"$STATS" 21 >"$WORK/stats.txt"
stat() { awk -v k="$1" '$1 == k {print $2}' "$WORK/stats.txt"; }

body="$WORK/section.md"
{
    echo "## tenure analyze"
    echo
    echo "Release build; $(machine_line)."
    echo
    echo "| what | time | peak RSS | target |"
    echo "|---|---|---|---|"
    awk -v s="$(median "${times[@]}")" -v kb="$kb" 'BEGIN {printf "| whole analysis of the default company (`tenure analyze`), median of '"$RUNS"' | %.2f s | %.0f MB | ≤ 5 s |\n", s, kb / 1024}'
    echo "| Cox PH, 5,000 rows × 8 covariates, Efron ties ($(stat cox_iterations) Newton steps), median of 21 | $(stat cox_ms) ms | – | well under 1 s |"
    echo "| Kaplan-Meier with log-log intervals, 5,000 customers, median of 21 | $(stat kaplan_meier_ms) ms | – | – |"
    echo "| log-rank test, 3 groups, 5,000 customers, median of 21 | $(stat logrank_ms) ms | – | – |"
    echo
    echo "Commands: \`tenure analyze --db F --out DIR\`, \`build/bench_stats 21\` (\`bench/analyze.sh\`)."
} >"$body"
write_section analyze "$body"
echo "analyze: wrote the figures to BENCHMARKS.md" >&2
