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
sizes() { du -sh --apparent-size "$1" | cut -f1; }

canonical=() mapped=() validated=()
for run in $(seq "$RUNS"); do
    rm -f "$WORK"/c.duckdb*
    timed seconds kb "$TENURE" build --quiet --db "$WORK/c.duckdb" --raw "$WORK/canonical"
    canonical+=("$seconds"); canonical_kb=$kb
    rm -f "$WORK"/m.duckdb*
    timed seconds kb "$TENURE" build --quiet --db "$WORK/m.duckdb" --raw "$WORK/mapped"
    mapped+=("$seconds"); mapped_kb=$kb
    timed seconds kb "$TENURE" validate --quiet --raw "$WORK/mapped"
    validated+=("$seconds"); validated_kb=$kb
    echo "load: run $run: canonical ${canonical[-1]} s, mapped ${mapped[-1]} s, validate ${validated[-1]} s" >&2
done
same=$("$TENURE" sql --csv --db "$WORK/m.duckdb" "ATTACH '$WORK/c.duckdb' AS c (READ_ONLY);
    SELECT (SELECT count(*) FROM (SELECT * FROM marts.mart_customer_churn_features EXCEPT ALL SELECT * FROM c.marts.mart_customer_churn_features))
         + (SELECT count(*) FROM (SELECT * FROM marts.customer_survival EXCEPT ALL SELECT * FROM c.marts.customer_survival))" | tail -n 1)
events=$("$TENURE" sql --csv --db "$WORK/c.duckdb" "SELECT count(*) FROM raw.usage_events" | tail -n 1)

body="$WORK/section.md"
{
    echo "## Loading exports through a project file"
    echo
    echo "Release build; $(machine_line). Default generated company ($events usage events):"
    echo "the canonical CSV export ($(sizes "$WORK/canonical")) against the same company as five tools"
    echo "export it ($(sizes "$WORK/mapped"): the events as gzip'd JSON lines). Median of $RUNS runs; the"
    echo "marts of the two builds differ in $same rows."
    echo
    echo "| what | wall | peak RSS | target |"
    echo "|---|---|---|---|"
    awk -v s="$(median "${canonical[@]}")" -v kb="$canonical_kb" 'BEGIN {printf "| canonical CSVs, loaded and checked, then the marts (`tenure build --raw DIR`) | %.2f s | %.0f MB | – |\n", s, kb / 1024}'
    awk -v s="$(median "${mapped[@]}")" -v c="$(median "${canonical[@]}")" -v kb="$mapped_kb" -v ckb="$canonical_kb" \
        'BEGIN {printf "| tool-shaped exports through tenure.yml, then the marts | %.2f s (%.2f×) | %.0f MB | ≤ 1.25× canonical, ≤ its RSS (%.0f MB) |\n", s, s / c, kb / 1024, ckb / 1024}'
    awk -v s="$(median "${validated[@]}")" -v kb="$validated_kb" 'BEGIN {printf "| the same, checked only (`tenure validate`) | %.2f s | %.0f MB | – |\n", s, kb / 1024}'
    echo
    echo "Commands: \`tenure build --db NEW --raw DIR\` for both, DIR from \`tenure generate --csv\` or from"
    echo "\`examples/exports/make_exports.sql\` with \`examples/exports/tenure.yml\`; \`tenure validate --raw DIR\` (\`bench/load.sh\`)."
} >"$body"
write_section load "$body"
echo "load: wrote the figures to BENCHMARKS.md" >&2
