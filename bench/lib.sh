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
