#!/usr/bin/env bash
# test_train.sh — `tenure train` and `tenure score` end to end: the model
# files and their metadata, the same warehouse giving the same model files,
# point-in-time correctness (data dated on or after t changes no feature at
# t; the training snapshots are exactly the marts built as of t), scores
# for one customer and for all (naming each account as raw.customers does,
# quoted in CSV when a name needs it), and clear errors for missing or
# corrupt models and customers that cannot be scored.
source "$(dirname "$0")/lib.sh"
SOURCE_DIR=${TN_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
FEATURES="mrr tenure_days plan_tier industry total_events events_last_30d events_last_7d avg_adoption_score
days_since_last_event retention_signal_count integration_connects_first_30d tickets_last_30d
high_priority_tickets avg_resolution_hours is_early_stage"

# ---- point in time, on the hand-made fixture ------------------------------------
# Everything appended here is dated on or after t = 2026-02-12: events at
# 00:00:00 of t and later, tickets created on t, deals closing on t, a customer
# signing up on t. Built as of t, every mart must be what it was without them.
T=2026-02-12
marts_as_of() { # DB → the marts' rows, sorted, as text
    for mart in mart_customer_churn_features mart_customer_expansion_features customer_survival customer_risk_inputs; do
        query "$1" "SELECT * FROM marts.$mart ORDER BY ALL"
    done
}
# (a load refuses rows dated after an --as-of date: load everything, then rebuild as of t)
"$TENURE" build --quiet --db "$WORK/before.duckdb" --raw "$SOURCE_DIR/tests/fixtures/marts"
"$TENURE" build --quiet --db "$WORK/before.duckdb" --as-of "$T"
cp -r "$SOURCE_DIR/tests/fixtures/marts" "$WORK/later"
cat >>"$WORK/later/usage_events.csv" <<'ROWS'
f01,c1,2026-02-12 00:00:00,integration_connect,0.9000
f02,c1,2026-02-13 09:00:00,premium_feature_trial,0.8000
f03,c5,2026-02-12 00:00:01,premium_feature_trial,0.7000
f04,c8,2026-02-12 10:00:00,api_call,0.5000
ROWS
cat >>"$WORK/later/support_tickets.csv" <<'ROWS'
u1,c1,2026-02-12,critical,1,integration
u2,c5,2026-02-12,low,2,feature_request
u3,c4,2026-03-01,high,3,billing
ROWS
cat >>"$WORK/later/gtm_opportunities.csv" <<'ROWS'
p1,c1,closed_won,2026-02-12,7000.00,A. Okafor,expansion
p2,c7,proposal,2026-06-01,9000.00,A. Okafor,expansion
ROWS
echo "c8,SaaS,starter,2026-02-12,700.00,,,,,," >>"$WORK/later/customers.csv"
echo "c8,0.1000,0" >>"$WORK/later/risk_signals.csv"
"$TENURE" build --quiet --db "$WORK/later.duckdb" --raw "$WORK/later"
"$TENURE" build --quiet --db "$WORK/later.duckdb" --as-of "$T"
expect_equal "$(marts_as_of "$WORK/later.duckdb")" "$(marts_as_of "$WORK/before.duckdb")" \
    "data dated on or after t changes no feature at t"
expect_equal "$(query "$WORK/later.duckdb" "SELECT count(*) FROM raw.usage_events")" 18 "(the later rows did load: the fixture's 14 and 4)"

# ---- training on a generated company ----------------------------------------------
DB="$WORK/w.duckdb"
"$TENURE" generate --quiet --customers 1200 --seed 5 --db "$DB"
"$TENURE" build --quiet --db "$DB"
run "$TENURE" train --db "$DB" --models "$WORK/models" --export "$WORK/snapshots"
expect_status 0 "train"
expect_contains stderr "train: churn     test AUC" "reports the churn model"
expect_contains stderr "strongest signal premium_feature_trials_30d" "premium trials lead the expansion model"
for file in churn.json churn.meta.json churn.card.md expansion.json expansion.meta.json expansion.card.md; do
    CHECKS=$((CHECKS + 1))
    if [[ -s "$WORK/models/$file" ]]; then pass "wrote $file"; else fail "no $file"; fi
done
META="$WORK/models/churn.meta.json"
expect_equal "$(jq '.encoding.features | length' "$META")" 15 "churn: the dictionary's 15 features"
expect_equal "$(jq '.encoding.features | length' "$WORK/models/expansion.meta.json")" 20 "expansion: 15 + 5 features"
expect_equal "$(jq -r '[.encoding.features[].name] | join(" ")' "$META")" "$(echo $FEATURES)" "feature names and order"
expect_equal "$(jq -r '.encoding.features[] | select(.name == "plan_tier") | .unknown_category' "$META")" \
    "all of its one-hot columns are 0" "the metadata says what an unknown category does"
for model in churn expansion; do # issue 15: every map training fits is strictly increasing in the margin
    expect_equal "$(jq '.calibration | if .method == "platt" then .a > 0
        elif .method == "beta" then .a >= 0 and .b >= 0 and .a + .b > 0
        elif .method == "interpolated_isotonic" then .tail_slope > 0 and ([.x as $x | .log_odds as $z
            | range(1; $x | length) | select($x[.] <= $x[. - 1] or $z[.] <= $z[. - 1])] | length == 0)
        else false end' "$WORK/models/$model.meta.json")" true \
        "$model: the calibration map ($(jq -r .calibration.method "$WORK/models/$model.meta.json")) is strictly increasing"
done
expect_equal "$(jq '.shap.mean_abs | length' "$META")" 15 "mean |SHAP| for every feature"
expect_equal "$(jq -r '.training.split.test.from_snapshot' "$META")" "2025-07-01" "the last six monthly snapshots are the test set"
expect_equal "$(jq -r '.training.split.calibration.to_snapshot' "$META")" "2025-04-01" \
    "fitted snapshots end before their labels reach the test period"
expect_equal "$(jq -r '.constant_in_training | join(",")' "$WORK/models/expansion.meta.json")" \
    "has_open_expansion_opp,expansion_opp_amount" "pipeline features are constant in training (no look-ahead)"
expect_equal "$(jq '.leakage_guard.is_top_feature' "$WORK/models/expansion.meta.json")" false "the leakage guard is reported"
for key in auc brier log_loss top_decile.lift max_calibration_error calibration roc.fpr by_plan_tier; do
    CHECKS=$((CHECKS + 1))
    if jq -e ".metrics.test.$key != null" "$META" >/dev/null; then pass "metric $key"; else fail "metric $key missing"; fi
done
expect_contains "models/churn.card.md" "## Out-of-time test set" "the model card has the test metrics"

run "$TENURE" train --db "$DB" --models "$WORK/again"
for file in churn.json expansion.json churn.meta.json; do
    expect_same_file "$WORK/models/$file" "$WORK/again/$file" "same warehouse, same $file"
done
expect_equal "$(readlink "$WORK/again/current")" "$(readlink "$WORK/models/current")" "and the same model set"

# ---- calibration keeps the ranking (issue 15) ----------------------------------------------
# Plain isotonic regression tied the scores (46 distinct churn probabilities
# for 3,565 customers of the default company). The figures here are
# recomputed from the model files alone by calibration_figures.py (the trees
# walked in Python, the stored map applied in NumPy, AUC by scikit-learn): on
# the test set (the exported snapshots of the test period) and on the
# customers `score --all` scores. Then the metadata's own figures must agree.
run "$TENURE" score --db "$DB" --models "$WORK/models" --all --format json --out "$WORK/scores.json"
expect_status 0 "score --all --format json"
ranking_checks() { # MODEL MART FIELD: FIELD is where scores.json holds the model's probability
    local model=$1 mart=$2 field=$3 meta="$WORK/models/$1.meta.json" figures="$WORK/$1.figures.json" method
    "$TENURE" sql --csv --db "$DB" \
        "SELECT customer_id, $(jq -r '.encoding.features | map(.name) | join(", ")' "$meta") FROM marts.$mart" \
        >"$WORK/$model.rows.csv"
    /usr/bin/python3 "$SOURCE_DIR/tests/integration/calibration_figures.py" "$WORK/models" "$model" \
        "$WORK/snapshots/${model}_snapshots.csv" "$WORK/$model.rows.csv" "$WORK/scores.json" "$field" >"$figures"
    figure() { jq -c "$1" "$figures"; }
    method=$(jq -r .calibration.method "$meta")
    expect_number "$(figure '.test.distinct_probabilities / .test.distinct_margins')" ">=" 0.9 \
        "$model ($method): test set: $(figure .test.distinct_probabilities) distinct probabilities for $(figure .test.distinct_margins) distinct margins, at least 90 %"
    expect_number "$(figure '.test.auc_calibrated - .test.auc_margin | fabs')" "<=" 0.002 \
        "$model: test set: AUC $(figure .test.auc_calibrated) calibrated, $(figure .test.auc_margin) of the margin, within 0.002"
    expect_number "$(figure .test.worst_decile_error)" "<=" 0.05 "$model: test set: the worst decile's calibration error"
    expect_number "$(figure '.active.distinct_probabilities / .active.distinct_margins')" ">=" 0.9 \
        "$model: score --all: $(figure .active.distinct_probabilities) distinct probabilities for $(figure .active.distinct_margins) distinct margins of $(figure .active.customers) customers"
    expect_number "$(figure .active.largest_difference)" "<=" 1e-6 \
        "$model: score --all serves the stored map of the trees' margin (to 1e-6)"
    expect_equal "$(jq -c '.calibration.test | [.rows, .distinct_margins, .distinct_probabilities]' "$meta")" \
        "$(figure '.test | [.rows, .distinct_margins, .distinct_probabilities]')" \
        "$model: the metadata's test rows and distinct counts are the ones recomputed"
    expect_number "$(jq --slurpfile f "$figures" '.calibration.test as $t | $f[0].test as $r
        | [$t.auc_margin - $r.auc_margin, $t.auc_calibrated - $r.auc_calibrated,
           $t.worst_decile_error - $r.worst_decile_error] | map(fabs) | max' "$meta")" "<=" 1e-9 \
        "$model: and so are its AUCs and worst decile error"
    expect_equal "$(jq -r '.calibration.candidates | map(select(.eligible)) | min_by(.log_loss_cross_validated).method' "$meta")" \
        "$method" "$model: the method chosen has the lowest cross-validated log loss of the candidates"
    expect_equal "$(jq '.calibration.candidates | length' "$meta")" 3 \
        "$model: Platt scaling, beta calibration and interpolated isotonic regression were tried"
    expect_contains_file "$WORK/models/$model.card.md" \
        "| distinct calibrated probabilities | $(jq -r '.calibration.test | "\(.distinct_probabilities) of \(.distinct_margins)"' "$meta") distinct margins" \
        "$model: the model card gives the distinct values"
}
ranking_checks churn mart_customer_churn_features churn_probability
ranking_checks expansion mart_customer_expansion_features upgrade.upgrade_propensity

# ---- without the optional inputs: no risk signals, no adoption scores ------------------
# The company's CSV export with risk_signals.csv holding only its header and
# every feature_adoption_score empty: the build succeeds, both models train
# without avg_adoption_score and say so, and the risk score is the usage decay.
"$TENURE" generate --quiet --customers 1200 --seed 5 --csv "$WORK/bare"
head -1 "$WORK/bare/risk_signals.csv" >"$WORK/bare/risk.csv" && mv "$WORK/bare/risk.csv" "$WORK/bare/risk_signals.csv"
awk -F, 'BEGIN {OFS = ","} NR > 1 {$5 = ""} {print}' "$WORK/bare/usage_events.csv" >"$WORK/bare/events.csv"
mv "$WORK/bare/events.csv" "$WORK/bare/usage_events.csv"
BARE="$WORK/bare.duckdb"
run "$TENURE" build --db "$BARE" --raw "$WORK/bare"
expect_status 0 "build without risk signals or adoption scores"
run "$TENURE" train --db "$BARE" --models "$WORK/bare_models"
expect_status 0 "train without them"
for model in churn expansion; do
    expect_equal "$(jq -r '[.encoding.features[].name] | index("avg_adoption_score")' "$WORK/bare_models/$model.meta.json")" null \
        "$model: avg_adoption_score is not among the model's features"
    expect_equal "$(jq -r '.features.left_out | map(.feature + ": " + .because) | join("; ")' "$WORK/bare_models/$model.meta.json")" \
        "avg_adoption_score: no usage event before the as-of date has a feature_adoption_score" "$model: the metadata says what was left out and why"
    expect_contains_file "$WORK/bare_models/$model.card.md" "- avg_adoption_score: no usage event before the as-of date has a feature_adoption_score." \
        "$model: so does the model card"
done
expect_equal "$(jq '.features.used | length' "$WORK/bare_models/churn.meta.json")" 14 "the churn model uses the other 14"
expect_contains_file "$WORK/models/churn.card.md" "None left out: the data has every input the model can use." \
    "a model with every feature says so too"
one=$(query "$BARE" "SELECT customer_id FROM marts.mart_customer_churn_features ORDER BY customer_id LIMIT 1")
run "$TENURE" score --db "$BARE" --models "$WORK/bare_models" --customer "$one" --format json
expect_status 0 "score without them"
expect_equal "$(jq -r '[.risk_score_formula, .risk_score_inputs.compliance_gap_score, .risk_score_inputs.vendor_risk_flags, .risk_score == .risk_score_inputs.usage_decay_score] | map(tostring) | join(" | ")' "$WORK/stdout")" \
    "1.00·usage_decay (no risk_signals loaded: compliance gaps and vendor flags are not in the score) | null | null | true" \
    "the risk score is the usage decay, says so, and does not pretend to know the missing inputs"

# ---- the training snapshots are the marts built as of each snapshot date --------------
S=2025-06-01
cp "$DB" "$WORK/as_of.duckdb"
"$TENURE" build --quiet --db "$WORK/as_of.duckdb" --as-of "$S"
columns=$(for f in $FEATURES; do
    case $f in plan_tier|industry) printf '%s, ' "$f" ;; is_early_stage) printf '%s::INTEGER AS %s, ' "$f" "$f" ;;
    *) printf 'round(%s::DOUBLE, 9) AS %s, ' "$f" "$f" ;; esac; done)
from_training=$(query "$WORK/as_of.duckdb" "SELECT customer_id, ${columns} 1 FROM read_csv('$WORK/snapshots/churn_snapshots.csv')
    WHERE snapshot = DATE '$S' ORDER BY customer_id")
from_marts=$(query "$WORK/as_of.duckdb" "SELECT customer_id, ${columns} 1 FROM marts.mart_customer_churn_features ORDER BY customer_id")
expect_equal "$(wc -l <<<"$from_training")" "$(wc -l <<<"$from_marts")" "snapshot $S has the customers active then"
expect_equal "$from_training" "$from_marts" "snapshot $S's features = the marts built as of $S"

# ---- scoring -----------------------------------------------------------------------------
run "$TENURE" score --db "$DB" --models "$WORK/models" --all
expect_status 0 "score --all"
active=$(query "$DB" "SELECT count(*) FROM marts.mart_customer_churn_features")
expect_equal "$(($(wc -l <"$WORK/stdout") - 1))" "$active" "one row per active customer"
expect_equal "$(head -1 "$WORK/stdout" | cut -d, -f1-12)" \
    "customer_id,name,owner,renewal_date,crm_id,plan_tier,churn_probability,churn_risk_tier,upgrade_propensity,propensity_tier,target_tier,expected_arr_uplift" "the CSV header"
cp "$WORK/stdout" "$WORK/scores.csv"
expect_equal "$(query "$DB" "SELECT count(*) FROM (DESCRIBE SELECT * FROM read_csv('$WORK/scores.csv', header = true, all_varchar = true))")" 47 \
    "the CSV has 47 columns"
expect_equal "$(head -1 "$WORK/stdout" | cut -d, -f36-)" \
    "arr,arr_at_risk,risk_score_tier,is_high_value_target,quadrant,recommended_action,upgrade_recommended_action,quadrant_action,as_of,churn_model_version,expansion_model_version,scored_at" \
    "the CSV ends with ARR, the quadrant, the actions, the as-of date, the model versions and the time it was scored"
expect_equal "$(query "$DB" "SELECT count(*) FROM read_csv('$WORK/scores.csv', header = true, all_varchar = true, strict_mode = true)")" "$active" \
    "every row has the header's 47 fields (already upgraded customers too): a strict CSV reader reads them all"
expect_equal "$(query "$DB" "SELECT DISTINCT as_of || ' ' || churn_model_version || ' ' || expansion_model_version || ' ' || (scored_at SIMILAR TO '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z')
    FROM read_csv('$WORK/scores.csv', header = true, all_varchar = true)")" \
    "2026-03-14 $(jq -r .version "$META") $(jq -r .version "$WORK/models/expansion.meta.json") true" \
    "every row: the as-of date, both model versions and an ISO-8601 UTC scored-at time"
expect_equal "$(query "$DB" "SELECT count(*) FROM read_csv('$WORK/scores.csv', header = true, all_varchar = true)
    WHERE quadrant NOT IN ('Growth Engine', 'Flight Risk', 'Retention Priority', 'Stable Base') OR recommended_action IS NULL
       OR quadrant_action IS NULL OR (upgrade_propensity IS NULL) != (upgrade_recommended_action IS NULL)
       OR abs(arr_at_risk::DOUBLE - arr::DOUBLE * churn_probability::DOUBLE) > 0.005 + 5e-7 * arr::DOUBLE + 1e-9")" 0 \
    "every row has a quadrant and its actions (an upgrade action for candidates only), and ARR at risk = ARR × probability (to the CSV's cent)"
expect_equal "$(query "$DB" "SELECT count(*) FILTER (s.risk_score_formula IS DISTINCT FROM r.risk_score_formula),
        count(*) FILTER (s.risk_score_formula = w.formula) > 0, bool_and(s.risk_score_formula = w.formula OR r.usage_decay_score IS NULL)
    FROM read_csv('$WORK/scores.csv', header = true, all_varchar = true) AS s JOIN marts.customer_risk_inputs AS r USING (customer_id),
         marts.risk_score_weights AS w")" "0,true,true" \
    "every row states its risk score's formula: the warehouse's, or for an unknown decay the inputs it used"
# the account columns of every row = raw.customers, read back with DuckDB's CSV reader
account_mismatches() { # DB SCORES_CSV → rows of the CSV whose account differs from raw.customers, and rows read
    query "$1" "SELECT count(*) FILTER (s.name IS DISTINCT FROM c.name OR s.owner IS DISTINCT FROM c.owner
        OR s.renewal_date::DATE IS DISTINCT FROM c.renewal_date OR s.crm_id IS DISTINCT FROM c.crm_id), count(*)
        FROM read_csv('$2', header = true, all_varchar = true) AS s LEFT JOIN raw.customers AS c USING (customer_id)"
}
expect_equal "$(account_mismatches "$DB" "$WORK/scores.csv")" "0,$active" "every row names its account (name, owner, renewal_date, crm_id) as raw.customers does"
expect_equal "$(query "$DB" "SELECT count(*) FROM read_csv('$WORK/scores.csv', header = true, all_varchar = true) WHERE name IS NULL OR crm_id IS NULL")" 0 \
    "(and the generated accounts are all named)"
id=$(sed -n 2p "$WORK/stdout" | cut -d, -f1)
csv_probability=$(sed -n 2p "$WORK/stdout" | cut -d, -f7)
run "$TENURE" score --db "$DB" --models "$WORK/models" --customer "$id" --format json
expect_status 0 "score --customer"
cp "$WORK/stdout" "$WORK/json_one"
expect_equal "$(jq -r '.churn_probability * 1e6 | round' "$WORK/stdout")" "$(awk -v p="$csv_probability" 'BEGIN {printf "%d", p * 1e6 + 0.5}')" \
    "the same probability as CSV and JSON"
expect_equal "$(jq '.top_shap_features | length' "$WORK/stdout")" 5 "five SHAP drivers, as the API gives"
expect_equal "$(jq -r '.risk_tier' "$WORK/stdout")" \
    "$(jq -r '.tiers.churn_probability as $t | .churn_probability | if . >= $t.critical then "critical" elif . >= $t.high then "high" elif . >= $t.medium then "medium" else "low" end' "$WORK/stdout")" \
    "risk tier from the cut-offs the answer carries"
expect_equal "$(jq -r '.model_versions.churn' "$WORK/stdout")" "$(jq -r .version "$META")" "answers name the model version"
expect_equal "$(jq -r '[.quadrant, .recommended_action, .quadrant_action, (.upgrade.recommended_action // "")] | join("|")' "$WORK/stdout")" \
    "$(query "$DB" "SELECT quadrant || '|' || recommended_action || '|' || quadrant_action || '|' || coalesce(upgrade_recommended_action, '')
        FROM read_csv('$WORK/scores.csv', header = true, all_varchar = true) WHERE customer_id = '$id'")" \
    "CSV and JSON give the same quadrant and actions"
expect_equal "$(jq -r '.as_of' "$WORK/stdout")" "2026-03-14" "answers carry the as-of date"
expect_equal "$(jq -r '[.customer_id, .name, .owner, .renewal_date, .crm_id] | join(",")' "$WORK/stdout")" \
    "$(query "$DB" "SELECT customer_id, name, owner, renewal_date, crm_id FROM raw.customers WHERE customer_id = '$id'")" \
    "JSON: name, owner, renewal_date and crm_id as raw.customers holds them"
upgraded=$(query "$DB" "SELECT customer_id FROM marts.mart_customer_churn_features WHERE customer_id NOT IN
    (SELECT customer_id FROM marts.mart_customer_expansion_features) LIMIT 1")
run "$TENURE" score --db "$DB" --models "$WORK/models" --customer "$upgraded" --format json
expect_equal "$(jq -r '[.upgrade, .upgrade_unavailable] | map(tostring) | join(" | ")' "$WORK/stdout")" \
    "null | customer $upgraded already upgraded: the upgrade model scores customers who have not upgraded yet" \
    "upgraded customers have no propensity, and the answer says why"

churned=$(query "$DB" "SELECT customer_id, churn_date FROM raw.customers WHERE churn_date IS NOT NULL LIMIT 1")
run "$TENURE" score --db "$DB" --models "$WORK/models" --customer "${churned%%,*}"
expect_status 1 "a churned customer"
expect_contains stderr "churned on ${churned##*,}: only active customers are scored" "says when they churned"
run "$TENURE" score --db "$DB" --models "$WORK/models" --customer no-such-id
expect_status 1 "an unknown customer"
expect_contains stderr "--customer no-such-id: no such customer" "says so"
# the id is bound, not pasted into SQL: quotes in it are just part of an unknown id
run "$TENURE" score --db "$DB" --models "$WORK/models" --customer "x' OR '1'='1"
expect_status 1 "an id that looks like SQL"
expect_contains stderr "--customer x' OR '1'='1: no such customer" "is an unknown customer"
run "$TENURE" score --db "$DB" --models "$WORK/models"
expect_status 2 "neither --customer nor --all"

# ---- a company's own export: names with commas and quotes, accounts not named -------------
# The first active customer is called 'Acme, "Best" Corp' (quoted, as CSV wants); the
# second has no name, owner, renewal_date or crm_id. Scores quote the one and leave the
# other's fields empty (null in JSON).
"$TENURE" generate --quiet --customers 300 --seed 11 --csv "$WORK/own"
awk -F, 'BEGIN {OFS = ","} NR > 1 && $6 == "" && n < 2 {n++; if (n == 1) $8 = "\"Acme, \"\"Best\"\" Corp\""; else $8 = $9 = $10 = $11 = ""} {print}' \
    "$WORK/own/customers.csv" >"$WORK/own.csv"
mv "$WORK/own.csv" "$WORK/own/customers.csv"
"$TENURE" build --quiet --db "$WORK/own.duckdb" --raw "$WORK/own"
read -r quoted unnamed <<<"$(query "$WORK/own.duckdb" "SELECT max(customer_id) FILTER (name = 'Acme, \"Best\" Corp'),
    max(customer_id) FILTER (name IS NULL AND owner IS NULL AND renewal_date IS NULL AND crm_id IS NULL) FROM raw.customers" | tr ',' ' ')"
run "$TENURE" score --db "$WORK/own.duckdb" --models "$WORK/models" --all --out "$WORK/own_scores.csv"
expect_status 0 "score --all of an export with a quoted name and an unnamed account"
expect_equal "$(grep -c "^$quoted,\"Acme, \"\"Best\"\" Corp\"," "$WORK/own_scores.csv")" 1 "a name with a comma and quotes is quoted, quotes doubled"
expect_equal "$(grep -c "^$unnamed,,,,,[a-z]" "$WORK/own_scores.csv")" 1 "an unnamed account's four fields are empty"
expect_equal "$(account_mismatches "$WORK/own.duckdb" "$WORK/own_scores.csv")" \
    "0,$(query "$WORK/own.duckdb" "SELECT count(*) FROM marts.mart_customer_churn_features")" "the CSV reads back to raw.customers' accounts"
run "$TENURE" score --db "$WORK/own.duckdb" --models "$WORK/models" --customer "$unnamed" --format json
expect_equal "$(jq -c '[.name, .owner, .renewal_date, .crm_id]' "$WORK/stdout")" "[null,null,null,null]" "JSON: null where the data does not say"
run "$TENURE" score --db "$WORK/own.duckdb" --models "$WORK/models" --customer "$quoted" --format json
expect_equal "$(jq -r .name "$WORK/stdout")" 'Acme, "Best" Corp' "JSON: the name as it is"

# ---- tiers: read against each model's base rate -------------------------------------------
# The base rate is the label's rate over the test period, from the split's counts; the
# cut-offs 1, 2 and 4 times it. Every scored probability's tier follows them, and none at or
# above the base rate is low.
for model in churn expansion; do
    expect_equal "$(jq '.tiers as $t | .training.split.test as $s | ($t.base_rate - $s.positives / $s.rows | fabs) < 1e-12
        and ($t.cuts.medium - $t.base_rate | fabs) < 1e-12 and ($t.cuts.high - 2 * $t.base_rate | fabs) < 1e-12
        and ($t.cuts.critical - ([4 * $t.base_rate, 1] | min) | fabs) < 1e-12' "$WORK/models/$model.meta.json")" true \
        "$model: base rate = test positives / rows; cut-offs 1×, 2×, 4× it"
done
read -r CUT_M CUT_H CUT_C BASE <<<"$(jq -r '.tiers | "\(.cuts.medium) \(.cuts.high) \(.cuts.critical) \(.base_rate)"' "$META")"
expect_equal "$(query "$DB" "SELECT count(*) FROM read_csv('$WORK/scores.csv', header = true, all_varchar = true)
    WHERE churn_risk_tier != CASE WHEN churn_probability::DOUBLE >= $CUT_C THEN 'critical' WHEN churn_probability::DOUBLE >= $CUT_H THEN 'high'
                                  WHEN churn_probability::DOUBLE >= $CUT_M THEN 'medium' ELSE 'low' END
       OR (churn_probability::DOUBLE >= $BASE + 1e-6 AND churn_risk_tier = 'low')")" 0 \
    "every churn tier follows the cut-offs, and nothing above the base rate is low"
expect_equal "$(jq -c '.tiers.churn_probability | [.basis, (.medium * 1e6 | round), .multiples.critical]' "$WORK/json_one")" \
    "$(jq -c '.tiers | ["base_rate", (.cuts.medium * 1e6 | round), .multiples.critical]' "$META")" "the answers carry the cut-offs and what they are relative to"
expect_contains_file "$WORK/models/churn.card.md" "## Tiers" "the model card says how probabilities read as tiers"
run "$TENURE" train --db "$DB" --models "$WORK/tiers2" --tier-multiples 2,3,4
expect_status 2 "--tier-multiples with medium above 1"
expect_contains stderr "a medium above 1 would call customers above the base rate low" "says why"
run "$TENURE" train --db "$DB" --models "$WORK/tiers2" --tier-multiples 1,x,4
expect_status 2 "--tier-multiples that are not numbers"
cp -r "$WORK/models" "$WORK/tiers2"
run "$TENURE" train --quiet --db "$DB" --models "$WORK/tiers2" --tier-multiples 0.5,1.5,3 --export "$WORK/O'Brien's exports"
expect_status 0 "train --tier-multiples 0.5,1.5,3 (exporting into a directory with quotes in its name)"
expect_equal "$(ls "$WORK/O'Brien's exports" | tr '\n' ' ')" "churn_snapshots.csv expansion_snapshots.csv " \
    "the snapshots are written into a directory whose name has quotes"
expect_equal "$(jq -c '.tiers.multiples | [.medium, .high, .critical]' "$WORK/tiers2/churn.meta.json")" "[0.5,1.5,3]" "the metadata holds them"
expect_equal "$(test "$(readlink "$WORK/tiers2/current")" != "$(readlink "$WORK/models/current")" && echo new)" new \
    "the same training read with other tiers is a new model set"

# ---- missing and corrupt models ----------------------------------------------------------
run "$TENURE" score --db "$DB" --models "$WORK/nowhere" --all
expect_status 1 "no models"
expect_contains stderr "nowhere/churn.meta.json: no such file" "names the missing file"
cp -r "$WORK/models" "$WORK/broken"
echo '{"version": "x", "as_of": ' >"$WORK/broken/churn.meta.json"
run "$TENURE" score --db "$DB" --models "$WORK/broken" --all
expect_status 1 "corrupt metadata"
expect_contains stderr "broken/$(readlink "$WORK/broken/current")/churn.meta.json: not valid JSON" \
    "says the metadata is not JSON (in the current model set)"
cp "$WORK/models/churn.meta.json" "$WORK/broken/churn.meta.json"
head -c 5000 "$WORK/models/churn.json" >"$WORK/broken/churn.json"
run "$TENURE" score --db "$DB" --models "$WORK/broken" --all
expect_status 1 "a truncated model file"
expect_contains stderr "broken/$(readlink "$WORK/broken/current")/churn.json: not a readable XGBoost model" \
    "says the model file is unreadable"

# before.duckdb is built as of T = 2026-02-12: training as of T (not the data's last day)
# has the month starts up to 2025-11-01 (+ 90 days ≤ T), of which two close before the tests
run "$TENURE" train --db "$WORK/before.duckdb" --models "$WORK/tiny"
expect_status 1 "too little history to train"
expect_contains stderr "too little history: only 2 monthly snapshots close their label window" "says why"

finish
