#!/usr/bin/env bash
# test_model_set.sh — the two models are one set (issue 14): `tenure train`
# publishes both models, their metadata and cards together
# (models/sets/<id>/, made current by the models/current link, readable as
# models/churn.json …); a train killed between the two models changes
# nothing; `score`, `report` and `serve` refuse a mixed set, naming both
# versions; the older layout (six files in models/) still loads when it is
# one set; only the last three sets are kept; a killed train's staging
# directory is removed by the next.
source "$(dirname "$0")/lib.sh"
SERVER_PID=""
trap '[[ -n $SERVER_PID ]] && kill -KILL $SERVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT
FILES="churn.json churn.meta.json churn.card.md expansion.json expansion.meta.json expansion.card.md"

DB="$WORK/w.duckdb"
"$TENURE" generate --quiet --customers 300 --seed 6 --db "$DB"
"$TENURE" build --quiet --db "$DB"
for D in 2026-02-14 2026-01-14 2025-12-14 2025-11-14; do # the same company as of earlier dates
    cp "$DB" "$WORK/$D.duckdb"
    "$TENURE" build --quiet --db "$WORK/$D.duckdb" --as-of "$D"
done
M="$WORK/models"
current() { readlink "$M/current"; }
versions() { # DIR → "churn-version expansion-version" of `tenure score`, or its error
    if "$TENURE" score --quiet --db "$DB" --models "$1" --all --format json >"$WORK/versions.json" 2>"$WORK/versions.err"; then
        jq -r '.model_versions | .churn + " " + .expansion' "$WORK/versions.json"
    else
        echo "score failed: $(cat "$WORK/versions.err")"
    fi
}

# ---- the layout -------------------------------------------------------------------------
run "$TENURE" train --db "$DB" --models "$M"
expect_status 0 "train"
ID=$(basename "$(current)")
expect_equal "$(current)" "sets/$ID" "models/current is a link to sets/<id>"
expect_contains stderr "published together as model set $ID" "train names the set"
for file in $FILES; do
    CHECKS=$((CHECKS + 1))
    if [[ -f $M/sets/$ID/$file && $(readlink "$M/$file") == "current/$file" ]]; then
        pass "sets/$ID/$file, read as models/$file"
    else
        fail "$file is not in the set or not linked"
    fi
done
expect_equal "$(jq -r .model_set "$M/churn.meta.json") $(jq -r .model_set "$M/expansion.meta.json")" "$ID $ID" \
    "both metadata files name the set"
expect_contains_file "$M/churn.card.md" "of model set \`$ID\`" "so does the model card"
V1=$(versions "$M")
expect_equal "$V1" "$(jq -r .version "$M/churn.meta.json") $(jq -r .version "$M/expansion.meta.json")" "score reads the current set"
run "$TENURE" train --quiet --db "$DB" --models "$M"
expect_equal "$(current) $(ls "$M/sets" | wc -l)" "sets/$ID 1" "the same warehouse trains the same set, kept once"

# ---- a train killed between the two models changes nothing -----------------------------
"$TENURE" train --quiet --db "$WORK/2026-02-14.duckdb" --models "$M" &
TRAIN=$!
for _ in $(seq 1 2000); do # until the new churn model exists (where this version of tenure puts it)
    compgen -G "$M/sets/.staging-*/churn.json" >/dev/null && break
    [[ $(jq -r .as_of "$M/churn.meta.json" 2>/dev/null) == 2026-02-14 ]] && break
    kill -0 $TRAIN 2>/dev/null || break
    sleep 0.02
done
kill -KILL $TRAIN
wait $TRAIN 2>/dev/null
expect_equal "$(versions "$M")" "$V1" "after kill -9 between the models, both are the old set's"
expect_equal "$(current)" "sets/$ID" "current is unchanged"
STAGED=$(compgen -G "$M/sets/.staging-*" | head -1)
run "$TENURE" train --quiet --db "$WORK/2026-02-14.duckdb" --models "$M"
expect_status 0 "the next train"
expect_absent "${STAGED:-$M/sets/.staging-none}" "removes the killed train's staging directory"
ID2=$(basename "$(current)")
expect_equal "$(jq -r .as_of "$M/expansion.meta.json") $(jq -r .model_set "$M/churn.meta.json")" "2026-02-14 $ID2" \
    "and publishes its set"

# ---- only the last three sets are kept ---------------------------------------------------
for D in 2026-01-14 2025-12-14 2025-11-14; do
    "$TENURE" train --quiet --db "$WORK/$D.duckdb" --models "$M"
done
expect_equal "$(ls "$M/sets" | sort | tr '\n' ' ')" \
    "$(for D in 2026-01-14 2025-12-14 2025-11-14; do ls "$M/sets" | grep "^$D-"; done | sort | tr '\n' ' ')" \
    "the three newest sets are kept, the older two removed"
expect_equal "$(current)" "sets/$(ls "$M/sets" | grep '^2025-11-14-')" "current is the newest"
mkdir "$WORK/keep" && cp -r "$M/sets/$(ls "$M/sets" | grep '^2026-01-14-')" "$WORK/keep/"
OLDEST="$M/sets/$(ls "$M/sets" | grep '^2026-01-14-')"
echo "my notes" >"$OLDEST/notes.txt" && touch -d '1 hour ago' "$OLDEST" # the oldest set, with a file of mine
"$TENURE" train --quiet --db "$DB" --models "$M"
expect_equal "$(ls "$OLDEST" | wc -l) $(ls "$M/sets" | wc -l)" "$(($(ls "$WORK/keep/$(basename "$OLDEST")" | wc -l) + 1)) 4" \
    "a set holding someone's file is left alone, whole"

# ---- mixed sets are refused, naming both versions ------------------------------------------
A="$M/sets/$ID" B="$WORK/keep/$(ls "$WORK/keep")"
mkdir "$WORK/mixed" && cp "$A"/churn.* "$WORK/mixed/" && cp "$B"/expansion.* "$WORK/mixed/"
CHURN_V=$(jq -r .version "$A/churn.meta.json") EXPANSION_V=$(jq -r .version "$B/expansion.meta.json")
run "$TENURE" score --db "$DB" --models "$WORK/mixed" --all
expect_status 1 "score with a churn model and an expansion model from two trainings"
expect_contains stderr "the churn model $CHURN_V and the expansion model $EXPANSION_V are not one set" "names both versions"
run "$TENURE" report --db "$DB" --models "$WORK/mixed" --reports "$WORK" --out "$WORK/report.html"
expect_status 1 "report with a mixed set"
expect_contains stderr "the churn model $CHURN_V and the expansion model $EXPANSION_V are not one set" "names both versions"
start_server mixed --db "$DB" --models "$WORK/mixed"
CODE=$(curl -s -o "$WORK/body" -w '%{http_code}' "$BASE/ready")
expect_equal "$CODE" 503 "serve with a mixed set is not ready"
expect_contains body "the churn model $CHURN_V and the expansion model $EXPANSION_V are not one set" "/ready names both versions"
stop_server TERM
start_server good --db "$DB" --models "$M"
rm "$WORK/mixed"/churn.* && cp "$B"/churn.* "$WORK/mixed/" && cp "$A"/expansion.* "$WORK/mixed/"
rm "$M/current" && ln -s "$(realpath "$WORK/mixed")" "$M/current" # as if current held a mixed set
kill -HUP $SERVER_PID
for _ in $(seq 1 100); do grep -q "reload failed" "$WORK/good.log" && break; sleep 0.1; done
expect_contains good.log "are not one set" "a reload that finds a mixed set fails, naming both"
CODE=$(curl -s -o "$WORK/body" -w '%{http_code}' "$BASE/ready")
expect_equal "$CODE" 200 "and the server keeps its snapshot"
stop_server TERM

# ---- the older layout: six files in the directory ---------------------------------------------
mkdir "$WORK/older"
for file in $FILES; do cp "$A/$file" "$WORK/older/"; done
for model in churn expansion; do # as written before model sets existed
    jq 'del(.model_set)' "$A/$model.meta.json" >"$WORK/older/$model.meta.json"
done
expect_equal "$(versions "$WORK/older")" "$V1" "an older layout of one training loads"
jq 'del(.model_set)' "$B/expansion.meta.json" >"$WORK/older/expansion.meta.json"
cp "$B/expansion.json" "$WORK/older/"
run "$TENURE" score --db "$DB" --models "$WORK/older" --all
expect_status 1 "an older layout with models as of two dates"
expect_contains stderr "(trained as of $(jq -r .as_of "$A/churn.meta.json") and $(jq -r .as_of "$B/expansion.meta.json"))" "says so"
cp "$A"/expansion.* "$WORK/older/"
jq 'del(.model_set)' "$A/churn.meta.json" >"$WORK/older/churn.meta.json"
run "$TENURE" score --db "$DB" --models "$WORK/older" --all
expect_status 1 "one model with a set, the other without"
for file in $FILES; do cp "$A/$file" "$WORK/older/"; done
run "$TENURE" train --quiet --db "$WORK/2026-02-14.duckdb" --models "$WORK/older"
expect_status 0 "train into an older layout"
for file in $FILES; do
    CHECKS=$((CHECKS + 1))
    if [[ $(readlink "$WORK/older/$file") == "current/$file" ]]; then pass "its $file becomes a link"; else fail "$file is not a link"; fi
done
expect_equal "$(jq -r .as_of "$WORK/older/expansion.meta.json")" 2026-02-14 "and reads the new set"

finish
