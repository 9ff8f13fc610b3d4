#!/usr/bin/env bash
# test_drift.sh — the drift check (issue 16): `tenure train` keeps a sample of
# each model's fitting population in its metadata; GET /health/model compares
# it with today's mart, per feature. Every PSI, KS statistic and median equals
# what tests/integration/drift_figures.py computes in plain Python from the
# stored sample and the mart. A feature shifted in the mart drifts, by both
# tests, and the status says so; the thresholds are the server's options; a
# model trained before references were kept gives "unknown". A scoring whose
# 90 days have passed is judged against what happened (the live backtest),
# equal to SQL written here. The models view
# (GET /analytics/models) carries the same document. Every answer is validated
# against api/openapi.json.
source "$(dirname "$0")/lib.sh"
SOURCE_DIR=${TN_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
DB="$WORK/w.duckdb"
MODELS="$WORK/models"
SERVER_PID=""
trap '[[ -n $SERVER_PID ]] && kill -KILL $SERVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT
FIGURES=(/usr/bin/python3 "$SOURCE_DIR/tests/integration/drift_figures.py")
CHURN_MART=marts.mart_customer_churn_features

"$TENURE" generate --quiet --customers 600 --seed 5 --db "$DB"
"$TENURE" build --quiet --db "$DB"
"$TENURE" train --quiet --db "$DB" --models "$MODELS"
AS_OF=$(query "$DB" "SELECT as_of FROM marts.build_info")

# ---- the reference sample kept with each model ----------------------------------------
for model in churn expansion; do
    meta="$MODELS/$model.meta.json"
    fitted=$(jq '.training.split.train.rows + .training.split.calibration.rows' "$meta")
    expect_equal "$(jq '.reference.population_rows' "$meta")" "$fitted" \
        "$model: the reference is drawn from the $fitted fitting rows (train + calibration)"
    expect_equal "$(jq '.reference.rows' "$meta")" "$((fitted < 2000 ? fitted : 2000))" \
        "$model: it keeps at most 2,000 of them"
    expect_equal "$(jq '[.reference.features[].values | length] | unique' -c "$meta")" \
        "[$((fitted < 2000 ? fitted : 2000))]" "$model: the same rows for every feature"
    expect_equal "$(jq -r '[.reference.features[].feature] | join(",")' "$meta")" \
        "$(jq -r '[.encoding.features[].name] | join(",")' "$meta")" "$model: one entry per feature of the model"
    expect_contains_file "$MODELS/$model.card.md" "A sample of $((fitted < 2000 ? fitted : 2000)) of the $fitted fitting rows" \
        "$model: the model card says what the drift check compares with"
done
cp "$MODELS/churn.meta.json" "$WORK/first.meta.json"
"$TENURE" train --quiet --db "$DB" --models "$WORK/again"
expect_equal "$(jq -c .reference "$WORK/again/churn.meta.json" | cksum)" "$(jq -c .reference "$WORK/first.meta.json" | cksum)" \
    "training again draws the same sample (fixed seed)"

# figures MODEL NAME — drift_figures.py on MODEL's reference and the churn or expansion mart now.
figures() {
    local mart=$CHURN_MART
    [[ $1 == expansion ]] && mart=marts.mart_customer_expansion_features
    "$TENURE" sql --csv --db "$DB" "SELECT * FROM $mart" >"$WORK/current.csv"
    "${FIGURES[@]}" "$MODELS/$1.meta.json" "$WORK/current.csv" | sort >"$WORK/expected.$2"
}

# same_figures MODEL NAME — every feature's PSI, D and medians in $WORK/body equal the expected ones.
same_figures() {
    jq -r --arg m "$1" '.models[$m].features[] | [.feature, .psi, (.ks_statistic // "-"),
        (if .kind == "number" then (.reference_median // "nan") elif .kind == "boolean"
         then .largest_move.reference_share else "-" end),
        (if .kind == "number" then (.current_median // "nan") elif .kind == "boolean"
         then .largest_move.current_share else "-" end)] | join(" ")' "$WORK/body" |
        sort >"$WORK/served.$2"
    expect_equal "$(join "$WORK/expected.$2" "$WORK/served.$2" | awk '
        function off(a, b) { if (a == "-" || b == "-" || a == "nan" || b == "nan") return a != b;
                             return (a - b) ^ 2 > (1e-9 * (1 + (a < 0 ? -a : a))) ^ 2 }
        off($2, $6) || off($3, $7) || off($4, $8) || off($5, $9) { print; bad++ }
        END { print NR " " bad + 0 }' | tail -1)" "$(wc -l <"$WORK/expected.$2") 0" \
        "$1 ($2): every feature's PSI, KS D, medians and shares of true equal drift_figures.py's, to 1e-9"
}

# ---- today's population against the training one --------------------------------------
start_server main --db "$DB" --models "$MODELS"
api_call /health/model GET /health/model
expect_equal "$CODE" 200 "GET /health/model"
cp "$WORK/body" "$WORK/first.json"
expect_equal "$(jq -r '[.as_of, .thresholds.psi, .thresholds.ks_p_value] | join(" ")' "$WORK/body")" "$AS_OF 0.2 0.05" \
    "as of the warehouse's date, with the default thresholds"
for model in churn expansion; do
    figures $model before
    same_figures $model before
    expect_equal "$(jq --arg m $model '.models[$m].features | length' "$WORK/body")" \
        "$(jq '.reference.features | length' "$MODELS/$model.meta.json")" "$model: every feature is checked"
    expect_equal "$(jq --arg m $model '[.models[$m].features[] | select(.kind != "number") | .ks_p_value] | unique' -c "$WORK/body")" \
        "[null]" "$model: no KS test for booleans and categories"
done
expect_equal "$(jq '[.models[][] | arrays | .[] | select(.drifted != (.psi >= 0.2 or (.ks_p_value != null and .ks_p_value < 0.05)))] | length' "$WORK/body")" 0 \
    "a feature drifted exactly when PSI ≥ 0.2 or KS p < 0.05"
expect_equal "$(jq -r '[.models[] | .features[] | .psi] | max' "$WORK/body")" "$(jq -r '.largest_psi.value' "$WORK/body")" \
    "largest_psi is the largest PSI of any feature"
expect_equal "$(jq -r '[.models[] | .features[] | .ks_p_value | numbers] | min' "$WORK/body")" "$(jq -r '.smallest_ks_p_value.value' "$WORK/body")" \
    "smallest_ks_p_value is the smallest KS p-value"
expect_equal "$(jq '(.drifted_features | length) == ([.models[] | .features[] | select(.drifted)] | length)' "$WORK/body")" true \
    "drifted_features lists every drifted feature"
expect_equal "$(jq -r 'if (.drifted_features | length) > 0 then "drift" else "ok" end' "$WORK/body")" \
    "$(jq -r .status "$WORK/body")" "the status follows the drifted features"
api_call /analytics/models GET /analytics/models
expect_equal "$(jq -c .drift "$WORK/body")" "$(jq -c . "$WORK/first.json")" "the models view carries the same drift document"

# ---- one feature shifted in the mart: it drifts --------------------------------------
base_psi=$(jq -r '.models.churn.features[] | select(.feature == "events_last_30d") | .psi' "$WORK/first.json")
query_attached "$DB" "UPDATE $CHURN_MART SET events_last_30d = events_last_30d * 3 + 40" >/dev/null
kill -HUP $SERVER_PID
for _ in $(seq 1 100); do grep -q "reloaded" "$WORK/main.log" && break; sleep 0.1; done
api_call /health/model GET /health/model
expect_equal "$(jq -r '.models.churn.features[] | select(.feature == "events_last_30d") |
    [.drifted, (.psi >= 0.2), (.ks_p_value < 0.05)] | join(" ")' "$WORK/body")" "true true true" \
    "events_last_30d × 3 + 40 drifts: PSI ≥ 0.2 and KS p < 0.05 (PSI was $base_psi)"
expect_equal "$(jq -r '[.drifted_features[] | select(.model == "churn" and .feature == "events_last_30d")] | length' "$WORK/body")" 1 \
    "it is among the drifted features"
expect_equal "$(jq -r .status "$WORK/body")" drift "the status is drift"
expect_equal "$(jq -r '.models.churn.features[] | select(.feature == "mrr") | .psi' "$WORK/body")" \
    "$(jq -r '.models.churn.features[] | select(.feature == "mrr") | .psi' "$WORK/first.json")" "mrr, untouched, keeps its PSI"
figures churn shifted
same_figures churn shifted
stop_server

# ---- the thresholds are the server's --------------------------------------------------
start_server loose --db "$DB" --models "$MODELS" --drift-psi 100 --drift-ks-p 0
api_call /health/model GET /health/model
expect_equal "$(jq -r '[.status, (.drifted_features | length), .thresholds.psi, .thresholds.ks_p_value] | join(" ")' "$WORK/body")" \
    "ok 0 100 0" "--drift-psi 100 --drift-ks-p 0: nothing drifts, status ok"
stop_server
run "$TENURE" serve --db "$DB" --models "$MODELS" --drift-ks-p 1.5
expect_status 1 "--drift-ks-p 1.5 is refused"
expect_contains stderr "--drift-ks-p: expected a number from 0 to 1, got '1.5'" "  saying what it expects"

# ---- a model trained before references were kept --------------------------------------
set_dir=$(readlink -f "$MODELS/current")
jq 'del(.reference)' "$set_dir/expansion.meta.json" >"$WORK/meta" && cp "$WORK/meta" "$set_dir/expansion.meta.json"
start_server old --db "$DB" --models "$MODELS"
api_call /health/model GET /health/model
expect_equal "$(jq -r '[.status, .models.expansion.has_reference, (.models.expansion.features | length)] | join(" ")' "$WORK/body")" \
    "unknown false 0" "an expansion model without a reference: status unknown, nothing compared"
expect_contains_file "$WORK/body" "retrain it (tenure train)" "  and the message says what to do"
stop_server

# ---- the live backtest: a scoring whose 90 days have passed, against what happened -------
EARLY=$(query "$DB" "SELECT DATE '$AS_OF' - 120")
"$TENURE" build --quiet --db "$DB" --as-of "$EARLY"
"$TENURE" train --quiet --db "$DB" --models "$WORK/early"
"$TENURE" score --quiet --db "$DB" --models "$WORK/early" --all --out "$WORK/early.csv"
"$TENURE" build --quiet --db "$DB"
"$TENURE" score --quiet --db "$DB" --models "$WORK/early" --all --out "$WORK/now.csv"
start_server live --db "$DB" --models "$MODELS"
api_call /health/model GET /health/model
expect_equal "$(jq -r '[.realized.horizon_days, (.realized.as_ofs | map(.as_of) | join(",")),
    (.realized.pending | map(.as_of + ">" + .known_on) | join(","))] | join(" ")' "$WORK/body")" \
    "90 $EARLY $AS_OF>$(query "$DB" "SELECT DATE '$AS_OF' + 90")" \
    "the scoring of $EARLY is judged, the one of $AS_OF waits until 90 days later"
expect_equal "$(jq -r '.realized.as_ofs[0].models_trained_before' "$WORK/body")" true \
    "  by models trained as of $EARLY: outcomes they never saw"
# AUC by the rank-sum formula with mid-ranks for ties, over the raw customers' dates.
live_sql() { # PREDICTION OUTCOME-DATE — customers, observed rate, mean prediction, AUC, Brier (rounded to 9 places)
    query "$DB" "WITH s AS (
        SELECT h.$1 AS p, coalesce(c.$2 >= h.as_of AND c.$2 < h.as_of + 90, false) AS y
        FROM history.customer_scores_by_as_of AS h JOIN raw.customers AS c USING (customer_id)
        WHERE h.as_of = DATE '$EARLY' AND h.$1 IS NOT NULL),
      r AS (SELECT y, p, rank() OVER (ORDER BY p) + (count(*) OVER (PARTITION BY p) - 1) / 2.0 AS mid FROM s)
      SELECT count(*), round(avg(y::INTEGER), 9), round(avg(p), 9),
             round((sum(mid) FILTER (WHERE y) - count(*) FILTER (WHERE y) * (count(*) FILTER (WHERE y) + 1) / 2.0)
                   / (count(*) FILTER (WHERE y) * count(*) FILTER (WHERE NOT y)), 9),
             round(avg((p - y::INTEGER) ^ 2), 9)
      FROM r" | tr ',' ' '
}
served() { # MODEL COUNT-NAME — the same figures from the answer
    jq -r --arg m "$1" --arg n "$2" '.realized.as_ofs[0][$m] | [.[$n], .observed_rate, .predicted_rate, .auc, .brier]
        | map(if type == "number" and . != floor then (. * 1e9 | round) / 1e9 else . end) | map(tostring) | join(" ")' "$WORK/body"
}
expect_equal "$(served churn customers | awk '{printf "%d %.9f %.9f %.9f %.9f", $1, $2, $3, $4, $5}')" \
    "$(live_sql churn_probability churn_date | awk '{printf "%d %.9f %.9f %.9f %.9f", $1, $2, $3, $4, $5}')" \
    "churn: customers, observed and predicted rates, AUC and Brier equal SQL written here"
expect_equal "$(served expansion candidates | awk '{printf "%d %.9f %.9f %.9f %.9f", $1, $2, $3, $4, $5}')" \
    "$(live_sql upgrade_propensity upgrade_date | awk '{printf "%d %.9f %.9f %.9f %.9f", $1, $2, $3, $4, $5}')" \
    "expansion: candidates, observed and predicted rates, AUC and Brier equal SQL written here"
stop_server
cp "$WORK/body" "$WORK/live-all.json"

# ---- a server judges only its window's last scorings ----------------------------------
# Two more judged as-of dates, a week and two before $EARLY: copies of its scoring (written by
# the duckdb_exec test tool: `tenure sql` only reads).
query_attached "$DB" "INSERT INTO history.customer_scores_by_as_of
    SELECT h.* REPLACE (CAST(h.as_of - CAST(7 * w.k AS INTEGER) AS DATE) AS as_of)
    FROM history.customer_scores_by_as_of AS h, range(1, 3) AS w(k) WHERE h.as_of = DATE '$EARLY'" >/dev/null
WEEK1=$(query "$DB" "SELECT DATE '$EARLY' - 7")
WEEK2=$(query "$DB" "SELECT DATE '$EARLY' - 14")
start_server window --db "$DB" --models "$MODELS"
api_call /health/model GET /health/model
expect_equal "$(jq -r '[(.realized.as_ofs | map(.as_of) | join(",")), .realized.as_ofs_left_out] | join(" ")' "$WORK/body")" \
    "$WEEK2,$WEEK1,$EARLY 0" "three judged scorings, all within the default window"
stop_server
start_server window2 --db "$DB" --models "$MODELS" --history-scorings 2
api_call /health/model GET /health/model
expect_equal "$(jq -r '[(.realized.as_ofs | map(.as_of) | join(",")), .realized.as_ofs_left_out,
    (.realized.pending | map(.as_of) | join(","))] | join(" ")' "$WORK/body")" \
    "$WEEK1,$EARLY 1 $AS_OF" "--history-scorings 2: the last two judged, one left out, the pending one still listed"
expect_equal "$(jq -c '.realized.as_ofs[-1]' "$WORK/body")" "$(jq -c '.realized.as_ofs[-1]' "$WORK/live-all.json")" \
    "  $EARLY judged as by the whole history"
stop_server

api_validate
finish
