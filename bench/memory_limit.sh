#!/usr/bin/env bash
# memory_limit.sh — the whole pipeline on the default generated company (5,000
# customers, ~10M events) with `--memory-limit 1GB` on every command (issue
# 18): generate, build, check, analyze, train, score --all, build --raw of the
# company's CSV export, and serve to /ready. Each stage must finish with status
# 0 and leave no spill directory; its wall time and peak RSS are reported. The
# budget is DuckDB's memory_limit plus Tenure's own large buffers, so peak RSS
# may pass 1 GB by what XGBoost and the C heap hold; the table says by how much.
# One run (the point is that each stage completes). Usage: bench/memory_limit.sh path/to/tenure
set -euo pipefail
source "$(dirname "$0")/lib.sh"
TENURE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
LIMIT=${LIMIT:-1GB}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tenure-bench-memory.XXXXXX")
SERVER_PID=""
trap '[[ -n $SERVER_PID ]] && kill -KILL $SERVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT
DB="$WORK/w.duckdb"

rows="$WORK/rows.md"
: >"$rows"
failed=0
# stage LABEL ARGS… — one command of the pipeline under the budget, as a table row.
stage() {
    local label=$1 seconds kb status=0
    shift
    timed seconds kb "$TENURE" "$@" --quiet --memory-limit "$LIMIT" || status=$?
    local spill="none left"
    if compgen -G "$WORK/*.tmp" >/dev/null; then
        spill="left behind"
        [[ $status -ne 0 ]] || status=1
    fi
    if [[ $status -ne 0 ]]; then
        failed=1
        echo "| \`$label\` | failed (status $status, spill directory $spill) | – | – |" >>"$rows"
    else
        awk -v l="$label" -v s="$seconds" -v kb="$kb" 'BEGIN {printf "| `%s` | completed | %.2f s | %.0f MB |\n", l, s, kb / 1024}' >>"$rows"
    fi
    echo "memory_limit: $label: status $status" >&2
}

stage "generate" generate --db "$DB"
stage "build" build --db "$DB"
stage "check" check --db "$DB"
stage "analyze" analyze --db "$DB" --out "$WORK/reports"
stage "train" train --db "$DB" --models "$WORK/models"
stage "score --all" score --all --db "$DB" --models "$WORK/models" --out "$WORK/scores.csv"
"$TENURE" generate --quiet --csv "$WORK/csv"
stage "build --raw (the CSV export)" build --db "$WORK/loaded.duckdb" --raw "$WORK/csv"

started=$(date +%s.%N)
serve_until_ready "$WORK/serve.log" --db "$DB" --models "$WORK/models" --reports "$WORK/reports" \
    --memory-limit "$LIMIT"
ready=$(date +%s.%N)
serve_kb=$(awk '/VmHWM/ {print $2}' /proc/$SERVER_PID/status)
kill -TERM $SERVER_PID
wait $SERVER_PID || true
SERVER_PID=""
if compgen -G "$WORK/*.tmp" >/dev/null; then
    failed=1
    echo "| \`serve\` to /ready | failed (spill directory left behind) | – | – |" >>"$rows"
else
    awk -v s="$(echo "$ready - $started" | bc)" -v kb="$serve_kb" 'BEGIN {printf "| `serve` to /ready | completed | %.2f s | %.0f MB |\n", s, kb / 1024}' >>"$rows"
fi
events=$("$TENURE" sql --csv --db "$DB" "SELECT count(*) FROM raw.usage_events" | tail -n 1)

body="$WORK/section.md"
{
    echo "## The whole pipeline within --memory-limit $LIMIT"
    echo
    echo "Release build; $(machine_line). Default generated company ($events usage events); every command with \`--memory-limit $LIMIT\`. One run."
    echo
    echo "| stage | outcome | wall | peak RSS |"
    echo "|---|---|---|---|"
    cat "$rows"
    echo
    echo "Command: \`bench/memory_limit.sh build/tenure\` (\`LIMIT=\` another budget). Peak RSS is the process's (\`/usr/bin/time\`, or \`VmHWM\` for serve): DuckDB keeps within the limit, XGBoost and Tenure's own buffers come on top."
} >"$body"
write_section memory_limit "$body"
echo "memory_limit: wrote the figures to BENCHMARKS.md" >&2
exit $failed
