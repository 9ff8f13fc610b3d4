# lib.sh — assertions for the integration tests (sourced, not run).
#
# Each test script sources this, runs the real `tenure` binary ($TENURE) and
# checks exit codes and output. Failures are counted and reported; the
# script's exit status is non-zero when any check failed (call `finish`).

set -u
TENURE=${1:?usage: $0 path/to/tenure}
TEST_NAME=$(basename "$0" .sh)
FAILURES=0
CHECKS=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tenure-$TEST_NAME.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# run CMD... — runs a command, keeping its exit status in $STATUS and its
# output in $WORK/stdout and $WORK/stderr.
run() {
    "$@" >"$WORK/stdout" 2>"$WORK/stderr"
    STATUS=$?
}

fail() {
    FAILURES=$((FAILURES + 1))
    echo "FAIL: $*" >&2
    echo "  stdout: $(head -c 600 "$WORK/stdout" 2>/dev/null)" >&2
    echo "  stderr: $(head -c 600 "$WORK/stderr" 2>/dev/null)" >&2
}

pass() {
    echo "ok: $*"
}

# expect_status N DESCRIPTION — the last run exited with N.
expect_status() {
    CHECKS=$((CHECKS + 1))
    if [[ $STATUS -eq $1 ]]; then pass "$2 (exit $1)"; else fail "$2: exit $STATUS, expected $1"; fi
}

# expect_contains stdout|stderr TEXT DESCRIPTION — the stream holds TEXT literally.
expect_contains() {
    CHECKS=$((CHECKS + 1))
    if grep -qF -- "$2" "$WORK/$1"; then pass "$3"; else fail "$3: $1 lacks '$2'"; fi
}

# expect_equal ACTUAL EXPECTED DESCRIPTION
expect_equal() {
    CHECKS=$((CHECKS + 1))
    if [[ "$1" == "$2" ]]; then pass "$3"; else fail "$3: got '$1', expected '$2'"; fi
}

# expect_contains_file FILE TEXT DESCRIPTION — FILE holds TEXT literally.
expect_contains_file() {
    CHECKS=$((CHECKS + 1))
    if grep -qF -- "$2" "$1"; then pass "$3"; else fail "$3: $1 lacks '$2'"; fi
}

finish() {
    echo "$TEST_NAME: $CHECKS checks, $FAILURES failed"
    [[ $FAILURES -eq 0 ]]
}

# expect_same_file A B DESCRIPTION — the files A and B hold the same bytes.
expect_same_file() {
    CHECKS=$((CHECKS + 1))
    if cmp -s "$1" "$2"; then pass "$3"; else fail "$3: $1 and $2 differ"; fi
}

# expect_absent PATH DESCRIPTION — nothing exists at PATH.
expect_absent() {
    CHECKS=$((CHECKS + 1))
    if [[ ! -e $1 ]]; then pass "$2"; else fail "$2: $1 exists"; fi
}

# expect_number VALUE OP LIMIT DESCRIPTION — a numeric comparison (OP: < <= > >= ==).
expect_number() {
    CHECKS=$((CHECKS + 1))
    if awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN {
            ok = (op == "<") ? v < l : (op == "<=") ? v <= l : (op == ">") ? v > l : (op == ">=") ? v >= l : v == l
            exit !(v != "" && ok) }'; then
        pass "$4 ($1 $2 $3)"
    else
        fail "$4: $1 is not $2 $3"
    fi
}

# expect_between VALUE LOW HIGH DESCRIPTION — LOW <= VALUE <= HIGH.
expect_between() {
    CHECKS=$((CHECKS + 1))
    if awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN {exit !(v != "" && v >= lo && v <= hi)}'; then
        pass "$4 ($1 in [$2, $3])"
    else
        fail "$4: $1 is outside [$2, $3]"
    fi
}

# query DB SQL — prints the result rows of SQL (CSV, without the header); SQL may read
# the test's own files (under $WORK), nothing else.
query() {
    "$TENURE" sql --csv --allow-files "$WORK" --db "$1" "$2" | tail -n +2
}

# query_attached DB SQL — as query, for SQL that ATTACHes another warehouse to compare the
# two, which `tenure sql` refuses (it reads its own warehouse only): run by the duckdb_exec
# test tool, which opens DB read-write.
query_attached() {
    "${TN_DUCKDB_EXEC:?TN_DUCKDB_EXEC must name the duckdb_exec tool}" "$1" "$2"
}

# split_increments EXPORT OUT BOUNDS — cuts a generated CSV export by date into increments
# OUT/inc1, OUT/inc2, … (tests/tools/split_increments.sql): inc1 holds what happened before
# the first of the dates BOUNDS (YYYY-MM-DD, space-separated, ascending), each next one a
# period between two bounds, the last one what happened after the last bound.
split_increments() {
    local export=$1 out=$2 bounds=$3 periods k list
    local sql
    sql="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tests/tools/split_increments.sql"
    periods=$(($(wc -w <<<"$bounds") + 1))
    list=$(printf "DATE '%s', " $bounds)
    for k in $(seq "$periods"); do
        mkdir -p "$out/inc$k"
        (cd "$out/inc$k" &&
            { echo "SET VARIABLE export_dir = '$export'; SET VARIABLE bounds = [${list%, }]; SET VARIABLE period = $k;"
              cat "$sql"; } | "${TN_DUCKDB_EXEC:?TN_DUCKDB_EXEC must name the duckdb_exec tool}" :memory: >/dev/null) ||
            echo "split_increments: period $k failed" >&2
    done
}

# ---- tenure serve ---------------------------------------------------------------------
# start_server NAME ARGS… — starts `tenure serve` on a free port; sets SERVER_PID and BASE.
start_server() {
    "$TENURE" serve --port 0 "${@:2}" >"$WORK/$1.log" 2>&1 &
    SERVER_PID=$!
    wait_listening "$1" 300
}

# wait_listening NAME TENTHS — waits for $WORK/NAME.log to say where it listens; sets BASE.
wait_listening() {
    local name=$1 log="$WORK/$1.log"
    BASE=""
    for _ in $(seq 1 "$2"); do
        BASE=$(grep -o 'listening on http://[0-9.]*:[0-9]*' "$log" | sed 's/listening on //')
        [[ -n $BASE ]] && return 0
        kill -0 $SERVER_PID 2>/dev/null || break
        sleep 0.1
    done
    echo "server $name did not start: $(cat "$log")" >&2
    return 1
}

# stop_server [SIGNAL] — stops the server; STATUS receives its exit status.
stop_server() {
    kill -"${1:-TERM}" $SERVER_PID
    wait $SERVER_PID
    STATUS=$?
    SERVER_PID=""
}

# ---- answers checked against api/openapi.json -------------------------------------------
API_CASES="$WORK/api-cases.txt"
API_CALLS=0

# api_call TEMPLATE METHOD PATH [curl args…] — one request to $BASE. CODE receives the
# status, $WORK/body and $WORK/headers the answer. Unless TEMPLATE is "unmatched" (no
# route) or the answer has no body (HEAD, 204, no answer), it is kept for api_validate
# (unpacked, when it came gzip'd).
api_call() {
    local template=$1 method=$2 path=$3 type
    shift 3
    CODE=$(curl -s -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' -X "$method" "$@" "$BASE$path")
    API_CALLS=$((API_CALLS + 1))
    type=$(tr -d '\r' <"$WORK/headers" | awk -F': ' 'tolower($1) == "content-type" {print $2}')
    if [[ $method != HEAD && $CODE != 204 && $CODE != 000 && $template != unmatched ]]; then
        if tr -d '\r' <"$WORK/headers" | grep -qi '^content-encoding: gzip$'; then
            gzip -dc "$WORK/body" >"$WORK/answer.$API_CALLS" # what the client reads
        else
            cp "$WORK/body" "$WORK/answer.$API_CALLS"
        fi
        echo "$method $template $CODE ${type:-none} $WORK/answer.$API_CALLS" >>"$API_CASES"
    fi
}

# api_validate — one check: every answer api_call kept matches api/openapi.json.
api_validate() {
    local source_dir=${TN_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
    touch "$API_CASES"
    run /usr/bin/python3 "$source_dir/tests/integration/validate_openapi.py" "$source_dir/api/openapi.json" "$API_CASES"
    expect_status 0 "$(wc -l <"$API_CASES") answers validate against api/openapi.json"
    grep FAIL "$WORK/stdout" | head -5 >&2
}
