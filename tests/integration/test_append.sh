#!/usr/bin/env bash
# test_append.sh — `tenure build --raw DIR --append`: a generated company's
# CSV export cut by date into four increments (tests/tools/
# split_increments.sql: new customers, churn and upgrade dates that appear
# later, deals that change stage and amount, tickets that get resolved, risk
# signals rescored), the first loaded in full and the others appended, gives
# the raw tables and marts of one full load; loading an increment again
# changes nothing; a bad increment stops with file:line and leaves every
# table as it was; --lenient adds its rejects; the as-of date only moves
# forward; a generated warehouse takes increments; the event keys
# (meta.usage_event_keys) are rebuilt when they no longer match.
source "$(dirname "$0")/lib.sh"
SOURCE_DIR=${TN_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
DB="$WORK/appended.duckdb"
FULL="$WORK/full.duckdb"

# fingerprint DB [all] — each table of raw, marts and meta with its rows and a hash of its
# contents; marts.build_info without built_at unless "all".
fingerprint() {
    local tables sql="" t from
    tables=$(query "$1" "SELECT string_agg(schema_name || '.' || table_name, ' ' ORDER BY 1)
        FROM duckdb_tables() WHERE schema_name IN ('raw', 'marts', 'meta')")
    for t in $tables; do
        from=$t
        [[ $t == marts.build_info && ${2:-} != all ]] && from="(SELECT * EXCLUDE (built_at) FROM marts.build_info)"
        sql+="${sql:+ UNION ALL }SELECT '$t' AS t, count(*) AS n, sum(hash(x)) AS h FROM $from AS x"
    done
    query "$1" "$sql ORDER BY t"
}

# differences DB OTHER TABLE — rows of TABLE in one warehouse and not the other, both ways.
differences() {
    query_attached "$1" "ATTACH '$2' AS other (READ_ONLY);
        SELECT (SELECT count(*) FROM (SELECT * FROM $3 EXCEPT ALL SELECT * FROM other.$3))
             + (SELECT count(*) FROM (SELECT * FROM other.$3 EXCEPT ALL SELECT * FROM $3))"
}

# ---- four increments give the same warehouse as one full load ---------------------------------
"$TENURE" generate --quiet --customers 300 --seed 17 --csv "$WORK/export"
as_of=$("$TN_DUCKDB_EXEC" :memory: "SELECT CAST(max(CAST(\"timestamp\" AS TIMESTAMP)) AS DATE) + 1
    FROM read_csv('$WORK/export/usage_events.csv', all_varchar = true)")
bounds=$("$TN_DUCKDB_EXEC" :memory: "SELECT string_agg(CAST(DATE '$as_of' - d AS VARCHAR), ' ' ORDER BY d DESC)
    FROM (VALUES (180), (90), (30)) AS t (d)")
read -r b1 b2 b3 <<<"$bounds"
split_increments "$WORK/export" "$WORK/split" "$bounds"
for k in 1 2 3 4; do
    expect_number "$(($(wc -l <"$WORK/split/inc$k/usage_events.csv") - 1))" ">" 1000 "increment $k has events"
done
expect_number "$(grep -c ',proposal,' "$WORK/split/inc2/gtm_opportunities.csv")" ">" 0 \
    "some deals are still open in the period before they close"
expect_number "$("$TN_DUCKDB_EXEC" :memory: "SELECT count(*) FROM read_csv('$WORK/split/inc1/support_tickets.csv', all_varchar = true)
    WHERE resolution_time IS NULL")" ">" 0 "some tickets are open at a period's end"

run "$TENURE" build --db "$FULL" --raw "$WORK/export"
expect_status 0 "one full load of the whole export"
run "$TENURE" build --db "$DB" --raw "$WORK/split/inc1" --as-of "$b1"
expect_status 0 "increment 1: a full load as of $b1"
run "$TENURE" build --db "$DB" --raw "$WORK/split/inc2" --append --as-of "$b2"
expect_status 0 "increment 2 appended as of $b2"
expect_contains stderr "build: as of $b2 (given by --as-of)" "the as-of date moves to $b2"
expect_contains stderr "build: --append: customers: " "says what it did to each table"
churned=$("$TN_DUCKDB_EXEC" :memory: "SELECT count(*) FROM read_csv('$WORK/export/customers.csv', all_varchar = true)
    WHERE CAST(churn_date AS DATE) >= DATE '$b2' AND CAST(churn_date AS DATE) < DATE '$b3'
      AND CAST(signup_date AS DATE) < DATE '$b2'")
run "$TENURE" build --db "$DB" --raw "$WORK/split/inc3" --append --as-of "$b3"
expect_status 0 "increment 3 appended as of $b3"
expect_number "$churned" ">" 0 "customers of earlier increments churn in increment 3"
run "$TENURE" build --db "$DB" --raw "$WORK/split/inc4" --append
expect_status 0 "increment 4 appended, as-of date from the data"
expect_contains stderr "build: as of $as_of (the day after the latest usage event" "the data's own as-of date, $as_of"
expect_contains stderr "build: --append: support_tickets: " "tickets merged"

for table in raw.customers raw.usage_events raw.gtm_opportunities raw.support_tickets raw.risk_signals \
             $(query "$FULL" "SELECT string_agg('marts.' || table_name, ' ' ORDER BY 1) FROM duckdb_tables()
                   WHERE schema_name = 'marts' AND table_name <> 'build_info'"); do
    expect_equal "$(differences "$DB" "$FULL" "$table")" 0 "$table: four increments = one full load"
done
expect_equal "$(query "$DB" "SELECT * EXCLUDE (built_at) FROM marts.build_info")" \
    "$(query "$FULL" "SELECT * EXCLUDE (built_at) FROM marts.build_info")" \
    "marts.build_info: the same as-of date, data as-of date, source and row counts"
expect_equal "$(query "$DB" "SELECT count(*) FROM meta.usage_event_keys")" \
    "$(query "$DB" "SELECT count(*) FROM raw.usage_events")" "one event key per stored event"

# ---- the same increment again changes nothing ---------------------------------------------------
before=$(fingerprint "$DB")
run "$TENURE" build --db "$DB" --raw "$WORK/split/inc4" --append
expect_status 0 "increment 4 loaded again"
expect_contains stderr "build: --append: usage_events: 0 added, 0 replaced, " "no event added or replaced"
expect_contains stderr "build: --append: customers: 0 added, 0 replaced, " "no customer added or replaced"
expect_equal "$(fingerprint "$DB")" "$before" "every raw, marts and meta table has the same contents"

# ---- a bad increment changes nothing ------------------------------------------------------------
cp -r "$WORK/split/inc4" "$WORK/template"
before=$(fingerprint "$DB" all)
bad_case() { # NAME EXPECTED-STATUS MESSAGE ARGS... — runs build --append, expects the message, nothing changed
    local name=$1 status=$2 message=$3
    shift 3
    run "$TENURE" build --db "$DB" "$@"
    expect_status "$status" "$name"
    expect_contains stderr "$message" "$name: says why"
    expect_equal "$(fingerprint "$DB" all)" "$before" "$name: every table unchanged"
}
fresh_increment() { rm -rf "$WORK/bad" && mkdir "$WORK/bad" && cp "$WORK/template/$1" "$WORK/bad/"; }

customer=$(query "$DB" "SELECT customer_id FROM raw.customers WHERE churn_date IS NULL ORDER BY 1 LIMIT 1")
fresh_increment usage_events.csv
sed -i '3s/^\([^,]*\),[^,]*,/\1,nobody,/' "$WORK/bad/usage_events.csv"
bad_case "an event of an unknown customer" 1 \
    "usage_events.csv:3: customer_id: 'nobody' — expected a customer_id that the customers table has" \
    --raw "$WORK/bad" --append
fresh_increment customers.csv
sed -i '2s/^\([^,]*,[^,]*,[^,]*\),[^,]*,/\1,2026-02-30,/' "$WORK/bad/customers.csv"
bad_case "a malformed date" 1 "customers.csv:2: signup_date: '2026-02-30' — expected a date, YYYY-MM-DD" \
    --raw "$WORK/bad" --append
expect_contains stderr "customers.csv: 1 problem" "the report counts the file's problems"

# A churn_date moved before events the warehouse holds: the customer row is refused.
active=$(query "$DB" "SELECT c.customer_id FROM raw.customers AS c JOIN raw.usage_events AS e USING (customer_id)
    WHERE c.churn_date IS NULL GROUP BY 1 HAVING count(*) > 10 ORDER BY 1 LIMIT 1")
rm -rf "$WORK/bad" && mkdir "$WORK/bad"
{
    head -1 "$WORK/template/customers.csv"
    "$TN_DUCKDB_EXEC" "$DB" "SELECT concat_ws(',', customer_id, coalesce(industry, ''), plan_tier, signup_date, mrr,
        signup_date + 1, coalesce(CAST(upgrade_date AS VARCHAR), ''), coalesce(name, ''), coalesce(owner, ''),
        coalesce(CAST(renewal_date AS VARCHAR), ''), coalesce(crm_id, ''))
        FROM raw.customers WHERE customer_id = '$active'"
} >"$WORK/bad/customers.csv"
bad_case "a churn_date that leaves stored events after it" 1 \
    "customers.csv:2: churn_date: '" --raw "$WORK/bad" --append
expect_contains stderr "— expected a churn_date that keeps the rows the warehouse holds for the customer inside its lifetime" \
    "says the stored rows would fall outside the lifetime"

run "$TENURE" build --db "$DB" --raw "$WORK/bad" --append --dry-run
expect_status 1 "--dry-run --append: the same problem"
expect_contains stdout "customers.csv:2: churn_date: '" "--dry-run reports it"
expect_equal "$(fingerprint "$DB" all)" "$before" "--dry-run --append: every table unchanged"

mkdir -p "$WORK/empty"
bad_case "an increment with no file" 1 "holds no file of any table" --raw "$WORK/empty" --append
bad_case "an --as-of before the warehouse's" 1 \
    "the increment's as-of date $b3 (--as-of) is earlier than the warehouse's, $as_of" \
    --raw "$WORK/template" --append --as-of "$b3"
run "$TENURE" build --db "$DB" --append
expect_status 2 "--append without exports is a usage error"
run "$TENURE" build --db "$WORK/nothing.duckdb" --raw "$WORK/template" --append
expect_status 1 "--append to a missing warehouse"
expect_contains stderr "load a full export first with 'tenure build --raw DIR'" "says to load a full export first"
expect_absent "$WORK/nothing.duckdb" "creates no warehouse"

# The as-of date the data gives may not go back either: the merge is rolled back.
later=$("$TN_DUCKDB_EXEC" :memory: "SELECT DATE '$as_of' + 10")
"$TENURE" build --quiet --db "$DB" --as-of "$later"
before=$(fingerprint "$DB" all)
rm -rf "$WORK/bad" && mkdir "$WORK/bad"
printf 'event_id,customer_id,timestamp,event_type,feature_adoption_score\nzz-new-0,%s,%s 08:00:00,api_call,0.5\n' \
    "$customer" "$as_of" >"$WORK/bad/usage_events.csv"
bad_case "an as-of date from the data before the warehouse's" 1 \
    "the increment's as-of date $("$TN_DUCKDB_EXEC" :memory: "SELECT DATE '$as_of' + 1") (the day after the latest usage event" \
    --raw "$WORK/bad" --append

# ---- --lenient: the good rows merge, the rejects are added with the load's as-of date --------------
"$TENURE" build --quiet --db "$DB" --raw "$WORK/template" --append --as-of "$later"
fresh_increment usage_events.csv
sed -i '3s/^\([^,]*\),[^,]*,/\1,nobody,/' "$WORK/bad/usage_events.csv"
printf 'zz-new-1,%s,%s 12:00:00,api_call,0.5\n' "$customer" "$as_of" >>"$WORK/bad/usage_events.csv"
run "$TENURE" build --db "$DB" --raw "$WORK/bad" --append --lenient --as-of "$later"
expect_status 0 "--lenient --append loads the good rows"
expect_contains stderr "build: --append: usage_events: 1 added, 0 replaced, " "the new event is added"
expect_equal "$(query "$DB" "SELECT file, line, column_name, value, kind, as_of FROM raw.rejects")" \
    "usage_events.csv,3,customer_id,nobody,unknown customer_id,$later" "the reject is kept with the load's as-of date"
run "$TENURE" build --db "$DB" --raw "$WORK/bad" --append --lenient --as-of "$later"
expect_status 0 "the same lenient increment again"
expect_equal "$(query "$DB" "SELECT count(*) FROM raw.rejects")" 1 "its reject is not kept twice"

# ---- event keys that no longer match are rebuilt -----------------------------------------------------
"$TN_DUCKDB_EXEC" "$DB" "INSERT INTO raw.usage_events VALUES ('zz-by-hand', '$customer', TIMESTAMP '$as_of 13:00:00', 'api_call', 0.25)" >/dev/null
rm -rf "$WORK/bad" && mkdir "$WORK/bad"
printf 'event_id,customer_id,timestamp,event_type,feature_adoption_score\nzz-by-hand,%s,%s 13:00:00,report_view,0.25\n' \
    "$customer" "$as_of" >"$WORK/bad/usage_events.csv"
run "$TENURE" build --db "$DB" --raw "$WORK/bad" --append --as-of "$later"
expect_status 0 "an event put in by hand, then sent in an increment"
expect_contains stderr "build: --append: usage_events: 0 added, 1 replaced, 0 unchanged" "replaces the stored event"
expect_equal "$(query "$DB" "SELECT count(*), min(event_type) FROM raw.usage_events WHERE event_id = 'zz-by-hand'")" \
    "1,report_view" "once, as the increment has it"
expect_equal "$(query "$DB" "SELECT (SELECT count(*) FROM meta.usage_event_keys) = (SELECT count(*) FROM raw.usage_events)")" \
    true "the event keys were rebuilt to match"

# ---- a generated warehouse takes increments ------------------------------------------------------
GEN="$WORK/generated.duckdb"
"$TENURE" generate --quiet --customers 300 --seed 17 --db "$GEN"
"$TENURE" build --quiet --db "$GEN"
mkdir -p "$WORK/next_day"
printf 'event_id,customer_id,timestamp,event_type,feature_adoption_score\nnext-1,%s,%s 09:30:00,report_view,0.5\n' \
    "$(query "$GEN" "SELECT customer_id FROM raw.customers WHERE churn_date IS NULL ORDER BY 1 LIMIT 1")" "$as_of" \
    >"$WORK/next_day/usage_events.csv"
run "$TENURE" build --db "$GEN" --raw "$WORK/next_day" --append
expect_status 0 "an increment of a generated warehouse"
expect_equal "$(query "$GEN" "SELECT as_of - DATE '$as_of', source FROM marts.build_info")" "1,loaded" \
    "its as-of date moves to the day after the new event; the data is now loaded"

finish
