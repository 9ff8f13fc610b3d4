#!/usr/bin/env bash
# test_serve_limits.sh — `tenure serve` under hostile connections and bytes
# (issue 14), on a small generated company:
#   - a flood from one address (127.0.0.2): 1,100 connections sending a
#     header line every 5 s and 2,000 idle ones, each reopened a second after
#     the server closes it, for 20 s. Meanwhile another client (127.0.0.1)
#     asks GET /health and POST /predictions/churn on a new connection each
#     round: every answer must be a 200, and the 99th percentile ≤ 50 ms;
#   - each limit alone, set small: connections per address (429), in all
#     (503), the request deadline (408 for a request begun, a silent close
#     for an idle or kept-alive connection), which trickling does not extend;
#   - the errors libmicrohttpd answers itself (oversized headers or request
#     line, malformed chunked encoding, Content-Length, header line, version):
#     JSON like every other error, one response each, counted in /metrics and
#     kept out of the log;
#   - bytes that are not UTF-8 in the path, the query, an id, a header or the
#     method: a 4xx that names the problem, never a 500.
# Every JSON error answer is checked against api/openapi.json.
source "$(dirname "$0")/lib.sh"
SOURCE_DIR=${TN_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
FLOOD=${TN_SERVE_FLOOD:?set TN_SERVE_FLOOD to the serve_flood tool (tests/tools/serve_flood.c)}
RAW=(/usr/bin/python3 "$SOURCE_DIR/tests/integration/raw_http.py")
DB="$WORK/w.duckdb"
MODELS="$WORK/models"
SERVER_PID=""
trap '[[ -n $SERVER_PID ]] && kill -KILL $SERVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT

"$TENURE" generate --quiet --customers 600 --seed 5 --db "$DB"
"$TENURE" build --quiet --db "$DB"
"$TENURE" train --quiet --db "$DB" --models "$MODELS"
ID=$(query "$DB" "SELECT customer_id FROM marts.mart_customer_churn_features ORDER BY customer_id LIMIT 1")

# percentile P FILE — the P-th percentile (nearest rank) of the numbers in FILE.
percentile() {
    sort -g "$2" | awk -v p="$1" '{v[NR] = $1} END {i = int(NR * p / 100 + 0.999999); print v[i < 1 ? 1 : i]}'
}

# ---- a flood from one address does not hold up another client ------------------------
start_server flood --db "$DB" --models "$MODELS" --threads 2
PORT=${BASE##*:}
expect_contains flood.log "at most 1000 connections, 64 from one address; a request must arrive within 10 s" \
    "the log states the limits (the defaults)"
"$FLOOD" 127.0.0.1 "$PORT" --from 127.0.0.2 --slow 1100 --idle 2000 --interval 5000 --seconds 20 >"$WORK/flood.out" &
FLOOD_PID=$!
sleep 1
BODY="{\"customer_id\":\"$ID\"}"
: >"$WORK/probe"
END=$((SECONDS + 18))
while ((SECONDS < END)); do
    curl -s -m 5 -o /dev/null -w '%{http_code} %{time_total}\n' "$BASE/health" \
        --next -s -m 5 -o /dev/null -w '%{http_code} %{time_total}\n' -X POST \
        -H 'Content-Type: application/json' -d "$BODY" "$BASE/predictions/churn" >>"$WORK/probe" ||
        echo "failed $?" >>"$WORK/probe"
    ((SECONDS == END - 9)) && [[ ! -s $WORK/metrics_mid ]] && curl -s "$BASE/metrics" >"$WORK/metrics_mid"
done
wait $FLOOD_PID
cat "$WORK/flood.out"
awk '{print $2}' "$WORK/probe" >"$WORK/latencies"
P50=$(percentile 50 "$WORK/latencies")
P99=$(percentile 99 "$WORK/latencies")
echo "other client under the flood: $(wc -l <"$WORK/probe") requests, p50 ${P50} s, p99 ${P99} s, max $(percentile 100 "$WORK/latencies") s"
expect_number "$(wc -l <"$WORK/probe")" ">=" 200 "the other client asked at least 200 times during the flood"
expect_equal "$(awk '{print $1}' "$WORK/probe" | sort | uniq -c | awk '{print $2 ":" $1}' | tr '\n' ' ')" \
    "200:$(wc -l <"$WORK/probe") " "every one of its requests answered 200"
expect_number "$P99" "<=" 0.050 "its p99 latency under the flood"
flood() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" "$WORK/flood.out"; }
expect_number "$(flood refused_429)" ">=" 1000 "the flood's connections past 64 are refused with 429"
expect_number "$(flood timeout_408)" ">=" 32 "its trickling connections get 408 at the deadline"
expect_number "$(flood longest_open_ms)" "<=" 11500 "a header line every 5 s does not extend the 10 s deadline"
expect_number "$(sed -n 's/^tenure_connections_open //p' "$WORK/metrics_mid")" "<=" 66 \
    "mid-flood the server holds at most 64 connections from the flood"
expect_contains flood.log "connections refused over the per-address limit (64)" "the log sums up the refusals"
expect_equal "$(grep -c 'libmicrohttpd' "$WORK/flood.log")" 0 "no libmicrohttpd line per connection in the log"
grep 'libmicrohttpd' "$WORK/flood.log" | sort | uniq -c | sort -rn | head -5 >&2
stop_server TERM
expect_status 0 "the server stops after the flood"

# ---- each limit alone ------------------------------------------------------------------
start_server small --db "$DB" --models "$MODELS" --max-connections 8 --max-connections-per-ip 4 --request-timeout 2
PORT=${BASE##*:}
# raw ARGS… < REQUEST — raw_http.py; sets R_STATUS R_SECONDS R_TYPE R_EXTRA, $WORK/raw_body the body.
raw() {
    "${RAW[@]}" "$PORT" "$@" >"$WORK/raw"
    read -r R_STATUS R_SECONDS R_TYPE R_EXTRA <"$WORK/raw"
    tail -n +2 "$WORK/raw" | head -c -1 >"$WORK/raw_body"
}
code() { jq -r .error.code "$WORK/raw_body" 2>/dev/null; }
# keep_error STATUS — keeps the last raw answer for the check against the Error schema.
keep_error() { cp "$WORK/raw_body" "$WORK/error.$1.$RANDOM" ; }
GET_HEALTH='GET /health HTTP/1.1\r\nHost: x\r\n\r\n'

raw --from 127.0.0.2 --hold 127.0.0.2:4 < <(printf "$GET_HEALTH")
expect_equal "$R_STATUS $(code)" "429 too_many_connections" "a 5th connection from one address: 429"
expect_number "$R_SECONDS" "<" 1 "  at once"
expect_contains_file "$WORK/raw_body" "127.0.0.2 has 4 connections open" "  naming the address and the limit"
keep_error 429
raw --hold 127.0.0.2:4 < <(printf "$GET_HEALTH")
expect_equal "$R_STATUS" 200 "meanwhile another address is answered"
raw --hold 127.0.0.2:4 --hold 127.0.0.3:4 < <(printf "$GET_HEALTH")
expect_equal "$R_STATUS $(code)" "503 server_busy" "past --max-connections in all: 503"
expect_number "$R_SECONDS" "<" 1 "  at once, not queued"
keep_error 503
sleep 0.3
expect_equal "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/health")" 200 "connections closed are counted out"

raw --lines-every 0.5 < <(printf 'GET /health HTTP/1.1\r\nHost: x\r\nX-1: a\r\nX-2: b\r\nX-3: c\r\nX-4: d\r\nX-5: e\r\nX-6: f\r\nX-7: g\r\nX-8: h\r\nX-9: i\r\nX-10: j\r\n\r\n')
expect_equal "$R_STATUS $(code)" "408 request_timeout" "headers trickled a line every 0.5 s: 408"
expect_between "$R_SECONDS" 1.9 4 "  at the 2 s deadline, not extended by each line"
keep_error 408
TRICKLED_BODY=$'{\n"customer_id":\n"x"\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n}'
raw --lines-every 0.3 < <(printf 'POST /predictions/churn HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
    "${#TRICKLED_BODY}" "$TRICKLED_BODY")
expect_equal "$R_STATUS $(code)" "408 request_timeout" "headers sent, the body trickled a line every 0.3 s: 408"
expect_between "$R_SECONDS" 1.9 4 "  at the deadline"
raw < <(printf '')
expect_equal "$R_STATUS" 0 "a connection that sends nothing is closed without an answer"
expect_between "$R_SECONDS" 1.9 4 "  at the deadline"
raw --wait-close < <(printf "$GET_HEALTH")
expect_equal "$R_STATUS" 200 "a kept-alive connection is answered"
expect_between "$R_SECONDS" 1.9 4 "  and closed when idle past the deadline"
curl -s "$BASE/metrics" >"$WORK/metrics"
expect_contains_file "$WORK/metrics" 'tenure_connections_refused_total{limit="per_ip"} 1' "/metrics counts the 429"
expect_contains_file "$WORK/metrics" 'tenure_connections_refused_total{limit="total"} 1' "/metrics counts the 503"
expect_contains_file "$WORK/metrics" 'tenure_connections_timed_out_total{request="begun"} 2' "/metrics counts the 408s"
expect_contains_file "$WORK/metrics" 'tenure_http_requests_total{route="/predictions/churn",status="408"} 1' \
    "  the one whose headers were in, under its route"

# ---- libmicrohttpd's own errors are JSON ---------------------------------------------------
LONG=$(head -c 40000 /dev/zero | tr '\0' a)
POST_HEAD='POST /predictions/churn HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n'
mhd_case() { # STATUS CODE DESCRIPTION — the request on stdin
    raw
    expect_equal "$R_STATUS $(code) $R_TYPE $R_EXTRA" "$1 $2 application/json 0" "$3: $1 $2, in JSON, one response"
    keep_error "$1"
}
mhd_case 431 headers_too_large "40 KB of headers" < <(printf "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: $LONG\r\n\r\n")
mhd_case 414 uri_too_long "a 40 KB request line" < <(printf "GET /$LONG HTTP/1.1\r\nHost: x\r\n\r\n")
# Arguments past a connection's memory: libmicrohttpd refused its own 431 page (MHD_NO),
# left the request unanswered, and on some inputs read freed memory (found by fuzz_http).
ARGS=$(seq -s '&' -f 'q%g=x' 1 2000)
mhd_case 431 headers_too_large "2,000 query arguments" < <(printf "GET /customers?$ARGS HTTP/1.1\r\nHost: x\r\n\r\n")
mhd_case 400 bad_request "a chunk size that is not hex" < <(printf "${POST_HEAD}Transfer-Encoding: chunked\r\n\r\nzz\r\n")
mhd_case 400 bad_request "a chunk longer than its size" < <(printf "${POST_HEAD}Transfer-Encoding: chunked\r\n\r\n5\r\nabcdefgh\r\n")
mhd_case 413 payload_too_large "a chunk size past 2^64" < <(printf "${POST_HEAD}Transfer-Encoding: chunked\r\n\r\nfffffffffffffffffffff\r\n")
mhd_case 400 bad_request "Content-Length: abc" < <(printf "${POST_HEAD}Content-Length: abc\r\n\r\n")
mhd_case 413 payload_too_large "a Content-Length past 2^64" < <(printf "${POST_HEAD}Content-Length: 99999999999999999999999\r\n\r\n")
mhd_case 400 bad_request "a header line without a colon" < <(printf 'GET /health HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n')
mhd_case 505 http_version_not_supported "HTTP/2.0" < <(printf 'GET /health HTTP/2.0\r\nHost: x\r\n\r\n')
mhd_case 400 bad_request "a malformed request line" < <(printf 'GET /health HTTP/1.1 extra\r\nHost: x\r\n\r\n')
curl -s "$BASE/metrics" >"$WORK/metrics"
expect_contains_file "$WORK/metrics" 'tenure_http_requests_total{route="unmatched",status="431"} 2' "/metrics counts them"
expect_equal "$(grep -c 'libmicrohttpd' "$WORK/small.log")" 0 "and the log has no line for each"

# ---- bytes that are not UTF-8: a 4xx naming the problem ----------------------------------
# call TEMPLATE METHOD PATH [curl args…] — api_call (lib.sh); an answer of no route is
# kept for the check against the Error schema.
call() {
    api_call "$@"
    [[ $1 != unmatched ]] || cp "$WORK/body" "$WORK/error.$CODE.$RANDOM"
}
body() { jq -r "$@" "$WORK/body"; }
call "/customers/{id}" GET "/customers/a%C3"
expect_equal "$CODE $(body .error.code)" "400 invalid_path" "/customers/a%C3 (é cut after its first byte): 400 invalid_path"
expect_equal "$(body .error.message)" "the path is not valid UTF-8 (percent-encode the bytes of UTF-8 text)" "  saying so"
raw < <(printf 'GET /customers/a\xc3 HTTP/1.1\r\nHost: x\r\n\r\n')
expect_equal "$R_STATUS $(code)" "400 invalid_path" "the raw byte 0xC3 in the path: 400 invalid_path"
call "/assets/{file}" GET "/assets/%FF"
expect_equal "$CODE $(body .error.code)" "400 invalid_path" "/assets/%FF: 400 invalid_path"
call unmatched GET "/no/such/%E9t%E9"
expect_equal "$CODE $(body .error.code)" "400 invalid_path" "a Latin-1 path that is no route: 400 too"
call "/customers/{id}" GET "/customers/a$(printf '%%C3%%A9%.0s' $(seq 1 100))"
expect_equal "$CODE $(body .error.code)" "404 customer_not_found" "an id of 201 bytes, quoted cut at 128 bytes inside an é: 404"
call "/customers/{id}" GET "/customers/$ID%00junk"
expect_equal "$CODE $(body .error.code)" "404 customer_not_found" "%00 does not cut the id short: no answer for $ID"
call "/customers/{id}" GET "/customers/$ID"
expect_equal "$CODE" 200 "  (whose own page answers)"
call /customers GET "/customers?%FF=1"
expect_equal "$CODE $(body .error.message)" "422 query: a parameter name is not UTF-8 text" "a query name that is not UTF-8: 422"
call /customers GET "/customers?limit=%FF"
expect_equal "$CODE $(body .error.message)" "422 query.limit: expected UTF-8 text" "a query value that is not UTF-8: 422"
call /customers GET "/customers?sort=%C3%A9%C3"
expect_equal "$CODE $(body .error.code)" "422 invalid_query" "a sort key cut inside a character: 422"
call /customers GET "/customers?q=%C3"
expect_equal "$CODE $(body .error.code)" "422 invalid_query" "a search cut inside a character: 422"
call /predictions/churn POST /predictions/churn -H $'Content-Type: text/\xff\xfe' -d '{}'
expect_equal "$CODE $(body .error.code)" "415 unsupported_media_type" "a Content-Type that is not UTF-8: 415"
call unmatched $'G\xc3T' /health
expect_equal "$CODE $(body .error.code)" "405 method_not_allowed" "a method that is not UTF-8: 405"
stop_server TERM
expect_status 0 "SIGTERM stops it"

# ---- every answer matches api/openapi.json -------------------------------------------------
api_validate
run /usr/bin/python3 -c '
import json, sys
sys.path.insert(0, sys.argv[1])
import validate_openapi as v
document = json.load(open(sys.argv[2]))
bad = 0
for name in sys.argv[3:]:
    problem = v.validate(document, {"$ref": "#/components/schemas/Error"}, json.load(open(name)))
    if problem:
        print(f"FAIL: {name}: {problem}")
        bad += 1
sys.exit(1 if bad else 0)' "$SOURCE_DIR/tests/integration" "$SOURCE_DIR/api/openapi.json" "$WORK"/error.*
expect_status 0 "$(ls "$WORK"/error.* | wc -l) connection-level error answers match the Error schema"
head -5 "$WORK/stdout" >&2
finish
