#!/usr/bin/env bash
# test_locks.sh — the nightly routine works while the server runs (issue 14).
# `tenure build` waits, saying so, while another process holds the
# warehouse (a bounded wait: --lock-wait); the server holds the warehouse
# only while it reads it, not while it reads the models; and build, then
# train, then SIGHUP, against a server under load, fails no request.
source "$(dirname "$0")/lib.sh"
DUCKDB=${TN_DUCKDB_EXEC:?TN_DUCKDB_EXEC must name the duckdb_exec tool}
SERVER_PID="" HOLDER=""
trap '[[ -n $SERVER_PID ]] && kill -KILL $SERVER_PID 2>/dev/null; [[ -n $HOLDER ]] && kill $HOLDER 2>/dev/null
      rm -rf "$WORK"' EXIT

DB="$WORK/w.duckdb"
M="$WORK/models"
"$TENURE" generate --quiet --customers 600 --seed 8 --db "$DB"
"$TENURE" build --quiet --db "$DB"
"$TENURE" train --quiet --db "$DB" --models "$M"

# hold — another reader opens the warehouse and keeps it until release (fd 3 closed)
hold() {
    rm -f "$WORK/hold" && mkfifo "$WORK/hold"
    "$DUCKDB" --hold "$DB" <"$WORK/hold" >"$WORK/holder.out" 3>&- &
    HOLDER=$!
    exec 3>"$WORK/hold"
    for _ in $(seq 1 100); do grep -q holding "$WORK/holder.out" && return; sleep 0.05; done
    echo "the holder did not open the warehouse" >&2
}
release() {
    exec 3>&-
    wait $HOLDER
    HOLDER=""
}

# ---- the writer waits for the lock, and says so ----------------------------------------
hold
"$TENURE" build --quiet --db "$DB" >"$WORK/build.out" 2>"$WORK/build.err" 3>&- &
BUILD=$!
sleep 2
CHECKS=$((CHECKS + 1))
if kill -0 $BUILD 2>/dev/null; then pass "build waits while another process holds the warehouse"; else fail "build did not wait"; fi
expect_contains_file "$WORK/build.err" "build: $DB is in use (Conflicting lock is held in" "says it is waiting, and for whom"
expect_contains_file "$WORK/build.err" "waiting up to 30 s for it (--lock-wait)" "and for how long"
release
wait $BUILD
STATUS=$?
expect_status 0 "then builds once the holder is gone"

hold
started=$SECONDS
run "$TENURE" build --db "$DB" --lock-wait 1
expect_status 1 "--lock-wait 1: gives up"
expect_number "$((SECONDS - started))" '<' 10 "after about a second"
expect_contains stderr "still locked by another process after 1 s: Conflicting lock is held in" "saying who holds it"
run "$TENURE" build --db "$DB" --lock-wait 0
expect_status 1 "--lock-wait 0: does not wait"
expect_contains stderr "Could not set lock on file" "DuckDB's message"
release

# ---- the server holds the warehouse only while it reads it ---------------------------------
# A reload that is stuck reading the models (here: a named pipe where the churn
# metadata is) must not hold the warehouse, so a build at that moment works.
mkdir "$WORK/flat" && cp "$M"/sets/*/* "$WORK/flat/"
start_server flat --db "$DB" --models "$WORK/flat"
mv "$WORK/flat/churn.meta.json" "$WORK/churn.meta.json" && mkfifo "$WORK/flat/churn.meta.json"
kill -HUP $SERVER_PID
for _ in $(seq 1 100); do grep -q "SIGHUP: reloading" "$WORK/flat.log" && break; sleep 0.05; done
sleep 1
run "$TENURE" build --quiet --db "$DB"
expect_status 0 "build while a reload reads the models"
expect_equal "$(grep -c "is in use" "$WORK/stderr")" 0 "without waiting"
cat "$WORK/churn.meta.json" >"$WORK/flat/churn.meta.json" # let the reload go on
for _ in $(seq 1 100); do grep -qE "reloaded: |reload failed" "$WORK/flat.log" && break; sleep 0.1; done
expect_contains flat.log "reloaded: " "then the reload finishes"
stop_server TERM

# ---- the nightly routine against a server under load --------------------------------------
start_server nightly --db "$DB" --models "$M"
ID=$("$TENURE" sql --csv --db "$DB" "SELECT customer_id FROM marts.mart_customer_churn_features LIMIT 1" | tail -n 1)
client() { # NAME ARGS… — requests until $WORK/stop exists; one status per line in $WORK/codes.NAME
    local name=$1
    shift
    while [[ ! -e $WORK/stop ]]; do
        curl -s -o /dev/null -w '%{http_code}\n' --max-time 10 "$@" || echo "curl-failed"
    done >"$WORK/codes.$name"
}
client health "$BASE/health" &
CLIENTS=($!)
client churn -X POST -H 'Content-Type: application/json' -d "{\"customer_id\":\"$ID\"}" "$BASE/predictions/churn" &
CLIENTS+=($!)
reloads() { grep -c 'reloaded: ' "$WORK/nightly.log"; }
waited=0
for night in 1 2; do
    kill -HUP $SERVER_PID # a reload is under way when the build starts
    run "$TENURE" build --db "$DB"
    expect_status 0 "night $night: build while the server reloads"
    grep -q "is in use" "$WORK/stderr" && waited=$((waited + 1))
    run "$TENURE" train --quiet --db "$DB" --models "$M"
    expect_status 0 "night $night: train"
    before=$(reloads)
    kill -HUP $SERVER_PID
    for _ in $(seq 1 300); do [[ $(reloads) -gt $before ]] && break; sleep 0.1; done
    CHECKS=$((CHECKS + 1))
    if [[ $(reloads) -gt $before ]]; then pass "night $night: SIGHUP reloads the new build and models"; else fail "night $night: no reload"; fi
done
touch "$WORK/stop"
wait "${CLIENTS[@]}"
echo "the build found the server's reload holding the warehouse on $waited of 2 nights"
total=$(cat "$WORK"/codes.* | wc -l)
expect_number "$total" '>' 100 "requests were running all along"
expect_equal "$(cat "$WORK"/codes.* | sort | uniq -c | awk '{print $2}' | tr '\n' ' ')" "200 " \
    "every one of the $total requests answered 200: none failed"
expect_equal "$(curl -s "$BASE/ready" | jq -r '.models.churn.version')" "$(jq -r .version "$M/churn.meta.json")" \
    "the server answers with the new models"
stop_server TERM

finish
