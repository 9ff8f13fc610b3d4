#!/usr/bin/env bash
# serve_flood.sh — `tenure serve` under a connection flood (issue 14): what
# another client sees while one address floods the server.
#
# The flood (tests/tools/serve_flood.c, built here with cc) comes from
# 127.0.0.2: 1,100 connections sending a request's headers one line every
# 5 s and 2,000 idle ones, each opened again 1 s after the server closes it
# (at most 2,000 new connections a second), for DURATION seconds (default
# 30). The other client, from 127.0.0.1, is curl asking GET /health and then
# POST /predictions/churn on one new connection per round, round after
# round. Measured with no flood and with the flood, RUNS times each (default
# 3); the medians of the per-run percentiles, failures summed. With
# BEFORE=path/to/an/older/tenure, the same flood against that binary too
# (its row says which commit). The server runs with its defaults
# (--max-connections 1000, --max-connections-per-ip 64, --request-timeout
# 10, 2 worker threads) on a generated company of 1,000 customers.
# Target: under the flood, p99 ≤ 50 ms and no failed request.
# Usage: [BEFORE=old/tenure] bench/serve_flood.sh path/to/tenure
set -euo pipefail
source "$(dirname "$0")/lib.sh"
TENURE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
RUNS=${RUNS:-3}
DURATION=${DURATION:-30}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tenure-bench-flood.XXXXXX")
SERVER_PID=""
trap '[[ -n $SERVER_PID ]] && kill -KILL $SERVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT
cc -O2 -o "$WORK/serve_flood" "$BENCH_ROOT/tests/tools/serve_flood.c"

"$TENURE" generate --quiet --customers 1000 --seed 7 --db "$WORK/w.duckdb"
"$TENURE" build --quiet --db "$WORK/w.duckdb"
"$TENURE" train --quiet --db "$WORK/w.duckdb" --models "$WORK/models"
ID=$("$TENURE" sql --csv --db "$WORK/w.duckdb" "SELECT customer_id FROM marts.mart_customer_churn_features LIMIT 1" | tail -1)

# probe SECONDS OUT — the other client's rounds; one "STATUS SECONDS" line per request.
probe() {
    local end=$((SECONDS + $1))
    : >"$2"
    while ((SECONDS < end)); do
        curl -s -m 5 -o /dev/null -w '%{http_code} %{time_total}\n' "$base/health" \
            --next -s -m 5 -o /dev/null -w '%{http_code} %{time_total}\n' -X POST \
            -H 'Content-Type: application/json' -d "{\"customer_id\":\"$ID\"}" "$base/predictions/churn" >>"$2" || true # a failed request is a status 000
    done
}
percentile() { # P FILE — nearest rank, in ms
    awk '{print $2}' "$2" | sort -g | awk -v p="$1" '{v[NR] = $1} END {i = int(NR * p / 100 + 0.999999); printf "%.1f", v[i < 1 ? 1 : i] * 1000}'
}

# measure FLOOD(0|1) — one run of $TENURE; prints "requests failed p50 p99 max refused_429 timeout_408 longest_ms".
measure() {
    serve_until_ready "$WORK/serve.log" --db "$WORK/w.duckdb" --models "$WORK/models" --threads 2
    local flood_pid="" port=${base##*:}
    if [[ $1 == 1 ]]; then
        "$WORK/serve_flood" 127.0.0.1 "$port" --from 127.0.0.2 --slow 1100 --idle 2000 --interval 5000 \
            --seconds $((DURATION + 2)) >"$WORK/flood.out" &
        flood_pid=$!
        sleep 1
    fi
    probe "$DURATION" "$WORK/probe"
    [[ -n $flood_pid ]] && wait "$flood_pid"
    kill -INT $SERVER_PID
    wait $SERVER_PID || true
    SERVER_PID=""
    local flood="- - -"
    [[ $1 == 1 ]] && flood="$(flood_field refused_429) $(flood_field timeout_408) $(flood_field longest_open_ms)"
    echo "$(wc -l <"$WORK/probe") $(grep -vc '^200 ' "$WORK/probe") $(percentile 50 "$WORK/probe")" \
        "$(percentile 99 "$WORK/probe") $(percentile 100 "$WORK/probe") $flood"
}
flood_field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" "$WORK/flood.out"; }

# row LABEL FILE — the table row of the runs in FILE (medians; failures summed).
row() {
    awk -v label="$1" '
        function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
        { n++; req[n] = $1; failed += $2; p50[n] = $3; p99[n] = $4; mx[n] = $5; r[n] = $6; t[n] = $7; l[n] = $8 }
        END { printf "| %s | %d | %d | %.1f ms | %.1f ms | %.1f ms | %s | %s | %s |\n", label, median(req, n), failed,
                     median(p50, n), median(p99, n), median(mx, n),
                     r[1] == "-" ? "—" : sprintf("%d", median(r, n)), t[1] == "-" ? "—" : sprintf("%d", median(t, n)),
                     l[1] == "-" ? "—" : sprintf("%.1f s", median(l, n) / 1000) }' "$2"
}

: >"$WORK/quiet"
: >"$WORK/flood"
for _ in $(seq "$RUNS"); do
    measure 0 >>"$WORK/quiet"
    measure 1 >>"$WORK/flood"
done
if [[ -n ${BEFORE:-} ]]; then
    : >"$WORK/before"
    saved=$TENURE
    TENURE=$(cd "$(dirname "$BEFORE")" && pwd)/$(basename "$BEFORE")
    before_commit=$(git -C "$(dirname "$TENURE")" rev-parse --short HEAD 2>/dev/null || echo "?")
    measure 1 >>"$WORK/before"
    TENURE=$saved
fi

body="$WORK/section.md"
{
    echo "## tenure serve under a connection flood"
    echo
    echo "Release build; $(machine_line). Generated company (1,000 customers, seed 7), loopback, the server's defaults"
    echo "(\`--max-connections 1000 --max-connections-per-ip 64 --request-timeout 10\`, 2 worker threads)."
    echo "The flood, from 127.0.0.2 (\`tests/tools/serve_flood.c\`): 1,100 connections sending a header line every 5 s"
    echo "and 2,000 idle ones, each reopened 1 s after the server closes it (at most 2,000 new connections a second),"
    echo "for ${DURATION} s. The other client, from 127.0.0.1: curl, GET /health then POST /predictions/churn on a new"
    echo "connection each round, back to back. Median of $RUNS runs; failed requests summed over all runs."
    echo
    echo "| case | requests | failed | p50 | p99 | max | flood refused (429) | flood timed out (408) | longest flood connection |"
    echo "|---|---|---|---|---|---|---|---|---|"
    row "no flood" "$WORK/quiet"
    row "flood" "$WORK/flood"
    [[ -n ${BEFORE:-} ]] && row "flood, before the gate ($before_commit, 1 run)" "$WORK/before"
    echo
    echo "Target: under the flood, p99 ≤ 50 ms and no failed request. The flood's connections past 64 are refused at once"
    echo "(429), and its trickling ones are closed at the 10 s request deadline (408), which no header line extends."
    echo
    echo "Commands: \`tenure serve --db F --models DIR --port 0 --threads 2\`, \`serve_flood 127.0.0.1 PORT --from 127.0.0.2 --slow 1100 --idle 2000 --interval 5000 --seconds S\`, \`curl\` (\`[BEFORE=old/tenure] bench/serve_flood.sh\`)."
} >"$body"
write_section serve_flood "$body"
echo "serve_flood: wrote the figures to BENCHMARKS.md" >&2
