# shellcheck shell=bash
# lib.sh — what run.sh (the long runs) and smoke.sh (the runs of `make test`)
# share: the list of targets, each target's libFuzzer flags, and the summary
# of a run read from its log.

# The targets, as tests/fuzz/targets.cmake lists them.
fuzz_targets() {
    sed -n 's/^set(TN_FUZZ_TARGETS \(.*\))$/\1/p' "$FUZZ_DIR/targets.cmake"
}

# A target's flags: options/<target> (one per line) and its dictionary, if any.
fuzz_flags() {
    [[ -f $FUZZ_DIR/options/$1 ]] && cat "$FUZZ_DIR/options/$1"
    [[ -f $FUZZ_DIR/dict/$1.dict ]] && echo "-dict=$FUZZ_DIR/dict/$1.dict"
}

# fuzz_summary TARGET LOG SECONDS CRASH_DIR — one line: time, executions, coverage, findings.
# A finding is a failing input (crash-, leak-, timeout-, oom-); a slow-unit- file is an input
# that took long once, counted apart: on a busy machine a niced fuzzer's units can wait.
fuzz_summary() {
    local runs cov ft findings slow
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$2" | tail -n 1)
    cov=$(grep -ao 'cov: [0-9]*' "$2" | tail -n 1 | cut -d' ' -f2)
    ft=$(grep -ao 'ft: [0-9]*' "$2" | tail -n 1 | cut -d' ' -f2)
    findings=$(find "$4" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) 2>/dev/null | wc -l)
    slow=$(find "$4" -maxdepth 1 -type f -name 'slow-unit-*' 2>/dev/null | wc -l)
    echo "fuzz_$1: $3 s, ${runs:-?} runs, cov ${cov:-?}, ft ${ft:-?}, ${findings} finding(s), ${slow} slow input(s)"
}
