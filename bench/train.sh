#!/usr/bin/env bash
# train.sh — `tenure train` and `tenure score` (issue 6) on the default
# generated company: training time of the models (target ≤ 60 s), their
# out-of-time quality beside the targets, the survival model's out-of-time
# evaluation against Kaplan-Meier and its share of the training time
# (issue 17), and `score --all` throughput with SHAP drivers (target ≥ 20,000
# customers/s), also on 50,000 customers.
# Median of RUNS runs (default 3). Usage: bench/train.sh path/to/tenure
set -euo pipefail
source "$(dirname "$0")/lib.sh"
TENURE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
RUNS=${RUNS:-3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tenure-bench-train.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

"$TENURE" generate --quiet --db "$WORK/w.duckdb"
"$TENURE" build --quiet --db "$WORK/w.duckdb"
train_times=() score_times=() survival_times=()
for run in $(seq "$RUNS"); do
    rm -rf "$WORK/models"
    timed seconds train_kb bash -c '"$0" train --db "$1" --models "$2" 2>"$3"' \
        "$TENURE" "$WORK/w.duckdb" "$WORK/models" "$WORK/train.log"
    train_times+=("$seconds")
    survival_times+=("$(grep -o '; [0-9.]* s -> ' "$WORK/train.log" | tail -1 | awk '{print $2}')")
    timed seconds score_kb "$TENURE" score --quiet --db "$WORK/w.duckdb" --models "$WORK/models" --all --out "$WORK/scores.csv"
    score_times+=("$seconds")
done
scored=$(($(wc -l <"$WORK/scores.csv") - 1))

"$TENURE" generate --quiet --customers 50000 --db "$WORK/big.duckdb"
"$TENURE" build --quiet --db "$WORK/big.duckdb"
big_times=()
for run in $(seq "$RUNS"); do
    timed seconds big_kb "$TENURE" score --quiet --db "$WORK/big.duckdb" --models "$WORK/models" --all --out "$WORK/big.csv"
    big_times+=("$seconds")
done
big_scored=$(($(wc -l <"$WORK/big.csv") - 1))
rm -f "$WORK"/big.duckdb*

meta() { jq -r "$2" "$WORK/models/$1.meta.json"; }
body="$WORK/section.md"
{
    echo "## tenure train and tenure score"
    echo
    echo "Release build; $(machine_line). Default generated company (seed 42). Median of $RUNS runs."
    echo
    echo "| what | wall | peak RSS | target |"
    echo "|---|---|---|---|"
    awk -v s="$(median "${train_times[@]}")" -v kb="$train_kb" -v n="$(meta churn '.training.snapshots | length')" \
        'BEGIN {printf "| both models: %d monthly snapshots, XGBoost, calibration, SHAP, files | %.1f s | %.0f MB | ≤ 60 s |\n", n, s, kb / 1024}'
    awk -v s="$(median "${score_times[@]}")" -v n="$scored" -v kb="$score_kb" \
        'BEGIN {printf "| `score --all`, %d active customers, both models with SHAP drivers | %.2f s (%.0f customers/s) | %.0f MB | ≥ 20,000 customers/s |\n", n, s, n / s, kb / 1024}'
    awk -v s="$(median "${big_times[@]}")" -v n="$big_scored" -v kb="$big_kb" \
        'BEGIN {printf "| `score --all`, 50,000-customer company (%d active) | %.2f s (%.0f customers/s) | %.0f MB | ≥ 20,000 customers/s |\n", n, s, n / s, kb / 1024}'
    echo
    echo "Out-of-time test set (the last six monthly snapshots), calibrated probabilities:"
    echo
    echo "| model | test rows (positives) | AUC | top-decile lift | Brier | worst decile calibration error | strongest signal (mean abs SHAP) | targets |"
    echo "|---|---|---|---|---|---|---|---|"
    for model in churn expansion; do
        target=$([[ $model == churn ]] && echo "AUC ≥ 0.80, lift ≥ 4, calibration error ≤ 0.05" || echo "AUC ≥ 0.80, premium_feature_trials_30d strongest")
        echo "| $model | $(meta $model '.metrics.test.rows') ($(meta $model '.metrics.test.positives')) | $(meta $model '.metrics.test.auc * 1000 | round / 1000') | $(meta $model '.metrics.test.top_decile.lift * 100 | round / 100') | $(meta $model '.metrics.test.brier * 10000 | round / 10000') | $(meta $model '.metrics.test.max_calibration_error * 1000 | round / 1000') | $(meta $model '.shap.mean_abs[0].feature') ($(meta $model '.shap.mean_abs[0].mean_abs_shap * 1000 | round / 1000')) | $target |"
    done
    echo
    survival() { jq -r "$1" "$WORK/models/survival.json"; }
    echo "The survival model (\`models/survival.card.md\`): fitted on the snapshots before the landmark $(survival .evaluation.landmark) with their churn censored there ($(survival .evaluation.fit.rows) rows, $(survival .evaluation.fit.events) churns), tested on the $(survival .evaluation.test.rows) customers active then, followed $(survival .evaluation.horizon_days) days ($(survival .evaluation.test.events) churns). Lower integrated Brier is better; C is Harrell's, truncated. Its fitting, evaluation and refit took $(median "${survival_times[@]}") s of the training (median)."
    echo
    echo "| model | integrated Brier, 0–$(survival .evaluation.horizon_days) days | C up to $(survival .evaluation.horizon_days) days | C up to 90 days | chosen |"
    echo "|---|---|---|---|---|"
    echo "| Kaplan-Meier of the fitting rows (the baseline) | $(survival '.evaluation.kaplan_meier.integrated_brier * 10000 | round / 10000') | 0.5 | 0.5 | |"
    for kind in cox xgboost; do
        echo "| $kind | $(survival ".evaluation.candidates[] | select(.kind == \"$kind\") | .integrated_brier * 10000 | round / 10000") | $(survival ".evaluation.candidates[] | select(.kind == \"$kind\") | .concordance * 1000 | round / 1000") | $(survival ".evaluation.candidates[] | select(.kind == \"$kind\") | .concordance_90d * 1000 | round / 1000") | $([[ $(survival .kind) == "$kind" ]] && echo yes) |"
    done
    echo
    echo "Against the churn model at 90 days, on its test set: the worst decile of 1 − S(90) differs from the churn model's calibrated probability by $(survival '.agreement_90d.worst_decile_difference * 1000 | round / 1000') (tolerance $(survival .agreement_90d.tolerance): $(survival 'if .agreement_90d.agrees then "they agree" else "they do not agree" end'))."
    echo
    echo "Commands: \`tenure train --db F --models DIR\`, \`tenure score --db F --models DIR --all --out FILE\` (\`bench/train.sh\`). The model cards (\`models/*.card.md\`) have the calibration tables."
} >"$body"
write_section train "$body"
echo "train: wrote the figures to BENCHMARKS.md" >&2
