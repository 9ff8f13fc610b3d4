#!/usr/bin/env bash
# test_analyze.sh — `tenure analyze` end to end: the documented keys of
# analysis.json (docs/analysis-json.md), no NaN, the Markdown report, numbers
# that agree with DuckDB computing them independently, the Cox model's
# proportional-hazards check consistent with itself and with SciPy's chi-square
# tail, and the degenerate cases (no marts, no customers, a singular Cox design)
# still writing the rest.
source "$(dirname "$0")/lib.sh"
SOURCE_DIR=${TN_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
DB="$WORK/w.duckdb"
"$TENURE" generate --quiet --customers 1500 --seed 21 --db "$DB"

run "$TENURE" analyze --db "$DB" --out "$WORK/reports"
expect_status 1 "analyze before build"
expect_contains stderr "has no marts yet: run 'tenure build' first" "says what is missing"

"$TENURE" build --quiet --db "$DB"
run "$TENURE" analyze --db "$DB" --out "$WORK/reports"
expect_status 0 "analyze a built warehouse"
expect_contains stderr "analyze: 1500 customers, 9 sections" "reports what it did"
JSON="$WORK/reports/analysis.json"
CHECKS=$((CHECKS + 1))
if jq -e . "$JSON" >/dev/null; then pass "analysis.json is valid JSON (jq rejects NaN)"; else fail "analysis.json does not parse"; fi
expect_equal "$(grep -ci 'nan\|infinity' "$JSON")" 0 "no NaN or Infinity anywhere"

for path in .as_of .generated_by .schema_version .population.customers .population.churn_rate \
            '.population.by_plan_tier[0].churn_rate' '.correlations.features[0].r' '.correlations.features[0].p' \
            '.correlations.features[0].published_r' .kaplan_meier.report_days \
            '.kaplan_meier.by_plan_tier.groups[0].median' '.kaplan_meier.by_plan_tier.groups[0].survival_at[0].survival' \
            '.kaplan_meier.by_plan_tier.groups[0].curve.day' '.kaplan_meier.by_plan_tier.groups[0].curve.lower' \
            .kaplan_meier.by_plan_tier.logrank.chisq .kaplan_meier.by_plan_tier.logrank_starter_vs_enterprise.p \
            .kaplan_meier.by_industry.logrank.p '.kaplan_meier.by_integration_bucket.groups[3].group' \
            '.cox.covariates[0].hazard_ratio' '.cox.covariates[2].scaling.sd' .cox.concordance \
            .cox.likelihood_ratio_test.chisq .cox.loglik .integration_gate.churn_rate_ratio \
            .cox.proportional_hazards.global.chisq '.cox.proportional_hazards.terms[0].p' \
            .cox.proportional_hazards.verdict \
            .integration_gate.logrank_below_3_vs_at_least_3.p .integration_gate.chi_square_buckets_by_churn.p \
            '.early_dropout.by_plan_tier[0].rate' '.cohort_retention.cohorts[0].retention' .hazard.smoothed \
            .hazard.peak.day .upgrade_signal.mann_whitney.p_two_sided .upgrade_signal.upgraded.mean; do
    CHECKS=$((CHECKS + 1))
    if jq -e "$path | . != null" "$JSON" >/dev/null; then pass "key $path"; else fail "key $path missing or null"; fi
done
expect_contains "reports/analysis.md" "## Survival (Kaplan-Meier)" "analysis.md has the survival section"
expect_contains "reports/analysis.md" "| events_last_30d | 1500 |" "analysis.md has the correlation table"

# Independent checks: DuckDB's own corr() and counts on the same mart.
duck_r=$(query "$DB" "SELECT round(corr(events_last_30d, event), 9) FROM marts.customer_survival")
our_r=$(jq -r '.correlations.features[] | select(.feature == "events_last_30d") | .r * 1e9 | round / 1e9' "$JSON")
expect_equal "$(awk -v a="$our_r" -v b="$duck_r" 'BEGIN {d = a - b; print (d < 1e-8 && d > -1e-8) ? "same" : a " vs " b}')" same \
    "point-biserial r = DuckDB's corr()"
expect_equal "$(jq '.population.churned' "$JSON")" "$(query "$DB" "SELECT sum(event) FROM marts.customer_survival")" \
    "churned count = the mart's"
expect_equal "$(jq '[.kaplan_meier.by_plan_tier.groups[].customers] | add' "$JSON")" 1500 "the tier groups cover everyone"
# S(30) by hand for starter: everyone churned by day 30 over everyone at risk, as a product over event days
s30=$(query "$DB" "WITH s AS (SELECT duration_days AS t, event FROM marts.customer_survival WHERE plan_tier = 'starter'),
    days AS (SELECT t, sum(event) AS d, (SELECT count(*) FROM s AS o WHERE o.t >= s.t) AS n FROM s WHERE event = 1 AND t <= 30 GROUP BY t)
    SELECT round(exp(sum(ln(1 - d / n))), 9) FROM days")
expect_equal "$(jq '.kaplan_meier.by_plan_tier.groups[0].survival_at[0].survival * 1e9 | round / 1e9' "$JSON")" "$s30" \
    "starter S(30) = the product-limit computed in SQL"

# The proportional-hazards check: its numbers are R's cox.zph's in tests/unit/test_survival.c;
# here its shape, and each p against SciPy's chi-square tail (python3-scipy comes with
# bootstrap.sh's python3-sklearn).
expect_equal "$(jq -r '.cox.proportional_hazards.terms | map("\(.term):\(.df)") | join(" ")' "$JSON")" \
    "plan_tier:2 events_last_30d:1 avg_adoption_score:1 retention_signal_count:1 high_priority_tickets:1 integration_connects_first_30d:1" \
    "proportional_hazards: one term per covariate, the plan tier's two indicators together"
expect_equal "$(/usr/bin/python3 "$SOURCE_DIR/tests/integration/ph_consistency.py" "$JSON")" consistent \
    "proportional_hazards: global df = the 7 covariates, p = the chi-square tail, verdict and failing terms follow"
expect_contains "reports/analysis.md" "| global | " "analysis.md has the proportional-hazards table"
if jq -e '.cox.proportional_hazards.violated' "$JSON" >/dev/null; then
    expect_contains "reports/analysis.md" "**What this means for the hazard ratios.**" \
        "a failed check says what it means for the hazard ratios"
else
    expect_equal "$(grep -c 'What this means for the hazard ratios' "$WORK/reports/analysis.md")" 0 \
        "a check that passes adds no warning"
fi

# ---- degenerate populations: the rest of the report is still written ----------
run "$TENURE" build --db "$DB" --as-of 2020-01-01
expect_status 0 "a build as of a date before every signup"
run "$TENURE" analyze --db "$DB" --out "$WORK/empty"
expect_status 0 "analyze an empty population still writes a report"
expect_contains stderr "warning: analyze: analysis.kaplan_meier: not computable: no customers" "says which section and why"
expect_equal "$(jq -r '.cox.computable, .cox.reason' "$WORK/empty/analysis.json" | tr '\n' ' ')" "false no customer has every covariate " \
    "Cox marked not computable with its reason"
expect_equal "$(jq '.population.customers' "$WORK/empty/analysis.json")" 0 "the population section is still there"
expect_contains "empty/analysis.md" "_Not computable: no customers._" "analysis.md marks it too"

ONE_TIER="$WORK/one_tier"
cp -r "$SOURCE_DIR/tests/fixtures/marts" "$ONE_TIER"
sed -i 's/,growth,/,starter,/; s/,enterprise,/,starter,/' "$ONE_TIER/customers.csv"
sed -i 's/,growth,/,starter,/g; s/,enterprise,/,starter,/g' "$ONE_TIER/customers.csv"
"$TENURE" build --quiet --db "$WORK/one_tier.duckdb" --raw "$ONE_TIER"
run "$TENURE" analyze --db "$WORK/one_tier.duckdb" --out "$WORK/one_tier_report"
expect_status 0 "analyze with a single plan tier"
expect_contains stderr "analysis.cox: not computable: singular design: covariate 'plan_tier: growth' is constant" \
    "a singular Cox design names the covariate"
expect_equal "$(jq -r '.kaplan_meier.by_plan_tier.logrank.reason' "$WORK/one_tier_report/analysis.json")" \
    "only 1 group has subjects: nothing to compare" "the log-rank test says why not"
expect_equal "$(jq '.kaplan_meier.by_plan_tier.groups[0].customers' "$WORK/one_tier_report/analysis.json")" 6 \
    "the curves are still computed"

run "$TENURE" analyze --db "$DB" --out "$WORK/missing/parent/reports"
expect_status 1 "an --out whose parent is missing"
expect_contains stderr "--out $WORK/missing/parent/reports: cannot create the directory" "names the directory"

finish
