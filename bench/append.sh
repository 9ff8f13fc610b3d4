#!/usr/bin/env bash
# append.sh — the speed of a daily increment (issue 13) on the default
# generated company (5,000 customers, ~10M usage events): a warehouse fully
# loaded with everything before the last day (`tenure build --raw`), then the
# last day as an increment (tests/tools/split_increments.sql: its usage
# events, the customers who signed up, churned or upgraded that day, the
# tickets opened or resolved, the deals that closed or are still open)
# appended with `tenure build --raw INC --append`, marts included. Target
# ≤ 3 s. Also: the marts rebuilt alone on the same warehouse (the floor), the
# same increment loaded again, and where an increment's time goes
# (TENURE_TRACE=1). The appended warehouse is compared with one full load of
# the whole export.
# Median of RUNS runs (default 5). Usage: bench/append.sh path/to/tenure
set -euo pipefail
source "$(dirname "$0")/lib.sh"
TENURE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
DUCKDB_EXEC=$(dirname "$TENURE")/duckdb_exec
RUNS=${RUNS:-5}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tenure-bench-append.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

"$TENURE" generate --quiet --csv "$WORK/csv"
last_day=$("$DUCKDB_EXEC" :memory: "SELECT CAST(max(CAST(\"timestamp\" AS TIMESTAMP)) AS DATE)
    FROM read_csv('$WORK/csv/usage_events.csv', all_varchar = true)")
for period in 1 2; do
    dir=$WORK/$([[ $period == 1 ]] && echo base || echo increment)
    mkdir -p "$dir"
    (cd "$dir" && { echo "SET VARIABLE export_dir = '$WORK/csv'; SET VARIABLE bounds = [DATE '$last_day'];"
                    echo "SET VARIABLE period = $period;"
                    cat "$BENCH_ROOT/tests/tools/split_increments.sql"; } | "$DUCKDB_EXEC" :memory: >/dev/null)
done
rows() { echo $(($(wc -l <"$WORK/increment/$1.csv") - 1)); }
"$TENURE" build --quiet --db "$WORK/base.duckdb" --raw "$WORK/base" --as-of "$last_day"
"$TENURE" build --quiet --db "$WORK/full.duckdb" --raw "$WORK/csv"

# cpu_timed VAR_SECONDS VAR_CPU VAR_KB CMD... — wall seconds, CPU seconds (user + system), peak RSS.
cpu_timed() {
    local report
    report=$(mktemp)
    /usr/bin/time -f "%e %U %S %M" -o "$report" "${@:4}" >/dev/null
    read -r "${1?}" user system "${3?}" <"$report"
    printf -v "$2" '%s' "$(awk -v u="$user" -v s="$system" 'BEGIN {print u + s}')"
    rm -f "$report"
}

load_before=$(cut -d' ' -f1 /proc/loadavg)
appends=() append_cpu=() append_kb=() marts=() marts_cpu=() repeats=() repeats_cpu=()
for run in $(seq "$RUNS"); do
    rm -f "$WORK"/w.duckdb*
    cp "$WORK/base.duckdb" "$WORK/w.duckdb"
    sync
    cpu_timed seconds cpu kb "$TENURE" build --quiet --db "$WORK/w.duckdb" --raw "$WORK/increment" --append
    appends+=("$seconds"); append_cpu+=("$cpu"); append_kb+=("$kb")
    cpu_timed seconds cpu kb "$TENURE" build --quiet --db "$WORK/w.duckdb" --raw "$WORK/increment" --append
    repeats+=("$seconds"); repeats_cpu+=("$cpu")
    cpu_timed seconds cpu kb "$TENURE" build --quiet --db "$WORK/w.duckdb"
    marts+=("$seconds"); marts_cpu+=("$cpu")
    echo "append: run $run: increment ${appends[-1]} s, again ${repeats[-1]} s, marts alone ${marts[-1]} s" >&2
done

# Where one increment's time goes: the marts' statements against everything else.
rm -f "$WORK"/w.duckdb*
cp "$WORK/base.duckdb" "$WORK/w.duckdb"
TENURE_TRACE=1 "$TENURE" build --db "$WORK/w.duckdb" --raw "$WORK/increment" --append 2>"$WORK/trace"
split_trace=$(awk '/^\[trace\]/ { if ($4 == "CREATE" && ($5 == "TABLE" || $5 == "VIEW") && ($6 ~ /^(marts|staging)\./)) m += $2; else o += $2 }
                   END { printf "%.2f %.2f", m, o }' "$WORK/trace")
read -r trace_marts trace_other <<<"$split_trace"

differing=0
for table in raw.customers raw.usage_events raw.gtm_opportunities raw.support_tickets raw.risk_signals \
             marts.mart_customer_churn_features marts.mart_customer_expansion_features marts.customer_survival \
             marts.customer_risk_inputs marts.customer_accounts; do
    n=$("$DUCKDB_EXEC" "$WORK/w.duckdb" "ATTACH '$WORK/full.duckdb' AS f (READ_ONLY);
        SELECT (SELECT count(*) FROM (SELECT * FROM $table EXCEPT ALL SELECT * FROM f.$table))
             + (SELECT count(*) FROM (SELECT * FROM f.$table EXCEPT ALL SELECT * FROM $table))" | tail -n 1)
    differing=$((differing + n))
done
events=$("$TENURE" sql --csv --db "$WORK/full.duckdb" "SELECT count(*) FROM raw.usage_events" | tail -n 1)

body="$WORK/section.md"
{
    echo "## Daily increments (tenure build --append)"
    echo
    echo "Release build; $(machine_line). Default generated company ($events usage events): a warehouse"
    echo "loaded with everything before $last_day, then that day as an increment: $(rows usage_events) usage"
    echo "events, $(rows customers) customers (signed up, churned or upgraded), $(rows support_tickets) tickets (opened or"
    echo "resolved), $(rows gtm_opportunities) opportunities (closed, or open with a later close date) and $(rows risk_signals) risk"
    echo "signals. Medians of $RUNS runs, each on a fresh copy of the warehouse (load average $load_before"
    echo "before the runs, $(cut -d' ' -f1 /proc/loadavg) after: other work shares the cores). Afterwards its raw"
    echo "tables and marts differ from one full load of the whole export in $differing rows."
    echo
    echo "| what | wall | CPU (user + system) | peak RSS | target |"
    echo "|---|---|---|---|---|"
    awk -v s="$(median "${appends[@]}")" -v c="$(median "${append_cpu[@]}")" -v kb="$(median "${append_kb[@]}")" \
        'BEGIN {printf "| the day appended, checked, merged, marts rebuilt (`tenure build --raw INC --append`) | %.2f s | %.2f s | %.0f MB | ≤ 3 s |\n", s, c, kb / 1024}'
    awk -v s="$(median "${repeats[@]}")" -v c="$(median "${repeats_cpu[@]}")" \
        'BEGIN {printf "| the same increment again (changes nothing) | %.2f s | %.2f s | – | – |\n", s, c}'
    awk -v s="$(median "${marts[@]}")" -v c="$(median "${marts_cpu[@]}")" \
        'BEGIN {printf "| the marts alone on the same warehouse (`tenure build`) | %.2f s | %.2f s | – | – |\n", s, c}'
    echo
    echo "Of one traced increment's statement time (\`TENURE_TRACE=1\`), the staging views and marts took"
    echo "$trace_marts s and everything else (reading and checking the increment, looking up the stored rows its"
    echo "keys name, the merge, the commit) $trace_other s."
    echo
    echo "Commands: \`tenure build --db F --raw INC --append\` on a copy of the warehouse \`tenure build --db F"
    echo "--raw BASE --as-of $last_day\` made, BASE and INC from \`tenure generate --csv\` through"
    echo "\`tests/tools/split_increments.sql\` (\`bench/append.sh\`)."
} >"$body"
write_section append "$body"
echo "append: wrote the figures to BENCHMARKS.md" >&2
