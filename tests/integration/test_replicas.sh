#!/usr/bin/env bash
# test_replicas.sh — `tenure serve` as replicas behind a load balancer
# (issue 19, docs/scale-out.md): two servers on one warehouse file behind a
# real nginx (started here, unprivileged, on loopback), driven by wrk.
#   - /ready answers 503 ("loading") while the first snapshot loads;
#   - both replicas give the same bytes and headers for the same request
#     (no per-process ETag, id or cursor);
#   - a new warehouse renamed over the old one is rolled out by SIGHUP, one
#     replica at a time, each reload seen to finish in /ready's "reloads",
#     under load, with no failed request;
#   - SIGTERM under load: /ready answers 503 ("stopping") during the drain
#     grace, the replica finishes what it has and exits 0, nginx routes
#     around it, and no request fails.
source "$(dirname "$0")/lib.sh"
SOURCE_DIR=${TN_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
LUA="$SOURCE_DIR/tests/integration/replicas.lua"
DB="$WORK/w.duckdb"
MODELS="$WORK/models"
PIDS=() NGINX_PID=""
# nginx's master stops its workers on TERM (killed, it would leave them running).
trap '[[ -n $NGINX_PID ]] && kill -TERM $NGINX_PID 2>/dev/null && wait $NGINX_PID
      for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done; rm -rf "$WORK"' EXIT

"$TENURE" generate --quiet --customers 600 --seed 11 --db "$DB"
"$TENURE" build --quiet --db "$DB"
"$TENURE" train --quiet --db "$DB" --models "$MODELS"
"$TENURE" analyze --quiet --db "$DB" --out "$WORK/reports" >/dev/null
AS_OF=$(query "$DB" "SELECT as_of FROM marts.build_info")
EARLIER=$(date -d "$AS_OF - 14 days" +%F)
# The next snapshot, built beside the served file while the replicas run (docs/scale-out.md).
cp "$DB" "$WORK/next.duckdb"
"$TENURE" build --quiet --db "$WORK/next.duckdb" --as-of "$EARLIER"
# Customers active in both snapshots: the load asks only about them, so every answer is 200.
query "$DB" "SELECT customer_id FROM marts.mart_customer_churn_features ORDER BY 1" >"$WORK/ids.now"
query "$WORK/next.duckdb" "SELECT customer_id FROM marts.mart_customer_churn_features ORDER BY 1" >"$WORK/ids.next"
comm -12 "$WORK/ids.now" "$WORK/ids.next" >"$WORK/ids"
expect_number "$(wc -l <"$WORK/ids")" ">" 100 "customers active at both as-of dates"

free_port() {
    /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
ready_field() { curl -s "$1/ready" | jq -r "$2"; } # BASE FILTER
reloads_done() { ready_field "$1" '.reloads.ok + .reloads.failed'; }

# ---- two replicas on one warehouse file; the first is seen loading ---------------------
# start_replica N — `tenure serve` number N on a free port (its log: replicaN.log), with the
# reports (analysis.json) of served/; sets PID_N and BASE_N.
start_replica() {
    "$TENURE" serve --port 0 --db "$DB" --models "$MODELS" --reports "$WORK/served" \
        --threads 2 --drain-grace 2 >"$WORK/replica$1.log" 2>&1 &
    PIDS+=($!)
    printf -v "PID_$1" %s $!
    local base=""
    for _ in $(seq 1 1500); do
        base=$(grep -so 'answering on http://[0-9.]*:[0-9]*' "$WORK/replica$1.log" | sed 's/answering on //')
        [[ -n $base ]] && break
        sleep 0.01
    done
    printf -v "BASE_$1" %s "$base"
}
# The first replica's load reads analysis.json from a pipe, so it is held loading, for sure,
# until the test writes the file into the pipe; then the pipe is replaced by the file.
mkdir -p "$WORK/served"
mkfifo "$WORK/served/analysis.json"
start_replica 1
curl -s -o "$WORK/loading.json" -w '%{http_code}' "$BASE_1/ready" >"$WORK/loading.code"
expect_equal "$(cat "$WORK/loading.code") $(jq -r .status "$WORK/loading.json")" "503 loading" \
    "/ready answers 503 while the first snapshot loads"
curl -s -o /dev/null -w '%{http_code}' "$BASE_1/customers?limit=1" >"$WORK/loading.code"
expect_equal "$(cat "$WORK/loading.code")" 503 "and so does a data route"
cat "$WORK/reports/analysis.json" >"$WORK/served/analysis.json"
rm "$WORK/served/analysis.json" && cp "$WORK/reports/analysis.json" "$WORK/served/"
start_replica 2
for base in "$BASE_1" "$BASE_2"; do
    for _ in $(seq 1 600); do [[ $(curl -s -o /dev/null -w '%{http_code}' "$base/ready") == 200 ]] && break; sleep 0.05; done
done
expect_equal "$(ready_field "$BASE_1" .status) $(ready_field "$BASE_2" .status)" "ready ready" \
    "both replicas load the same warehouse file at once"
expect_equal "$(ready_field "$BASE_1" .reloads.ok)" 0 "/ready counts no reload yet"
expect_contains_file "$WORK/replica1.log" "listening on $BASE_1" "the log says where it listens once loaded"

# ---- the same request gives the same answer on either replica ----------------------------
# same_answer STATUS PATH [curl args…] — both replicas answer STATUS, with equal headers (all
# but Date) and bodies.
same_answer() {
    local status=$1 path=$2 n
    shift 2
    for n in 1 2; do
        local base="BASE_$n"
        curl -s -D "$WORK/h$n" -o "$WORK/b$n" "$@" "${!base}$path"
        tr -d '\r' <"$WORK/h$n" | grep -vi '^date:' >"$WORK/h$n.kept"
    done
    CHECKS=$((CHECKS + 1))
    if [[ -s $WORK/b1 ]] && head -1 "$WORK/h1.kept" | grep -q " $status " &&
        cmp -s "$WORK/h1.kept" "$WORK/h2.kept" && cmp -s "$WORK/b1" "$WORK/b2"; then
        pass "$path $*: $status, the same headers and body on both replicas"
    else
        fail "$path $*: the replicas differ: $(diff "$WORK/h1.kept" "$WORK/h2.kept" | head -5)"
    fi
}
ID=$(head -1 "$WORK/ids")
for path in "/customers/$ID" "/customers/$ID/history" "/customers?limit=5&offset=5" \
    "/customers?q=a&limit=3" /analytics/portfolio /analytics/models /health/model \
    "/analytics/interventions?accounts=30" /openapi.json /; do
    same_answer 200 "$path"
done
same_answer 200 /analytics/portfolio -H 'Accept-Encoding: gzip'
same_answer 200 /predictions/churn -H 'Content-Type: application/json' --data-binary "{\"customer_id\":\"$ID\"}"
# Errors too: no analysis.json here, and a warehouse without a score history has no movers.
same_answer 200 /analytics/survival
same_answer 422 /movers
same_answer 404 /customers/no-such-customer
expect_equal "$(cat "$WORK/h1.kept" "$WORK/h2.kept" | grep -ci '^etag:')" 0 \
    "no ETag that could differ between replicas"
expect_equal "$(curl -s "$BASE_1/customers?limit=5" | jq .next_offset)" 5 \
    "paging is an offset in the request, not a cursor a process keeps"

# ---- nginx in front of both --------------------------------------------------------------
NGINX_PORT=$(free_port)
mkdir -p "$WORK/nginx"
"$SOURCE_DIR/tests/tools/nginx_conf.sh" "$WORK/nginx" "$NGINX_PORT" 1 16 "$WORK/nginx/access.log" \
    "${BASE_1#http://}" "${BASE_2#http://}" >"$WORK/nginx.conf"
nginx -p "$WORK/nginx" -e "$WORK/nginx/error.log" -c "$WORK/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
LB="http://127.0.0.1:$NGINX_PORT"
for _ in $(seq 1 100); do [[ $(curl -s -o /dev/null -w '%{http_code}' "$LB/ready") == 200 ]] && break; sleep 0.05; done
expect_equal "$(curl -s -o /dev/null -w '%{http_code}' "$LB/ready")" 200 "nginx answers through the replicas"

# load SECONDS NAME — wrk through nginx in the background (its output: NAME.wrk); sets WRK_PID.
load() {
    wrk -t2 -c16 -d"$1s" --timeout 5s -s "$LUA" "$LB" -- "$WORK/ids" >"$WORK/$2.wrk" 2>&1 &
    WRK_PID=$!
}
# expect_no_failures NAME — wrk ran, and every request was answered 2xx.
expect_no_failures() {
    local line
    line=$(grep '^replicas: ' "$WORK/$1.wrk")
    expect_number "$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$line")" ">" 2000 "$1: wrk's requests through nginx"
    expect_equal "$(sed -n 's/.*non2xx=\([0-9]*\) first_bad=\([0-9]*\).*/\1 \2/p' <<<"$line")" "0 0" \
        "$1: no answer but 2xx (counted by the wrk script)"
    expect_equal "$(grep -c 'Socket errors\|Non-2xx' "$WORK/$1.wrk")" 0 "$1: no socket error, no non-2xx in wrk's summary"
}
# reload N — SIGHUP replica N, then wait until /ready says the reload finished and answers 200.
reload() {
    local base="BASE_$1" pid="PID_$1" before
    before=$(reloads_done "${!base}")
    kill -HUP "${!pid}"
    for _ in $(seq 1 600); do
        [[ $(reloads_done "${!base}") -gt $before && $(curl -s -o /dev/null -w '%{http_code}' "${!base}/ready") == 200 ]] && break
        sleep 0.05
    done
    expect_equal "$(ready_field "${!base}" '"\(.status) \(.as_of) \(.reloads.ok) \(.reloads.failed)"')" \
        "ready $EARLIER 1 0" "replica $1 reloaded the renamed warehouse and says so in /ready"
}

# ---- a rolling reload under load ---------------------------------------------------------
load 14 rolling
sleep 2
mv "$WORK/next.duckdb" "$DB" # the deployment: the new file renamed over the served path
reload 1
expect_equal "$(ready_field "$BASE_2" .as_of)" "$AS_OF" "replica 2 still answers from its snapshot meanwhile"
reload 2
CHECKS=$((CHECKS + 1))
if kill -0 $WRK_PID 2>/dev/null; then pass "both reloads finished while wrk ran"; else fail "wrk ended before the reloads did"; fi
wait $WRK_PID
expect_no_failures rolling
expect_equal "$(grep -c '\[error\]' "$WORK/nginx/error.log")" 0 \
    "nginx logged no upstream error: a reload refuses and drops nothing"
for n in 1 2; do
    base="BASE_$n"
    expect_number "$(grep -c " ${!base#http://} 200$" "$WORK/nginx/access.log")" ">" 500 "nginx sent replica $n its share"
done
same_answer 200 "/customers/$ID"
same_answer 200 /analytics/portfolio

# ---- SIGTERM under load: the drain -------------------------------------------------------
ERRORS_BEFORE=$(wc -l <"$WORK/nginx/error.log")
load 8 drain
sleep 2
kill -TERM "$PID_1"
sleep 0.3
curl -s -o "$WORK/stopping.json" -w '%{http_code}' "$BASE_1/ready" >"$WORK/stopping.code"
expect_equal "$(cat "$WORK/stopping.code") $(jq -r .status "$WORK/stopping.json")" "503 stopping" \
    "/ready answers 503 during the drain"
wait "$PID_1"
expect_equal "$?" 0 "replica 1 exits 0 after SIGTERM"
expect_contains_file "$WORK/replica1.log" "serve: stopped" "replica 1 says it stopped"
CHECKS=$((CHECKS + 1))
if kill -0 $WRK_PID 2>/dev/null; then pass "replica 1 stopped while wrk ran"; else fail "wrk ended before replica 1 stopped"; fi
wait $WRK_PID
expect_no_failures drain
# What nginx met on the draining replica: refused connections once its listener closed, and
# (rarely) a connection reset, completed by the kernel in the instant before the close. It
# retried each on replica 2 (every route is free of side effects: non_idempotent), so wrk saw
# no failure above; nothing else may appear, e.g. a request the replica read and never answered.
tail -n +"$((ERRORS_BEFORE + 1))" "$WORK/nginx/error.log" | grep '\[error\]' >"$WORK/drain.errors"
expect_equal "$(grep -v 'connect() failed' "$WORK/drain.errors" | grep -vc 'recv() failed (104: Connection reset by peer)')" 0 \
    "nginx met only refused and reset connections on the draining replica"
echo "drain: nginx retried $(wc -l <"$WORK/drain.errors") requests on replica 2, $(grep -c 'recv() failed' "$WORK/drain.errors") of them reset"
expect_equal "$(curl -s -o /dev/null -w '%{http_code}' "$LB/ready")" 200 "nginx answers from replica 2 alone"

kill -TERM "$PID_2" "$NGINX_PID"
wait "$PID_2" "$NGINX_PID"
PIDS=() NGINX_PID=""
finish
