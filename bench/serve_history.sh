#!/usr/bin/env bash
# serve_history.sh — the score history's routes under load (issue 16): GET
# /customers/{id}/history on random active customers and GET /movers, on the
# default generated company scored at two as-of dates a week apart, with wrk
# as bench/serve.sh runs it (2 threads, 32 connections, DURATION seconds,
# default 30; paced with a 1 ms pause per connection, and flat out). Target:
# the API's, p99 ≤ 1 ms at 20,000 requests/s paced, no non-2xx answer. /movers
# is measured as a plain client asks it and taking gzip, as browsers do.
# Medians of RUNS runs (default 3). Usage: bench/serve_history.sh path/to/tenure
set -euo pipefail
source "$(dirname "$0")/lib.sh"
TENURE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
RUNS=${RUNS:-3}
DURATION=${DURATION:-30}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tenure-bench-serve-history.XXXXXX")
SERVER_PID=""
trap '[[ -n $SERVER_PID ]] && kill -KILL $SERVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT
command -v wrk >/dev/null || { echo "serve_history: wrk is not installed (scripts/bootstrap.sh installs it)" >&2; exit 1; }

DB="$WORK/w.duckdb"
"$TENURE" generate --quiet --db "$DB"
"$TENURE" build --quiet --db "$DB"
"$TENURE" train --quiet --db "$DB" --models "$WORK/models"
as_of=$("$TENURE" sql --csv --quiet --db "$DB" "SELECT as_of FROM marts.build_info" | tail -1)
"$TENURE" build --quiet --db "$DB" --as-of "$("$TENURE" sql --csv --quiet --db "$DB" "SELECT DATE '$as_of' - 7" | tail -1)"
"$TENURE" score --quiet --db "$DB" --models "$WORK/models" --all --out "$WORK/before.csv"
"$TENURE" build --quiet --db "$DB"
"$TENURE" score --quiet --db "$DB" --models "$WORK/models" --all --out "$WORK/now.csv"
"$TENURE" sql --csv --db "$DB" "SELECT customer_id FROM marts.mart_customer_churn_features" | tail -n +2 >"$WORK/ids"

serve_until_ready "$WORK/serve.log" --db "$DB" --models "$WORK/models"
load_seconds=$(grep -o 'customers as of [0-9-]* in [0-9.]* s' "$WORK/serve.log" | awk '{print $(NF - 1)}')
load_phases=$(grep -o 'reading and scoring [^)]*' "$WORK/serve.log" | head -1)
loaded_rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$SERVER_PID/status)
history_bytes=$(curl -s "$base/customers/$(head -1 "$WORK/ids")/history" | wc -c)
movers_bytes=$(curl -s "$base/movers" | wc -c)
movers_gzip_bytes=$(curl -s -H 'Accept-Encoding: gzip' "$base/movers" | wc -c)

declare -A p50 p99 rate bad
wrk_cases "$WORK/ids" history:1 history:0 movers:1 movers:0 movers-gzip:1 movers-gzip:0
kill -INT $SERVER_PID
wait $SERVER_PID
SERVER_PID=""

body="$WORK/section.md"
{
    echo "## The score history's routes under load"
    echo
    echo "Release build; $(machine_line). Default generated company (seed 42, $(wc -l <"$WORK/ids") active customers) scored at two"
    echo "as-of dates a week apart; loopback, wrk 2 threads × 32 connections × ${DURATION} s sharing the 2 cores with the server."
    echo "Median of $RUNS runs; non-2xx and socket errors summed over all runs."
    echo
    echo "| load | p50 | p99 | requests/s | non-2xx + errors | target |"
    echo "|---|---|---|---|---|---|"
    wrk_row history:1 "GET /customers/{id}/history, paced (1 ms pause per connection)" "p99 ≤ 1 ms at ≥ 20,000 req/s"
    wrk_row history:0 "GET /customers/{id}/history, flat out" "—"
    wrk_row movers:1 "GET /movers, paced (1 ms pause per connection)" "p99 ≤ 1 ms at ≥ 20,000 req/s"
    wrk_row movers:0 "GET /movers, flat out" "—"
    wrk_row movers-gzip:1 "GET /movers with Accept-Encoding: gzip (as browsers send), paced" "p99 ≤ 1 ms at ≥ 20,000 req/s"
    wrk_row movers-gzip:0 "GET /movers with Accept-Encoding: gzip, flat out" "—"
    echo
    awk -v l="$load_seconds" -v kb="$loaded_rss_kb" -v h="$history_bytes" -v m="$movers_bytes" -v g="$movers_gzip_bytes" \
        'BEGIN {printf "Bodies: a customer'"'"'s history %.1f KB, the movers %.0f KB (%.0f KB gzip'"'"'d). Loading the snapshot with the history: %.2f s ('"$load_phases"'); server RSS once loaded %.0f MB.\n", h / 1024, m / 1024, g / 1024, l, kb / 1024}'
    echo
    echo "Commands: \`[WRK_PAUSE_MS=1] wrk -t2 -c32 -d${DURATION}s -s bench/wrk/random_customers.lua URL -- IDS history|movers|movers-gzip\` (\`bench/serve_history.sh\`)."
} >"$body"
write_section serve_history "$body"
echo "serve_history: wrote the figures to BENCHMARKS.md" >&2
