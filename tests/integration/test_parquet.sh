#!/usr/bin/env bash
# test_parquet.sh — `tenure export` and `--parquet DIR` (docs/export.md): a
# small company built in DuckDB, trained and scored there; exported to
# Parquet; trained, scored and analysed again from the Parquet files only,
# into a new database. The models must be the same bytes, the scores and the
# analysis the same, and two servers (warehouse, Parquet) must give the same
# answers. Then the refusals: a file missing a column, a column of a type
# that cannot be cast losslessly, a missing file (each named, with the
# column; non-zero exit, nothing written), an export over an existing
# directory; and a lossless widening from "another warehouse" (upper-case
# names, BIGINT, DECIMAL(18,0), an extra column) that is accepted.
source "$(dirname "$0")/lib.sh"
DB="$WORK/w.duckdb"
EXPORT="$WORK/export"
SERVER_PID=""
trap '[[ -n $SERVER_PID ]] && kill -KILL $SERVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT

# ---- 1. built, trained, scored and analysed in DuckDB ------------------------------------
"$TENURE" generate --quiet --customers 200 --seed 3 --db "$DB"
"$TENURE" build --quiet --db "$DB"
"$TENURE" train --quiet --db "$DB" --models "$WORK/models" 2>/dev/null
"$TENURE" score --quiet --db "$DB" --models "$WORK/models" --all --out "$WORK/scores.csv"
"$TENURE" analyze --quiet --db "$DB" --out "$WORK/reports"

# ---- 2. exported ------------------------------------------------------------------------
# what a killed export leaves (a process that no longer exists): the next export removes it
STALE="$WORK/.tenure-export-999999999-abcdef"
mkdir -p "$STALE/marts" && touch "$STALE/marts/usage_daily.parquet" "$STALE/build_info.parquet"
run "$TENURE" export --db "$DB" --out "$EXPORT"
expect_status 0 "export"
expect_contains stderr "Parquet files" "export says what it wrote"
MARTS=$(query "$DB" "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'marts' AND table_name <> 'build_info'")
expect_equal "$(find "$EXPORT/marts" -name '*.parquet' | wc -l)" "$MARTS" "one Parquet file per mart"
for f in build_info.parquet marts/customer_survival.parquet staging/stg_customers.parquet \
    training/churn_snapshots.parquet training/expansion_snapshots.parquet manifest.json; do
    CHECKS=$((CHECKS + 1))
    if [[ -f $EXPORT/$f ]]; then pass "export wrote $f"; else fail "export wrote no $f"; fi
done
expect_equal "$(ls -A "$WORK" | grep -c '^\.tenure-export-')" 0 "no temporary directory is left beside the export"
expect_equal "$(jq -r .as_of "$EXPORT/manifest.json")" "$(query "$DB" "SELECT as_of FROM marts.build_info")" \
    "manifest: the warehouse's as-of date"
expect_equal "$(jq -r '.files[] | select(.path == "marts/customer_survival.parquet") | .rows' "$EXPORT/manifest.json")" \
    "$(query "$DB" "SELECT count(*) FROM marts.customer_survival")" "manifest: the survival mart's rows"
expect_equal "$(jq -r '.files[] | select(.path == "marts/customer_survival.parquet") | .columns[] | select(.name == "duration_days") | .type' "$EXPORT/manifest.json")" \
    "$(query "$DB" "SELECT data_type FROM information_schema.columns WHERE table_schema = 'marts' AND table_name = 'customer_survival' AND column_name = 'duration_days'")" \
    "manifest: a column's type is the mart's"
# every training snapshot row train computes: one snapshot per month, as the CSVs of train --export hold
"$TENURE" train --quiet --db "$DB" --models "$WORK/models-csv" --export "$WORK/csv" 2>/dev/null
expect_equal "$(query "$DB" "SELECT count(*), count(DISTINCT snapshot) FROM read_parquet('$EXPORT/training/churn_snapshots.parquet')")" \
    "$(query "$DB" "SELECT count(*), count(DISTINCT snapshot) FROM read_csv('$WORK/csv/churn_snapshots.csv')")" \
    "the churn snapshots: the rows and dates train computes"
run "$TENURE" export --db "$DB" --out "$EXPORT"
expect_status 1 "export over an earlier export without --force"
expect_contains stderr "give --force" "the refusal says what to do"
mkdir "$WORK/mine" && touch "$WORK/mine/notes.txt"
run "$TENURE" export --db "$DB" --out "$WORK/mine" --force
expect_status 1 "export --force over a directory that is not an export"
expect_equal "$(ls -A "$WORK/mine")" notes.txt "that directory is left alone"
run "$TENURE" export --db "$DB" --out "$EXPORT" --force
expect_status 0 "export --force over an earlier export"

# ---- 3. trained, scored and analysed from the Parquet files, into a new database ------------
NEW="$WORK/new.duckdb"
run "$TENURE" train --parquet "$EXPORT" --models "$WORK/models-pq"
expect_status 0 "train --parquet"
for f in churn.json churn.meta.json churn.card.md expansion.json expansion.meta.json \
    expansion.card.md survival.json survival.card.md; do
    expect_same_file "$WORK/models/current/$f" "$WORK/models-pq/current/$f" "the same $f from Parquet"
done
expect_equal "$(readlink "$WORK/models-pq/current")" "$(readlink "$WORK/models/current")" "the same model set id"
run "$TENURE" score --quiet --parquet "$EXPORT" --db "$NEW" --models "$WORK/models-pq" --all --out "$WORK/scores-pq.csv"
expect_status 0 "score --parquet into a new database"
# every column but the last, scored_at (the clock)
expect_equal "$(sed 's/,[^,]*$//' "$WORK/scores-pq.csv" | sha256sum)" "$(sed 's/,[^,]*$//' "$WORK/scores.csv" | sha256sum)" \
    "the same scores, row for row"
expect_number "$(wc -l <"$WORK/scores.csv")" ">" 100 "scores for the active customers"
expect_equal "$(query "$NEW" "SELECT count(*) FROM history.customer_scores_by_as_of")" \
    "$(query "$DB" "SELECT count(*) FROM history.customer_scores_by_as_of")" "the new database records the score history"
run "$TENURE" analyze --quiet --parquet "$EXPORT" --out "$WORK/reports-pq"
expect_status 0 "analyze --parquet"
expect_equal "$(jq -S 'del(.warehouse)' "$WORK/reports-pq/analysis.json" | sha256sum)" \
    "$(jq -S 'del(.warehouse)' "$WORK/reports/analysis.json" | sha256sum)" "the same analysis (but for its source's name)"

ID=$(sed -n 2p "$WORK/scores.csv" | cut -d, -f1)
"$TENURE" brief --db "$DB" --models "$WORK/models" --customer "$ID" --format json >"$WORK/brief.json" 2>/dev/null
run "$TENURE" brief --parquet "$EXPORT" --db "$NEW" --models "$WORK/models-pq" --customer "$ID" --format json
expect_status 0 "brief --parquet"
expect_equal "$(sha256sum <"$WORK/stdout")" "$(sha256sum <"$WORK/brief.json")" "the same brief from the Parquet files"
expect_number "$(wc -c <"$WORK/brief.json")" ">" 200 "(a brief, not an empty answer)"

# ---- serve both: the same answers --------------------------------------------------------
start_server warehouse --db "$DB" --models "$WORK/models" --reports "$WORK/reports" --threads 2
WAREHOUSE_PID=$SERVER_PID WAREHOUSE=$BASE
start_server parquet --parquet "$EXPORT" --db "$NEW" --models "$WORK/models-pq" --reports "$WORK/reports-pq" --threads 2
PARQUET_PID=$SERVER_PID PARQUET=$BASE
ID=$(sed -n 2p "$WORK/scores.csv" | cut -d, -f1)
same_answer() { # METHOD PATH [JSON body] — compared byte for byte
    local method=$1 path=$2 data=${3:-}
    local args=(-s -X "$method")
    [[ -n $data ]] && args+=(-H 'Content-Type: application/json' --data-binary "$data")
    curl "${args[@]}" -o "$WORK/a.json" -w '%{http_code}' "$WAREHOUSE$path" >"$WORK/a.code"
    curl "${args[@]}" -o "$WORK/b.json" -w '%{http_code}' "$PARQUET$path" >"$WORK/b.code"
    if [[ $path == /ready ]]; then # but for when each server loaded its snapshot
        jq -S 'del(.loaded_at)' "$WORK/a.json" >"$WORK/a.tmp" && mv "$WORK/a.tmp" "$WORK/a.json"
        jq -S 'del(.loaded_at)' "$WORK/b.json" >"$WORK/b.tmp" && mv "$WORK/b.tmp" "$WORK/b.json"
    fi
    CHECKS=$((CHECKS + 1))
    if [[ $(cat "$WORK/a.code") == 200 ]] && cmp -s "$WORK/a.code" "$WORK/b.code" && cmp -s "$WORK/a.json" "$WORK/b.json"; then
        pass "$method $path: the same answer"
    else
        fail "$method $path: $(cat "$WORK/a.code") vs $(cat "$WORK/b.code"), $(cmp "$WORK/a.json" "$WORK/b.json")"
    fi
}
same_answer GET /ready
same_answer POST /predictions/churn "{\"customer_id\":\"$ID\"}"
same_answer POST /predictions/upgrade "{\"customer_id\":\"$ID\"}"
same_answer GET "/customers/$ID"
same_answer GET "/customers/$ID/history"
same_answer GET /customers
same_answer GET /analytics/survival
same_answer GET /analytics/portfolio
same_answer GET /analytics/models
same_answer GET /health/model
kill -TERM $WAREHOUSE_PID && wait $WAREHOUSE_PID
SERVER_PID=$PARQUET_PID stop_server
expect_status 0 "the Parquet server stops cleanly"

# ---- refusals: named, non-zero, nothing written ------------------------------------------
broken() { # NAME SQL-over-the-survival-mart → $WORK/NAME, a copy of the export with it replaced
    rm -rf "$WORK/$1" && cp -r "$EXPORT" "$WORK/$1"
    query_attached :memory: "COPY ($2) TO '$WORK/$1/marts/customer_survival.parquet' (FORMAT parquet)" >/dev/null
}
SURVIVAL="read_parquet('$EXPORT/marts/customer_survival.parquet')"
broken missing "SELECT * EXCLUDE (duration_days) FROM $SURVIVAL"
run "$TENURE" analyze --parquet "$WORK/missing" --out "$WORK/r-missing"
expect_status 1 "analyze: a file without a column"
expect_contains stderr "missing/marts/customer_survival.parquet: no column duration_days (INTEGER)" \
    "the message names the file, the column and its type"
expect_absent "$WORK/r-missing" "nothing written"

broken text "SELECT * REPLACE (duration_days::VARCHAR AS duration_days) FROM $SURVIVAL"
run "$TENURE" score --parquet "$WORK/text" --db "$WORK/n-text.duckdb" --models "$WORK/models-pq" --all --out "$WORK/s-text.csv"
expect_status 1 "score: a column of a type that cannot be cast losslessly"
expect_contains stderr "text/marts/customer_survival.parquet: column duration_days is VARCHAR, expected INTEGER" \
    "the message names the file, the column, what it is and what was expected"
expect_absent "$WORK/n-text.duckdb" "no database created"
expect_absent "$WORK/s-text.csv" "no scores written"

broken double "SELECT * REPLACE (duration_days::DOUBLE AS duration_days) FROM $SURVIVAL"
run "$TENURE" train --parquet "$WORK/double" --models "$WORK/m-double"
expect_status 1 "train: DOUBLE where the contract has INTEGER (it could round)"
expect_contains stderr "column duration_days is DOUBLE, expected INTEGER" "named"
expect_absent "$WORK/m-double" "no model directory"

rm -rf "$WORK/nofile" && cp -r "$EXPORT" "$WORK/nofile" && rm "$WORK/nofile/staging/stg_customers.parquet"
run "$TENURE" train --parquet "$WORK/nofile" --models "$WORK/m-nofile"
expect_status 1 "train: a missing file"
expect_contains stderr "nofile/staging/stg_customers.parquet is missing" "the message names the file"
expect_absent "$WORK/m-nofile" "no model directory"

rm -rf "$WORK/notrain" && cp -r "$EXPORT" "$WORK/notrain" && rm "$WORK/notrain/training/expansion_snapshots.parquet"
run "$TENURE" train --parquet "$WORK/notrain" --models "$WORK/m-notrain"
expect_status 1 "train: no expansion snapshots"
expect_contains stderr "notrain/training/expansion_snapshots.parquet is missing" "named"
run "$TENURE" analyze --quiet --parquet "$WORK/notrain" --out "$WORK/r-notrain"
expect_status 0 "analyze does not need the training snapshots"

rm -rf "$WORK/fewer" && cp -r "$EXPORT" "$WORK/fewer"
query_attached :memory: "COPY (SELECT * FROM read_parquet('$EXPORT/training/churn_snapshots.parquet') WHERE snapshot > (SELECT min(snapshot) FROM read_parquet('$EXPORT/training/churn_snapshots.parquet'))) TO '$WORK/fewer/training/churn_snapshots.parquet' (FORMAT parquet)" >/dev/null
run "$TENURE" train --parquet "$WORK/fewer" --models "$WORK/m-fewer"
expect_status 1 "train: churn snapshots that lack the first month"
expect_contains stderr "training/churn_snapshots.parquet: the snapshot dates are not the" "named"

run "$TENURE" score --parquet "$EXPORT" --db "$DB" --models "$WORK/models-pq" --all --no-record
expect_status 1 "score --parquet with a warehouse that has its own marts"
expect_contains stderr "has a marts schema of its own" "the refusal says why"

# ---- a lossless widening, as another warehouse might write the file: accepted --------------
broken wide "SELECT customer_id AS CUSTOMER_ID, * EXCLUDE (customer_id, duration_days, events_last_30d) REPLACE (event::BIGINT AS event), duration_days::BIGINT AS DURATION_DAYS, events_last_30d::DECIMAL(18,0) AS events_last_30d, 1 AS extra FROM $SURVIVAL"
run "$TENURE" analyze --quiet --parquet "$WORK/wide" --out "$WORK/reports-wide"
expect_status 0 "analyze: upper-case names, BIGINT, DECIMAL(18,0) and an extra column"
expect_equal "$(jq -S 'del(.warehouse)' "$WORK/reports-wide/analysis.json" | sha256sum)" \
    "$(jq -S 'del(.warehouse)' "$WORK/reports/analysis.json" | sha256sum)" "the same analysis"

finish
