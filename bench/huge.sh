#!/usr/bin/env bash
# bench/huge.sh — the whole pipeline on a company of half a million customers
# (about a billion usage events): does every stage complete on one machine,
# how long does it take and how much memory does it hold?
#
# Runs generate, build, check, analyze, train, score --all and serve (exec to
# the first 200 from /ready) once each, in that order, with the default
# memory budget, and writes wall time, peak RSS and the outcome of each into
# its section of BENCHMARKS.md. A stage that fails is recorded with the last
# line it printed, and the stages that need its output are marked as not
# run, rather than the run being dropped. Needs about 45 GB of free disk in
# HUGE_DIR (default a new directory under /tmp, removed at the end unless
# HUGE_KEEP=1) and, on 2 cores, an hour or more.
#
# CUSTOMERS=50000 runs the same stages on the 50,000-customer company of
# issue 18's targets, into a section of its own; RAW=1 adds `tenure build
# --raw` of the company's CSV export (written by `generate --csv` into a new
# warehouse; about 12 GB of CSV at 50,000 customers, so not at 500,000).
#
# Usage: [CUSTOMERS=500000] [RAW=1] bench/huge.sh path/to/tenure     (`make bench-huge`)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
TENURE=$(realpath "${1:?usage: bench/huge.sh path/to/tenure}")
CUSTOMERS=${CUSTOMERS:-500000}
DIR=${HUGE_DIR:-$(mktemp -d /tmp/tenure-bench-huge.XXXXXX)}
mkdir -p "$DIR"
[[ ${HUGE_KEEP:-0} == 1 ]] || trap 'rm -rf "$DIR"' EXIT
DB="$DIR/w.duckdb"

stages=(generate build check analyze train score serve)
[[ ${RAW:-0} == 1 ]] && stages+=(export load)
if [[ $CUSTOMERS == 500000 ]]; then
    section=huge heading="## A billion events: $CUSTOMERS customers on one machine"
    make_target=' (`make bench-huge`)'
else
    section="stages-$CUSTOMERS" heading="### Every stage at $CUSTOMERS customers" make_target=""
fi
load_note=""
[[ ${RAW:-0} == 1 ]] && load_note='; export is `generate --csv`, load is `build --raw` of it into a new warehouse'

declare -A wall rss outcome
failed_stage=""

# stage_command STAGE — the command line of one stage.
stage_command() {
    case $1 in
    generate) echo "generate --customers $CUSTOMERS --db $DB" ;;
    build) echo "build --db $DB" ;;
    check) echo "check --db $DB" ;;
    analyze) echo "analyze --db $DB --out $DIR/reports" ;;
    train) echo "train --db $DB --models $DIR/models" ;;
    score) echo "score --db $DB --models $DIR/models --all --out $DIR/scores.csv" ;;
    export) echo "generate --customers $CUSTOMERS --csv $DIR/csv" ;;
    load) echo "build --db $DIR/loaded.duckdb --raw $DIR/csv" ;;
    esac
}

# needs STAGE — the stage whose output STAGE reads (it is not run when that one failed).
needs() {
    case $1 in
    generate | export) echo "" ;;
    load) echo "export" ;;
    build) echo "generate" ;;
    check | analyze | train) echo "build" ;;
    score | serve) echo "train" ;;
    esac
}

# run_stage STAGE — runs one stage under /usr/bin/time, its log in $DIR/STAGE.log.
run_stage() {
    local stage=$1 report="$DIR/$1.time"
    # shellcheck disable=SC2046 # the command line is split on purpose
    if /usr/bin/time -f "%e %M" -o "$report" "$TENURE" $(stage_command "$stage") \
        >"$DIR/$stage.out" 2>"$DIR/$stage.log"; then
        outcome[$stage]="completed"
    else
        outcome[$stage]="**failed** ($(grep -o 'status [0-9]*' "$report" || echo 'killed')): $(tail -1 "$DIR/$stage.log" | cut -c1-160)"
        failed_stage+=" $stage"
    fi
    read -r "wall[$stage]" "rss[$stage]" < <(grep -E '^[0-9.]+ [0-9]+$' "$report")
}

# ready_or_gone — waits until the server answers 200 on /ready (true) or has exited (false).
ready_or_gone() {
    local base=""
    while kill -0 "$SERVER_PID" 2>/dev/null; do
        base=${base:-$(grep -o 'listening on http://[0-9.]*:[0-9]*' "$DIR/serve.log" | sed 's/listening on //' || true)}
        [[ -n $base ]] && curl -sf -o /dev/null "$base/ready" && return 0
        sleep 0.01
    done
    return 1
}

# run_serve — exec to the first 200 from /ready, the server's peak RSS, then SIGTERM.
run_serve() {
    local start
    start=$(date +%s.%N)
    "$TENURE" serve --db "$DB" --models "$DIR/models" --port 0 >"$DIR/serve.log" 2>&1 &
    SERVER_PID=$!
    if ready_or_gone; then
        wall[serve]=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}')
        sleep 5 # answers are being made in the background: the RSS a little later
        rss[serve]=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
        outcome[serve]="completed"
        kill -TERM "$SERVER_PID"
        wait "$SERVER_PID" || true
    else
        outcome[serve]="**failed**: $(tail -1 "$DIR/serve.log" | cut -c1-160)"
        failed_stage+=" serve"
    fi
}

# write_report — the section so far (rewritten after every stage, so a run that is stopped
# still leaves what it measured).
write_report() {
    local events body="$DIR/section.md"
    events=$("$TENURE" sql --quiet --csv --db "$DB" "SELECT count(*) FROM raw.usage_events" 2>/dev/null | tail -1 || echo "?")
    {
        echo "$heading"
        echo
        echo "Release build; $(machine_line). One run of each stage, in order, with the default memory"
        echo "budget; ${events:-?} usage events. Disk used: $(du -sh "$DIR" | cut -f1)."
        echo
        echo "| stage | outcome | wall | peak RSS |"
        echo "|---|---|---|---|"
        for stage in "${stages[@]}"; do
            printf '| %s | %s | %s | %s |\n' "$stage" "${outcome[$stage]:-not run yet}" \
                "${wall[$stage]:+${wall[$stage]} s}" "${rss[$stage]:+$((${rss[$stage]} / 1024)) MB}"
        done
        echo
        echo "Command: \`${RAW:+RAW=$RAW }CUSTOMERS=$CUSTOMERS bench/huge.sh build/tenure\`${make_target}; serve is exec to the first"
        echo "200 from \`/ready\`, its RSS the peak 5 s later${load_note}."
    } >"$body"
    write_section "$section" "$body"
}

for stage in "${stages[@]}"; do
    need=$(needs "$stage")
    if [[ -n $need && " $failed_stage " == *" $need "* || -n $need && -z ${outcome[$need]:-} ]]; then
        outcome[$stage]="not run ($need did not complete)"
        failed_stage+=" $stage"
        continue
    fi
    echo "huge: $stage ($(date -u +%H:%M:%S))" >&2
    if [[ $stage == serve ]]; then run_serve; else run_stage "$stage"; fi
    echo "huge: $stage ${outcome[$stage]} in ${wall[$stage]:-?} s, peak $((${rss[$stage]:-0} / 1024)) MB" >&2
    write_report
done
cat "$DIR/section.md"

