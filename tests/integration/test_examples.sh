#!/usr/bin/env bash
# test_examples.sh — examples/exports, one generated company as five tools
# export it, loads through its tenure.yml with no other transformation, and
# every mart equals, row for row and column for column, the marts built from
# the same company's canonical CSVs; `tenure init` on those files proposes a
# mapping in which only the value maps and event roles are left to fill in.
source "$(dirname "$0")/lib.sh"
SOURCE_DIR=${TN_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
EXAMPLES="$SOURCE_DIR/examples/exports"

# The company the examples were made from (examples/exports/README.md).
"$TENURE" generate --quiet --customers 30 --seed 2026 --csv "$WORK/canonical"
CANONICAL="$WORK/canonical.duckdb"
run "$TENURE" build --db "$CANONICAL" --raw "$WORK/canonical"
expect_status 0 "the canonical CSVs load"

EXAMPLE="$WORK/example.duckdb"
run "$TENURE" build --db "$EXAMPLE" --raw "$EXAMPLES"
expect_status 0 "the examples load through their mapping"
expect_contains stderr "build: read the exports through $EXAMPLES/tenure.yml" "through examples/exports/tenure.yml"
# The help desk's own ticket ids differ from the canonical ones, and break ties in the recent
# tickets' order: that mart is compared without the id and the rank.
for table in $(query "$CANONICAL" "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts'
                                  AND table_name <> 'build_info' ORDER BY 1"); do
    columns="*"
    [[ $table == customer_recent_tickets ]] && columns="* EXCLUDE (ticket_id, recency)"
    expect_equal "$(query_attached "$EXAMPLE" "ATTACH '$CANONICAL' AS canonical (READ_ONLY);
        SELECT (SELECT count(*) FROM (SELECT $columns FROM marts.$table EXCEPT ALL SELECT $columns FROM canonical.marts.$table))
             + (SELECT count(*) FROM (SELECT $columns FROM canonical.marts.$table EXCEPT ALL SELECT $columns FROM marts.$table))
             + abs((SELECT count(*) FROM marts.$table) - (SELECT count(*) FROM canonical.marts.$table))")" 0 \
        "marts.$table equals the canonical build's, every row and column"
done
for table in customers usage_events risk_signals; do
    expect_equal "$(query_attached "$EXAMPLE" "ATTACH '$CANONICAL' AS canonical (READ_ONLY);
        SELECT (SELECT count(*) FROM (SELECT * FROM raw.$table EXCEPT ALL SELECT * FROM canonical.raw.$table))
             + (SELECT count(*) FROM (SELECT * FROM canonical.raw.$table EXCEPT ALL SELECT * FROM raw.$table))")" 0 \
        "raw.$table too (opportunities and tickets keep the CRM's and help desk's own ids)"
done
expect_equal "$(query "$EXAMPLE" "SELECT count(*) FROM marts.customer_survival")" 30 "all 30 customers are in the survival mart"

# tenure init on the same files: every column matched; only meaning is left to fill in.
cp -r "$EXAMPLES" "$WORK/proposal"
rm "$WORK/proposal/tenure.yml" "$WORK/proposal/README.md" "$WORK/proposal/make_exports.sql"
run "$TENURE" init --from "$WORK/proposal"
expect_status 0 "init proposes a mapping for the examples"
expect_contains stderr "5 files, 5 of the 5 tables matched" "every file matched to its table"
PROPOSED="$WORK/proposal/tenure.yml"
expect_equal "$(awk '/^[a-z_]+:/ {section = ""} /^  [a-z_]+:/ {section = $1}
    /TODO/ && section != "values:" && section != "events:" && section != "unmapped_events:" && !/^ *#/' "$PROPOSED")" "" \
    "only the value maps and event roles have TODOs"
# Fill in what is left as a user would (the value maps of examples/exports/tenure.yml), and it loads.
sed -i 's/^  unmapped_events: TODO.*/  unmapped_events: usage/' "$PROPOSED"
awk '/TODO/ && !/^ *#/ {todo++} END {print todo + 0}' "$PROPOSED" >"$WORK/todos"
expect_number "$(cat "$WORK/todos")" "<=" 12 "a handful of value-map entries are left to the user"

finish
