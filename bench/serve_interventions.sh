#!/usr/bin/env bash
# serve_interventions.sh — GET /analytics/interventions under load (issue 17):
# the what-if of reaching the top 20 accounts at the plan's save rates (also
# taking gzip, as browsers do), and the top 100 at a random save rate (100
# accounts listed, each with its work-queue line), on the default generated
# company, with wrk as bench/serve.sh runs it (2 threads, 32 connections,
# DURATION seconds, default 30; paced with a 1 ms pause per connection, and
# flat out); and POST /predictions/churn paced in the same run, to compare
# with an answer the machine sends as fast as any. Target: the API's, p99 ≤
# 1 ms at 20,000 requests/s paced, no non-2xx answer.
# Also the quarter's forecast on the portfolio page (stats/bernoulli_sum.h) for
# 5,000 and 50,000 accounts (bench/bench_stats.c, median of 21).
# Medians of RUNS runs (default 3). Usage: bench/serve_interventions.sh path/to/tenure
set -euo pipefail
source "$(dirname "$0")/lib.sh"
TENURE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
RUNS=${RUNS:-3}
DURATION=${DURATION:-30}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tenure-bench-interventions.XXXXXX")
SERVER_PID=""
trap '[[ -n $SERVER_PID ]] && kill -KILL $SERVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT
command -v wrk >/dev/null || { echo "serve_interventions: wrk is not installed (scripts/bootstrap.sh installs it)" >&2; exit 1; }

DB="$WORK/w.duckdb"
"$TENURE" generate --quiet --db "$DB"
"$TENURE" build --quiet --db "$DB"
"$TENURE" train --quiet --db "$DB" --models "$WORK/models"
"$TENURE" sql --csv --db "$DB" "SELECT customer_id FROM marts.mart_customer_churn_features" | tail -n +2 >"$WORK/ids"

serve_until_ready "$WORK/serve.log" --db "$DB" --models "$WORK/models"
bytes_20=$(curl -s "$base/analytics/interventions" | wc -c)
bytes_100=$(curl -s "$base/analytics/interventions?accounts=100&save_rate=0.2" | wc -c)
bytes_gzip=$(curl -s -H 'Accept-Encoding: gzip' "$base/analytics/interventions" | wc -c)
declare -A p50 p99 rate bad
wrk_cases "$WORK/ids" what-if:1 what-if:0 what-if-gzip:1 what-if-100:1 what-if-100:0 churn:1
kill -INT $SERVER_PID
wait $SERVER_PID
SERVER_PID=""
"$(dirname "$TENURE")/bench_stats" 21 >"$WORK/stats.txt"
stat() { awk -v k="$1" '$1 == k {print $2}' "$WORK/stats.txt"; }

body="$WORK/section.md"
{
    echo "## The quarter's forecast and GET /analytics/interventions"
    echo
    echo "Release build; $(machine_line). Default generated company ($(wc -l <"$WORK/ids") active customers), loopback, wrk 2 threads ×"
    echo "32 connections × ${DURATION} s sharing the 2 cores with the server, \`bench/serve_interventions.sh build/tenure\`."
    echo "Median of $RUNS runs; non-2xx and socket errors summed over all runs. The default answer (top 20 at the"
    echo "plan's rates) is made at load; the others are spliced per request from rows made at load, with the"
    echo "figures that depend on the save rate written per request: $bytes_20 bytes for the top 20 ($bytes_gzip gzip'd), $bytes_100 for the top 100."
    echo
    echo "| request | p50 | p99 | requests/s | non-2xx + errors | target |"
    echo "|---|---|---|---|---|---|"
    wrk_row what-if:1 "top 20, plan's rates, paced (1 ms pause)" "p99 ≤ 1 ms at ≥ 20,000/s"
    wrk_row what-if:0 "top 20, plan's rates, flat out" "—"
    wrk_row what-if-gzip:1 "top 20, plan's rates, taking gzip (as browsers do), paced" "p99 ≤ 1 ms at ≥ 20,000/s"
    wrk_row what-if-100:1 "top 100, one random rate, paced" "p99 ≤ 1 ms at ≥ 20,000/s"
    wrk_row what-if-100:0 "top 100, one random rate, flat out" "—"
    wrk_row churn:1 "POST /predictions/churn, paced, in the same run (for comparison)" "p99 ≤ 1 ms at ≥ 20,000/s"
    echo
    echo "The forecast is computed once per snapshot load (\`build/bench_stats 21\`, median of 21):"
    echo
    echo "| accounts | churned accounts (exact Poisson-binomial) | churned ARR (5,000 simulated quarters) |"
    echo "|---|---|---|"
    echo "| 5,000 | $(stat forecast_count_5k_ms) ms | $(stat forecast_arr_5k_ms) ms |"
    echo "| 50,000 | $(stat forecast_count_50k_ms) ms | $(stat forecast_arr_50k_ms) ms |"
} >"$body"
write_section interventions "$body"
cat "$body"
