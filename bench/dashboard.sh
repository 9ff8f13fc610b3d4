#!/usr/bin/env bash
# dashboard.sh — the dashboard and the offline report (issue 8) on the
# default generated company: what the page's first load transfers (the
# page, its three files and the portfolio it draws first; target ≤ 500 KB),
# how long the analytics answers take (curl, median of 50 each), how long
# the page takes in Chromium from navigation to the portfolio's charts drawn
# (bench/dashboard_load.mjs, median of RUNS), and how long `tenure report`
# takes and how big its file is (median of RUNS, default 5).
# Usage: bench/dashboard.sh path/to/tenure
set -euo pipefail
source "$(dirname "$0")/lib.sh"
TENURE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
RUNS=${RUNS:-5}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tenure-bench-dashboard.XXXXXX")
SERVER_PID=""
trap '[[ -n $SERVER_PID ]] && kill -KILL $SERVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT

"$TENURE" generate --quiet --db "$WORK/w.duckdb"
"$TENURE" build --quiet --db "$WORK/w.duckdb"
"$TENURE" analyze --quiet --db "$WORK/w.duckdb" --out "$WORK/reports"
"$TENURE" train --quiet --db "$WORK/w.duckdb" --models "$WORK/models"
SOURCE=(--db "$WORK/w.duckdb" --models "$WORK/models" --reports "$WORK/reports")

report_seconds=()
for _ in $(seq "$RUNS"); do
    timed seconds kb "$TENURE" report --quiet "${SOURCE[@]}"
    report_seconds+=("$seconds")
done
report_kb=$(($(stat -c %s "$WORK/reports/index.html") / 1024))

serve_until_ready "$WORK/serve.log" "${SOURCE[@]}"

size() { curl -s -o /dev/null -w '%{size_download}' "$base$1"; }
first_load=0
for path in / /assets/style.css /assets/chart.umd.js /assets/app.js /analytics/portfolio; do
    first_load=$((first_load + $(size "$path")))
done
# curl's time to the last byte, in µs, median of 50 requests on one connection.
latency() {
    local args=() i
    for ((i = 0; i < 50; i++)); do args+=(--next -s -o /dev/null -w '%{time_total}\n' "$base$1"); done
    # shellcheck disable=SC2046
    median $(curl "${args[@]:1}" | awk '{print $1 * 1e6}')
}
declare -A micros bytes
for path in /analytics/portfolio /analytics/survival /analytics/models; do
    micros[$path]=$(latency "$path")
    bytes[$path]=$(size "$path")
done
page_ms=()
for _ in $(seq "$RUNS"); do
    page_ms+=("$(node "$BENCH_ROOT/bench/dashboard_load.mjs" "$base")")
done
kill -INT $SERVER_PID
wait $SERVER_PID
SERVER_PID=""

body="$WORK/section.md"
{
    echo "## The dashboard and the offline report"
    echo
    echo "Release build; $(machine_line). Default generated company (seed 42), loopback, no compression."
    echo
    echo "| measure | value | target |"
    echo "|---|---|---|"
    echo "| first load: page + style.css + chart.umd.js + app.js + /analytics/portfolio | $((first_load / 1024)) KB | ≤ 500 KB |"
    for path in /analytics/portfolio /analytics/survival /analytics/models; do
        echo "| GET $path (${bytes[$path]} bytes), curl time to last byte, median of 50 | $(printf '%.0f' "${micros[$path]}") µs | — |"
    done
    echo "| the page in Chromium, navigation to the portfolio's charts drawn, median of $RUNS | $(median "${page_ms[@]}") ms | — |"
    echo "| \`tenure report\` (load warehouse + models, write the file), median of $RUNS | $(median "${report_seconds[@]}") s | — |"
    echo "| reports/index.html | $report_kb KB | — |"
    echo
    echo "Commands: \`tenure report --db F --models DIR --reports DIR\`, \`curl\` against \`tenure serve\`, \`node bench/dashboard_load.mjs URL\` (\`bench/dashboard.sh\`)."
} >"$body"
write_section dashboard "$body"
echo "dashboard: wrote the figures to BENCHMARKS.md" >&2
