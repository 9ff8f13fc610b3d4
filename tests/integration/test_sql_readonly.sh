#!/usr/bin/env bash
# test_sql_readonly.sh — `tenure sql` can only read the warehouse (issue 14).
# Each statement that once got through is tried: ATTACH of the same file
# under another spelling for writing and a DELETE through it, COPY … TO,
# EXPORT DATABASE, ATTACH of another file for writing, INSTALL and LOAD of
# an extension. Each must fail with a clear message and exit 1, write no
# file, and leave the warehouse byte for byte as it was. Reading another
# file needs --allow-files, which grants reading and nothing else.
source "$(dirname "$0")/lib.sh"

DB="$WORK/w.duckdb"
"$TENURE" generate --quiet --customers 100 --seed 3 --db "$DB"
"$TENURE" build --quiet --db "$DB"
EVENTS=$(query "$DB" "SELECT count(*) FROM raw.usage_events")
BEFORE=$(sha256sum <"$DB")
export HOME="$WORK/home" # where DuckDB would install extensions
mkdir -p "$HOME" "$WORK/files"
echo "a,b" >"$WORK/files/x.csv" && echo "1,2" >>"$WORK/files/x.csv"
cp "$WORK/files/x.csv" "$WORK/files/keep.csv"

cp "$WORK/files/x.csv" "$WORK/secret.csv"
cd "$WORK"

# refused SQL DESCRIPTION MESSAGE — tenure sql on w.duckdb (here, in $WORK) exits 1, saying MESSAGE
refused() {
    run "$TENURE" sql --db w.duckdb "$1"
    expect_status 1 "$2"
    expect_contains stderr "$3" "$2: says why"
}

refused "ATTACH './w.duckdb' AS again (READ_WRITE); DELETE FROM again.raw.usage_events WHERE random() < 0.5" \
    "ATTACH of the warehouse itself under another spelling, then DELETE" "ATTACH is refused: tenure sql only reads the warehouse"
refused "ATTACH '$WORK/w.duckdb' AS again; DELETE FROM again.raw.usage_events" \
    "ATTACH of the warehouse by its absolute path" "ATTACH is refused"
refused "DELETE FROM raw.usage_events" "DELETE on the warehouse" "read-only mode"
refused "COPY (SELECT * FROM raw.customers) TO '$WORK/out.csv'" "COPY … TO a file" \
    "file system operations are disabled by configuration"
expect_absent "$WORK/out.csv" "COPY wrote nothing"
refused "EXPORT DATABASE '$WORK/export'" "EXPORT DATABASE" "file system operations are disabled by configuration"
expect_absent "$WORK/export" "EXPORT wrote nothing"
refused "ATTACH '$WORK/other.duckdb' AS other (READ_WRITE); CREATE TABLE other.t AS SELECT 1" \
    "ATTACH of another file for writing" "ATTACH is refused"
expect_absent "$WORK/other.duckdb" "no other database was created"
refused "INSTALL httpfs" "INSTALL of an extension" "INSTALL or LOAD is refused"
refused "LOAD httpfs" "LOAD of an extension" "INSTALL or LOAD is refused"
refused "SELECT * FROM read_csv('https://example.com/x.csv')" "a URL (no httpfs loaded, none installed)" \
    "file system operations are disabled"
expect_equal "$(find "$HOME" -mindepth 1 | wc -l)" 0 "nothing was installed or downloaded"
refused "SET enable_external_access = true; COPY (SELECT 1) TO '$WORK/out.csv'" "turning the settings back" \
    "the configuration has been locked"
refused "SELECT * FROM read_csv('files/x.csv')" "reading another file without --allow-files" \
    "other files only with --allow-files PATH"
refused "SELECT * FROM read_csv('/etc/passwd')" "reading a system file" "file system operations are disabled"
expect_equal "$(sha256sum <"$DB")" "$BEFORE" "the warehouse is byte for byte unchanged"
expect_equal "$(query "$DB" "SELECT count(*) FROM raw.usage_events")" "$EVENTS" "every usage event is still there"

# ---- what still works -----------------------------------------------------------------
run "$TENURE" sql --csv --db "$DB" "CREATE TEMP TABLE t AS SELECT plan_tier FROM raw.customers; SET VARIABLE n = 2;
    SELECT count(*) >= getvariable('n') FROM t"
expect_status 0 "temporary tables and variables, in the session only"
expect_equal "$(tail -n 1 "$WORK/stdout")" true "their answer"
run "$TENURE" sql --db "$DB" "DESCRIBE raw.customers"
expect_status 0 "DESCRIBE"

# ---- --allow-files: reading what was granted, and nothing more -------------------------
run "$TENURE" sql --csv --db w.duckdb --allow-files files "SELECT a + b FROM read_csv('files/x.csv')"
expect_status 0 "--allow-files DIR: a file in it, as spelled"
expect_equal "$(tail -n 1 "$WORK/stdout")" 3 "its rows"
run "$TENURE" sql --csv --db w.duckdb --allow-files files "SELECT a FROM read_csv('$WORK/files/x.csv')"
expect_status 0 "by its absolute path"
run "$TENURE" sql --csv --db w.duckdb --allow-files files/x.csv "SELECT count(*) FROM read_csv(['files/x.csv', 'files/keep.csv'])"
expect_status 1 "--allow-files FILE grants that file only"
run "$TENURE" sql --csv --db w.duckdb --allow-files files "COPY (SELECT 9 AS a, 9 AS b) TO 'files/x.csv'"
expect_status 1 "COPY onto a granted file"
expect_contains stderr "COPY is refused" "is refused"
expect_equal "$(cat files/x.csv)" "$(cat files/keep.csv)" "the granted file is unchanged"
run "$TENURE" sql --csv --db w.duckdb --allow-files files "ATTACH 'files/x.csv' AS x"
expect_status 1 "ATTACH of a granted file"
run "$TENURE" sql --csv --db w.duckdb --allow-files files "SELECT * FROM read_csv('files/../secret.csv')"
expect_status 1 "a file outside the granted directory"
expect_contains stderr "file system operations are disabled" "is not granted"
run "$TENURE" sql --db w.duckdb --allow-files nowhere "SELECT 1"
expect_status 1 "--allow-files of a path that does not exist"
expect_contains stderr "--allow-files nowhere: No such file or directory" "names it"
expect_equal "$(sha256sum <"$DB")" "$BEFORE" "still byte for byte unchanged"

finish
