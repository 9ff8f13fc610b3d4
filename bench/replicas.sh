#!/usr/bin/env bash
# replicas.sh — `tenure serve` as replicas behind nginx (issue 19,
# docs/scale-out.md): requests per second and latency percentiles of
# GET /customers/{id} on random active customers, with wrk (2 threads, 32
# connections, DURATION seconds, default 10, bench/wrk/random_customers.lua):
#   - directly against one replica, without nginx;
#   - through nginx (Debian's nginx-light, started here on loopback,
#     NGINX_WORKERS worker processes, default 1, keepalive to the upstreams)
#     in front of that one replica;
#   - through nginx in front of two replicas of the same warehouse file.
# The cases take turns within each of RUNS rounds (default 3), so drift in
# the machine spreads over all three; medians are reported, with the CPU
# time each process took in the last round (wrk, nginx and the replicas
# share the machine's cores).
# Usage: [SERVE_DB=W SERVE_MODELS=DIR [SERVE_NAME=TEXT]] [CUSTOMERS=N] bench/replicas.sh path/to/tenure
# Without SERVE_DB, a small company (CUSTOMERS, default 1000) is made here; SERVE_NAME says
# what SERVE_DB is in BENCHMARKS.md.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
TENURE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
RUNS=${RUNS:-3}
DURATION=${DURATION:-10}
NGINX_WORKERS=${NGINX_WORKERS:-1}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tenure-bench-replicas.XXXXXX")
PIDS=() NGINX_PIDS=()
# TERM: nginx's master stops its workers (killed, it would leave them running), a replica drains.
trap 'for p in "${NGINX_PIDS[@]}" "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null && wait "$p"; done
      rm -rf "$WORK"' EXIT
for tool in wrk nginx; do
    command -v $tool >/dev/null || { echo "replicas: $tool is not installed (scripts/bootstrap.sh installs it)" >&2; exit 1; }
done

if [[ -n ${SERVE_DB:-} ]]; then
    DB=$(realpath "$SERVE_DB") MODELS=$(realpath "${SERVE_MODELS:?SERVE_MODELS must name the models of SERVE_DB}")
    COMPANY="${SERVE_NAME:-The warehouse $(basename "$SERVE_DB")} ("
else
    DB="$WORK/w.duckdb" MODELS="$WORK/models"
    "$TENURE" generate --quiet --customers "${CUSTOMERS:-1000}" --db "$DB"
    "$TENURE" build --quiet --db "$DB"
    "$TENURE" train --quiet --db "$DB" --models "$MODELS"
    COMPANY="A generated company of ${CUSTOMERS:-1000} customers ("
fi
"$TENURE" sql --csv --db "$DB" "SELECT customer_id FROM marts.mart_customer_churn_features" | tail -n +2 >"$WORK/ids"
active=$(wc -l <"$WORK/ids")

# Two replicas of the same file, each with its answers all made before the load starts.
replica_pids=() replica_hosts=()
for n in 1 2; do
    serve_until_ready "$WORK/replica$n.log" --db "$DB" --models "$MODELS"
    PIDS+=("$SERVER_PID")
    replica_pids+=("$SERVER_PID")
    replica_hosts+=("${base#http://}")
    for _ in $(seq 1 600); do
        answered=$(curl -s "$base/metrics" | sed -n 's/^tenure_customers_answered \([0-9]*\)$/\1/p')
        [[ ${answered:-0} -ge $active ]] && break
        sleep 0.5
    done
done

# start_nginx NAME HOST:PORT… — nginx on a free loopback port in front of the upstreams given;
# sets NGINX_PID and lb.
start_nginx() {
    local name=$1 port
    shift
    port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    mkdir -p "$WORK/$name"
    "$BENCH_ROOT/tests/tools/nginx_conf.sh" "$WORK/$name" "$port" "$NGINX_WORKERS" 32 off "$@" \
        >"$WORK/$name/nginx.conf"
    nginx -p "$WORK/$name" -e "$WORK/$name/error.log" -c "$WORK/$name/nginx.conf" -g 'daemon off;' &
    NGINX_PID=$!
    NGINX_PIDS+=("$NGINX_PID")
    lb="http://127.0.0.1:$port"
    until curl -sf -o /dev/null "$lb/ready"; do kill -0 $NGINX_PID; sleep 0.05; done
}
start_nginx lb1 "${replica_hosts[0]}"
nginx1=$NGINX_PID lb1=$lb
start_nginx lb2 "${replica_hosts[0]}" "${replica_hosts[1]}"
nginx2=$NGINX_PID lb2=$lb

# cpu_seconds PID… — the CPU time (user + system) the processes and their children took so far.
cpu_seconds() {
    local pid ticks=0 more
    for pid in "$@" $(pgrep -P "$(tr ' ' ',' <<<"$*")" || true); do
        more=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
        ticks=$((ticks + more))
    done
    awk -v t=$ticks -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", t / hz}'
}

load_before=$(cut -d' ' -f1 /proc/loadavg)
declare -A p50 p99 rate bad cpu
CASES=(direct nginx1 nginx2)
declare -A target=([direct]="http://${replica_hosts[0]}" [nginx1]=$lb1 [nginx2]=$lb2)
for run in $(seq "$RUNS"); do
    for case in "${CASES[@]}"; do
        before_r1=$(cpu_seconds "${replica_pids[0]}") before_r2=$(cpu_seconds "${replica_pids[1]}")
        before_ng=$(cpu_seconds "$nginx1" "$nginx2")
        /usr/bin/time -f "%U %S" -o "$WORK/wrk.time" wrk -t2 -c32 -d"${DURATION}s" --timeout 2s \
            -s "$BENCH_ROOT/bench/wrk/random_customers.lua" "${target[$case]}" -- "$WORK/ids" customer >"$WORK/wrk.out"
        line=$(grep '^result ' "$WORK/wrk.out")
        p50[$case]+=" $(wrk_field p50_us "$line")"
        p99[$case]+=" $(wrk_field p99_us "$line")"
        rate[$case]+=" $(awk -v n="$(wrk_field requests "$line")" -v s="$(wrk_field seconds "$line")" 'BEGIN {printf "%.0f", n / s}')"
        bad[$case]=$((${bad[$case]:-0} + $(wrk_field non2xx "$line") + $(wrk_field socket_errors "$line")))
        cpu[$case]=$(awk -v r1="$(cpu_seconds "${replica_pids[0]}")" -v b1="$before_r1" \
            -v r2="$(cpu_seconds "${replica_pids[1]}")" -v b2="$before_r2" \
            -v ng="$(cpu_seconds "$nginx1" "$nginx2")" -v bn="$before_ng" -v d="$DURATION" \
            -v w="$(awk '{print $1 + $2}' "$WORK/wrk.time")" \
            'BEGIN {printf "wrk %.2f, nginx %.2f, replica 1 %.2f, replica 2 %.2f", w / d, (ng - bn) / d, (r1 - b1) / d, (r2 - b2) / d}')
        echo "replicas: run $run, $case: $line" >&2
    done
done

# row CASE LABEL — a Markdown table row of CASE's medians and its last round's CPU.
row() {
    # shellcheck disable=SC2086
    awk -v label="$2" -v p50="$(median ${p50[$1]})" -v p99="$(median ${p99[$1]})" -v rate="$(median ${rate[$1]})" \
        -v bad="${bad[$1]}" -v runs="${rate[$1]# }" -v cpu="${cpu[$1]}" \
        'BEGIN {printf "| %s | %.0f µs | %.0f µs | %.0f (%s) | %d | %s |\n", label, p50, p99, rate, runs, bad, cpu}'
}

body="$WORK/section.md"
{
    echo "## tenure serve as replicas behind nginx"
    echo
    echo "Release build; $(machine_line). $COMPANY$active active customers), loopback. GET /customers/{id}"
    echo "on random active customers, wrk 2 threads × 32 connections × ${DURATION} s; nginx $(nginx -v 2>&1 | sed 's|.*nginx/||')"
    echo "(nginx-light, $NGINX_WORKERS worker, keepalive to the upstreams); each replica \`tenure serve\` with its default"
    echo "$(nproc) worker threads. The three cases take turns in each of $RUNS rounds: medians (each round's"
    echo "requests/s in brackets); non-2xx and socket errors summed over all rounds; the cores each process"
    echo "kept busy (CPU seconds per second) in the last round. The 1-minute load average before the"
    echo "first round: $load_before ($(cut -d' ' -f1 /proc/loadavg) after the last); what the table leaves of the $(nproc) cores went to other work."
    echo
    echo "| target | p50 | p99 | requests/s | non-2xx + errors | cores busy |"
    echo "|---|---|---|---|---|---|"
    row direct "one replica, no nginx"
    row nginx1 "nginx → one replica"
    row nginx2 "nginx → two replicas"
    echo
    echo "Command: \`[SERVE_DB=W SERVE_MODELS=DIR SERVE_NAME=TEXT] bench/replicas.sh build/tenure\`."
    echo
    echo "On $(nproc) cores every case is bound by the same cores, which wrk, nginx and the replicas share"
    echo "(the last column says where they went). A replica answers from a prebuilt body (a hash lookup"
    echo "and a copy), which costs less CPU than nginx takes to proxy the request (two connections, two"
    echo "parses, the copy of the answer): through nginx the rate is well under half the direct one. A second"
    echo "replica brings no core with it, so it cannot add throughput here: the two split the share the"
    echo "one had, and the rate stays within the noise of the rounds or dips (one more process to"
    echo "schedule). What two replicas give on this machine is availability: one reloads or drains while"
    echo "the other answers, with no failed request (tests/integration/test_replicas.sh). Throughput grows"
    echo "with replicas only where each gets cores of its own: more cores than wrk, nginx and one replica"
    echo "keep busy, or other machines."
} >"$body"
cat "$body"
write_section "replicas" "$body"
echo "replicas: wrote the figures to BENCHMARKS.md" >&2
