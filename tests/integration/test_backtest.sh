#!/usr/bin/env bash
# test_backtest.sh — one as-of date for every stage, and backtests that
# cannot see the future.
#
# The proof: for two as-of dates D, `train` on the whole warehouse built as
# of D and on a copy from which every row dated on or after D was removed
# (and every later churn_date and upgrade_date nulled) writes byte-identical
# model files and cards; `analyze` and `score` agree too. Then `tenure
# backtest` on the whole warehouse trains, at each D, exactly those models,
# and its figures equal an independent computation: the outcome counted in
# SQL, the scores from `tenure score` on the truncated copy, AUC and Brier
# in SQL. Last, its errors, and the Models view carrying it.
source "$(dirname "$0")/lib.sh"
DUCKDB=${TN_DUCKDB_EXEC:?TN_DUCKDB_EXEC must name the duckdb_exec tool}
MODEL_FILES="churn.json churn.meta.json churn.card.md expansion.json expansion.meta.json expansion.card.md"
DATES="2025-12-14 2025-09-14"

"$TENURE" generate --quiet --customers 400 --seed 5 --db "$WORK/full.duckdb"
"$TENURE" build --quiet --db "$WORK/full.duckdb"

# truncate DB D — removes every row dated on or after D, nulls later churn and upgrade dates.
truncate_at() {
    local late="SELECT customer_id FROM raw.customers WHERE signup_date >= DATE '$2'"
    "$DUCKDB" "$1" "
        DELETE FROM raw.usage_events WHERE \"timestamp\" >= DATE '$2' OR customer_id IN ($late);
        DELETE FROM raw.support_tickets WHERE created_date >= DATE '$2' OR customer_id IN ($late);
        DELETE FROM raw.gtm_opportunities WHERE close_date >= DATE '$2' OR customer_id IN ($late);
        DELETE FROM raw.risk_signals WHERE customer_id IN ($late);
        DELETE FROM raw.customers WHERE signup_date >= DATE '$2';
        UPDATE raw.customers SET churn_date = NULL WHERE churn_date >= DATE '$2';
        UPDATE raw.customers SET upgrade_date = NULL WHERE upgrade_date >= DATE '$2';" >/dev/null
}

# ---- the proof: the whole warehouse as of D = the warehouse truncated at D --------------
for D in $DATES; do
    cp "$WORK/full.duckdb" "$WORK/whole-$D.duckdb"
    cp "$WORK/full.duckdb" "$WORK/cut-$D.duckdb"
    truncate_at "$WORK/cut-$D.duckdb" "$D"
    expect_equal "$(query "$WORK/cut-$D.duckdb" "SELECT count(*) FROM raw.usage_events WHERE \"timestamp\" >= DATE '$D'")" 0 \
        "$D: the truncated copy has no event on or after D"
    for copy in whole cut; do
        run "$TENURE" build --quiet --db "$WORK/$copy-$D.duckdb" --as-of "$D"
        expect_status 0 "$D: build --as-of D ($copy)"
        run "$TENURE" train --quiet --db "$WORK/$copy-$D.duckdb" --models "$WORK/models-$copy-$D"
        expect_status 0 "$D: train ($copy)"
        "$TENURE" analyze --quiet --db "$WORK/$copy-$D.duckdb" --out "$WORK/reports-$copy-$D"
        "$TENURE" score --quiet --db "$WORK/$copy-$D.duckdb" --models "$WORK/models-$copy-$D" --all \
            --format csv >"$WORK/scores-$copy-$D.csv"
    done
    expect_equal "$(jq -r .as_of "$WORK/models-whole-$D/churn.meta.json")" "$D" "$D: the model is as of D"
    for file in $MODEL_FILES; do
        expect_same_file "$WORK/models-whole-$D/$file" "$WORK/models-cut-$D/$file" \
            "$D: $file byte-identical with and without the later data"
    done
    expect_equal "$(readlink "$WORK/models-whole-$D/current")" "$(readlink "$WORK/models-cut-$D/current")" \
        "$D: the same model set (models/current -> sets/<id>)"
    # analysis.json names its warehouse; nothing else may differ
    expect_equal "$(diff <(grep -v '"warehouse"' "$WORK/reports-whole-$D/analysis.json") \
        <(grep -v '"warehouse"' "$WORK/reports-cut-$D/analysis.json") | wc -l)" 0 "$D: analysis.json identical"
    # every column but the last, scored_at: when the command ran
    expect_equal "$(cmp -s <(sed 's/,[^,]*$//' "$WORK/scores-whole-$D.csv") <(sed 's/,[^,]*$//' "$WORK/scores-cut-$D.csv") && echo same)" same \
        "$D: score --all identical (but for the time it ran)"
done
# the snapshot count follows the as-of date (the old code used the data's last day for all)
expect_number "$(jq '.training.snapshots | length' "$WORK/models-whole-2025-09-14/churn.meta.json")" '<' \
    "$(jq '.training.snapshots | length' "$WORK/models-whole-2025-12-14/churn.meta.json")" \
    "fewer snapshots as of an earlier date"
expect_equal "$(jq -r '.training.snapshots[-1]' "$WORK/models-whole-2025-09-14/churn.meta.json")" "2025-06-01" \
    "the last snapshot's 90-day label window ends by D (2025-06-01 + 90 days ≤ 2025-09-14)"

# ---- the backtest trains exactly those models, on the whole warehouse ------------------
run "$TENURE" backtest --db "$WORK/full.duckdb" --from 2025-09-14 --to 2025-12-14 --every 3m \
    --out "$WORK/bt" --keep-models "$WORK/bt-models"
expect_status 0 "backtest from 2025-09-14 to 2025-12-14 every 3 months"
expect_contains stderr "as of 2025-12-14: churn AUC" "progress names each date"
BT="$WORK/bt/backtest.json"
expect_equal "$(jq -r '[.dates[].as_of] | join(" ")' "$BT")" "2025-09-14 2025-12-14" "the two dates"
for D in $DATES; do
    for file in $MODEL_FILES; do
        expect_same_file "$WORK/bt-models/$D/$file" "$WORK/models-cut-$D/$file" \
            "backtest as of $D: $file = train on the data truncated at D"
    done
    expect_equal "$(readlink "$WORK/bt-models/$D/current")" "$(readlink "$WORK/models-cut-$D/current")" \
        "backtest as of $D: the same model set, kept in DIR/<date>/ as train publishes it"
    entry=".dates[] | select(.as_of == \"$D\")"
    # the outcome, counted independently on the whole warehouse
    expect_equal "$(jq "$entry | .churn.customers, .churn.outcomes" "$BT" | paste -sd ' ')" \
        "$(query "$WORK/full.duckdb" "SELECT count(*), count(*) FILTER (churn_date < DATE '$D' + 90)
            FROM raw.customers WHERE signup_date < DATE '$D' AND (churn_date IS NULL OR churn_date >= DATE '$D')" | tr ',' ' ')" \
        "$D: active customers and those who churned within 90 days"
    expect_equal "$(jq "$entry | .expansion.customers, .expansion.outcomes" "$BT" | paste -sd ' ')" \
        "$(query "$WORK/full.duckdb" "SELECT count(*), count(*) FILTER (upgrade_date < DATE '$D' + 90)
            FROM raw.customers WHERE signup_date < DATE '$D' AND (churn_date IS NULL OR churn_date >= DATE '$D')
              AND (upgrade_date IS NULL OR upgrade_date >= DATE '$D')" | tr ',' ' ')" \
        "$D: expansion candidates and those who upgraded within 90 days"
    # AUC (average ranks for ties), Brier and the churned ARR share, from `tenure score`
    # on the truncated copy and the outcome from the whole warehouse
    read -r auc brier share < <(query "$WORK/full.duckdb" "
        WITH s AS (SELECT customer_id, churn_probability AS p FROM read_csv('$WORK/scores-cut-$D.csv')),
        y AS (SELECT s.p, (c.churn_date IS NOT NULL AND c.churn_date < DATE '$D' + 90)::INTEGER AS y,
                     c.mrr * 12 AS arr, c.customer_id
              FROM s JOIN raw.customers AS c USING (customer_id)),
        r AS (SELECT *, avg(rn) OVER (PARTITION BY p) AS rank
              FROM (SELECT *, row_number() OVER (ORDER BY p) AS rn FROM y)),
        top AS (SELECT * FROM y ORDER BY p DESC, customer_id LIMIT (SELECT ceil(count(*) / 10) FROM y))
        SELECT (sum(rank) FILTER (y = 1) - sum(y) * (sum(y) + 1) / 2) / (sum(y) * (count(*) - sum(y))),
               avg((p - y) ^ 2),
               (SELECT sum(arr) FILTER (y = 1) FROM top) / sum(arr) FILTER (y = 1)
        FROM r" | tr ',' ' ')
    expect_number "$(jq "$entry | .churn.auc - $auc | fabs" "$BT")" '<' 0.002 "$D: churn AUC = SQL's from tenure score ($auc)"
    expect_number "$(jq "$entry | .churn.brier - $brier | fabs" "$BT")" '<' 0.00001 "$D: churn Brier = SQL's ($brier)"
    expect_number "$(jq "$entry | .churn.arr.top_decile_share - $share | fabs" "$BT")" '<' 0.02 \
        "$D: churned ARR held by the top decile = SQL's ($share)"
    expect_equal "$(jq "$entry | [.churn.calibration[].rows] | add" "$BT")" "$(jq "$entry | .churn.customers" "$BT")" \
        "$D: the calibration deciles hold every customer"
    # the quarter's forecast, recomputed by forecast_figures.py from the same scores
    query "$WORK/full.duckdb" "
        SELECT s.churn_probability, s.arr, (c.churn_date IS NOT NULL AND c.churn_date < DATE '$D' + 90)::INTEGER
        FROM read_csv('$WORK/scores-cut-$D.csv') AS s JOIN raw.customers AS c USING (customer_id)" >"$WORK/accounts-$D.csv"
    /usr/bin/python3 "$(dirname "$0")/forecast_figures.py" "$WORK/accounts-$D.csv" >"$WORK/forecast-$D.json"
    F="$WORK/forecast-$D.json"
    fc="$entry | .churn.forecast"
    expect_equal "$(jq -c "$fc | [.churned_logos.p80, .churned_logos.p95]" "$BT")" \
        "$(jq -c '[.logos.p80, .logos.p95]' "$F")" "$D: churned accounts' 80 % and 95 % intervals = the FFT's exact ones"
    expect_number "$(jq -n --slurpfile b "$BT" --slurpfile f "$F" \
        "(\$b[0] | $fc.churned_logos.expected) / \$f[0].logos.expected - 1 | fabs")" '<' 1e-6 \
        "$D: expected churned accounts = the sum of the probabilities"
    expect_number "$(jq -n --slurpfile b "$BT" --slurpfile f "$F" \
        "(\$b[0] | $fc.churned_arr.expected) / \$f[0].arr.expected - 1 | fabs")" '<' 1e-6 \
        "$D: expected churned ARR = the sum of probability × ARR"
    expect_number "$(jq -n --slurpfile b "$BT" --slurpfile f "$F" "
        (\$f[0].arr.p95[1] - \$f[0].arr.p95[0]) as \$width
        | [range(2) as \$i | (\$b[0] | $fc.churned_arr.p80[\$i]) - \$f[0].arr.p80[\$i], (\$b[0] | $fc.churned_arr.p95[\$i]) - \$f[0].arr.p95[\$i]]
        | map(fabs) | max / \$width")" '<' 0.05 \
        "$D: churned ARR's intervals agree with 100,000 NumPy simulations (within 5 % of the 95 % width)"
    expect_equal "$(jq -c "$fc.realized | [.churned_logos, (.churned_arr | round)]" "$BT")" \
        "$(jq -c '[.realized.logos, (.realized.arr | round)]' "$F")" "$D: the realized churned accounts and ARR"
    expect_equal "$(jq -c "$fc | [(.realized.churned_logos as \$r | .churned_logos | [\$r >= .p80[0] and \$r <= .p80[1], \$r >= .p95[0] and \$r <= .p95[1]]),
        (.realized.churned_arr as \$r | .churned_arr | [\$r >= .p80[0] and \$r <= .p80[1], \$r >= .p95[0] and \$r <= .p95[1]])]" "$BT")" \
        "$(jq -c "$fc.within | [[.churned_logos.p80, .churned_logos.p95], [.churned_arr.p80, .churned_arr.p95]]" "$BT")" \
        "$D: 'within' says whether the realized value lies in each interval"
done
expect_equal "$(jq -c '[.forecast_coverage.dates, ([.dates[] | select(.churn.forecast.within.churned_logos.p80)] | length), .forecast_coverage.churned_logos.p80.within]' "$BT")" \
    "$(jq -c '[2, ([.dates[] | select(.churn.forecast.within.churned_logos.p80)] | length), ([.dates[] | select(.churn.forecast.within.churned_logos.p80)] | length)]' "$BT")" \
    "the coverage counts the dates whose realized value fell inside"
expect_contains_file "$WORK/bt/backtest.md" "## The quarter's forecast" "backtest.md shows the forecast beside what happened"
expect_contains_file "$WORK/bt/backtest.md" "| 2025-12-14 |" "backtest.md has a row per date"
expect_contains_file "$WORK/bt/backtest.md" "## How to read it" "backtest.md explains its measures"

# ---- errors ----------------------------------------------------------------------------
run "$TENURE" backtest --db "$WORK/full.duckdb" --to 2026-01-14 --out "$WORK/bt-late"
expect_status 1 "a date whose 90-day outcome is not known yet"
expect_contains stderr "the latest date a backtest can judge is 2025-12-14" "names the latest date"
expect_absent "$WORK/bt-late/backtest.json" "nothing written"
run "$TENURE" backtest --db "$WORK/full.duckdb" --from 2025-12-14 --to 2025-09-14 --out "$WORK/bt-late"
expect_status 1 "--from after --to"
run "$TENURE" backtest --db "$WORK/full.duckdb" --every 5x --out "$WORK/bt-late"
expect_status 2 "--every 5x"
expect_contains stderr "like 1m (months), 2w (weeks) or 14d (days)" "says what --every takes"
run "$TENURE" backtest --db "$WORK/full.duckdb" --from 2024-04-14 --to 2024-04-14 --out "$WORK/bt-late"
expect_status 1 "a date with too little history"
expect_contains stderr "as-of date 2024-04-14" "names the date"

# ---- the Models view carries it ----------------------------------------------------------
"$TENURE" train --quiet --db "$WORK/full.duckdb" --models "$WORK/models"
"$TENURE" analyze --quiet --db "$WORK/full.duckdb" --out "$WORK/bt"
run "$TENURE" report --db "$WORK/full.duckdb" --models "$WORK/models" --reports "$WORK/bt" --out "$WORK/report.html"
expect_status 0 "report with a backtest"
expect_contains_file "$WORK/report.html" '"backtest":{"warehouse_as_of":"2026-03-14"' "the report embeds the backtest"

finish
