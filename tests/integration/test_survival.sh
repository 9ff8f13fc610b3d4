#!/usr/bin/env bash
# test_survival.sh — each account's time to churn (issue 17): `tenure train`
# adds the survival model to the model set (survival.json, its card, and
# survival.trees.json when XGBoost's survival:cox is chosen); its out-of-time
# evaluation is recomputed from the exported snapshots by
# survival_check.py (rows, churns, Kaplan-Meier's integrated Brier score);
# the curves served in GET /customers/{id} and POST /predictions/churn are
# recomputed from the mart rows, survival.json and the trees by XGBoost's
# Python binding; `tenure score` prints the same figures; a set without a
# survival model (trained before there were any) scores with null, and a
# survival.json from another set is refused naming both.
source "$(dirname "$0")/lib.sh"
SERVER_PID=""
trap '[[ -n $SERVER_PID ]] && kill -KILL $SERVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT
CHECK="/usr/bin/python3 $(dirname "$0")/survival_check.py"

DB="$WORK/w.duckdb"
M="$WORK/models"
"$TENURE" generate --quiet --customers 800 --seed 17 --db "$DB"
"$TENURE" build --quiet --db "$DB"

# ---- training ---------------------------------------------------------------------------
run "$TENURE" train --db "$DB" --models "$M" --export "$WORK/export"
expect_status 0 "train"
expect_contains stderr "train: survival  " "train reports the survival model"
expect_contains stderr "Kaplan-Meier" "with its baseline"
ID=$(basename "$(readlink "$M/current")")
KIND=$(jq -r .kind "$M/survival.json")
expect_equal "$(jq -r .model_set "$M/survival.json") $(readlink "$M/survival.json")" "$ID current/survival.json" \
    "survival.json is in the set, read as models/survival.json"
if [[ $KIND == xgboost ]]; then
    expect_equal "$(readlink "$M/survival.trees.json")" "current/survival.trees.json" "the xgboost kind has its trees"
else
    expect_absent "$M/survival.trees.json" "the cox kind has no trees, and no link to them"
fi
expect_contains_file "$M/survival.card.md" "## Out-of-time evaluation" "the card has the evaluation"
expect_contains_file "$M/survival.card.md" "| Kaplan-Meier of the fitting rows (the baseline) |" "against Kaplan-Meier"
expect_contains_file "$M/survival.card.md" "## Agreement with the churn model at 90 days" "and the 90-day agreement"
expect_equal "$(jq '[.evaluation.candidates[].kind] | sort | join(",")' -r "$M/survival.json")" "cox,xgboost" \
    "both candidates were evaluated"
expect_equal "$(jq '.evaluation.horizon_days' "$M/survival.json")" "365" "over 365 days"
expect_equal "$(jq '[.baseline.cumulative_hazard | . as $h | range(1; length) | select($h[.] < $h[. - 1])] | length' "$M/survival.json")" "0" \
    "the baseline's cumulative hazard never falls"

"$TENURE" sql --csv --db "$DB" "SELECT customer_id, churn_date FROM staging.stg_customers" >"$WORK/customers.csv"
run $CHECK evaluation "$M/survival.json" "$WORK/export/churn_snapshots.csv" "$WORK/customers.csv"
expect_status 0 "the evaluation's rows and Kaplan-Meier's integrated Brier score, recomputed: $(grep -c '^ok' "$WORK/stdout") checks"
[[ $STATUS -ne 0 ]] && grep FAIL "$WORK/stdout" >&2

# ---- serving ----------------------------------------------------------------------------
"$TENURE" sql --csv --db "$DB" "SELECT * FROM marts.mart_customer_churn_features ORDER BY customer_id" >"$WORK/mart.csv"
mkdir -p "$WORK/answers"
start_server serve --db "$DB" --models "$M"
for _ in $(seq 1 300); do curl -sf "$BASE/ready" >/dev/null && break; sleep 0.1; done
IDS=$(awk -F, 'NR > 1 && NR % 40 == 2 {print $1}' "$WORK/mart.csv")
for id in $IDS; do
    api_call "/customers/{id}" GET "/customers/$id"
    cp "$WORK/body" "$WORK/answers/$id.json"
done
expect_equal "$(ls "$WORK/answers" | wc -l)" "$(echo "$IDS" | wc -w)" "one Customer 360 per sampled account"
run $CHECK serve "$M/survival.json" "$M/survival.trees.json" "$WORK/mart.csv" "$WORK/answers"
expect_status 0 "the served curves, recomputed from the mart rows and the model files: $(grep -c '^ok' "$WORK/stdout") checks"
[[ $STATUS -ne 0 ]] && grep FAIL "$WORK/stdout" >&2
FIRST=$(echo "$IDS" | head -1)
api_call "/predictions/churn" POST "/predictions/churn" -H 'Content-Type: application/json' -d "{\"customer_id\":\"$FIRST\"}"
expect_equal "$(jq -c .survival "$WORK/body")" "$(jq -c .churn.survival "$WORK/answers/$FIRST.json")" \
    "POST /predictions/churn has the same survival figures"
expect_equal "$(jq -r .model_versions.survival "$WORK/body")" "$(jq -r .version "$M/survival.json")" \
    "and names the survival model's version"
api_validate
stop_server TERM

run "$TENURE" score --quiet --db "$DB" --models "$M" --customer "$FIRST" --format json
expect_equal "$(jq -c .survival "$WORK/stdout")" "$(jq -c .churn.survival "$WORK/answers/$FIRST.json")" \
    "tenure score --customer prints the same figures"

# ---- a set without a survival model, and one from another set ----------------------------
cp -rL "$M/current" "$WORK/older"
rm "$WORK/older/survival."*
run "$TENURE" score --quiet --db "$DB" --models "$WORK/older" --customer "$FIRST" --format json
expect_equal "$STATUS $(jq -c '[.survival, .model_versions.survival]' "$WORK/stdout")" "0 [null,null]" \
    "a set without a survival model scores, with null survival"
cp -rL "$M/current" "$WORK/mixed"
jq '.model_set = "2020-01-01-000000000000"' "$M/survival.json" >"$WORK/mixed/survival.json"
run "$TENURE" score --quiet --db "$DB" --models "$WORK/mixed" --customer "$FIRST"
expect_status 1 "a survival.json of another set is refused"
expect_contains stderr "belongs to model set 2020-01-01-000000000000, not $ID" "naming both sets"
echo '{"version": "x"' >"$WORK/mixed/survival.json"
run "$TENURE" score --quiet --db "$DB" --models "$WORK/mixed" --customer "$FIRST"
expect_contains stderr "survival.json: " "an unreadable survival.json is named"

finish
