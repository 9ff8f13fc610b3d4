#!/usr/bin/env bash
# build.sh — speed of `tenure build` and `tenure check` (issue 4) on the
# default generated company (5,000 customers, ~10M events):
#   - marts from the raw tables already in the warehouse (target ≤ 5 s);
#   - --raw: load the company's CSV export, check every row, build the marts
#     (target ≤ 20 s);
#   - the data contracts.
# Median of RUNS runs (default 3). Usage: bench/build.sh path/to/tenure
set -euo pipefail
source "$(dirname "$0")/lib.sh"
TENURE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
RUNS=${RUNS:-3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tenure-bench-build.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

"$TENURE" generate --quiet --db "$WORK/w.duckdb"
"$TENURE" generate --quiet --csv "$WORK/csv"
marts=() loads=() checks=()
for run in $(seq "$RUNS"); do
    timed seconds kb "$TENURE" build --quiet --db "$WORK/w.duckdb"
    marts+=("$seconds"); marts_kb=$kb
    rm -f "$WORK"/loaded.duckdb*
    timed seconds kb "$TENURE" build --quiet --db "$WORK/loaded.duckdb" --raw "$WORK/csv"
    loads+=("$seconds"); loads_kb=$kb
    timed seconds kb "$TENURE" check --quiet --db "$WORK/w.duckdb"
    checks+=("$seconds"); checks_kb=$kb
    echo "build: run $run: marts ${marts[-1]} s, --raw ${loads[-1]} s, check ${checks[-1]} s" >&2
done
events=$("$TENURE" sql --csv --db "$WORK/w.duckdb" "SELECT count(*) FROM raw.usage_events" | tail -n 1)
contracts=$(ls "$(dirname "$0")/../sql/checks"/*.sql | wc -l)

body="$WORK/section.md"
{
    echo "## tenure build and tenure check"
    echo
    echo "Release build; $(machine_line). Default generated company ($events usage events). Median of $RUNS runs."
    echo
    echo "| what | wall | peak RSS | target |"
    echo "|---|---|---|---|"
    awk -v s="$(median "${marts[@]}")" -v kb="$marts_kb" 'BEGIN {printf "| marts from the raw tables (`tenure build`) | %.2f s | %.0f MB | ≤ 5 s |\n", s, kb / 1024}'
    awk -v s="$(median "${loads[@]}")" -v kb="$loads_kb" 'BEGIN {printf "| CSV export loaded, checked row by row, then the marts (`tenure build --raw DIR`) | %.2f s | %.0f MB | ≤ 20 s |\n", s, kb / 1024}'
    awk -v s="$(median "${checks[@]}")" -v kb="$checks_kb" -v n="$contracts" 'BEGIN {printf "| %d data contracts (`tenure check`) | %.2f s | %.0f MB | – |\n", n, s, kb / 1024}'
    echo
    echo "Commands: \`tenure build --db F\`, \`tenure build --db NEW --raw DIR\` (DIR from \`tenure generate --csv\`), \`tenure check --db F\` (\`bench/build.sh\`)."
} >"$body"
write_section build "$body"
echo "build: wrote the figures to BENCHMARKS.md" >&2
