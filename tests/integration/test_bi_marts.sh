#!/usr/bin/env bash
# test_bi_marts.sh — the two marts for BI, marts.mart_customer_risk_scores (nine
# rule flags, a rule risk score, ARR at risk, the value of an intervention, two
# drivers) and marts.mart_propensity_quadrant (a proxy upgrade propensity from
# log-scaled norms, crossed with the rule risk score, cut at 0.50): every value
# of a hand-made fixture worked out by hand, a generated company recomputed row
# for row from its raw tables by bi_marts_figures.py (Python, not the models'
# SQL), at the data's as-of date and an earlier one, the invariants,
# and the `tenure check` contracts that guard them.
source "$(dirname "$0")/lib.sh"
SOURCE_DIR=${TN_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
FIGURES="$SOURCE_DIR/tests/integration/bi_marts_figures.py"

RISK_COLUMNS="customer_id, plan_tier, arr, flag_few_events_last_30d, flag_no_events_last_7d, flag_low_adoption,
    flag_inactive_over_14_days, flag_support_overload, flag_ticket_surge, flag_early_stage_low_usage,
    flag_low_onboarding, flag_no_retention_signals, rule_risk_score, arr_at_risk, intervention_value_10pct,
    driver_1, driver_2"

# compare DB EXPORT AS_OF DATA_AS_OF NAME — the two marts of DB against bi_marts_figures.py's
# recomputation from the CSV files in EXPORT.
compare() {
    local db=$1 export=$2 as_of=$3 data_as_of=$4 name=$5
    "$TENURE" sql --csv --db "$db" "SELECT * FROM marts.mart_customer_risk_scores" >"$WORK/risk.csv"
    "$TENURE" sql --csv --db "$db" "SELECT * FROM marts.mart_propensity_quadrant" >"$WORK/quadrant.csv"
    run /usr/bin/python3 "$FIGURES" "$export" "$as_of" "$data_as_of" "$WORK/risk.csv" "$WORK/quadrant.csv"
    expect_status 0 "$name: both marts equal the Python recomputation from the raw CSV files"
    grep -v '^at the propensity' "$WORK/stdout" | head -5 >&2
    expect_equal "$(grep -c 'rows, [0-9]* columns, \([0-9]*\) of \1 values equal' "$WORK/stdout")" 2 \
        "$name: every value of both marts compared ($(grep -o '[0-9]* rows' "$WORK/stdout" | head -1))"
}

# ---- the hand-made fixture, and a few rows more ----------------------------------
# tests/fixtures/marts (its working is in test_build.sh) plus, so that every quadrant
# and both cut-offs are met exactly:
#   c3 gets three feature-request tickets in its 13 days and an open expansion deal;
#   c8 (growth, MRR 6,500, signed up 2025-09-01: tenure 194) has ten premium-feature
#   trials from 02-20 to 03-01 (in the last 30 days, not the last 7) and a report
#   view on 03-10.
FIXTURE="$WORK/fixture"
cp -r "$SOURCE_DIR/tests/fixtures/marts" "$FIXTURE"
echo "c8,SaaS,growth,2025-09-01,6500.00,,,,,," >>"$FIXTURE/customers.csv"
for d in 20 21 22 23 24 25 26 27 28; do
    echo "e$d,c8,2026-02-$d 09:00:00,premium_feature_trial,0.5000" >>"$FIXTURE/usage_events.csv"
done
echo "e29,c8,2026-03-01 09:00:00,premium_feature_trial,0.5000
e30,c8,2026-03-10 09:00:00,report_view,0.5000" >>"$FIXTURE/usage_events.csv"
echo "t9,c3,2026-03-02,low,2,feature_request
t10,c3,2026-03-05,low,2,feature_request
t11,c3,2026-03-10,low,2,feature_request" >>"$FIXTURE/support_tickets.csv"
echo "o5,c3,proposal,2026-06-30,20000.00,A. Okafor,expansion" >>"$FIXTURE/gtm_opportunities.csv"
DB="$WORK/fixture.duckdb"
run "$TENURE" build --db "$DB" --raw "$FIXTURE"
expect_status 0 "build --raw of the fixture"

# The flags, from the churn mart's values (test_build.sh works them out):
# c1: 3 events in 30 days (few), 2 high-priority tickets (overload), 2 integrations in
#     its first 30 days at 72 days (low onboarding): 0.10 + .18 + .12 + .10 = 0.50;
#     ARR 15,000, at risk 7,500, a tenth 750.
# c3: no events at 13 days: few, none in 7 days, early stage at risk, low onboarding, no
#     retention signals; adoption unknown (no low-adoption flag); 13 days since the
#     last event is not over 14; 3 tickets no surge: 0.10 + .18 + .20 + .15 + .10 + .10
#     = 0.83 of 600,000.
# c4: 1 event, none in 7 days, no retention signals, 428 days old: 0.58 of 96,000.
# c5: 1 event, none in 7 days, 30 days since its last (inactive), early stage at risk,
#     no integrations, no retention signals: 0.95 of 24,000.
# c7: 1 event in 30 days: 0.28 of 36,000; one flag, so no driver_2.
# c8: 11 events, 1 in 7 days, 4 days since the last, a retention signal: no flag,
#     0.10 of 78,000, no driver.
expect_equal "$(query "$DB" "SELECT $RISK_COLUMNS FROM marts.mart_customer_risk_scores ORDER BY customer_id")" \
"c1,starter,15000.00,true,false,false,false,true,false,false,true,false,0.50,7500.00,750.00,few events,support overload
c3,enterprise,600000.00,true,true,false,false,false,false,true,true,true,0.83,498000.00,49800.00,few events,none in 7 days
c4,growth,96000.00,true,true,false,false,false,false,false,false,true,0.58,55680.00,5568.00,few events,none in 7 days
c5,starter,24000.00,true,true,false,true,false,false,true,true,true,0.95,22800.00,2280.00,few events,none in 7 days
c7,growth,36000.00,true,false,false,false,false,false,false,false,false,0.28,10080.00,1008.00,few events,
c8,growth,78000.00,false,false,false,false,false,false,false,false,false,0.10,7800.00,780.00,," \
    "mart_customer_risk_scores on the fixture"

# The proxy: (.30·trial_norm + .15·request_norm + .20·open_opp + .10·tier_pct) / .75,
# rounded to 6 decimals; trial_norm = min(1, ln(1+n)/ln 11), request_norm = min(1, ln(1+n)/ln 4).
# c1: open deal o1, MRR 1,250 half-way up the starter band: (.20 + .05)/.75 = 1/3; churn
#     axis exactly 0.50 is high → Retention Priority; uplift 15,000 · 2 · 0.333333.
# c3: 3 requests (norm 1), deal o5, MRR at the enterprise ceiling: .45/.75 = 0.6, churn
#     0.83 → Flight Risk; uplift to custom 600,000 · 0.2 · 0.6.
# c4: upgraded, no candidate: no propensity, churn 0.58 → Retention Priority.
# c5: 1 trial (ln 2/ln 11 = 0.289065), 2 requests (ln 3/ln 4 = 0.792481), MRR at the
#     ceiling: 0.407456, churn 0.95 → Retention Priority.
# c7: MRR 3,000 in the growth band (1/6): 0.022222 → Stable Base.
# c8: 10 trials (norm 1), MRR 6,500 three quarters up the growth band: (.30 + .075)/.75
#     = 0.5 exactly, which is high → Growth Engine; uplift 78,000 · 4 · 0.5.
expect_equal "$(query "$DB" "SELECT customer_id, plan_tier, arr, is_expansion_candidate, premium_feature_trials_30d,
    round(premium_trial_norm, 6), usage_limit_norm, feature_request_tickets_90d, round(feature_request_norm, 6),
    has_open_expansion_opp, round(mrr_tier_ceiling_pct, 6), upgrade_propensity_proxy, churn_axis_score,
    is_high_churn_risk, is_high_propensity, quadrant, next_tier, proxy_expected_arr_uplift
    FROM marts.mart_propensity_quadrant ORDER BY customer_id")" \
"c1,starter,15000.00,true,0,0,,0,0,true,0.5,0.333333,0.50,true,false,Retention Priority,growth,9999.99
c3,enterprise,600000.00,true,0,0,,3,1,true,1,0.6,0.83,true,true,Flight Risk,custom,72000.00
c4,growth,96000.00,false,,,,,,,,,0.58,true,false,Retention Priority,,
c5,starter,24000.00,true,1,0.289065,,2,0.792481,false,1,0.407456,0.95,true,false,Retention Priority,growth,19557.89
c7,growth,36000.00,true,0,0,,0,0,false,0.166667,0.022222,0.28,false,false,Stable Base,enterprise,3199.97
c8,growth,78000.00,true,10,1,,0,0,false,0.75,0.5,0.10,false,true,Growth Engine,enterprise,156000.00" \
    "mart_propensity_quadrant on the fixture: every quadrant, both cut-offs met exactly"
compare "$DB" "$FIXTURE" 2026-03-14 2026-03-14 "the fixture"

# ---- a generated company, recomputed from its raw tables ------------------------------
# The raw tables copied out as CSV files by DuckDB itself, for the Python to read.
GEN="$WORK/generated.duckdb"
"$TENURE" generate --quiet --customers 200 --seed 23 --db "$GEN"
run "$TENURE" build --db "$GEN"
expect_status 0 "build of a generated company"
mkdir "$WORK/raw"
for table in customers usage_events gtm_opportunities support_tickets; do
    query_attached "$GEN" "COPY (SELECT * FROM raw.$table) TO '$WORK/raw/$table.csv' (HEADER)" >/dev/null
done
DATA_AS_OF=$(query "$GEN" "SELECT data_as_of FROM marts.build_info")
compare "$GEN" "$WORK/raw" "$DATA_AS_OF" "$DATA_AS_OF" "as of the data's date"

# the invariants, on every row
expect_equal "$(query "$GEN" "SELECT count(*) FILTER (NOT rule_risk_score BETWEEN 0 AND 1 OR arr_at_risk > arr OR arr_at_risk < 0
        OR abs(intervention_value_10pct - 0.10 * arr_at_risk) > 0.01 OR (driver_1 IS NULL AND driver_2 IS NOT NULL)),
    count(*) = (SELECT count(*) FROM marts.mart_customer_churn_features) FROM marts.mart_customer_risk_scores")" "0,true" \
    "risk scores in [0, 1], ARR at risk within ARR, intervention a tenth of it, one row per active customer"
expect_equal "$(query "$GEN" "SELECT count(*) FILTER (quadrant <> CASE WHEN churn_axis_score >= 0.50 AND upgrade_propensity_proxy >= 0.50 THEN 'Flight Risk'
        WHEN churn_axis_score >= 0.50 THEN 'Retention Priority' WHEN upgrade_propensity_proxy >= 0.50 THEN 'Growth Engine' ELSE 'Stable Base' END
        OR NOT upgrade_propensity_proxy BETWEEN 0 AND 1 OR NOT premium_trial_norm BETWEEN 0 AND 1 OR NOT feature_request_norm BETWEEN 0 AND 1),
    count(*) FILTER (upgrade_propensity_proxy IS NULL) = count(*) FILTER (NOT is_expansion_candidate),
    count(*) = (SELECT count(*) FROM marts.mart_customer_churn_features) FROM marts.mart_propensity_quadrant")" "0,true,true" \
    "quadrants follow the 0.50 cut-offs, norms and proxy in [0, 1], no proxy exactly for the upgraded"
# the comparisons are not vacuous: each flag is both set and unset somewhere (the fixture has
# every quadrant)
flags_seen=$(query_attached "$GEN" "ATTACH '$DB' AS fixture (READ_ONLY);
    WITH r AS (SELECT * FROM marts.mart_customer_risk_scores UNION ALL SELECT * FROM fixture.marts.mart_customer_risk_scores)
    SELECT count(DISTINCT flag_few_events_last_30d) + count(DISTINCT flag_no_events_last_7d) + count(DISTINCT flag_low_adoption)
         + count(DISTINCT flag_inactive_over_14_days) + count(DISTINCT flag_support_overload) + count(DISTINCT flag_ticket_surge)
         + count(DISTINCT flag_early_stage_low_usage) + count(DISTINCT flag_low_onboarding) + count(DISTINCT flag_no_retention_signals)
         || ' ' || (count(driver_2) > 0) FROM r")
expect_equal "$flags_seen" "18 true" "every flag true and false somewhere; accounts with two drivers"

# An earlier as-of date: every window moves with it, and the open pipeline (known only as of
# the data's own date) is empty.
run "$TENURE" build --db "$GEN" --as-of 2025-12-01
expect_status 0 "build --as-of 2025-12-01"
compare "$GEN" "$WORK/raw" 2025-12-01 "$DATA_AS_OF" "as of 2025-12-01"
expect_equal "$(query "$GEN" "SELECT count(*) FILTER (has_open_expansion_opp) FROM marts.mart_propensity_quadrant")" 0 \
    "no open deal is known before the data's date"

# ---- the contracts ---------------------------------------------------------------------
run "$TENURE" check --db "$GEN"
expect_status 0 "tenure check passes"
for contract in risk_scores_mart_is_active_customers risk_scores_mart_consistent \
                propensity_quadrant_mart_is_active_customers propensity_quadrant_mart_consistent; do
    expect_contains stdout "PASS  $contract" "$contract passes"
done
# break the marts by hand: each contract names the customer and what is wrong
BROKEN=$(query "$GEN" "SELECT customer_id FROM marts.mart_propensity_quadrant WHERE quadrant = 'Stable Base' ORDER BY customer_id LIMIT 1")
"$TN_DUCKDB_EXEC" "$GEN" "UPDATE marts.mart_customer_risk_scores SET intervention_value_10pct = arr_at_risk WHERE customer_id = '$BROKEN';
    UPDATE marts.mart_propensity_quadrant SET quadrant = 'Growth Engine' WHERE customer_id = '$BROKEN';
    DELETE FROM marts.mart_customer_risk_scores WHERE customer_id = (SELECT max(customer_id) FROM marts.mart_customer_risk_scores)" >/dev/null
run "$TENURE" check --db "$GEN"
expect_status 1 "check fails on broken marts"
expect_contains stdout "FAIL  risk_scores_mart_consistent: 1 row, e.g. $BROKEN: intervention_value_10pct" \
    "an intervention value that is not a tenth of the ARR at risk"
expect_contains stdout "FAIL  propensity_quadrant_mart_consistent: 2 rows, e.g." "a quadrant the cuts do not name"
expect_contains stdout "$BROKEN: quadrant Growth Engine does not follow from the two cuts" "names the customer and the quadrant"
expect_contains stdout "FAIL  risk_scores_mart_is_active_customers: 1 row" "a missing customer"

finish
