#!/usr/bin/env bash
# calibration.sh — issue 15's figures on the default generated company (5,000
# customers, seed 42): does calibration keep the trees' ranking? For both
# models, on the out-of-time test set, the AUC of the trees' margin and of the
# calibrated probabilities (within 0.002), the distinct calibrated values
# against the distinct margins (at least 90 %), the worst decile's
# calibration error (at most 0.05); and on the customers `score --all`
# scores, the distinct probabilities and the most customers sharing one.
#
# Every figure is recomputed from the model files alone by
# tests/integration/calibration_figures.py (the trees walked in Python, the
# stored map applied in NumPy, AUC by scikit-learn), so builds that write
# different metadata compare alike. Needs /usr/bin/python3 with NumPy and
# scikit-learn (Debian's python3-numpy, python3-sklearn).
#
# Usage: bench/calibration.sh path/to/tenure [path/to/tenure-before]
# With a second binary (say, main's before a change), its figures come first
# in the table, labelled $BEFORE_LABEL (default "before"; the other build's
# rows are "after", or "this build" when alone).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
absolute() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
TENURE=$(absolute "$1")
BEFORE=${2:+$(absolute "$2")}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tenure-bench-calibration.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

"$TENURE" generate --quiet --db "$WORK/w.duckdb"
"$TENURE" build --quiet --db "$WORK/w.duckdb"

measure() { # KEY LABEL BINARY → $WORK/KEY/<model>.figures.json, and table rows in $WORK/rows.md
    local label=$2 binary=$3 dir="$WORK/$1"
    mkdir -p "$dir"
    "$binary" train --quiet --db "$WORK/w.duckdb" --models "$dir/models" --export "$dir/snapshots"
    "$binary" score --quiet --db "$WORK/w.duckdb" --models "$dir/models" --all --format json --out "$dir/scores.json"
    local model mart field
    # where `score --format json` puts each probability (older builds: churn.probability, upgrade.propensity)
    for entry in churn:mart_customer_churn_features:churn_probability,churn.probability \
        expansion:mart_customer_expansion_features:upgrade.upgrade_propensity,upgrade.propensity; do
        IFS=: read -r model mart field <<<"$entry"
        "$binary" sql --csv --db "$WORK/w.duckdb" "SELECT customer_id, $(jq -r '.encoding.features | map(.name) | join(", ")' \
            "$dir/models/$model.meta.json") FROM marts.$mart" >"$dir/$model.rows.csv"
        /usr/bin/python3 "$BENCH_ROOT/tests/integration/calibration_figures.py" "$dir/models" "$model" \
            "$dir/snapshots/${model}_snapshots.csv" "$dir/$model.rows.csv" "$dir/scores.json" "$field" \
            >"$dir/$model.figures.json"
        local tie
        tie=$(jq --arg f "$field" '[.customers[] | . as $c | [$f | split(",")[] | split(".") as $p
            | $c | getpath($p) | select(. != null)] | first(.[])] | group_by(.) | map(length) | max' "$dir/scores.json")
        jq -r --arg build "$label" --arg model "$model" --argjson tie "$tie" '
            def pct(a; b): (a / b * 1000 | round / 10 | tostring) + " %";
            "| \($build) | \($model) | \(.method) | \(.test.auc_margin * 10000 | round / 10000) | \(.test.auc_calibrated * 10000 | round / 10000) | \(.test.distinct_probabilities) of \(.test.distinct_margins) (\(pct(.test.distinct_probabilities; .test.distinct_margins))) | \(.test.worst_decile_error * 1000 | round / 1000) | \(.active.distinct_probabilities) of \(.active.distinct_margins) (\(pct(.active.distinct_probabilities; .active.distinct_margins))) | \($tie) |"' \
            "$dir/$model.figures.json" >>"$WORK/rows.md"
    done
}

[[ -n $BEFORE ]] && measure before "${BEFORE_LABEL:-before}" "$BEFORE"
measure after "$([[ -n $BEFORE ]] && echo after || echo this build)" "$TENURE"

body="$WORK/section.md"
{
    echo "## Calibration keeps the ranking (issue 15)"
    echo
    echo "Release build; $(machine_line). Default generated company (5,000 customers, seed 42): both models, their out-of-time test set (the last six monthly snapshots) and the customers \`score --all\` scores (3,565 active for churn; the expansion candidates, not yet upgraded). Targets: calibrated AUC within 0.002 of the margin's, distinct calibrated values at least 90 % of the distinct margins, worst decile calibration error at most 0.05."
    echo
    echo "| build | model | calibration | test AUC, margin | test AUC, calibrated | test set: distinct probabilities of distinct margins | worst decile error | score --all: distinct probabilities of distinct margins | most customers at one probability |"
    echo "|---|---|---|---|---|---|---|---|---|"
    cat "$WORK/rows.md"
    echo
    echo "The calibration column is the method the metadata names; each model card gives the candidates' log losses and why the method was chosen. Under a strictly increasing map only customers the trees give one margin share a probability."
    echo
    echo "Command: \`${BEFORE_LABEL:+BEFORE_LABEL=\"$BEFORE_LABEL\" }bench/calibration.sh build/tenure${BEFORE:+ path/to/tenure-before}\` (trains, scores and recomputes every figure from the model files with \`tests/integration/calibration_figures.py\`)."
} >"$body"
write_section calibration "$body"
echo "calibration: wrote the figures to BENCHMARKS.md" >&2
