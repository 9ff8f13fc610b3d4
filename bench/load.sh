#!/usr/bin/env bash
# load.sh — the cost of reading a company's exports through a project file
# (issue 12), on the default generated company (5,000 customers, ~10M usage
# events):
#   - canonical: `tenure build --raw DIR` of the CSV export `tenure generate
#     --csv` writes (the contract's own layout, no project file);
#   - mapped: the same company written the way real tools export it
#     (examples/exports/make_exports.sql: a semicolon billing CSV with
#     European dates and money, a gzip'd JSON-lines event stream with epoch
#     times, a CRM report, a help-desk export, a Parquet risk file) loaded
#     through examples/exports/tenure.yml;
#   - mapped, events as CSV: the same, but the events as a CSV export
#     (bench/sql/events_csv.sql), which tells the mapping's own cost from the
#     cost of gzip and JSON;
#   - `tenure validate` of the mapped exports (the one-pass check alone).
# Targets: mapped ≤ 1.25 × canonical wall time; mapped peak RSS ≤ canonical's.
# Median of RUNS runs (default 3). Usage: bench/load.sh path/to/tenure
set -euo pipefail
source "$(dirname "$0")/lib.sh"
TENURE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
DUCKDB_EXEC=$(dirname "$TENURE")/duckdb_exec
RUNS=${RUNS:-3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tenure-bench-load.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

"$TENURE" generate --quiet --db "$WORK/company.duckdb"
"$TENURE" generate --quiet --csv "$WORK/canonical"
mkdir -p "$WORK/mapped"/{billing,product,crm,helpdesk,risk}
(cd "$WORK/mapped" && "$DUCKDB_EXEC" "$WORK/company.duckdb" <"$BENCH_ROOT/examples/exports/make_exports.sql" >/dev/null)
cp "$BENCH_ROOT/examples/exports/tenure.yml" "$WORK/mapped/"
cp -r "$WORK/mapped" "$WORK/mapped_csv"
(cd "$WORK/mapped_csv" && "$DUCKDB_EXEC" :memory: <"$BENCH_ROOT/bench/sql/events_csv.sql" >/dev/null)
rm "$WORK/mapped_csv/product/events.jsonl.gz"
sed -i -e 's|^  files: product/events\*.jsonl.gz|  files: product/events.csv|' \
    -e 's|^    event_id: properties.$insert_id|    event_id: Insert ID|' \
    -e 's|^    customer_id: properties.account_id|    customer_id: Account ID|' \
    -e 's|^    timestamp: {column: properties.time, format: epoch_s}|    timestamp: Event Time|' \
    -e 's|^    event_type: event$|    event_type: Event Type|' \
    -e 's|^    feature_adoption_score: properties.adoption_score|    feature_adoption_score: Adoption Score|' \
    "$WORK/mapped_csv/tenure.yml"
sizes() { du -sh --apparent-size "$1" | cut -f1; }

canonical=() mapped=() mapped_csv=() validated=() canonical_kb=() mapped_kb=() mapped_csv_kb=() validated_kb=()
for run in $(seq "$RUNS"); do
    rm -f "$WORK"/c.duckdb*
    timed seconds kb "$TENURE" build --quiet --db "$WORK/c.duckdb" --raw "$WORK/canonical"
    canonical+=("$seconds"); canonical_kb+=("$kb")
    rm -f "$WORK"/m.duckdb*
    timed seconds kb "$TENURE" build --quiet --db "$WORK/m.duckdb" --raw "$WORK/mapped"
    mapped+=("$seconds"); mapped_kb+=("$kb")
    rm -f "$WORK"/v.duckdb*
    timed seconds kb "$TENURE" build --quiet --db "$WORK/v.duckdb" --raw "$WORK/mapped_csv"
    mapped_csv+=("$seconds"); mapped_csv_kb+=("$kb")
    timed seconds kb "$TENURE" validate --quiet --raw "$WORK/mapped"
    validated+=("$seconds"); validated_kb+=("$kb")
    echo "load: run $run: canonical ${canonical[-1]} s, mapped ${mapped[-1]} s," \
        "mapped with CSV events ${mapped_csv[-1]} s, validate ${validated[-1]} s" >&2
done

differences() { # DB → rows of its marts that differ from the canonical build's
    "$DUCKDB_EXEC" "$1" "ATTACH '$WORK/c.duckdb' AS c (READ_ONLY);
        SELECT (SELECT count(*) FROM (SELECT * FROM marts.mart_customer_churn_features EXCEPT ALL SELECT * FROM c.marts.mart_customer_churn_features))
             + (SELECT count(*) FROM (SELECT * FROM marts.mart_customer_expansion_features EXCEPT ALL SELECT * FROM c.marts.mart_customer_expansion_features))
             + (SELECT count(*) FROM (SELECT * FROM marts.customer_survival EXCEPT ALL SELECT * FROM c.marts.customer_survival))
             + (SELECT count(*) FROM (SELECT * FROM marts.customer_risk_inputs EXCEPT ALL SELECT * FROM c.marts.customer_risk_inputs))" |
        tail -n 1
}
differing=$(($(differences "$WORK/m.duckdb") + $(differences "$WORK/v.duckdb")))
events=$("$TENURE" sql --csv --db "$WORK/c.duckdb" "SELECT count(*) FROM raw.usage_events" | tail -n 1)
c=$(median "${canonical[@]}") ckb=$(median "${canonical_kb[@]}")
gzip_size=$(sizes "$WORK/mapped/product/events.jsonl.gz")
json_size=$(zcat "$WORK/mapped/product/events.jsonl.gz" | wc -c | awk '{printf "%.1f GB", $1 / 1e9}')

body="$WORK/section.md"
{
    echo "## Loading exports through a project file"
    echo
    echo "Release build; $(machine_line). Default generated company ($events usage events): the"
    echo "canonical CSV export ($(sizes "$WORK/canonical")) against the same company as five tools export it"
    echo "($(sizes "$WORK/mapped") with the events as gzip'd JSON lines, $(sizes "$WORK/mapped_csv") with them as a CSV"
    echo "export). Medians of $RUNS runs, wall time and peak RSS. The marts of the mapped builds differ"
    echo "from the canonical build's in $differing rows."
    echo
    echo "| what | wall | peak RSS | target |"
    echo "|---|---|---|---|"
    awk -v s="$c" -v kb="$ckb" \
        'BEGIN {printf "| canonical CSVs loaded, checked, then the marts (`tenure build --raw DIR`) | %.2f s | %.0f MB | – |\n", s, kb / 1024}'
    awk -v s="$(median "${mapped_csv[@]}")" -v c="$c" -v kb="$(median "${mapped_csv_kb[@]}")" -v ckb="$ckb" \
        'BEGIN {printf "| tool-shaped exports through tenure.yml, events as CSV | %.2f s (%.2f×) | %.0f MB | ≤ 1.25×, ≤ %.0f MB |\n", s, s / c, kb / 1024, ckb / 1024}'
    awk -v s="$(median "${mapped[@]}")" -v c="$c" -v kb="$(median "${mapped_kb[@]}")" -v ckb="$ckb" \
        'BEGIN {printf "| tool-shaped exports through tenure.yml, events as gzip'"'"'d JSON lines | %.2f s (%.2f×) | %.0f MB | ≤ 1.25×, ≤ %.0f MB |\n", s, s / c, kb / 1024, ckb / 1024}'
    awk -v s="$(median "${validated[@]}")" -v kb="$(median "${validated_kb[@]}")" \
        'BEGIN {printf "| the JSON-lines exports checked only (`tenure validate`) | %.2f s | %.0f MB | – |\n", s, kb / 1024}'
    echo
    awk -v m="$(median "${mapped_csv[@]}")" -v c="$c" 'BEGIN {
        printf "Read through the same file format, the mapping (renamed columns, European dates and money,\n"
        printf "value maps, event roles, offsets, a Parquet file) costs %+.0f%% of the canonical load. The\n", (m / c - 1) * 100 }'
    echo "JSON-lines row is the price of the format, not of the mapping: $gzip_size of gzip is $json_size of"
    echo "JSON, and gzip can only be inflated, and so parsed, on one core (\`zcat\` alone takes about 10 s)."
    echo
    echo "Commands: \`tenure build --db NEW --raw DIR\` for each, DIR from \`tenure generate --csv\`, or from"
    echo "\`examples/exports/make_exports.sql\` (and \`bench/sql/events_csv.sql\`) with \`examples/exports/tenure.yml\`;"
    echo "\`tenure validate --raw DIR\` (\`bench/load.sh\`)."
} >"$body"
write_section load "$body"
echo "load: wrote the figures to BENCHMARKS.md" >&2
