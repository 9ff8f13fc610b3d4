# lib.sh — helpers for the benchmark scripts (sourced).
#
# Benchmarks run the release binary, repeat each measurement and report the
# median (the machines are noisy), and write their section of BENCHMARKS.md
# between "<!-- bench:NAME -->" and "<!-- /bench:NAME -->" markers, leaving
# the other sections alone.

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCHMARKS_FILE="$BENCH_ROOT/BENCHMARKS.md"

# median N1 N2 ... — the median of the numbers given.
median() {
    printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

# timed VAR_SECONDS VAR_KB CMD... — runs CMD, stores wall seconds and peak RSS (KB).
timed() {
    local seconds_var=$1 kb_var=$2
    shift 2
    local report
    report=$(mktemp)
    /usr/bin/time -f "%e %M" -o "$report" "$@" >/dev/null || { rm -f "$report"; return 1; }
    read -r "${seconds_var?}" "${kb_var?}" <"$report"
    rm -f "$report"
}

# machine_line — what the figures were measured on.
machine_line() {
    echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(date -u +%Y-%m-%d)"
}

# write_section NAME FILE — replaces NAME's section of BENCHMARKS.md with FILE's contents.
write_section() {
    local name=$1 body=$2 start="<!-- bench:$1 -->" end="<!-- /bench:$1 -->"
    [[ -f $BENCHMARKS_FILE ]] || printf '# Benchmarks\n\nMeasured figures, each with the command that produced it. Regenerate with `make bench`.\n' >"$BENCHMARKS_FILE"
    local tmp
    tmp=$(mktemp)
    if grep -qF "$start" "$BENCHMARKS_FILE"; then
        awk -v start="$start" -v end="$end" -v body="$body" '
            $0 == start { print; while ((getline line < body) > 0) print line; skip = 1; next }
            $0 == end { skip = 0 }
            !skip { print }' "$BENCHMARKS_FILE" >"$tmp"
    else
        { cat "$BENCHMARKS_FILE"; printf '\n%s\n' "$start"; cat "$body"; printf '%s\n' "$end"; } >"$tmp"
    fi
    mv "$tmp" "$BENCHMARKS_FILE"
}

# serve_until_ready LOG ARGS… — starts `$TENURE serve ARGS… --port 0` with its
# output in LOG and returns once /ready answers 200; sets SERVER_PID and base.
serve_until_ready() {
    local log=$1
    shift
    "$TENURE" serve "$@" --port 0 >"$log" 2>&1 &
    SERVER_PID=$!
    base=""
    until [[ -n $base ]] && curl -sf -o /dev/null "$base/ready"; do
        base=$(grep -o 'listening on http://[0-9.]*:[0-9]*' "$log" | sed 's/listening on //' || true)
        kill -0 $SERVER_PID
        sleep 0.005
    done
}

# wrk_cases IDS CASE… — RUNS wrk runs (2 threads, 32 connections, DURATION
# seconds, bench/wrk/random_customers.lua on the ids in IDS) against $base per
# CASE, written MODE:PAUSE_MS (the script's mode; the pause per connection
# between requests, 0 for flat out). Collects each run's p50 and p99 (µs) and
# requests/s in the associative arrays p50, p99 and rate, and the non-2xx
# answers and socket errors summed over the runs in bad, all keyed by CASE;
# the caller declares them (declare -A p50 p99 rate bad).
wrk_cases() {
    local ids=$1 case run line
    shift
    for case in "$@"; do
        for run in $(seq "$RUNS"); do
            line=$(WRK_PAUSE_MS=${case##*:} wrk -t2 -c32 -d"${DURATION}s" --timeout 2s \
                -s "$BENCH_ROOT/bench/wrk/random_customers.lua" "$base" -- "$ids" "${case%%:*}" | grep '^result ')
            p50[$case]+=" $(wrk_field p50_us "$line")"
            p99[$case]+=" $(wrk_field p99_us "$line")"
            rate[$case]+=" $(awk -v n="$(wrk_field requests "$line")" -v s="$(wrk_field seconds "$line")" 'BEGIN {printf "%.0f", n / s}')"
            bad[$case]=$((${bad[$case]:-0} + $(wrk_field non2xx "$line") + $(wrk_field socket_errors "$line")))
        done
    done
}

# wrk_field NAME LINE — the value of NAME=… in a "result …" line of the wrk script.
wrk_field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$2"; }

# wrk_row CASE LABEL TARGET — a Markdown table row of CASE's medians (wrk_cases).
wrk_row() {
    # shellcheck disable=SC2086
    awk -v label="$2" -v p50="$(median ${p50[$1]})" -v p99="$(median ${p99[$1]})" -v rate="$(median ${rate[$1]})" \
        -v bad="${bad[$1]}" -v target="$3" \
        'BEGIN {printf "| %s | %.0f µs | %.0f µs | %.0f | %d | %s |\n", label, p50, p99, rate, bad, target}'
}
