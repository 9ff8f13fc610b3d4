#!/usr/bin/env bash
# backtest.sh — `tenure backtest` (issue 13) on the default generated company:
# monthly from 2025-06-14 to 2025-12-14 (7 dates; target ≤ 3 minutes on a
# 2-core machine), and the backtest's own table of both models' quality at
# each date, and the quarter's forecast beside what happened (issue 17: the
# 80 % interval should hold on at least 80 % of the dates). Median of RUNS
# runs (default 3). Usage: bench/backtest.sh path/to/tenure
set -euo pipefail
source "$(dirname "$0")/lib.sh"
TENURE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
RUNS=${RUNS:-3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tenure-bench-backtest.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

"$TENURE" generate --quiet --db "$WORK/w.duckdb"
"$TENURE" build --quiet --db "$WORK/w.duckdb"
times=()
for run in $(seq "$RUNS"); do
    timed seconds kb "$TENURE" backtest --quiet --db "$WORK/w.duckdb" --from 2025-06-14 --to 2025-12-14 \
        --every 1m --out "$WORK/reports"
    times+=("$seconds")
    echo "backtest: run $run: $seconds s" >&2
done

row() { # MODEL → one table row per date
    jq -r --arg m "$1" '.dates[] | [.as_of, (.[$m].customers), (.[$m].outcomes),
        (.[$m].observed_rate * 100 | . * 10 | round / 10 | tostring + " %"),
        (.[$m].mean_predicted * 100 | . * 10 | round / 10 | tostring + " %"),
        (.[$m].auc * 1000 | round / 1000), (.[$m].brier * 10000 | round / 10000),
        (.[$m].top_decile.lift * 100 | round / 100), (.[$m].max_calibration_error * 1000 | round / 1000),
        (.[$m].arr.top_decile_share * 1000 | round / 10 | tostring + " %")] | "| " + join(" | ") + " |"' \
        "$WORK/reports/backtest.json"
}
header="| as of | scored | outcomes | observed rate | mean predicted | AUC | Brier | top-decile lift | worst decile error | outcome ARR in top decile |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
body="$WORK/section.md"
{
    echo "## tenure backtest"
    echo
    echo "Release build; $(machine_line). Default generated company, \`bench/backtest.sh build/tenure\`:"
    echo "\`tenure backtest --from 2025-06-14 --to 2025-12-14 --every 1m\` (7 dates; at each, both models"
    echo "trained on the data before it, the customers of that date scored, and the 90 days after as the"
    echo "outcome). Median of $RUNS runs."
    echo
    echo "| what | wall | peak RSS | target |"
    echo "|---|---|---|---|"
    awk -v s="$(median "${times[@]}")" -v kb="$kb" 'BEGIN {printf "| 7 monthly dates, both models | %.1f s | %.0f MB | ≤ 180 s |\n", s, kb / 1024}'
    echo
    echo "Churn model (customers active at each date; outcome: churned within 90 days):"
    echo
    echo "$header"
    row churn
    echo
    echo "Expansion model (active and not yet upgraded; outcome: upgraded within 90 days):"
    echo
    echo "$header"
    row expansion
    echo
    echo "The quarter's forecast from each date's churn probabilities (expected, 80 % interval) beside what happened:"
    echo
    echo "| as of | churned accounts | realized | in 80 % / 95 % | churned ARR | realized | in 80 % / 95 % |"
    echo "|---|---:|---:|---|---:|---:|---|"
    jq -r '.dates[] | .as_of as $d | .churn.forecast as $f
        | def yn(b): if b then "yes" else "no" end;
        def k(x): (x / 1000 | round | tostring) + "k";
        "| \($d) | \($f.churned_logos.expected * 10 | round / 10) (\($f.churned_logos.p80[0])–\($f.churned_logos.p80[1])) | \($f.realized.churned_logos)"
        + " | \(yn($f.within.churned_logos.p80)) / \(yn($f.within.churned_logos.p95))"
        + " | $\(k($f.churned_arr.expected)) ($\(k($f.churned_arr.p80[0]))–$\(k($f.churned_arr.p80[1]))) | $\(k($f.realized.churned_arr))"
        + " | \(yn($f.within.churned_arr.p80)) / \(yn($f.within.churned_arr.p95)) |"' "$WORK/reports/backtest.json"
    echo
    jq -r '.forecast_coverage | "Coverage over \(.dates) dates: churned accounts inside the 80 % interval on \(.churned_logos.p80.within), the 95 % on \(.churned_logos.p95.within); churned ARR inside the 80 % interval on \(.churned_arr.p80.within), the 95 % on \(.churned_arr.p95.within)."' \
        "$WORK/reports/backtest.json"
} >"$body"
write_section backtest "$body"
cat "$body"
