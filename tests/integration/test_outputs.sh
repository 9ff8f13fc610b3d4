#!/usr/bin/env bash
# test_outputs.sh — outputs never clobber what is not ours (issue 14).
# `tenure score --out`, `report --out`, `analyze`, `backtest` and `generate
# --csv` write regular files only, through a temporary file and a rename: a
# target that is a symbolic link, a named pipe, a device or a directory is
# refused with a message naming it and what it is, exit 1, and is left as it
# was. And the hidden temporary folders of a `generate --csv` that was
# killed are removed by the next run there, and nothing else is.
source "$(dirname "$0")/lib.sh"

DB="$WORK/w.duckdb"
"$TENURE" generate --quiet --customers 300 --seed 4 --db "$DB"
"$TENURE" build --quiet --db "$DB"
"$TENURE" train --quiet --db "$DB" --models "$WORK/models"
"$TENURE" analyze --quiet --db "$DB" --out "$WORK/reports"

# targets: a symbolic link to a file, a named pipe, a character device (when this
# user may make one: never /dev/null itself), a directory
echo "precious" >"$WORK/precious.txt"
ln -s "$WORK/precious.txt" "$WORK/link"
mkfifo "$WORK/fifo"
mkdir "$WORK/dir"
KINDS=("link:a symbolic link" "fifo:a named pipe (FIFO)" "dir:a directory")
if mknod "$WORK/device" c 1 3 2>/dev/null; then KINDS+=("device:a character device"); fi

# unchanged NAME — the target is still what it was
unchanged() {
    case $1 in
    link) [[ -L $WORK/link && $(cat "$WORK/precious.txt") == precious ]] ;;
    fifo) [[ -p $WORK/fifo ]] ;;
    dir) [[ -d $WORK/dir && -z $(ls -A "$WORK/dir") ]] ;;
    device) [[ -c $WORK/device ]] ;;
    esac
}

# refuses WHAT KIND — the last run exited 1, named the target and its kind, and left it alone
refuses() {
    expect_status 1 "$1 onto $2"
    expect_contains stderr "$WORK/${2%%:*} is ${2#*:}, not a regular file" "$1: names $2"
    CHECKS=$((CHECKS + 1))
    if unchanged "${2%%:*}"; then pass "$1: $2 left as it was"; else fail "$1: $2 was replaced"; fi
    CHECKS=$((CHECKS + 1))
    if [[ -z $(find "$WORK" -maxdepth 1 -name ".${2%%:*}.*") ]]; then pass "$1: no temporary left"; else fail "$1: a temporary is left"; fi
}

for kind in "${KINDS[@]}"; do
    name=${kind%%:*}
    run timeout 60 "$TENURE" score --db "$DB" --models "$WORK/models" --all --out "$WORK/$name"
    refuses "score --out" "$kind"
    run timeout 60 "$TENURE" report --db "$DB" --models "$WORK/models" --reports "$WORK/reports" --out "$WORK/$name"
    refuses "report --out" "$kind"
done

# a regular file is replaced, through a temporary and a rename
echo old >"$WORK/scores.csv"
run "$TENURE" score --db "$DB" --models "$WORK/models" --all --out "$WORK/scores.csv"
expect_status 0 "score --out onto a regular file"
expect_contains_file "$WORK/scores.csv" "customer_id,name,owner" "replaces it"

# analyze and backtest publish two files: a link among them stops both
ln -sf "$WORK/precious.txt" "$WORK/reports/analysis.md"
run "$TENURE" analyze --db "$DB" --out "$WORK/reports"
expect_status 1 "analyze when analysis.md is a symbolic link"
expect_contains stderr "analysis.md is a symbolic link, not a regular file" "names it"
expect_equal "$(cat "$WORK/precious.txt")" precious "the file it points to is untouched"
mkdir -p "$WORK/bt" && mkfifo "$WORK/bt/backtest.json"
run timeout 300 "$TENURE" backtest --db "$DB" --from 2025-09-14 --to 2025-09-14 --out "$WORK/bt"
expect_status 1 "backtest when backtest.json is a named pipe"
expect_contains stderr "backtest.json is a named pipe (FIFO), not a regular file" "names it"
expect_absent "$WORK/bt/backtest.md" "and writes neither file"

# generate --csv: a link where a table's file goes is refused before anything is written
mkdir "$WORK/exports" && ln -s "$WORK/precious.txt" "$WORK/exports/customers.csv"
run "$TENURE" generate --customers 50 --csv "$WORK/exports"
expect_status 1 "generate --csv when customers.csv is a symbolic link"
expect_contains stderr "customers.csv is a symbolic link" "names it"
expect_equal "$(ls -A "$WORK/exports")" customers.csv "nothing else was written"
rm "$WORK/exports/customers.csv"

# ---- leftovers of generate --csv runs that were killed ---------------------------------
CSV="$WORK/exports"
"$TENURE" generate --quiet --customers 20000 --csv "$CSV" &
GEN=$!
for _ in $(seq 1 300); do compgen -G "$CSV/.tenure-generate-*/usage_events.csv" >/dev/null && break; sleep 0.1; done
sleep 0.3
kill -KILL $GEN
wait $GEN 2>/dev/null
killed=$(compgen -G "$CSV/.tenure-generate-*" | head -1)
CHECKS=$((CHECKS + 1))
if [[ -n $killed ]]; then pass "kill -9 leaves its temporary folder ($(du -sh "$killed" | cut -f1))"; else fail "no temporary folder to clean"; fi
sleep 0 & dead=$! && wait $dead # a pid that no longer runs
mkdir "$CSV/.tenure-generate-$dead-aaaaaa" && echo x >"$CSV/.tenure-generate-$dead-aaaaaa/customers.csv"
mkdir "$CSV/.tenure-generate-bbbbbb" && echo x >"$CSV/.tenure-generate-bbbbbb/customers.csv" # as older versions named them
touch -d '2 hours ago' "$CSV/.tenure-generate-bbbbbb/customers.csv" "$CSV/.tenure-generate-bbbbbb"
mkdir "$CSV/.tenure-generate-cccccc" && echo x >"$CSV/.tenure-generate-cccccc/customers.csv" # older, but recent
mkdir "$CSV/.tenure-generate-$$-dddddd" # a live process's (this shell's)
mkdir "$CSV/.tenure-generate-$dead-eeeeee" && echo mine >"$CSV/.tenure-generate-$dead-eeeeee/notes.txt" # not only ours
mkdir "$CSV/.tenure-generate-mine" "$CSV/other-$dead-ffffff"                                          # other names
echo keep >"$CSV/.tenure-generate-$dead-gggggg"                                                       # a file
run "$TENURE" generate --customers 50 --csv "$CSV"
expect_status 0 "the next generate --csv"
expect_contains stderr "removed 3 temporary folders that a stopped run left in $CSV" "says what it removed"
expect_absent "$killed" "the killed run's folder is gone"
expect_absent "$CSV/.tenure-generate-$dead-aaaaaa" "so is a dead process's"
expect_absent "$CSV/.tenure-generate-bbbbbb" "and an older one untouched for two hours"
for kept in .tenure-generate-cccccc ".tenure-generate-$$-dddddd" ".tenure-generate-$dead-eeeeee/notes.txt" \
    .tenure-generate-mine "other-$dead-ffffff" ".tenure-generate-$dead-gggggg"; do
    CHECKS=$((CHECKS + 1))
    if [[ -e $CSV/$kept ]]; then pass "kept $kept"; else fail "removed $kept"; fi
done
expect_equal "$(head -c 12 "$CSV/customers.csv")" "customer_id," "the new files are in place"

finish
