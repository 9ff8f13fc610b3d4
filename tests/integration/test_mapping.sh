#!/usr/bin/env bash
# test_mapping.sh — a company's own exports through a project file
# (tenure.yml): tool-shaped exports of the hand-made fixture company
# (tests/fixtures/exports: a European billing system, a product-analytics
# event stream, a CRM opportunity report, a help-desk export) load to the
# same marts as its canonical CSVs; value maps, event roles, time zones,
# epoch times, optional inputs; the project file's own mistakes, all at once
# with line and column; `tenure validate` reporting all five files in one
# run; `tenure init` proposing a mapping with only value maps and event roles
# to fill in.
source "$(dirname "$0")/lib.sh"
SOURCE_DIR=${TN_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
FIXTURE="$SOURCE_DIR/tests/fixtures/marts"
CANONICAL="$WORK/canonical.duckdb"
MAPPED="$WORK/mapped.duckdb"
"$TENURE" build --quiet --db "$CANONICAL" --raw "$FIXTURE"

# exports NAME — a copy of tests/fixtures/exports in $WORK/NAME, the events gzip'd
exports() {
    rm -rf "$WORK/$1"
    cp -r "$SOURCE_DIR/tests/fixtures/exports" "$WORK/$1"
    gzip "$WORK/$1/product/events.jsonl"
}

# same_marts DB DESCRIPTION — the three feature marts equal the canonical build's, row for row
same_marts() {
    local table differences
    for table in mart_customer_churn_features mart_customer_expansion_features customer_survival; do
        differences=$(query_attached "$1" "ATTACH '$CANONICAL' AS canonical (READ_ONLY);
            SELECT (SELECT count(*) FROM (SELECT * FROM marts.$table EXCEPT ALL SELECT * FROM canonical.marts.$table))
                 + (SELECT count(*) FROM (SELECT * FROM canonical.marts.$table EXCEPT ALL SELECT * FROM marts.$table))")
        expect_equal "$differences" 0 "$2: marts.$table equals the canonical build's"
    done
}

# ---- tool-shaped exports load to the same marts ------------------------------------------------
exports mapped
run "$TENURE" build --db "$MAPPED" --raw "$WORK/mapped"
expect_status 0 "the tool-shaped exports load through their mapping"
expect_contains stderr "build: read the exports through $WORK/mapped/tenure.yml" "the build names the project file it read"
same_marts "$MAPPED" "mapped exports"
expect_equal "$(query "$MAPPED" "SELECT count(*) FROM raw.support_tickets WHERE (ticket_id, created_date, priority, resolution_time, topic)
    IN (('101', DATE '2026-02-12', 'high', 10, 'integration'), ('103', DATE '2026-03-13', 'low', 48, 'billing'))
    OR (ticket_id = '108' AND created_date = DATE '2026-03-13' AND resolution_time IS NULL AND topic = 'feature_request')")" 3 \
    "offsets to UTC dates, minutes to hours, tags to topics (an open ticket has no resolution time)"
expect_equal "$(query "$MAPPED" "SELECT name, owner, renewal_date, crm_id, mrr FROM raw.customers WHERE customer_id = 'c3'")" \
    "Cloudline,Omar Haddad,2027-03-01,,50000.00" "names, owners and renewals are carried; money with a decimal comma"
expect_equal "$(query "$MAPPED" "SELECT string_agg(amount || ' ' || stage || ' ' || opportunity_type, '; ' ORDER BY opp_id) FROM raw.gtm_opportunities")" \
    "5000.00 prospecting expansion; 15000.00 closed_won new_business; 3000.00 closed_won expansion; 9000.00 qualification new_business" \
    "CRM stage and type names through the value maps, dollar amounts"

# ---- optional inputs ------------------------------------------------------------------------------
# No risk signals here: the marts say what is missing, and the risk score is
# the usage decay alone, with its formula.
expect_equal "$(query "$MAPPED" "SELECT string_agg(name, ' ' ORDER BY name) FROM marts.feature_availability WHERE NOT available")" \
    "compliance_gap_score vendor_risk_flags" "feature_availability names the inputs the data lacks"
expect_equal "$(query "$MAPPED" "SELECT formula FROM marts.risk_score_weights")" \
    "1.00·usage_decay (no risk_signals loaded: compliance gaps and vendor flags are not in the score)" \
    "the risk score states its formula"
expect_equal "$(query "$MAPPED" "SELECT count(*) FROM marts.customer_risk_inputs WHERE risk_score <> usage_decay_score")" 0 \
    "and is the usage decay"
sed -i '/feature_adoption_score:/d' "$WORK/mapped/tenure.yml"
run "$TENURE" build --db "$MAPPED" --raw "$WORK/mapped"
expect_status 0 "without adoption scores the build succeeds"
expect_equal "$(query "$MAPPED" "SELECT available || ': ' || missing_because FROM marts.feature_availability WHERE name = 'avg_adoption_score'")" \
    "false: no usage event before the as-of date has a feature_adoption_score" "and avg_adoption_score is marked unavailable"

# ---- event roles ----------------------------------------------------------------------------------
# An event name the mapping gives no role is refused, or counted as generic usage.
exports roles
zcat "$WORK/roles/product/events.jsonl.gz" >"$WORK/roles/product/events.jsonl"
echo '{"event":"Settings Opened","properties":{"time":1773100000,"$insert_id":"e50","account_id":"c1","adoption":0.5}}' \
    >>"$WORK/roles/product/events.jsonl"
gzip -f "$WORK/roles/product/events.jsonl"
run "$TENURE" build --db "$MAPPED" --raw "$WORK/roles"
expect_status 1 "unmapped_events: refuse refuses an event name without a role"
expect_contains stderr "product/events.jsonl.gz:15: event_type (event): 'Settings Opened' — expected an event name the mapping gives a role" \
    "naming the file (gzip'd JSON lines), line and source column"
sed -i 's/^  unmapped_events: refuse/  unmapped_events: usage/' "$WORK/roles/tenure.yml"
run "$TENURE" build --db "$MAPPED" --raw "$WORK/roles"
expect_status 0 "unmapped_events: usage loads it"
expect_equal "$(query "$MAPPED" "SELECT e.event_type, f.total_events, f.events_last_7d, f.retention_signal_count FROM raw.usage_events e
    JOIN marts.mart_customer_churn_features f USING (customer_id) WHERE e.event_id = 'e50'")" "other,8,3,3" \
    "as generic usage: counted in the totals and windows, not as a retention signal"

# A line that is not JSON: DuckDB's fast JSON reader fails on it, so the file
# is read again line by line and only that line is refused, by its number.
exports badline
zcat "$WORK/badline/product/events.jsonl.gz" | sed '3s/.*/{"event":"Report Viewed","properties":{"time":17/' |
    gzip >"$WORK/badline/product/events.jsonl.gz.new"
mv "$WORK/badline/product/events.jsonl.gz.new" "$WORK/badline/product/events.jsonl.gz"
run "$TENURE" build --db "$MAPPED" --raw "$WORK/badline" --lenient
expect_status 0 "--lenient loads around a line that is not JSON"
expect_equal "$(query "$MAPPED" "SELECT line, kind, record FROM raw.rejects WHERE file = 'product/events.jsonl.gz'")" \
    '3,not valid JSON,"{""event"":""Report Viewed"",""properties"":{""time"":17"' "it is kept with its line and text"
expect_equal "$(query "$MAPPED" "SELECT count(*) FROM raw.usage_events")" 13 "the other 13 events load"

# ---- epoch milliseconds, time zones, --mapping ------------------------------------------------------
exports zones
zcat "$WORK/zones/product/events.jsonl.gz" | sed -E 's/"time":([0-9]+)/"time":\1000/' | gzip >"$WORK/zones/product/events-ms.jsonl.gz"
rm "$WORK/zones/product/events.jsonl.gz"
sed -i 's/format: epoch_s}/format: epoch_ms}/' "$WORK/zones/tenure.yml"
run "$TENURE" build --db "$MAPPED" --raw "$WORK/zones"
expect_status 0 "epoch milliseconds load"
same_marts "$MAPPED" "epoch milliseconds"
printf 'when,who,what,id\n2026-01-31 18:59:59,c1,Evidence Uploaded,z1\n' >"$WORK/zones/local.csv"
cat >"$WORK/zones/local.yml" <<'EOF'
timezone: America/New_York
customers: {files: billing/customers.csv, delimiter: ";", decimal: ",", columns: {customer_id: Customer ID, industry: Industry,
  plan_tier: Plan, signup_date: {column: Signed up, format: DD.MM.YYYY}, mrr: MRR,
  churn_date: {column: Cancelled on, format: DD.MM.YYYY}, upgrade_date: {column: Upgraded on, format: DD.MM.YYYY}},
  values: {plan_tier: {"Starter*": starter, "Growth*": growth}}}
usage_events: {files: local.csv, columns: {event_id: id, customer_id: who, timestamp: when, event_type: what},
  events: {evidence_upload: Evidence Uploaded}, unmapped_events: refuse}
gtm_opportunities: {files: crm/opportunities.csv, columns: {opp_id: Opportunity ID, customer_id: "Account: Product Account ID",
  stage: Stage, close_date: {column: Close Date, format: MM/DD/YYYY}, amount: Amount, opportunity_type: Type},
  values: {stage: {Closed Won: closed_won}, opportunity_type: {Existing Business: expansion, New Business: new_business}}}
support_tickets: {files: helpdesk/tickets.tsv, columns: {ticket_id: Id, customer_id: Organization External ID,
  created_date: Created at, priority: Priority, resolution_time: {sql: '"Full resolution time (min)"::DOUBLE / 60'}, topic: Tags},
  values: {priority: {Normal: medium, Urgent: critical}, topic: {"*integration*": integration, "*onboarding*": onboarding,
  "*billing*": billing, "*compliance*": compliance, "*feature_request*": feature_request}}}
EOF
run "$TENURE" build --db "$MAPPED" --mapping "$WORK/zones/local.yml" --as-of 2026-03-14
expect_status 0 "--mapping FILE reads the files beside it"
expect_equal "$(query "$MAPPED" "SELECT \"timestamp\" FROM raw.usage_events")" "2026-01-31 23:59:59" \
    "a time without an offset is read in the mapping's zone (New York, UTC-5) and stored in UTC"
expect_equal "$(query "$MAPPED" "SELECT count(*) FROM raw.risk_signals")" 0 "a table the mapping leaves out has no rows"

# ---- the project file's own mistakes: all of them, each with its line and column -------------------
exports broken
cat >"$WORK/broken/tenure.yml" <<'EOF'
timezone: UTC
customers:
  files: billing/customers.csv
  columns:
    customer_id: Customer ID
    plan_tier: Plan
    signup_date: {column: Signed up, format: DD/MM}
    mrr: {column: MRR, decimal: ";"}
    churn_date: Cancelled on
    upgrade_date: TODO
    colour: Industry
  values:
    plan_tier: {Starter: starter, Gold: platinum}
usage_events:
  files: product/events.jsonl.gz
  columns: {event_id: id, customer_id: account, timestamp: time, event_type: event}
  events: {teleport: [Beam Up]}
gtm_opportunities: {files: crm/opportunities.csv, colums: {}}
EOF
run "$TENURE" validate --raw "$WORK/broken"
expect_status 1 "a broken project file is an error"
for message in \
    "tenure.yml:7:46: customers.columns.signup_date.format: 'DD/MM' — expected iso, epoch_s, epoch_ms" \
    "tenure.yml:8:33: customers.columns.mrr.decimal: ';' — expected '.' or ','" \
    "tenure.yml:10:19: customers.columns.upgrade_date: still says 'TODO': expected the name of a source column" \
    "tenure.yml:11:5: customers.columns: 'colour' is not a column of customers — expected one of customer_id, industry," \
    "tenure.yml:5:5: customers.columns: lacks industry" \
    "tenure.yml:13:41: customers.values.plan_tier.Gold: 'platinum' — expected one of starter, growth, enterprise" \
    "tenure.yml:17:12: usage_events.events: 'teleport' is not an event role" \
    "usage_events: lacks unmapped_events" \
    "tenure.yml:18:51: gtm_opportunities: unknown key 'colums'" \
    "(file): lacks support_tickets (one row per support ticket)"; do
    expect_contains stdout "$message" "the mapping's problems, all at once: ${message:0:60}"
done
expect_contains stderr "validate: $WORK/broken/tenure.yml: " "counted"

# A mapping that reads as YAML but does not fit the files: a glob that matches
# nothing, an expression over a column the file lacks, a JSON path no record
# has, a column the header lacks, an unknown time zone.
exports misfit
sed -i -e 's|^  files: crm/opportunities.csv|  files: crm/opps-*.csv|' \
    -e 's|"Full resolution time (min)"|"Resolution (min)"|' \
    -e 's|properties.adoption$|properties.adoptoin|' \
    -e 's|^    owner: Account manager|    owner: CSM|' "$WORK/misfit/tenure.yml"
run "$TENURE" validate --raw "$WORK/misfit"
expect_status 1 "a mapping that does not fit its files"
line=$(grep -n -m1 '^gtm_opportunities:' "$WORK/misfit/tenure.yml" | cut -d: -f1)
expect_contains stdout "tenure.yml:$((line + 1)): gtm_opportunities.files: 'crm/opps-*.csv' — expected a file that matches it, in $WORK/misfit" \
    "a glob that matches nothing, at the table's line"
expect_contains stdout "support_tickets.resolution_time: 'CAST(\"Resolution (min)\" AS DOUBLE) / 60' — expected a SQL expression over the columns of helpdesk/tickets.tsv: Binder Error: Referenced column \"Resolution (min)\" not found" \
    "an expression DuckDB cannot bind, with DuckDB's reason"
expect_contains stdout "product/events.jsonl.gz: feature_adoption_score (properties.adoptoin): 'properties.adoptoin' — expected a value at properties.adoptoin in some record" \
    "a JSON path no record has"
expect_contains stdout "billing/customers.csv:1: header: 'CSM' — expected a column named \"CSM\" (the mapping's customers.columns.owner); the header has \"Customer ID\"" \
    "a column the header lacks, with the header's columns"
sed -i 's|^timezone: UTC|timezone: Mars/Olympus|' "$WORK/misfit/tenure.yml"
# A strptime pattern DuckDB cannot read: the load failed whole with DuckDB's
# "Failed to parse format specifier" (found by fuzz_values).
sed -i 's|signup_date: {column: Signed up, format: DD.MM.YYYY}|signup_date: {column: Signed up, format: "%d.%m.%Q"}|' \
    "$WORK/misfit/tenure.yml"
run "$TENURE" validate --raw "$WORK/misfit"
line=$(grep -n -m1 '^    timestamp:' "$WORK/misfit/tenure.yml" | cut -d: -f1)
expect_contains stdout "tenure.yml:$line: usage_events.timestamp.timezone: 'Mars/Olympus' — expected a time zone name" \
    "an unknown time zone, at the line of the column it applies to"
line=$(grep -n -m1 '^    signup_date:' "$WORK/misfit/tenure.yml" | cut -d: -f1)
expect_contains stdout "tenure.yml:$line: customers.signup_date.format: '%d.%m.%Q' — expected a strptime pattern DuckDB reads: " \
    "a date format DuckDB cannot read, at its column's line"

# ---- tenure validate: every file's problems in one run, the warehouse untouched --------------------
rm -rf "$WORK/five" && cp -r "$FIXTURE" "$WORK/five"
sed -i '3s/2025-06-01/2025-06-31/' "$WORK/five/customers.csv"
sed -i '3s/0.7000/7.0/' "$WORK/five/usage_events.csv"
sed -i '2s/prospecting/negotiation/' "$WORK/five/gtm_opportunities.csv"
sed -i '3s/critical/blocker/' "$WORK/five/support_tickets.csv"
sed -i '2s/0.4000/-1/' "$WORK/five/risk_signals.csv"
before=$(query "$CANONICAL" "SELECT built_at FROM marts.build_info")
run "$TENURE" validate --raw "$WORK/five"
expect_status 1 "validate finds problems"
expect_contains stdout "customers.csv:3: signup_date: '2025-06-31' — expected a date, YYYY-MM-DD" "customers.csv"
expect_contains stdout "usage_events.csv:3: feature_adoption_score: '7.0' — expected a score from 0 to 1" "usage_events.csv"
expect_contains stdout "gtm_opportunities.csv:2: stage: 'negotiation' — expected one of prospecting" "gtm_opportunities.csv"
expect_contains stdout "support_tickets.csv:3: priority: 'blocker' — expected one of low, medium, high, critical" "support_tickets.csv"
expect_contains stdout "risk_signals.csv:2: compliance_gap_score: '-1.0' — expected a score from 0 to 1" \
    "risk_signals.csv: all five files in one run"
expect_contains stdout "  by kind: 1 value outside the domain" "each file's counts per kind"
expect_equal "$(query "$CANONICAL" "SELECT built_at FROM marts.build_info")" "$before" "no warehouse was touched"
run "$TENURE" build --dry-run --raw "$WORK/mapped"
expect_status 0 "build --dry-run is the same check"
expect_contains stdout "no problems: \`tenure build --raw $WORK/mapped\` will load these exports" "and says when all is well"
expect_contains stdout "as of: 2026-03-14 (the day after the latest usage event, 2026-03-13 23:59:59 UTC)" \
    "with the as-of date it would use"

# ---- tenure init: a proposed mapping, only value maps and event roles left to fill in -------------
exports proposal
rm "$WORK/proposal/tenure.yml"
run "$TENURE" init --from "$WORK/proposal"
expect_status 0 "init proposes a mapping"
PROPOSED="$WORK/proposal/tenure.yml"
expect_equal "$(awk '/^[a-z_]+:/ {section = ""} /^  [a-z_]+:/ {section = $1}
    /TODO/ && section != "values:" && section != "events:" && section != "unmapped_events:" && !/^ *#/' "$PROPOSED")" "" \
    "every TODO is in a value map or the event roles"
for line in \
    '  delimiter: ";"' \
    '    signup_date: {column: "Signed up", format: DD.MM.YYYY}' \
    '    mrr: {column: "MRR", decimal: ","}' \
    '    name: "Company"' \
    '    owner: "Account manager"' \
    '    renewal_date: {column: "Next renewal", format: DD.MM.YYYY}' \
    '    timestamp: {column: "properties.time", format: epoch_s}' \
    '    event_id: "properties.$insert_id"' \
    '    customer_id: "Account: Product Account ID"' \
    '    close_date: {column: "Close Date", format: MM/DD/YYYY}' \
    '    amount: "Amount"' \
    '    created_date: {column: "Created at", format: iso}' \
    '    resolution_time: {sql: "CAST(\"Full resolution time (min)\" AS DOUBLE) / 60"}' \
    '      "Closed Won": closed_won   # 2 rows' \
    '    integration_connect: ["Integration Connected"]' \
    'risk_signals: ~' \
    '  unmapped_events: TODO'; do
    expect_contains_file "$PROPOSED" "$line" "proposed: ${line:0:70}"
done
run "$TENURE" validate --raw "$WORK/proposal"
expect_status 1 "a proposal with TODOs does not load yet"
expect_contains stdout "still says 'TODO'" "and says what is left"
run "$TENURE" init --from "$WORK/proposal"
expect_status 1 "init does not overwrite a mapping"

finish
