#!/usr/bin/env bash
# brief.sh — the account briefs (issue 17) under load: POST /summaries/customer
# on random active customers, each with a random audience, on the default
# generated company, with wrk as bench/serve.sh runs it (2 threads, 32
# connections, DURATION seconds, default 30; paced with a 1 ms pause per
# connection, and flat out), POST /predictions/churn beside it for the
# machine's state. Target: p99 ≤ 1 ms paced, no non-2xx answer. wrk's
# latency is the client's (queueing behind the 2 shared cores included); the
# server's own, from a request's first byte to its last, is read from its
# /metrics histogram: the share of answers within 0.5 ms and 1 ms over all
# the runs. Also the briefs' size and what making them at load costs (the
# snapshot's load time and RSS; with BEFORE=path/to/older/tenure, that
# binary's on the same warehouse, for the difference), and how long `tenure
# brief` takes. Medians of RUNS runs (default 3).
# Usage: [BEFORE=old/tenure [BEFORE_LABEL=words]] bench/brief.sh path/to/tenure
set -euo pipefail
source "$(dirname "$0")/lib.sh"
TENURE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
RUNS=${RUNS:-3}
DURATION=${DURATION:-30}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tenure-bench-brief.XXXXXX")
SERVER_PID=""
trap '[[ -n $SERVER_PID ]] && kill -KILL $SERVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT
command -v wrk >/dev/null || { echo "brief: wrk is not installed (scripts/bootstrap.sh installs it)" >&2; exit 1; }

DB="$WORK/w.duckdb"
"$TENURE" generate --quiet --db "$DB"
"$TENURE" build --quiet --db "$DB"
"$TENURE" train --quiet --db "$DB" --models "$WORK/models"
"$TENURE" sql --csv --db "$DB" "SELECT customer_id FROM marts.mart_customer_churn_features" | tail -n +2 >"$WORK/ids"
first=$(head -1 "$WORK/ids")

# load_figures LOG — "load seconds, documents seconds, RSS KB" of the server that wrote LOG.
load_figures() {
    echo "$(grep -o 'customers as of [0-9-]* in [0-9.]* s' "$1" | awk '{print $(NF - 1)}')" \
        "$(grep -o 'documents [0-9.]* s' "$1" | awk '{print $2}')" "$(awk '/VmRSS/ {print $2}' /proc/$SERVER_PID/status)"
}
if [[ -n ${BEFORE:-} ]]; then
    AFTER=$TENURE
    TENURE=$(cd "$(dirname "$BEFORE")" && pwd)/$(basename "$BEFORE")
    serve_until_ready "$WORK/before.log" --db "$DB" --models "$WORK/models"
    read -r before_load before_documents before_rss_kb <<<"$(load_figures "$WORK/before.log")"
    kill -INT $SERVER_PID
    wait $SERVER_PID
    TENURE=$AFTER
fi

serve_until_ready "$WORK/serve.log" --db "$DB" --models "$WORK/models"
read -r load_seconds documents_seconds loaded_rss_kb <<<"$(load_figures "$WORK/serve.log")"
brief_bytes=0
for audience in csm executive account_executive; do
    bytes=$(curl -s -H 'Content-Type: application/json' -d "{\"customer_id\":\"$first\",\"audience\":\"$audience\"}" \
        "$base/summaries/customer" | wc -c)
    brief_bytes=$((brief_bytes + bytes))
done

declare -A p50 p99 rate bad
wrk_cases "$WORK/ids" brief:1 brief:0 churn:1
curl -s "$base/metrics" >"$WORK/metrics"
kill -INT $SERVER_PID
wait $SERVER_PID
SERVER_PID=""

cli=()
for run in $(seq "$RUNS"); do
    timed seconds kb "$TENURE" brief --db "$DB" --models "$WORK/models" --customer "$first" --audience executive
    cli+=("$seconds")
done

# server_share ROUTE SECONDS — the share (%) of ROUTE's 200 answers the server gave within SECONDS.
server_share() {
    awk -v head="tenure_http_request_duration_seconds_bucket{route=\"$1\",status=\"200\",le=" -v le="\"$2\"}" '
        index($0, head) == 1 && index($0, le) { within = $2 }
        index($0, head) == 1 && index($0, "\"+Inf\"}") { all = $2 }
        END { printf "%.2f", all ? 100 * within / all : 0 }' "$WORK/metrics"
}

body="$WORK/section.md"
{
    echo "## Account briefs (POST /summaries/customer, tenure brief)"
    echo
    echo "Release build; $(machine_line). Default generated company (seed 42, $(wc -l <"$WORK/ids") active customers), loopback,"
    echo "wrk 2 threads × 32 connections × ${DURATION} s on random active customers and audiences, sharing the 2 cores with the"
    echo "server (2 worker threads). Median of $RUNS runs; non-2xx and socket errors summed over all runs."
    echo
    echo "| load | p50 | p99 | requests/s | non-2xx + errors | target |"
    echo "|---|---|---|---|---|---|"
    wrk_row brief:1 "POST /summaries/customer, paced (1 ms pause per connection)" "p99 ≤ 1 ms"
    wrk_row brief:0 "POST /summaries/customer, flat out" "—"
    wrk_row churn:1 "POST /predictions/churn, paced, in the same run (for comparison)" "p99 ≤ 1 ms"
    echo
    echo "On the server (its /metrics histogram, from a request's first byte to its last, over all the runs above):"
    echo "POST /summaries/customer answered $(server_share /summaries/customer 0.0005) % of its requests within 0.5 ms and"
    echo "$(server_share /summaries/customer 0.001) % within 1 ms; POST /predictions/churn $(server_share /predictions/churn 0.0005) % and"
    echo "$(server_share /predictions/churn 0.001) %."
    echo
    awk -v l="$load_seconds" -v d="$documents_seconds" -v kb="$loaded_rss_kb" -v b="$brief_bytes" -v c="$(median "${cli[@]}")" \
        'BEGIN {printf "The briefs are made when the snapshot loads (three per customer, %.1f KB together for one customer): loading took %.2f s, of which making every document %.2f s; server RSS once loaded %.0f MB. `tenure brief` (which loads the same snapshot) took %.2f s.\n", b / 1024, l, d, kb / 1024, c}'
    if [[ -n ${BEFORE:-} ]]; then
        awk -v l="$before_load" -v d="$before_documents" -v kb="$before_rss_kb" -v b="${BEFORE_LABEL:-$BEFORE}" \
            'BEGIN {printf "\nWithout the briefs (%s, the same warehouse): loading %.2f s, documents %.2f s, RSS %.0f MB.\n", b, l, d, kb / 1024}'
    fi
    echo
    echo "Commands: \`tenure serve --db F --models DIR --port 0\`, \`[WRK_PAUSE_MS=1] wrk -t2 -c32 -d${DURATION}s -s bench/wrk/random_customers.lua URL -- IDS brief|churn\`, \`tenure brief --customer ID --audience executive\` (\`bench/brief.sh\`)."
} >"$body"
write_section brief "$body"
echo "brief: wrote the figures to BENCHMARKS.md" >&2
