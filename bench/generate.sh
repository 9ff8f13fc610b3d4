#!/usr/bin/env bash
# generate.sh — speed, memory and statistics of `tenure generate` (issue 3).
#   - the default company (5,000 customers) into DuckDB and as CSV: median wall
#     time of RUNS runs, events per second, peak RSS;
#   - 50,000 customers (~100M events) into DuckDB: wall time and peak RSS;
#   - every statistical target, measured by bench/sql/generate_targets.sql on
#     the default company (seed 42), beside the data dictionary's figure.
# Usage: bench/generate.sh path/to/tenure   (RUNS=3 by default)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
TENURE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
RUNS=${RUNS:-3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tenure-bench-generate.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

db_seconds=() csv_seconds=()
for run in $(seq "$RUNS"); do
    rm -f "$WORK"/default.duckdb*
    timed seconds kb "$TENURE" generate --quiet --db "$WORK/default.duckdb"
    db_seconds+=("$seconds"); db_kb=$kb
    rm -rf "$WORK/csv"
    timed seconds kb "$TENURE" generate --quiet --csv "$WORK/csv"
    csv_seconds+=("$seconds"); csv_kb=$kb
    echo "generate: run $run: db ${db_seconds[-1]} s, csv ${csv_seconds[-1]} s" >&2
done
events=$("$TENURE" sql --csv --db "$WORK/default.duckdb" "SELECT count(*) FROM raw.usage_events" | tail -n 1)
csv_bytes=$(du -sb "$WORK/csv" | cut -f1)
rm -rf "$WORK/csv"
db_median=$(median "${db_seconds[@]}")
csv_median=$(median "${csv_seconds[@]}")

rm -f "$WORK"/big.duckdb*
timed big_seconds big_kb "$TENURE" generate --quiet --customers 50000 --db "$WORK/big.duckdb"
big_events=$("$TENURE" sql --csv --db "$WORK/big.duckdb" "SELECT count(*) FROM raw.usage_events" | tail -n 1)
rm -f "$WORK"/big.duckdb*

TARGETS_SQL="$(dirname "$0")/sql/generate_targets.sql"
"$TENURE" sql --csv --db "$WORK/default.duckdb" - <"$TARGETS_SQL" >"$WORK/targets.csv"
value() { awk -F, -v m="$1" '$1 == m {printf "%.3f", $2}' "$WORK/targets.csv"; }

# The same measures over seeds 1-5: how much a correlation moves from one company to the next.
for seed in 1 2 3 4 5; do
    rm -f "$WORK"/seed.duckdb*
    "$TENURE" generate --quiet --seed "$seed" --db "$WORK/seed.duckdb"
    "$TENURE" sql --csv --db "$WORK/seed.duckdb" - <"$TARGETS_SQL" | tail -n +2 >>"$WORK/seeds.csv"
done
seed_range() { awk -F, -v m="$1" '$1 == m {if (n++ == 0 || $2 < lo) lo = $2; if (n == 1 || $2 > hi) hi = $2} END {printf "%.3f to %.3f", lo, hi}' "$WORK/seeds.csv"; }
# r with its t statistic; |t| > 3.29 means p < 0.001 (two-sided) at these sizes
correlation() {
    awk -F, -v m="$1" '$1 == m {r = $2} $1 == "correlation_n" {n = $2}
        END {t = r * sqrt((n - 2) / (1 - r * r)); printf "%.3f (t = %.1f, p %s 0.001)", r, t, (t > 3.29 || t < -3.29) ? "<" : "≥"}' "$WORK/targets.csv"
}

body="$WORK/section.md"
{
    echo "## tenure generate"
    echo
    echo "Release build; $(machine_line). Median of $RUNS runs."
    echo
    echo "| what | wall | events/s | peak RSS | target |"
    echo "|---|---|---|---|---|"
    awk -v s="$db_median" -v e="$events" -v kb="$db_kb" 'BEGIN {printf "| default company (%d events) into DuckDB | %.2f s | %.2fM | %.0f MB | ≤ 10 s |\n", e, s, e / s / 1e6, kb / 1024}'
    awk -v s="$csv_median" -v e="$events" -v kb="$csv_kb" -v b="$csv_bytes" 'BEGIN {printf "| default company as CSV (%.2f GB) | %.2f s | %.2fM | %.0f MB | ≤ 15 s |\n", b / 1e9, s, e / s / 1e6, kb / 1024}'
    awk -v s="$big_seconds" -v e="$big_events" -v kb="$big_kb" 'BEGIN {printf "| 50,000 customers (%d events) into DuckDB | %.1f s | %.2fM | %.0f MB | completes, streaming |\n", e, s, e / s / 1e6, kb / 1024}'
    echo
    echo "Commands: \`tenure generate --db F\`, \`tenure generate --csv DIR\`, \`tenure generate --customers 50000 --db F\` (\`bench/generate.sh\`)."
    echo
    echo "Statistics of the default company, measured on the raw tables by"
    echo "\`bench/sql/generate_targets.sql\` (seed 42 is the default; seeds 1–5 show the spread"
    echo "from one generated company to the next):"
    echo
    echo "| measure | measured (seed 42) | seeds 1–5 | required |"
    echo "|---|---|---|---|"
    echo "| usage events | $(value usage_events | cut -d. -f1) | $(seed_range usage_events | sed 's/\.000//g') | 8–12 million |"
    echo "| churn rate starter / growth / enterprise | $(value churn_rate_starter) / $(value churn_rate_growth) / $(value churn_rate_enterprise) | $(seed_range churn_rate_starter) / $(seed_range churn_rate_growth) / $(seed_range churn_rate_enterprise) | 0.35–0.50 / 0.15–0.25 / 0.04–0.10 |"
    echo "| upgraded share | $(value upgraded_share) | $(seed_range upgraded_share) | 0.08–0.15 |"
    echo "| r(events_last_30d, churned) | $(correlation r_events_last_30d) | $(seed_range r_events_last_30d) | −0.38 ± 0.05 |"
    echo "| r(avg_adoption_score, churned) | $(correlation r_avg_adoption_score) | $(seed_range r_avg_adoption_score) | −0.34 ± 0.05 |"
    echo "| r(retention_signal_count, churned) | $(correlation r_retention_signal_count) | $(seed_range r_retention_signal_count) | −0.32 ± 0.05 |"
    echo "| r(high_priority_tickets, churned) | $(correlation r_high_priority_tickets) | $(seed_range r_high_priority_tickets) | +0.27 ± 0.05 |"
    echo "| r(integration_connects_first_30d, churned) | $(correlation r_integration_connects_first_30d) | $(seed_range r_integration_connects_first_30d) | −0.24 ± 0.05 |"
    echo "| starter 90-day churn, bottom adoption quartile ÷ others | $(value starter_early_churn_ratio) | $(seed_range starter_early_churn_ratio) | ≥ 2 |"
    echo "| churners' events, last 30 days ÷ previous 30 (median) | $(value decline_median_ratio) | $(seed_range decline_median_ratio) | < 0.6 |"
    echo "| churners' high/critical tickets a day, last 60 days ÷ before | $(value high_priority_spike_ratio) | $(seed_range high_priority_spike_ratio) | ≥ 3 |"
    echo "| integration+onboarding share of tickets, churned / retained | $(value integration_onboarding_share_churned) / $(value integration_onboarding_share_retained) | – | churned > retained |"
    echo "| premium trials per 1,000 events, upgraded ÷ not | $(value premium_rate_ratio) | $(seed_range premium_rate_ratio) | 4–6 |"
    echo "| premium_feature_trials_30d Mann-Whitney z, upgraded vs not | $(value premium_30d_mannwhitney_z) | $(seed_range premium_30d_mannwhitney_z) | p < 0.05 (z > 1.96) |"
    echo "| compliance_gap_score mean, churned / active | $(value compliance_gap_mean_churned) / $(value compliance_gap_mean_active) | – | churned higher |"
    echo "| vendor_risk_flags mean, churned / active | $(value vendor_flags_mean_churned) / $(value vendor_flags_mean_active) | – | churned higher |"
} >"$body"
write_section generate "$body"
echo "generate: wrote the figures to BENCHMARKS.md" >&2
