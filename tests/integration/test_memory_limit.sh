#!/usr/bin/env bash
# test_memory_limit.sh — the memory budget (issue 18): `--memory-limit SIZE`
# and TENURE_MEMORY_LIMIT on every command, DuckDB's memory_limit and
# temp_directory really set, the default of 40 % of physical RAM (worked out
# here from /proc/meminfo), bad values refused, the whole pipeline within
# 1 GB, two processes spilling at once without touching each other's files,
# killed runs' spill directories swept, and a budget too small for DuckDB
# failing with a message that says so and the warehouse left as it was.
source "$(dirname "$0")/lib.sh"
DB="$WORK/w.duckdb"

# DuckDB's own way of printing a byte count (StringUtil::BytesToHumanReadableString, as
# current_setting('memory_limit') shows it): powers of 1,024, one decimal, cut, not rounded.
duckdb_bytes() {
    awk -v b="$1" 'BEGIN {
        split("bytes KiB MiB GiB TiB", unit, " "); n[0] = b
        for (i = 1; i <= 4; i++) { n[i] = int(n[i - 1] / 1024); n[i - 1] -= n[i] * 1024 }
        for (i = 4; i >= 1; i--) if (n[i] > 0) { printf "%d.%d %s\n", n[i], int(n[i - 1] * 10 / 1024), unit[i + 1]; exit }
        print b " bytes" }'
}
setting() { # DB SETTING [tenure sql options…] — the setting as DuckDB reports it to `tenure sql`
    local db=$1 name=$2
    shift 2
    "$TENURE" sql --csv --db "$db" "$@" "SELECT current_setting('$name')" | tail -n +2
}

# ---- (a) the pipeline on a small company within 1 GB --------------------------------------
for stage in "generate --customers 300" build check "analyze --out $WORK/reports" \
    "train --models $WORK/models" "score --all --models $WORK/models --out $WORK/scores.csv"; do
    # shellcheck disable=SC2086 # the stage's own words
    run "$TENURE" $stage --quiet --db "$DB" --memory-limit 1GB
    expect_status 0 "${stage%% *} --memory-limit 1GB"
    expect_absent "$DB.tmp" "${stage%% *}: no spill directory is left beside the warehouse"
done
expect_number "$(($(wc -l <"$WORK/scores.csv") - 1))" ">" 100 "score --all wrote the active customers"

# ---- (b) DuckDB's settings are the budget's -------------------------------------------------
expect_equal "$(setting "$DB" memory_limit --memory-limit 300MB)" "$(duckdb_bytes 300000000)" \
    "--memory-limit 300MB is DuckDB's memory_limit (300,000,000 bytes)"
expect_equal "$(setting "$DB" memory_limit --memory-limit=1.5GiB)" "1.5 GiB" "--memory-limit=1.5GiB"
expect_equal "$(TENURE_MEMORY_LIMIT=512MB setting "$DB" memory_limit)" "$(duckdb_bytes 512000000)" \
    "TENURE_MEMORY_LIMIT=512MB sets it when the option is not given"
expect_equal "$(TENURE_MEMORY_LIMIT=512MB setting "$DB" memory_limit --memory-limit 2GB)" "$(duckdb_bytes 2000000000)" \
    "--memory-limit wins over TENURE_MEMORY_LIMIT"
run "$TENURE" sql --csv --db "$DB" "SELECT current_setting('temp_directory')"
expect_status 0 "tenure sql reports the temp directory"
spill=$(tail -n 1 "$WORK/stdout")
expect_equal "$(dirname "$spill")" "$DB.tmp" "DuckDB spills into a directory inside <warehouse>.tmp"
expect_equal "$(basename "$spill" | sed -E 's/^spill-[0-9]+-[A-Za-z0-9]{6}$/spill-PID-XXXXXX/')" "spill-PID-XXXXXX" \
    "one of its own, named with the process's id"
expect_absent "$DB.tmp" "and both are gone once the command ends"

# ---- (c) the default: 40 % of physical RAM ----------------------------------------------------
ram_kb=$(awk '$1 == "MemTotal:" {print $2}' /proc/meminfo)
# ... or the container's limit when it is lower (cgroup v2, else v1; "max" or ~2^63 is none)
for limit_file in /sys/fs/cgroup/memory.max /sys/fs/cgroup/memory/memory.limit_in_bytes; do
    limit=$(cat "$limit_file" 2>/dev/null || true)
    if [[ $limit =~ ^[0-9]+$ ]] && ((${#limit} < 19 && limit < 1152921504606846976)); then
        ((limit / 1024 < ram_kb)) && ram_kb=$((limit / 1024))
        break
    fi
done
expect_equal "$(setting "$DB" memory_limit)" "$(duckdb_bytes $((ram_kb * 1024 * 40 / 100)))" \
    "without --memory-limit: 40 % of MemTotal ($ram_kb kB)"
expect_equal "$(setting "$DB" memory_limit --memory-limit 25%)" "$(duckdb_bytes $((ram_kb * 1024 * 25 / 100)))" \
    "--memory-limit 25% is a quarter of MemTotal"

# ---- (d) bad values ------------------------------------------------------------------------------
expected="expected a size such as 1GB, 512MB, 1.5GiB or 40% (of physical RAM)"
for bad in abc 1024 1XB -1GB 1e9B; do
    run "$TENURE" build --db "$DB" --memory-limit "$bad"
    expect_status 1 "--memory-limit $bad is refused"
    expect_contains stderr "tenure build: --memory-limit: $expected, got '$bad'" "  naming the option, what was expected and the value"
done
run "$TENURE" train --db "$DB" --memory-limit 10MB
expect_status 1 "--memory-limit 10MB is refused"
expect_contains stderr "tenure train: --memory-limit: '10MB' is too small: DuckDB needs at least 64 MB to work at all" \
    "  too small for DuckDB to work at all"
run "$TENURE" check --db "$DB" --memory-limit 150%
expect_status 1 "--memory-limit 150% is refused"
expect_contains stderr "tenure check: --memory-limit: expected a percentage of physical RAM above 0% and at most 100%, got '150%'" \
    "  a percentage must be of RAM"
run "$TENURE" score --all --memory-limit
expect_status 2 "--memory-limit without a value is a usage error"
expect_contains stderr "tenure score: --memory-limit needs a value (SIZE)" "  saying what it needs"
TENURE_MEMORY_LIMIT=lots run "$TENURE" analyze --db "$DB" --out "$WORK/reports"
expect_status 1 "a bad TENURE_MEMORY_LIMIT is refused"
expect_contains stderr "tenure analyze: TENURE_MEMORY_LIMIT: $expected, got 'lots'" "  naming the variable"
TENURE_MEMORY_LIMIT=lots run "$TENURE" sql --db "$DB" --memory-limit 1GB "SELECT 1"
expect_status 0 "an option given, TENURE_MEMORY_LIMIT is not read"
without="" commands=0
for command in $("$TENURE" --help | awk '/^Commands:/ {on = 1; next} on && !NF {exit} on {print $1}'); do
    commands=$((commands + 1))
    "$TENURE" "$command" --help | grep -q -- "--memory-limit SIZE" || without="$without $command"
done
expect_number "$commands" ">=" 15 "tenure --help lists the commands"
expect_equal "$without" "" "every command's --help lists --memory-limit SIZE"

# ---- two processes spilling at once, and the leftovers of killed ones ---------------------------
# Each sorts 4 million numbers within 64 MB, so both spill at once. DuckDB names its temporary
# files alike in every process and deletes all of them in its directory when it closes: in one
# shared directory the two read each other's blocks ("Could not read enough bytes").
sorted_sum() { "$TENURE" sql --csv --db "$DB" --memory-limit 64MB \
    "SELECT sum(i) FROM (SELECT i FROM range($1, $2) t(i) ORDER BY hash(i))" | tail -n 1; }
(for _ in $(seq 1 100); do
    find "$DB.tmp" -name 'duckdb_temp_*' 2>/dev/null | xargs -r -n 1 dirname | sort -u | wc -l
    sleep 0.05
done | sort -n | tail -n 1 >"$WORK/most_spilling") &
watcher=$!
sorted_sum 0 4000000 >"$WORK/first" &
first=$!
second_sum=$(sorted_sum 4000000 8000000)
wait $first
first_sum=$(cat "$WORK/first")
wait $watcher
expect_equal "$first_sum,$second_sum" "7999998000000,23999998000000" \
    "two processes spilling at once each get their own sum (0 + … + 3,999,999 and 4,000,000 + … + 7,999,999)"
expect_equal "$(cat "$WORK/most_spilling")" 2 "they spilled at the same time, into two directories"
expect_absent "$DB.tmp" "and left nothing"

dead=$(($(cat /proc/sys/kernel/pid_max) - 1))
while kill -0 $dead 2>/dev/null; do dead=$((dead - 1)); done
mkdir -p "$DB.tmp/spill-$dead-AbCdEf" "$DB.tmp/spill-$dead-GhIjKl"
echo block >"$DB.tmp/spill-$dead-AbCdEf/duckdb_temp_storage_DEFAULT-0.tmp"
echo mine >"$DB.tmp/spill-$dead-GhIjKl/notes.txt"
run "$TENURE" sql --db "$DB" "SELECT 1"
expect_status 0 "a query beside a killed run's spill directories"
expect_absent "$DB.tmp/spill-$dead-AbCdEf" "the killed run's spill directory is removed"
expect_equal "$(cat "$DB.tmp/spill-$dead-GhIjKl/notes.txt")" mine "one holding a file that is not DuckDB's is left alone"
rm -rf "$DB.tmp"

# ---- (e) too small a budget: a clear message, nothing changed -----------------------------------
# string_agg builds one string of 150 MB, which cannot spill.
run "$TENURE" sql --db "$DB" --memory-limit 64MB "SELECT length(string_agg(i::VARCHAR, ',')) FROM range(20000000) t(i)"
expect_status 1 "a query that cannot fit 64 MB fails"
expect_contains stderr "tenure: sql: $DB: DuckDB ran out of its memory budget (--memory-limit 64 MB): Out of Memory Error: " \
    "  saying DuckDB ran out of its budget, and which budget"
expect_contains stderr "; raise --memory-limit or free disk for $DB.tmp" "  and what to do"
expect_equal "$(grep -c "Possible solutions" "$WORK/stderr")" 0 "  without DuckDB's advice to SET memory_limit, which is not how Tenure is told"

# Loading an export reads each CSV file in buffers of up to 32 MB per thread: 64 MB cannot hold
# them (200 MB can). The build fails before its transaction, and the warehouse is as it was.
"$TENURE" generate --quiet --customers 300 --csv "$WORK/exports"
before=$(sha256sum <"$DB")
run "$TENURE" build --db "$DB" --raw "$WORK/exports" --memory-limit 64MB
expect_status 1 "build --raw within 64 MB fails"
expect_contains stderr "tenure: build: usage_events.csv: $DB: DuckDB ran out of its memory budget (--memory-limit 64 MB)" \
    "  naming the file, the warehouse and the budget"
expect_equal "$(sha256sum <"$DB")" "$before" "  and the warehouse file is unchanged, byte for byte"
expect_absent "$DB.tmp" "  and no spill directory is left"
run "$TENURE" check --db "$DB" --memory-limit 1GB
expect_status 0 "the warehouse still passes its checks"

finish
