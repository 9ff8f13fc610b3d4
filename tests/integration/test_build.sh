#!/usr/bin/env bash
# test_build.sh — `tenure build`, `tenure check` and `tenure sql`: the marts on
# a hand-made fixture (every value worked out by hand), every kind of bad CSV
# (message with file, line and column; exit 1; warehouse unchanged), --lenient,
# what real exports contain (CRLF, BOM, quotes, 'T'/'Z', columns reordered),
# a generated company's CSV export loading back to identical marts, the model
# runner's errors, and the data contracts passing and failing.
source "$(dirname "$0")/lib.sh"
SOURCE_DIR=${TN_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
FIXTURE="$SOURCE_DIR/tests/fixtures/marts"

# ---- the hand-made fixture (tests/fixtures/marts/README.md) -----------------
DB="$WORK/fixture.duckdb"
run "$TENURE" build --db "$DB" --raw "$FIXTURE"
expect_status 0 "build --raw of the fixture"
expect_equal "$(query "$DB" "SELECT as_of, data_as_of, source FROM marts.build_info")" "2026-03-14,2026-03-14,loaded" \
    "as-of date is the day after the latest event; source 'loaded'"
expect_contains stderr "build: as of 2026-03-14 (the day after the latest usage event, 2026-03-13 23:59:59 UTC)" \
    "the build says which as-of date it used and why"

# Rows the loader refuses (an event on c2's churn day, a ticket after it) put
# straight into the raw tables: the marts must leave them out, and `tenure
# check` must find them.
"$TN_DUCKDB_EXEC" "$DB" "INSERT INTO raw.usage_events VALUES ('e11', 'c2', TIMESTAMP '2026-01-15 09:00:00', 'api_call', 1.0);
    INSERT INTO raw.support_tickets VALUES ('t6', 'c2', DATE '2026-01-20', 'critical', 5, 'billing')" >/dev/null
run "$TENURE" build --db "$DB"
expect_status 0 "rebuild from the raw tables"
expect_equal "$(query "$DB" "SELECT source FROM marts.build_info")" "loaded" "a rebuild of loaded data still says 'loaded'"

# c1: 7 events: e01 (signup day) and e02 (signup + 29 days, 23:59:59) are in its
# first 30 days, e03 (signup + 30 days) is not; last 30 days = [02-12, 03-14):
# e04 (02-12 10:00), e06, e07; e05 (02-11) is 31 days back; last 7 days =
# [03-07, 03-14): e06, e07. Mean score (.5+.7+.9+.4+.6+.8+.3)/7 = 0.6. Retention
# signals e04, e05, e06. Last event 03-13: 1 day. Tickets in the last 30 days:
# t1 (02-12), t3, t4; high priority t1, t2; resolution hours known by the
# as-of date: t1 10, t2 20 (t3 resolves 03-15, t4 is open) → 15. Tenure
# 2026-01-01 → 03-14 = 72 days, early stage.
# c3: signed up 03-01: tenure 13, no events → days since last event = tenure.
# c4: one event on 03-01: 13 days ago, in the last 30 days, not the last 7.
# c5: events 02-12 00:00 (exactly 30 days back, in) and 02-11 (out); tenure 84;
# ticket t7 resolved in 5 h, t8 open; t8 in the last 30 days.
# c7: churn_date = the as-of date: still active; tenure 2025-03-01 → 378.
# c2 churned, c6 signed up on the as-of date: in no churn mart.
expect_equal "$(query "$DB" "SELECT customer_id, mrr, tenure_days, plan_tier, industry, total_events, events_last_30d,
    events_last_7d, round(avg_adoption_score, 6), days_since_last_event, retention_signal_count,
    integration_connects_first_30d, tickets_last_30d, high_priority_tickets, round(avg_resolution_hours, 6), is_early_stage
    FROM marts.mart_customer_churn_features ORDER BY customer_id")" \
"c1,1250.00,72,starter,fintech,7,3,2,0.6,1,3,2,3,2,15,true
c3,50000.00,13,enterprise,saas,0,0,0,,13,0,0,0,0,,true
c4,8000.00,428,growth,proptech,1,1,0,0.9,13,0,0,0,0,,false
c5,2000.00,84,starter,fintech,2,1,0,0.4,30,0,0,1,0,5,true
c7,3000.00,378,growth,fintech,1,1,1,0.6,1,1,0,0,0,,false" "mart_customer_churn_features on the fixture"

# Expansion candidates: active and not upgraded (c4 upgraded 2025-11-01).
# c1: open expansion deal o1 of 5,000 (the as-of date is the data's own);
# MRR 1,250 in the starter band 500-2,000 → 0.5. c5: one premium trial in the
# last 30 days, two feature requests in the last 90 (12-20 and 03-13); its
# expansion deal is closed and its open deal is new business → none; MRR at
# the ceiling → 1. c7: growth band 2,000-8,000, MRR 3,000 → 1/6.
expect_equal "$(query "$DB" "SELECT customer_id, premium_feature_trials_30d, feature_request_tickets_90d, has_open_expansion_opp,
    expansion_opp_amount, round(mrr_tier_ceiling_pct, 6), total_events FROM marts.mart_customer_expansion_features ORDER BY customer_id")" \
"c1,0,0,true,5000.00,0.5,7
c3,0,0,false,0.00,1,0
c5,1,2,false,0.00,1,2
c7,0,0,false,0.00,0.166667,1" "mart_customer_expansion_features on the fixture"

# Survival: c2 churned 2026-01-15 after 228 days; its window ends at churn:
# e08 (01-14) and e09 (12-16, exactly 30 days before) are in the last 30 days,
# e10 (31 days) is not, e11 (on the churn day) is after the end; retention
# signals e09, e10; mean score (.2+.4+.6)/3 = 0.4; high-priority t5 (t6 is
# after churn). c7's churn_date is the as-of date: censored, no churn date.
expect_equal "$(query "$DB" "SELECT customer_id, industry, churn_date, upgrade_date, duration_days, event, integration_connects_first_30d,
    retention_signal_count, events_last_30d, integration_bucket, round(avg_adoption_score, 6), high_priority_tickets
    FROM marts.customer_survival ORDER BY customer_id")" \
"c1,fintech,,,72,0,2,3,3,1–2,0.6,2
c2,hrtech,2026-01-15,,228,1,0,2,2,0,0.4,1
c3,saas,,,13,0,0,0,0,0,,0
c4,proptech,,2025-11-01,428,0,0,0,1,0,0.9,0
c5,fintech,,,84,0,0,0,1,0,0.4,0
c7,fintech,,,378,0,0,1,1,0,0.6,0" "customer_survival on the fixture"

# Risk: c1's previous 30 days [01-13, 02-12) hold e02, e03, e05 → 3, decay
# max(0, 1 - 3/3) = 0, score 0.35·0.4 + 0.15·min(2/5, 1) = 0.2. c3 has no
# events at all and is 13 days old: its decay is unknown, and its score the
# known inputs with their weights renormalised, (0.35·0 + 0.15·0) / 0.50 = 0.
# c4: 1 event now, none before → decay 0; 0.35·0.1 = 0.035. c5: flags 7 →
# capped at 1: 0.35·0.2 + 0.15 = 0.22.
expect_equal "$(query "$DB" "SELECT customer_id, round(compliance_gap_score, 6), vendor_risk_flags, events_last_30d, events_prev_30d,
    round(usage_decay_score, 6), round(risk_score, 6) FROM marts.customer_risk_inputs ORDER BY customer_id")" \
"c1,0.4,2,3,3,0,0.2
c3,0,0,0,0,,0
c4,0.1,0,1,0,0,0.035
c5,0.2,7,1,1,0,0.22
c7,0.3,1,1,0,0,0.135" "customer_risk_inputs on the fixture"
expect_equal "$(query "$DB" "SELECT customer_id || ': ' || usage_decay_unknown || ' | ' || risk_score_formula FROM marts.customer_risk_inputs WHERE usage_decay_score IS NULL")" \
    '"c3: no events yet: there is no usage to decay | 0.70·compliance_gap + 0.30·min(vendor_risk_flags/5, 1) (usage decay unknown: no events yet: there is no usage to decay)"' \
    "an unknown decay says why, and the score's formula says what it used"
expect_equal "$(query "$DB" "SELECT count(DISTINCT risk_score_formula) FROM marts.customer_risk_inputs WHERE usage_decay_score IS NOT NULL")" 1 \
    "(the others share the full formula)"

# Accounts: everyone who signed up before the as-of date (c6 signed up on it),
# as the export names them. Days to renewal from 2026-03-14: c1 renews 04-01
# (18 days), c3 2027-03-01 (352), c5 03-20 (6), c7 on the as-of date (0); c2
# churned (no renewal), c3 has no owner or CRM id, c4 no account columns at all.
expect_equal "$(query "$DB" "SELECT customer_id, name, owner, renewal_date, crm_id, industry_name, plan_tier, days_to_renewal
    FROM marts.customer_accounts ORDER BY customer_id")" \
"c1,Northwind Ledger Labs,Maya Patel,2026-04-01,0015g00000AAAA1AAA,FinTech,starter,18
c2,Bluepeak Compliance Group,Daniel Osei,,0015g00000AAAA2AAA,HR Tech,growth,
c3,Harborview Data Inc.,,2027-03-01,,SaaS,enterprise,352
c4,,,,,PropTech,growth,
c5,Clearwater Payroll Co.,Maya Patel,2026-03-20,0015g00000AAAA5AAA,FinTech,starter,6
c7,Summit Risk Holdings,Sofia Lindgren,2026-03-14,0015g00000AAAA7AAA,FinTech,growth,0" "customer_accounts on the fixture"
expect_equal "$(query "$DB" "SELECT string_agg(customer_id, ' ' ORDER BY customer_id) FILTER (name IS NULL) || '|'
    || string_agg(customer_id, ' ' ORDER BY customer_id) FILTER (owner IS NULL) || '|'
    || string_agg(customer_id, ' ' ORDER BY customer_id) FILTER (crm_id IS NULL) FROM marts.customer_accounts")" "c4|c3 c4|c3 c4" \
    "customer_accounts: empty account fields are NULL"

cp "$DB" "$WORK/clean.duckdb"

# An earlier as-of date: c3 (signup 03-01) is not yet a customer, and the open
# deal is not known yet (the CRM export is as of 2026-03-14).
run "$TENURE" build --db "$DB" --as-of 2026-03-01
expect_status 0 "build --as-of 2026-03-01"
expect_equal "$(query "$DB" "SELECT string_agg(customer_id || ':' || has_open_expansion_opp || ':' || tenure_days, ' ' ORDER BY customer_id)
    FROM marts.mart_customer_expansion_features")" "c1:false:59 c5:false:71 c7:false:365" "marts as of 2026-03-01"
expect_equal "$(query "$DB" "SELECT string_agg(customer_id || ':' || coalesce(days_to_renewal::VARCHAR, '-'), ' ' ORDER BY customer_id)
    FROM marts.customer_accounts")" "c1:31 c2:- c4:- c5:19 c7:13" "customer_accounts as of 2026-03-01: days to the same renewals"

# ---- tenure check ------------------------------------------------------------
run "$TENURE" check --db "$DB"
expect_status 1 "check fails on the fixture's deliberate breaks"
expect_contains stdout "FAIL  usage_events_inside_customer_lifetime: 1 row, e.g. e11" "names the contract and the key (event on the churn day)"
expect_contains stdout "FAIL  support_tickets_inside_customer_lifetime: 1 row, e.g. t6" "ticket after churn"
expect_contains stdout "FAIL  risk_signals_one_per_customer: 1 row, e.g. c3" "customer without risk signals"
expect_contains stdout "PASS  churn_mart_is_active_customers" "passing contracts say PASS"
expect_equal "$(grep -c '^FAIL' "$WORK/stdout")" 3 "exactly those three fail"

GEN="$WORK/generated.duckdb"
"$TENURE" generate --quiet --customers 300 --seed 11 --db "$GEN"
run "$TENURE" check --db "$GEN"
expect_status 1 "check before build says what is missing"
expect_contains stderr "has no marts yet: run 'tenure build' first" "check needs a build"
"$TENURE" build --quiet --db "$GEN"
run "$TENURE" check --db "$GEN"
expect_status 0 "check passes on a generated warehouse"
expect_equal "$(grep -c '^PASS' "$WORK/stdout")" "$(ls "$SOURCE_DIR"/sql/checks/*.sql | wc -l)" "one PASS line per contract"

# Shared and missing event ids: usage_events_key_unique finds them by hash, then reports only
# ids really shared (the first id given a second event, and an event with no id), nothing else.
cp "$GEN" "$WORK/dupes.duckdb"
"$TN_DUCKDB_EXEC" "$WORK/dupes.duckdb" "INSERT INTO raw.usage_events
    SELECT * REPLACE (\"timestamp\" + INTERVAL 1 SECOND AS \"timestamp\") FROM raw.usage_events
    WHERE event_id = (SELECT min(event_id) FROM raw.usage_events);
    INSERT INTO raw.usage_events SELECT * REPLACE (NULL AS event_id) FROM raw.usage_events
    WHERE event_id = (SELECT max(event_id) FROM raw.usage_events)" >/dev/null
run "$TENURE" check --db "$WORK/dupes.duckdb"
expect_status 1 "check fails on shared and missing event ids"
expect_contains stdout "FAIL  usage_events_key_unique: 2 rows" "two keys: the shared id and the missing one"
expect_equal "$(query "$WORK/dupes.duckdb" "SELECT count(*) FROM (SELECT event_id FROM raw.usage_events
    GROUP BY event_id HAVING event_id IS NULL OR count(*) > 1)")" 2 "(the plain GROUP BY agrees)"

# The event contracts read the events per customer or per type first and the events themselves
# only where that finds something. Break each once and compare with the plain one-pass form of
# the contract (written here, as the contracts were first written): an unknown customer, no
# customer, an event a day before its customer's signup, and an event type outside the seven.
cp "$GEN" "$WORK/events.duckdb"
"$TN_DUCKDB_EXEC" "$WORK/events.duckdb" "CREATE TEMP TABLE one AS SELECT * FROM raw.usage_events
    WHERE event_id = (SELECT min(event_id) FROM raw.usage_events);
    INSERT INTO raw.usage_events SELECT * REPLACE ('x-ghost' AS event_id, 'ghost' AS customer_id) FROM one;
    INSERT INTO raw.usage_events SELECT * REPLACE ('x-nobody' AS event_id, NULL AS customer_id) FROM one;
    INSERT INTO raw.usage_events SELECT * REPLACE ('x-early' AS event_id, (SELECT signup_date FROM raw.customers AS c
        WHERE c.customer_id = one.customer_id) - INTERVAL 1 DAY AS \"timestamp\") FROM one;
    INSERT INTO raw.usage_events SELECT * REPLACE ('x-type' AS event_id, 'page_view' AS event_type) FROM one" >/dev/null
run "$TENURE" check --db "$WORK/events.duckdb"
expect_status 1 "check fails on the broken events"
plain_keys() { query "$WORK/events.duckdb" "SELECT count(*) || ' row' || CASE WHEN count(*) = 1 THEN '' ELSE 's' END
    || ', e.g. ' || string_agg(key, ', ' ORDER BY key) FROM ($1)" | sed 's/^"//; s/"$//'; }
expect_contains stdout "FAIL  usage_events_customer_exists: $(plain_keys "SELECT event_id AS key FROM raw.usage_events AS e
    WHERE NOT EXISTS (SELECT 1 FROM raw.customers AS c WHERE c.customer_id = e.customer_id)")" "unknown and missing customers"
expect_contains stdout "FAIL  usage_events_customer_exists: 2 rows, e.g. x-ghost, x-nobody" "(both of them)"
expect_contains stdout "FAIL  usage_events_inside_customer_lifetime: $(plain_keys "SELECT e.event_id AS key
    FROM raw.usage_events AS e JOIN raw.customers AS c USING (customer_id)
    WHERE e.\"timestamp\" < c.signup_date OR e.\"timestamp\" >= c.churn_date")" "the event before signup"
expect_contains stdout "FAIL  usage_events_inside_customer_lifetime: 1 row, e.g. x-early" "(that one)"
expect_contains stdout "FAIL  accepted_event_type: $(plain_keys "SELECT event_id || ': ' || event_type AS key
    FROM raw.usage_events WHERE event_type NOT IN ('evidence_upload', 'monitoring_run', 'report_view',
    'user_invite', 'integration_connect', 'api_call', 'premium_feature_trial')")" "the unaccepted type"
expect_contains stdout "FAIL  accepted_event_type: 1 row, e.g. x-type: page_view" "(that one)"
expect_contains stdout "PASS  usage_events_key_unique" "no id is shared"
expect_contains stdout "FAIL  churn_mart_events_match_raw: 1 row, e.g. mart $(query "$WORK/events.duckdb" \
    "SELECT sum(total_events) FROM marts.mart_customer_churn_features") vs raw $(query "$WORK/events.duckdb" \
    "SELECT count(*) FROM raw.usage_events AS e JOIN marts.mart_customer_churn_features AS f USING (customer_id)
     WHERE e.\"timestamp\" < (SELECT as_of FROM marts.build_info)")" "the mart's event total against the plain count"
expect_equal "$(grep -c '^FAIL' "$WORK/stdout")" 4 "those four fail, nothing else"

# A warehouse made before the account columns existed still rebuilds: they are added, empty.
cp "$GEN" "$WORK/older.duckdb"
"$TN_DUCKDB_EXEC" "$WORK/older.duckdb" "ALTER TABLE raw.customers DROP COLUMN name; ALTER TABLE raw.customers DROP COLUMN owner;
    ALTER TABLE raw.customers DROP COLUMN renewal_date; ALTER TABLE raw.customers DROP COLUMN crm_id" >/dev/null
run "$TENURE" build --db "$WORK/older.duckdb"
expect_status 0 "a warehouse without the account columns rebuilds"
expect_equal "$(query "$WORK/older.duckdb" "SELECT count(*), count(name) FROM marts.customer_accounts")" "300,0" \
    "with the accounts unnamed"

# ---- the CSV export of a generated company loads back to the same marts -----
"$TENURE" generate --quiet --customers 300 --seed 11 --csv "$WORK/export"
LOADED="$WORK/loaded.duckdb"
run "$TENURE" build --db "$LOADED" --raw "$WORK/export"
expect_status 0 "build --raw of a generated CSV export"
for table in raw.customers raw.usage_events raw.gtm_opportunities raw.support_tickets raw.risk_signals \
             marts.mart_customer_churn_features marts.mart_customer_expansion_features \
             marts.customer_survival marts.customer_risk_inputs marts.customer_accounts \
             marts.mart_customer_risk_scores marts.mart_propensity_quadrant; do
    differences=$(query_attached "$LOADED" "ATTACH '$GEN' AS generated (READ_ONLY);
        SELECT (SELECT count(*) FROM (SELECT * FROM $table EXCEPT ALL SELECT * FROM generated.$table))
             + (SELECT count(*) FROM (SELECT * FROM generated.$table EXCEPT ALL SELECT * FROM $table))")
    expect_equal "$differences" 0 "$table: loaded from CSV = generated"
done

# ---- what real exports contain -------------------------------------------------
# CRLF line ends, a byte order mark, columns in another order, quoted fields
# with commas and line breaks, timestamps with 'T' and a trailing 'Z'.
REAL="$WORK/real"
cp -r "$FIXTURE" "$REAL"
awk -F, 'BEGIN {OFS = ","} {print $3, $1, $2, $5, $4}' "$FIXTURE/usage_events.csv" |
    sed 's/^\(2026-01-30\) \(23:59:59\)/\1T\2Z/' >"$REAL/usage_events.csv"
printf '\xEF\xBB\xBF' >"$REAL/customers.csv"
sed 's/$/\r/; s/^c2,HR Tech,/c2,"HR Tech, Inc.\r\nPayroll",/' "$FIXTURE/customers.csv" >>"$REAL/customers.csv"
REAL_DB="$WORK/real.duckdb"
run "$TENURE" build --db "$REAL_DB" --raw "$REAL"
expect_status 0 "build --raw of an export with CRLF, BOM, reordered columns, quotes, T/Z"
expect_equal "$(query "$REAL_DB" "SELECT industry_name FROM staging.stg_customers WHERE customer_id = 'c2'" | tr -d '\r')" \
    '"HR Tech, Inc.
Payroll"' "a quoted field keeps its comma and line break"
expect_equal "$(query "$REAL_DB" "SELECT \"timestamp\" FROM raw.usage_events WHERE event_id = 'e02'")" "2026-01-30 23:59:59" \
    "'T' and 'Z' timestamps read as UTC"
for table in mart_customer_churn_features customer_survival customer_risk_inputs; do
    # c2's industry is spelled differently in this export; everything else must agree
    expect_equal "$(query_attached "$REAL_DB" "ATTACH '$WORK/clean.duckdb' AS fixture (READ_ONLY);
        SELECT count(*) FROM (SELECT * REPLACE ('' AS customer_id) FROM marts.$table WHERE customer_id <> 'c2'
                              EXCEPT ALL SELECT * REPLACE ('' AS customer_id) FROM fixture.marts.$table WHERE customer_id <> 'c2')")" 0 \
        "marts.$table the same as from the clean fixture"
done

# ---- bad CSV files: strict loading stops with file:line: column -----------------
before=$(query "$DB" "SELECT built_at, as_of FROM marts.build_info")
bad_case() { # NAME FILE SED-EXPRESSION EXPECTED-MESSAGE
    local name=$1 file=$2 edit=$3 message=$4
    rm -rf "$WORK/bad"
    cp -r "$FIXTURE" "$WORK/bad"
    sed -i "$edit" "$WORK/bad/$file"
    run "$TENURE" build --db "$DB" --raw "$WORK/bad"
    expect_status 1 "$name: exit 1"
    expect_contains stderr "$message" "$name: names file, line, column and value"
    expect_equal "$(query "$DB" "SELECT built_at, as_of FROM marts.build_info")" "$before" "$name: warehouse unchanged"
}
bad_case "unparseable value" customers.csv '3s/2025-06-01/2025-06-31/' \
    "customers.csv:3: signup_date: '2025-06-31' — expected a date, YYYY-MM-DD"
bad_case "wrong column count" support_tickets.csv '4s/,billing$//' \
    "support_tickets.csv:4: (whole row): '5 columns' — expected 6 columns"
bad_case "unknown plan_tier" customers.csv '5s/growth/gold/' \
    "customers.csv:5: plan_tier: 'gold' — expected one of starter, growth, enterprise"
bad_case "unknown event_type" usage_events.csv '6s/monitoring_run/teleport/' \
    "usage_events.csv:6: event_type: 'teleport' — expected one of evidence_upload,"
bad_case "score outside [0,1]" usage_events.csv '3s/0.7000/1.7000/' \
    "usage_events.csv:3: feature_adoption_score: '1.7' — expected a score from 0 to 1"
bad_case "duplicate primary key" usage_events.csv '9s/^e08,/e07,/' \
    "usage_events.csv:9: event_id: 'e07' — expected a unique event_id"
# three rows share an id (found by hash first, then grouped by the id): the first keeps it
bad_case "an event id three times" usage_events.csv '3s/^e02,/e10,/; 13s/^e13,/e10,/' \
    "usage_events.csv:11: event_id: 'e10' — expected a unique event_id"
expect_contains stderr "usage_events.csv:13: event_id: 'e10' — expected a unique event_id" \
    "an event id three times: the third row is reported too"
expect_not_contains stderr "usage_events.csv:3: event_id" "an event id three times: the first row keeps it"
bad_case "customer_id not in customers" support_tickets.csv '2s/,c1,/,c99,/' \
    "support_tickets.csv:2: customer_id: 'c99' — expected a customer_id that the customers table has"
bad_case "churn_date before signup_date" customers.csv '3s/2026-01-15/2025-01-15/' \
    "customers.csv:3: churn_date: '2025-01-15' — expected a churn_date on or after signup_date 2025-06-01"
bad_case "a quoted line break shifts the lines" customers.csv '2s/FinTech/"Fin\nTech"/; 5s/growth/gold/' \
    "customers.csv:6: plan_tier: 'gold'"
bad_case "a header that lacks a column" risk_signals.csv '1s/,vendor_risk_flags//' \
    "risk_signals.csv:1: header: 'lacks vendor_risk_flags'"
expect_contains stderr "expected the columns customer_id,compliance_gap_score,vendor_risk_flags" "the header message lists the columns"
rm -rf "$WORK/bad" && cp -r "$FIXTURE" "$WORK/bad" && rm "$WORK/bad/risk_signals.csv"
run "$TENURE" build --db "$DB" --raw "$WORK/bad"
expect_status 1 "a missing file"
expect_contains stderr "risk_signals.csv: no such file: $WORK/bad/risk_signals.csv" "names the missing file"

# The report: problems by kind after the first 20, rows of a rejected customer last.
rm -rf "$WORK/bad" && cp -r "$FIXTURE" "$WORK/bad"
sed -i '2s/starter/gold/; 3s/2025-06-01/bad-date/' "$WORK/bad/customers.csv"
sed -i '13s/premium_feature_trial/x/' "$WORK/bad/usage_events.csv"
run "$TENURE" build --db "$DB" --raw "$WORK/bad"
expect_status 1 "several problems"
# c1 (gold) and c2 (bad date) are rejected, and with them their 7 + 3 events,
# 4 + 1 tickets, 2 + 0 deals and 1 + 1 risk rows: 19 rows that follow them.
expect_contains stderr "problems by kind: 19 row of a rejected customer, 2 value outside the domain, 1 unparseable value" \
    "counts per kind"
expect_contains stderr "usage_events.csv: 1 problem; 10 rows of rejected customers" "each file says what it holds"
expect_contains stderr "  by kind: 10 row of a rejected customer, 1 value outside the domain" "each file's count per kind"
expect_equal "$(grep -n "usage_events.csv:" "$WORK/stderr" | sed -n 2p | grep -c "usage_events.csv:13: event_type: 'x'")" 1 \
    "a file's own problems are listed before the rows that follow their customer"

# ---- --lenient: the good rows load, every bad one is kept ------------------------
run "$TENURE" build --db "$DB" --raw "$WORK/bad" --lenient
expect_status 0 "--lenient loads the good rows"
expect_contains stderr "build: --lenient: 22 rows rejected, kept with the reason in raw.rejects" "says how many were rejected"
expect_equal "$(query "$DB" "SELECT count(*), count(DISTINCT (file, line)) FROM raw.rejects")" "22,22" "raw.rejects keeps every rejected row"
expect_equal "$(query "$DB" "SELECT file, line, column_name, value, kind FROM raw.rejects WHERE kind <> 'row of a rejected customer' ORDER BY file, line")" \
"customers.csv,2,plan_tier,gold,value outside the domain
customers.csv,3,signup_date,bad-date,unparseable value
usage_events.csv,13,event_type,x,value outside the domain" "raw.rejects has file, line, column, value and kind"
expect_equal "$(query "$DB" "SELECT record FROM raw.rejects WHERE file = 'customers.csv' AND line = 2")" '"c1,FinTech,gold,2026-01-01,1250.00,,,Northwind Ledger Labs,Maya Patel,2026-04-01,0015g00000AAAA1AAA"' \
    "raw.rejects keeps the record's text"
expect_equal "$(query "$DB" "SELECT count(*) FROM raw.customers")" 5 "the other customers loaded"
run "$TENURE" build --lenient --db "$DB"
expect_status 2 "--lenient without --raw is a usage error"

# ---- the model runner's errors ---------------------------------------------------
run env TENURE_SQL_DIR="$SOURCE_DIR/tests/fixtures/models_cycle" "$TENURE" build --db "$GEN"
expect_status 1 "a cycle of refs"
expect_contains stderr "dependency cycle: $SOURCE_DIR/tests/fixtures/models_cycle/marts/a.sql -> $SOURCE_DIR/tests/fixtures/models_cycle/marts/b.sql -> " \
    "the cycle names its files"
run env TENURE_SQL_DIR="$SOURCE_DIR/tests/fixtures/models_missing_ref" "$TENURE" build --db "$GEN"
expect_status 1 "a ref to no model"
expect_contains stderr "models_missing_ref/marts/orphan.sql:3: ref('no_such_model') names no model" "names file and line"

# ---- an interrupted build leaves the warehouse as it was --------------------------
"$TENURE" generate --quiet --customers 3000 --seed 4 --csv "$WORK/big"
before=$(query "$GEN" "SELECT built_at FROM marts.build_info")
"$TENURE" build --db "$GEN" --raw "$WORK/big" >"$WORK/stdout" 2>"$WORK/stderr" &
pid=$!
sleep 1.5
kill -INT "$pid"
wait "$pid"
STATUS=$?
expect_status 130 "Ctrl-C during build"
expect_contains stderr "interrupted; $GEN is unchanged" "says the warehouse is unchanged"
expect_equal "$(query "$GEN" "SELECT built_at FROM marts.build_info")" "$before" "build_info unchanged"
expect_equal "$(query "$GEN" "SELECT count(*) FROM raw.customers")" 300 "raw tables unchanged"

# ---- tenure sql --------------------------------------------------------------------
run "$TENURE" sql --db "$DB" "SELECT 'a,b' AS x, NULL::VARCHAR AS y, 1.5::DECIMAL(4,2) AS z"
expect_equal "$(cat "$WORK/stdout")" "x    y        z
---  ----  ----
a,b  NULL  1.50
(1 row)" "an aligned table, numbers right-aligned, NULL spelled out"
run "$TENURE" sql --csv --db "$DB" "SELECT 'a,b' AS x, NULL AS y, 'say \"hi\"' AS z"
expect_equal "$(cat "$WORK/stdout")" 'x,y,z
"a,b",,"say ""hi"""' "CSV with quoting and empty NULL"
run "$TENURE" sql --db "$DB" "CREATE TABLE raw.nope AS SELECT 1"
expect_status 1 "the warehouse is read-only"
expect_contains stderr "read-only" "DuckDB says why"
run "$TENURE" sql --db "$DB" "SELEC 1"
expect_status 1 "a SQL error"
expect_contains stderr "syntax error" "prints DuckDB's message"
run bash -c "echo 'SELECT 41 + 1 AS answer' | '$TENURE' sql --csv --db '$DB' -"
expect_equal "$(cat "$WORK/stdout")" "answer
42" "SQL from stdin"
run "$TENURE" sql --db "$WORK/nothing.duckdb" "SELECT 1"
expect_status 1 "a missing warehouse"
expect_absent "$WORK/nothing.duckdb" "is not created"

finish
