#!/usr/bin/env bash
# test_cli.sh — the command-line surface of `tenure`: help, version, unknown
# commands, commands not built yet, and `tenure run` stopping at the first
# stage that is not built.
source "$(dirname "$0")/lib.sh"

ALL_COMMANDS="generate init validate build check analyze train backtest report score brief alerts serve sql run"

run "$TENURE" --help
expect_status 0 "tenure --help"
for command in $ALL_COMMANDS; do
    expect_contains stdout "  $command " "tenure --help lists '$command'"
done

run "$TENURE"
expect_status 2 "tenure without a command"
expect_contains stderr "Usage: tenure <command>" "tenure without a command prints usage on stderr"

run "$TENURE" nonsense
expect_status 2 "tenure nonsense"
expect_equal "$(cat "$WORK/stderr")" "tenure: 'nonsense' is not a tenure command (see 'tenure --help')" \
    "tenure nonsense prints one line"

run "$TENURE" --frobnicate
expect_status 2 "an option before the command"

for command in $ALL_COMMANDS; do
    run "$TENURE" "$command" --help
    expect_status 0 "tenure $command --help"
    expect_contains stdout "Usage: tenure $command [options]" "tenure $command --help shows usage"
    expect_contains stdout "-h, --help" "tenure $command --help lists options"
    help_text=$(cat "$WORK/stdout")
    run "$TENURE" help "$command"
    expect_equal "$(cat "$WORK/stdout")" "$help_text" "tenure help $command = tenure $command --help"
done

# Every command the main help marks as not built exits 2 with the one-line message.
"$TENURE" --help >"$WORK/help"
planned=$(awk '/\(not available yet\)/ {print $1}' "$WORK/help")
for command in $planned; do
    run "$TENURE" "$command"
    expect_status 2 "tenure $command (not built yet)"
    expect_equal "$(cat "$WORK/stderr")" "tenure: '$command' is not available yet" \
        "tenure $command says it is not available yet"
done

# tenure run goes stage by stage and stops at the first one not built.
first_missing=""
for stage in generate build check analyze train serve; do
    if grep -qx "$stage" <<<"$planned"; then first_missing=$stage; break; fi
done
if [[ -n $first_missing ]]; then
    run bash -c "cd '$WORK' && '$TENURE' run --customers 100 --db run.duckdb"
    expect_status 2 "tenure run stops at a stage not built"
    expect_contains stderr "'$first_missing' is not available yet; 'tenure run' stopped" \
        "tenure run names the stage it stopped at ($first_missing)"
fi

run "$TENURE" run --bogus
expect_status 2 "tenure run with an unknown option"
expect_contains stderr "unknown option '--bogus'" "unknown option is named"

# The binary finds libduckdb.so (rpath) and reports the libraries it really loaded.
run "$TENURE" --version
expect_status 0 "tenure --version"
for library in "DuckDB v" "XGBoost " "GSL " "jansson " "libmicrohttpd "; do
    expect_contains stdout "  $library" "tenure --version reports $library"
done

# The bootstrap ran before this suite (make test calls it): with everything
# installed it must be silent and succeed, so builds stay quiet.
if [[ -n ${TN_SOURCE_DIR:-} ]]; then
    run bash "$TN_SOURCE_DIR/scripts/bootstrap.sh"
    expect_status 0 "bootstrap with everything installed"
    expect_equal "$(cat "$WORK/stdout" "$WORK/stderr")" "" "bootstrap is silent when all is present"
fi

# A busy port is found before the pipeline starts, and the message names --port.
python3 -c 'import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
print(s.getsockname()[1], flush=True); time.sleep(120)' >"$WORK/busy-port" &
holder=$!
for _ in $(seq 50); do [[ -s $WORK/busy-port ]] && break; sleep 0.1; done
run "$TENURE" run --port "$(cat "$WORK/busy-port")" --db "$WORK/busy.duckdb"
kill "$holder" 2>/dev/null
expect_status 1 "tenure run on a busy port"
expect_contains stderr "choose another port with --port N" "names the option"
expect_contains stderr "make run PORT=N" "and make run's variable"
expect_absent "$WORK/busy.duckdb" "no stage ran"

finish
