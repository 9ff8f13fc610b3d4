#!/usr/bin/env bash
# test_postgres.sh — the models are portable: on a real PostgreSQL server they
# compute what DuckDB computes.
#
# A small company is generated, built and trained in DuckDB as usual (train
# --export keeps the training snapshots it computed). Its raw tables are then
# loaded into a real PostgreSQL server, started by this test on a private
# socket and data directory, and `tenure render --dialect postgres` runs every
# staging, mart and check model there, with one training snapshot. Each mart
# and the snapshot must equal DuckDB's row for row (numbers within 1e-9
# relative), each column of the same kind on both engines, and every contract
# must hold on PostgreSQL too. The dbt project (dbt_project.yml, dbt/macros),
# rendered with Jinja2 as dbt would (dbt_render.py: dbt itself cannot be
# installed here), must build the same marts in a second database. The
# comparisons are pg_compare.py's, not Tenure's.
source "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
DUCKDB_EXEC=${TN_DUCKDB_EXEC:?TN_DUCKDB_EXEC must name the duckdb_exec tool}

# ---- a real PostgreSQL server ------------------------------------------------------------
# Debian's postgresql keeps its server programs out of PATH (scripts/bootstrap.sh installs it).
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x ${PG_BIN:-}/initdb ]] || PG_BIN=$(dirname "$(command -v initdb 2>/dev/null || echo /none/initdb)")
if [[ ! -x $PG_BIN/initdb || ! -x $PG_BIN/pg_ctl ]] || ! command -v psql >/dev/null; then
    echo "test_postgres: PostgreSQL's initdb, pg_ctl and psql are needed (scripts/bootstrap.sh installs postgresql)" >&2
    exit 1
fi
PG=$WORK/pg
mkdir -p "$PG"
# PostgreSQL refuses to run as root: as root, the server runs as the postgres user.
as_server() { "$@"; }
if [[ $(id -u) -eq 0 ]]; then
    SERVER_USER=postgres
    id "$SERVER_USER" >/dev/null 2>&1 || SERVER_USER=nobody
    chmod 711 "$WORK"
    chown "$SERVER_USER" "$PG"
    as_server() { runuser -u "$SERVER_USER" -- "$@"; }
fi
stop_postgres() { as_server "$PG_BIN/pg_ctl" -D "$PG/data" -m immediate stop >/dev/null 2>&1; }
trap 'stop_postgres; rm -rf "$WORK"' EXIT
as_server "$PG_BIN/initdb" -D "$PG/data" -U tenure --auth=trust -E UTF8 --no-locale >"$WORK/initdb.log" 2>&1
expect_equal "$?" 0 "initdb of a private data directory"
as_server "$PG_BIN/pg_ctl" -D "$PG/data" -l "$PG/server.log" -w -t 60 \
    -o "-p 5432 -k $PG -c listen_addresses='' -c fsync=off" start >"$WORK/pg_ctl.log" 2>&1
expect_equal "$?" 0 "a PostgreSQL server on a private socket"
export PGOPTIONS="-c client_min_messages=warning"
pg() { psql -X -q -v ON_ERROR_STOP=1 -h "$PG" -p 5432 -U tenure -d "${PG_DB:-postgres}" "$@"; }
run pg -At -c 'SELECT version()'
expect_contains stdout "PostgreSQL" "psql reaches the server"

# ---- the company, in DuckDB ----------------------------------------------------------------
DB=$WORK/warehouse.duckdb
run "$TENURE" generate --customers 300 --db "$DB"
expect_status 0 "generate a small company"
run "$TENURE" build --db "$DB"
expect_status 0 "build it in DuckDB"
AS_OF=$(query "$DB" "SELECT as_of FROM marts.build_info")
DATA_AS_OF=$(query "$DB" "SELECT data_as_of FROM marts.build_info")
TENURE_PATH=$(cd "$(dirname "$TENURE")" && pwd)/$(basename "$TENURE")
(cd "$WORK" && "$TENURE_PATH" train --db "$DB" --export "$WORK/training" >"$WORK/stdout" 2>"$WORK/stderr")
STATUS=$?
expect_status 0 "train in DuckDB, keeping the training snapshots"
SNAPSHOT=$(tail -n +2 "$WORK/training/churn_snapshots.csv" | cut -d, -f1 | sort | tail -1)

# ---- the raw tables, into PostgreSQL ------------------------------------------------------
# The DDL from DuckDB's own column list: its types by their PostgreSQL names (FLOAT is 4 bytes).
DDL=$("$DUCKDB_EXEC" "$DB" "SELECT string_agg(statement, ' ') FROM (
    SELECT 'CREATE TABLE raw.' || table_name || ' (' || string_agg('\"' || column_name || '\" ' ||
        CASE WHEN data_type = 'VARCHAR' THEN 'text' WHEN data_type = 'FLOAT' THEN 'real'
             WHEN data_type = 'DOUBLE' THEN 'double precision'
             WHEN data_type LIKE 'DECIMAL%' THEN replace(data_type, 'DECIMAL', 'numeric')
             ELSE lower(data_type) END, ' ~ ' ORDER BY column_index) || ');' AS statement
    FROM duckdb_columns() WHERE schema_name = 'raw' GROUP BY table_name ORDER BY table_name)")
DDL=${DDL//' ~ '/, }
pg -c "CREATE SCHEMA raw; $DDL" >"$WORK/ddl.log" 2>&1
expect_equal "$?" 0 "the raw tables' DDL in PostgreSQL"
TABLES=$("$DUCKDB_EXEC" "$DB" "SELECT string_agg(table_name, ' ' ORDER BY table_name) FROM duckdb_tables() WHERE schema_name = 'raw'")
loaded=0
for table in $TABLES; do
    "$DUCKDB_EXEC" "$DB" "COPY raw.$table TO '$WORK/raw_$table.csv' (HEADER)" >/dev/null &&
        pg -c "\\copy raw.$table FROM '$WORK/raw_$table.csv' CSV HEADER" >>"$WORK/copy.log" 2>&1 &&
        loaded=$((loaded + 1))
done
expect_equal "$loaded" "$(wc -w <<<"$TABLES")" "every raw table copied into PostgreSQL ($TABLES)"
expect_equal "$(pg -At -c 'SELECT count(*) FROM raw.usage_events')" \
    "$(query "$DB" 'SELECT count(*) FROM raw.usage_events')" "every usage event arrived"

# a second database with the same raw tables, for the dbt project's rendering below
pg -c "CREATE DATABASE dbt_run TEMPLATE postgres"
expect_equal "$?" 0 "a copy of the raw tables for the dbt project"

# ---- the models, rendered for PostgreSQL ----------------------------------------------------
run "$TENURE" render --dialect postgres --as-of "$AS_OF" --data-as-of "$DATA_AS_OF" \
    --snapshot "$SNAPSHOT" --checks --out "$WORK/postgres.sql"
expect_status 0 "render the models for PostgreSQL"
pg -At -F ' ' -f "$WORK/postgres.sql" >"$WORK/checks.out" 2>"$WORK/postgres.err"
expect_equal "$?" 0 "every staging, mart, snapshot and check model runs on PostgreSQL"
[[ -s $WORK/postgres.err ]] && echo "psql: $(head -c 2000 "$WORK/postgres.err")" >&2
CONTRACTS=$(ls "$HERE/../../sql/checks" | wc -l)
expect_equal "$(wc -l <"$WORK/checks.out")" "$CONTRACTS" "every contract reports on PostgreSQL"
expect_equal "$(awk '$2 != 0' "$WORK/checks.out")" "" "every contract holds on PostgreSQL"

# ---- DuckDB's relations against PostgreSQL's -----------------------------------------------
MARTS=$("$DUCKDB_EXEC" "$DB" "SELECT string_agg(table_name, ' ' ORDER BY table_name) FROM duckdb_tables() WHERE schema_name = 'marts' AND table_name <> 'build_info'")
for mart in $MARTS; do
    "$DUCKDB_EXEC" "$DB" "COPY marts.$mart TO '$WORK/duckdb_$mart.csv' (HEADER)" >/dev/null
    pg -c "\\copy marts.$mart TO '$WORK/postgres_$mart.csv' CSV HEADER"
    python3 "$HERE/pg_compare.py" rows "$mart" "$WORK/duckdb_$mart.csv" "$WORK/postgres_$mart.csv" >"$WORK/compare.out"
    STATUS=$?
    cat "$WORK/compare.out"
    expect_status 0 "marts.$mart: DuckDB's and PostgreSQL's rows equal"
done
for model in churn expansion; do
    pg -c "\\copy training.${model}_snapshot TO '$WORK/postgres_${model}_snapshot.csv' CSV HEADER"
    python3 "$HERE/pg_compare.py" rows "${model}_snapshot $SNAPSHOT" "$WORK/training/${model}_snapshots.csv" \
        "$WORK/postgres_${model}_snapshot.csv" "snapshot=$SNAPSHOT" >"$WORK/compare.out"
    STATUS=$?
    cat "$WORK/compare.out"
    expect_status 0 "the $model training snapshot of $SNAPSHOT: train's rows and PostgreSQL's equal"
done
"$DUCKDB_EXEC" "$DB" "COPY (SELECT table_schema || '.' || table_name, column_name, data_type FROM information_schema.columns
    WHERE table_schema IN ('staging', 'marts') AND table_name <> 'build_info') TO '$WORK/duckdb_types.csv' (HEADER false)" >/dev/null
pg -c "\\copy (SELECT table_schema || '.' || table_name, column_name, data_type FROM information_schema.columns WHERE table_schema IN ('staging', 'marts')) TO '$WORK/postgres_types.csv' CSV"
python3 "$HERE/pg_compare.py" types "$WORK/duckdb_types.csv" "$WORK/postgres_types.csv" >"$WORK/compare.out"
STATUS=$?
cat "$WORK/compare.out"
expect_status 0 "every staging and mart column of the same kind on both engines"

# ---- the dbt project, rendered by Jinja2 as dbt would, computes the same marts --------------
# (dbt itself cannot be installed here: dbt_render.py renders the project's models with
# its macros and configuration, and PostgreSQL runs them)
/usr/bin/python3 "$HERE/dbt_render.py" "$HERE/../.." "$AS_OF" "$DATA_AS_OF" >"$WORK/dbt.sql"
expect_equal "$?" 0 "the dbt project renders (Jinja2, the project's macros, dbt_project.yml)"
expect_equal "$(PG_DB=dbt_run pg -At -c 'SELECT current_database()')" dbt_run "the dbt project runs in its own database"
PG_DB=dbt_run pg -At -F ' ' -f "$WORK/dbt.sql" >"$WORK/dbt_tests.out" 2>"$WORK/dbt.err"
expect_equal "$?" 0 "the dbt project's models and tests run on PostgreSQL"
expect_equal "$(wc -l <"$WORK/dbt_tests.out")" "$((CONTRACTS - 1))" \
    "every contract but usage_events_key_unique is a dbt test (sources.yml has unique event_id)"
expect_equal "$(awk '$2 != 0' "$WORK/dbt_tests.out")" "" "every dbt test passes"
same_marts=0
for mart in $MARTS; do
    PG_DB=dbt_run pg -c "\\copy marts.$mart TO '$WORK/dbt_$mart.csv' CSV HEADER"
    python3 "$HERE/pg_compare.py" rows "dbt $mart" "$WORK/postgres_$mart.csv" "$WORK/dbt_$mart.csv" >>"$WORK/dbt_compare.out" &&
        same_marts=$((same_marts + 1))
done
cat "$WORK/dbt_compare.out"
expect_equal "$same_marts" "$(wc -w <<<"$MARTS")" "every mart of the dbt project equals Tenure's render's"

# ---- the contracts find what is wrong on PostgreSQL too ------------------------------------
# an event id used twice (found through hash64(): hashtextextended) and a customer gone
pg -c "INSERT INTO raw.usage_events SELECT * FROM raw.usage_events ORDER BY event_id LIMIT 1;
       DELETE FROM raw.customers WHERE customer_id = (SELECT min(customer_id) FROM raw.usage_events)"
awk '/^-- sql\/checks\//{on=1} on' "$WORK/postgres.sql" >"$WORK/checks.sql"
pg -At -F ' ' -f "$WORK/checks.sql" >"$WORK/checks.out" 2>&1
expect_equal "$(awk '$1 == "usage_events_key_unique" {print $2}' "$WORK/checks.out")" 1 \
    "usage_events_key_unique finds the event id used twice"
expect_number "$(awk '$1 == "usage_events_customer_exists" {print $2}' "$WORK/checks.out")" ">" 0 \
    "usage_events_customer_exists finds the events of the customer gone"

# ---- the renderer's refusals ------------------------------------------------------------------
run "$TENURE" render --dialect oracle --as-of "$AS_OF"
expect_status 1 "an unknown dialect is refused"
expect_contains stderr "--dialect 'oracle' is not known: postgres or duckdb" "and named"
run "$TENURE" render
expect_status 1 "render without --as-of is refused"
expect_contains stderr "--as-of DATE is required" "and says what is missing"
finish
