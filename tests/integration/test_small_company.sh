#!/usr/bin/env bash
# test_small_company.sh — training on a company of 300 customers (seed 42),
# whose calibration slices are too small for isotonic regression (issue 13,
# "Small data must not be hidden": its expansion slice holds 8 positives, and
# isotonic calibration cut the test AUC from 0.892 to 0.752, silently).
# `train` must say so on stderr, calibrate by Platt scaling (too few events
# to choose a map by cross-validation), which keeps the trees' ranking (the
# calibrated test AUC is the trees' own), record the method and why in the
# metadata, and warn in the model card with both AUCs.
# `tenure score` and `tenure serve` must apply the metadata's map to the
# trees' margin, computed here from the model files alone (xgb_margin.py),
# and metadata written before Platt scaling existed must still load as
# isotonic.
source "$(dirname "$0")/lib.sh"
SOURCE_DIR=${TN_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
SERVER_PID=""
trap '[[ -n $SERVER_PID ]] && kill -KILL $SERVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT
DB="$WORK/small.duckdb"
MODELS="$WORK/models"

"$TENURE" generate --quiet --customers 300 --seed 42 --db "$DB"
"$TENURE" build --quiet --db "$DB"
run "$TENURE" train --quiet --db "$DB" --models "$MODELS"
expect_status 0 "train on 300 customers"
cp "$WORK/stderr" "$WORK/train.stderr"

# ---- train: the warning, the metadata, the card -------------------------------------------
fixed() { printf '%.3f' "$1"; } # as the card and the warning print an AUC
for model in churn expansion; do
    META="$MODELS/$model.meta.json"
    CARD="$MODELS/$model.card.md"
    read -r pos neg <<<"$(jq -r '.training.split.calibration | "\(.positives) \(.rows - .positives)"' "$META")"
    before=$(fixed "$(jq .metrics.test.auc_before_calibration "$META")")
    after=$(fixed "$(jq .metrics.test.auc "$META")")
    expect_contains_file "$WORK/train.stderr" \
        "tenure: warning: train: $model model: the calibration slice has $pos positives and $neg negatives, fewer than 50 of one class, too few to choose a calibration map by cross-validation: calibrated by Platt scaling, which keeps the trees' ranking (test AUC $before before calibration, $after after)" \
        "$model: train warns on stderr (even with --quiet), naming the slice's positives and negatives and the method"
    expect_equal "$(jq -r .calibration.method "$META")" platt "$model: the metadata says platt"
    expect_equal "$(jq -c '[.calibration.slice.positives, .calibration.slice.negatives]' "$META")" "[$pos,$neg]" \
        "$model: the metadata records the slice's positives and negatives"
    expect_equal "$(jq -r '.calibration.reason | startswith("the calibration slice has '"$pos"' positives and '"$neg"' negatives, fewer than 50 of one class")' "$META")" \
        true "$model: and why"
    expect_equal "$(jq '.calibration.a > 0 and (.calibration.b | type) == "number" and (.calibration | has("x") | not)' "$META")" true \
        "$model: an increasing Platt map (a > 0), no isotonic points"
    expect_number "$(jq '.metrics.test.auc - .metrics.test.auc_before_calibration | fabs' "$META")" "<=" 1e-12 \
        "$model: Platt keeps the ranking: the calibrated test AUC is the trees' own"
    expect_contains_file "$CARD" "> **Warning: small calibration slice.** It has $pos positives and $neg negatives, fewer than 50 of one class" \
        "$model: the card carries the warning"
    expect_contains_file "$CARD" "> **Test AUC: $before before calibration, $after after.**" "$model: and both AUCs"
    expect_contains_file "$CARD" "- Probabilities are calibrated by Platt scaling of the trees' margin" "$model: its notes name the method"
done
expect_equal "$(jq .calibration.slice.positives "$MODELS/expansion.meta.json")" 8 "the expansion slice is issue 13's: 8 positives"

# ---- score: probability = 1 / (1 + exp(-(a · margin + b))), the margin from the model files --------
margins() { # MODEL MART → $WORK/MODEL.margins.csv: customer_id,margin of the mart's rows
    local columns
    columns=$(jq -r '.encoding.features | map(.name) | join(", ")' "$MODELS/$1.meta.json")
    "$TENURE" sql --csv --db "$DB" "SELECT customer_id, $columns FROM marts.$2 ORDER BY customer_id" >"$WORK/$1.rows.csv"
    /usr/bin/python3 "$SOURCE_DIR/tests/integration/xgb_margin.py" "$MODELS/$1.json" "$MODELS/$1.meta.json" \
        "$WORK/$1.rows.csv" >"$WORK/$1.margins.csv"
}
margins churn mart_customer_churn_features
margins expansion mart_customer_expansion_features
run "$TENURE" score --db "$DB" --models "$MODELS" --all --format json
expect_status 0 "score --all --format json"
jq -r '"customer_id,churn,upgrade", (.customers[] | [.customer_id, .churn_probability, .upgrade.upgrade_propensity] | @csv)' \
    "$WORK/stdout" >"$WORK/scores.csv"
scored() { # MODEL COLUMN → SQL: the model's scored customers, p (the scores' COLUMN) beside m.margin
    echo "(SELECT s.$2::DOUBLE AS p, m.margin FROM read_csv('$WORK/scores.csv', all_varchar = true) AS s
        JOIN read_csv('$WORK/$1.margins.csv') AS m USING (customer_id) WHERE s.$2 <> '')"
}
for pair in churn:churn expansion:upgrade; do
    model=${pair%%:*} column=${pair##*:}
    rows=$(($(wc -l <"$WORK/$model.margins.csv") - 1))
    platt=$(jq -r '"1 / (1 + exp(-(\(.calibration.a) * margin + \(.calibration.b))))"' "$MODELS/$model.meta.json")
    expect_equal "$(query "$DB" "SELECT count(*), count(*) FILTER (abs(p - $platt) <= 1e-6), count(*) FILTER (p > 0 AND p < 1)
        FROM $(scored $model $column)")" "$rows,$rows,$rows" \
        "$model: each of the $rows scores = 1/(1+exp(-(a·margin+b))) of the trees' margin (to 1e-6), in (0, 1)"
    expect_equal "$(query "$DB" "SELECT count(*) FROM (SELECT p, margin, lead(p) OVER w AS next_p, lead(margin) OVER w AS next_margin
        FROM $(scored $model $column) WINDOW w AS (ORDER BY margin)) WHERE next_margin > margin + 1e-6 AND next_p <= p")" 0 \
        "$model: a higher margin always gives a higher probability: the ranking is kept, no ties made"
done

# the top expansion candidate, at full precision: `score --customer` and the server
read -r top top_margin <<<"$(query "$DB" "SELECT customer_id, margin FROM read_csv('$WORK/expansion.margins.csv') ORDER BY margin DESC LIMIT 1" | tr ',' ' ')"
expected=$(jq -n --argjson m "$top_margin" --slurpfile meta "$MODELS/expansion.meta.json" \
    '$meta[0].calibration as $c | 1 / (1 + ((-($c.a * $m + $c.b)) | exp))')
run "$TENURE" score --db "$DB" --models "$MODELS" --customer "$top" --format json
expect_status 0 "score --customer (the top expansion candidate)"
expect_number "$(jq --argjson e "$expected" '.upgrade.upgrade_propensity - $e | fabs' "$WORK/stdout")" "<=" 1e-6 \
    "score --customer: propensity $(jq .upgrade.upgrade_propensity "$WORK/stdout") = 1/(1+exp(-(a·$top_margin+b))) = $expected"
start_server small --db "$DB" --models "$MODELS"
curl -s -o "$WORK/answer.json" -X POST "$BASE/predictions/upgrade" -H 'Content-Type: application/json' \
    --data-binary "{\"customer_id\":\"$top\"}"
expect_number "$(jq --argjson e "$expected" '.upgrade_propensity - $e | fabs' "$WORK/answer.json")" "<=" 1e-6 \
    "serve: POST /predictions/upgrade answers the same Platt-calibrated propensity"
stop_server TERM

# ---- metadata written before Platt scaling: no "method", still isotonic -----------------------
# The expansion model's calibration replaced by an isotonic map without "method",
# "slice" or "reason", as older files have it: the identity on [0, 1]. Its
# propensities must be the trees' own probabilities, 1/(1+exp(-margin)), kept
# within [0.001, 0.999].
cp -r "$MODELS" "$WORK/older"
jq '.calibration = {"interpolation": "linear between the points, clipped outside them", "bounds": 0.001, "x": [0, 1], "y": [0, 1]}' \
    "$MODELS/expansion.meta.json" >"$WORK/older/expansion.meta.json"
run "$TENURE" score --db "$DB" --models "$WORK/older" --all --format json
expect_status 0 "score with older metadata (no calibration method)"
jq -r '"customer_id,churn,upgrade", (.customers[] | [.customer_id, .churn_probability, .upgrade.upgrade_propensity] | @csv)' \
    "$WORK/stdout" >"$WORK/scores.csv"
rows=$(($(wc -l <"$WORK/expansion.margins.csv") - 1))
expect_equal "$(query "$DB" "SELECT count(*), count(*) FILTER (abs(p - greatest(0.001, least(0.999, 1 / (1 + exp(-margin))))) <= 1e-6)
    FROM $(scored expansion upgrade)")" \
    "$rows,$rows" "older metadata loads as isotonic: the identity map gives the trees' own probabilities"
jq '.calibration.method = "spline"' "$MODELS/expansion.meta.json" >"$WORK/older/expansion.meta.json"
run "$TENURE" score --db "$DB" --models "$WORK/older" --all
expect_status 1 "an unknown calibration method"
expect_contains stderr "expansion.meta.json: calibration: unknown method 'spline' (isotonic, platt, beta or interpolated_isotonic)" "names it"

finish
