#!/usr/bin/env bash
# serve.sh — `tenure serve` (issue 7) under load on the default generated
# company: start-up time, then wrk (2 threads, 32 connections, DURATION
# seconds, default 30) with bench/wrk/random_customers.lua on random active
# customers, for POST /predictions/churn (with SHAP) and GET /customers/{id}:
#   - flat out: every connection sends its next request as soon as the last
#     one is answered (the most requests per second the machine gives);
#   - paced: every connection pauses 1 ms between requests (about 25,000
#     requests per second), the load the latency target is stated at.
# wrk and the server share the machine's cores. Medians of RUNS runs
# (default 3); the server's peak RSS over all of them.
# Targets: churn p99 ≤ 1 ms at ≥ 20,000 req/s; customer p99 ≤ 2 ms; no
# non-2xx answer; RSS ≤ 300 MB; start-up ≤ 2 s.
# Usage: [SERVE_DB=W SERVE_MODELS=DIR] bench/serve.sh path/to/tenure
set -euo pipefail
source "$(dirname "$0")/lib.sh"
TENURE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
RUNS=${RUNS:-3}
DURATION=${DURATION:-30}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tenure-bench-serve.XXXXXX")
SERVER_PID=""
trap '[[ -n $SERVER_PID ]] && kill -KILL $SERVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT
command -v wrk >/dev/null || { echo "serve: wrk is not installed (scripts/bootstrap.sh installs it)" >&2; exit 1; }

# SERVE_DB and SERVE_MODELS serve a warehouse and models built beforehand (a 50,000-customer
# company, say) instead of the default company made here; the figures then go to their own
# section, serve_existing, so the default's stay.
if [[ -n ${SERVE_DB:-} ]]; then
    DB=$(realpath "$SERVE_DB") MODELS=$(realpath "${SERVE_MODELS:?SERVE_MODELS must name the models of SERVE_DB}")
    COMPANY="The warehouse $SERVE_DB with the models $SERVE_MODELS ("
    SECTION=serve_existing
else
    DB="$WORK/w.duckdb" MODELS="$WORK/models"
    "$TENURE" generate --quiet --db "$DB"
    "$TENURE" build --quiet --db "$DB"
    "$TENURE" train --quiet --db "$DB" --models "$MODELS"
    COMPANY="Default generated company (seed 42, "
    SECTION=serve
fi
"$TENURE" sql --csv --db "$DB" "SELECT customer_id FROM marts.mart_customer_churn_features" | tail -n +2 >"$WORK/ids"

# Start-up: from exec to the first 200 from /ready, and the snapshot load the server logs.
startups=() loads=()
for run in $(seq "$RUNS"); do
    started=$(date +%s%N)
    serve_until_ready "$WORK/serve.log" --db "$DB" --models "$MODELS"
    startups+=("$(awk -v ns=$(($(date +%s%N) - started)) 'BEGIN {print ns / 1e9}')")
    loads+=("$(grep -o 'customers as of [0-9-]* in [0-9.]* s' "$WORK/serve.log" | awk '{print $(NF - 1)}')")
    if [[ $run -lt $RUNS ]]; then
        kill -INT $SERVER_PID
        wait $SERVER_PID
    fi
done

# The load is measured once every customer's answers are made (/metrics' tenure_customers_answered
# reaches the active count): until then the background threads share the cores with wrk.
warm_started=$(date +%s%N)
active=$(wc -l <"$WORK/ids")
for _ in $(seq 1 600); do
    answered=$(curl -s "$base/metrics" | sed -n 's/^tenure_customers_answered \([0-9]*\)$/\1/p')
    [[ ${answered:-0} -ge $active ]] && break
    sleep 0.5
done
warm_seconds=$(awk -v ns=$(($(date +%s%N) - warm_started)) 'BEGIN {printf "%.1f", ns / 1e9}')

# The resident size once loaded (DuckDB's scans while loading set the peak).
loaded_rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$SERVER_PID/status)

declare -A p50 p99 rate bad
wrk_cases "$WORK/ids" churn:0 churn:1 customer:0 customer:1
rss_kb=$(awk '/VmHWM/ {print $2}' /proc/$SERVER_PID/status)
kill -INT $SERVER_PID
wait $SERVER_PID
SERVER_PID=""

body="$WORK/section.md"
{
    echo "## tenure serve"
    echo
    echo "Release build; $(machine_line). $COMPANY$(wc -l <"$WORK/ids") active customers), loopback,"
    echo "wrk 2 threads × 32 connections × ${DURATION} s on random active customers, sharing the 2 cores with the server"
    echo "(2 worker threads). Median of $RUNS runs; non-2xx and socket errors summed over all runs."
    echo
    echo "| load | p50 | p99 | requests/s | non-2xx + errors | target |"
    echo "|---|---|---|---|---|---|"
    wrk_row churn:1 "POST /predictions/churn, paced (1 ms pause per connection)" "p99 ≤ 1 ms at ≥ 20,000 req/s"
    wrk_row churn:0 "POST /predictions/churn, flat out" "—"
    wrk_row customer:1 "GET /customers/{id}, paced (1 ms pause per connection)" "p99 ≤ 2 ms"
    wrk_row customer:0 "GET /customers/{id}, flat out" "—"
    echo
    awk -v s="$(median "${startups[@]}")" -v l="$(median "${loads[@]}")" -v kb="$rss_kb" -v loaded="$loaded_rss_kb" \
        'BEGIN {printf "Start-up (exec to the first 200 from /ready): %.2f s, of which loading the snapshot %.2f s (target ≤ 2 s). Server RSS once loaded: %.0f MB; peak over all runs: %.0f MB, reached while the snapshot loads (target ≤ 300 MB).\n", s, l, loaded / 1024, kb / 1024}'
    echo
    echo "wrk started once every customer's answers were made (/metrics' tenure_customers_answered reached the active count), ${warm_seconds} s after /ready."
    echo "Commands: \`tenure serve --db F --models DIR --port 0\`, \`[WRK_PAUSE_MS=1] wrk -t2 -c32 -d${DURATION}s -s bench/wrk/random_customers.lua URL -- IDS churn|customer\` (\`bench/serve.sh\`)."
    echo "Flat out, latency is mostly queueing: 32 connections wait for the two cores wrk and the server share."
} >"$body"
write_section "$SECTION" "$body"
echo "serve: wrote the figures to BENCHMARKS.md" >&2
