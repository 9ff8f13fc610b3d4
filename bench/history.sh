#!/usr/bin/env bash
# history.sh — what recording the score history costs `tenure score` (issue 16's
# target: ≤ 1 s more for the default company): `score --all` of a new as-of date
# (which records every active customer) against `score --all --no-record`, each
# on its own copy of the same warehouse, and the history's size once recorded.
# Median of RUNS runs (default 5). Usage: bench/history.sh path/to/tenure
set -euo pipefail
source "$(dirname "$0")/lib.sh"
TENURE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
RUNS=${RUNS:-5}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tenure-bench-history.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

"$TENURE" generate --quiet --db "$WORK/w.duckdb"
"$TENURE" build --quiet --db "$WORK/w.duckdb"
"$TENURE" train --quiet --db "$WORK/w.duckdb" --models "$WORK/models"
plain=() recording=()
for run in $(seq "$RUNS"); do
    cp "$WORK/w.duckdb" "$WORK/plain.duckdb"
    timed seconds kb "$TENURE" score --quiet --db "$WORK/plain.duckdb" --models "$WORK/models" --all --no-record --out "$WORK/s.csv"
    plain+=("$seconds")
    cp "$WORK/w.duckdb" "$WORK/recorded.duckdb"
    timed seconds recording_kb "$TENURE" score --quiet --db "$WORK/recorded.duckdb" --models "$WORK/models" --all --out "$WORK/s.csv"
    recording+=("$seconds")
done
rows=$("$TENURE" sql --csv --quiet --db "$WORK/recorded.duckdb" "SELECT count(*) FROM history.customer_scores_by_as_of" | tail -1)
before=$(stat -c %s "$WORK/w.duckdb")
after=$(stat -c %s "$WORK/recorded.duckdb")

body="$WORK/section.md"
{
    echo "## The score history (tenure score records each as-of date)"
    echo
    echo "Release build; $(machine_line). Default generated company (seed 42). Median of $RUNS runs, each on a fresh copy of the warehouse."
    echo
    echo "| what | wall | target |"
    echo "|---|---|---|"
    awk -v s="$(median "${plain[@]}")" 'BEGIN {printf "| `score --all --no-record` | %.2f s | — |\n", s}'
    awk -v s="$(median "${recording[@]}")" -v n="$rows" 'BEGIN {printf "| `score --all`, recording %d customers | %.2f s | — |\n", n, s}'
    awk -v a="$(median "${plain[@]}")" -v b="$(median "${recording[@]}")" \
        'BEGIN {printf "| what recording adds | %.2f s | ≤ 1 s |\n", b - a}'
    echo
    awk -v a="$before" -v b="$after" -v n="$rows" \
        'BEGIN {printf "One as-of date of history (%d rows, every SHAP value of both models) grows the warehouse file by %.1f MB.\n", n, (b - a) / 1048576}'
    echo
    echo "Commands: \`tenure score --db F --models DIR --all [--no-record] --out FILE\` (\`bench/history.sh\`)."
} >"$body"
write_section history "$body"
echo "history: wrote the figures to BENCHMARKS.md" >&2
