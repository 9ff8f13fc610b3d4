#!/usr/bin/env bash
# test_history.sh — the score history and the movers (issue 16): a small
# generated company's export loaded in four weekly increments and scored each
# week records one row per active customer and as-of date, equal to that
# scoring's CSV; scoring the
# same as-of again, or with --no-record, adds nothing; a rebuild keeps the
# history; new models add a second scoring of an as-of, which then stands.
# GET /customers/{id}/history answers the points and what changed between the
# last two, checked against SQL written here (the moved drivers by list
# indexing, not the server's unnest), and says why when there is nothing to
# show. GET /movers lists who entered high risk, whose probability rose, who
# became expansion-ready and who fell a tier, equal to SQL written here.
# The server's drivers for the scored as-of are the ones `tenure score`
# recorded.
# Every answer is validated against api/openapi.json.
source "$(dirname "$0")/lib.sh"
SOURCE_DIR=${TN_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
DB="$WORK/w.duckdb"
MODELS="$WORK/models"
SERVER_PID=""
trap '[[ -n $SERVER_PID ]] && kill -KILL $SERVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT
HISTORY=history.customer_scores_by_as_of

# A company's export cut into four weekly increments (tests/tools/split_increments.sql), as
# its data would arrive: the first loaded in full, each next one appended, scored each week.
"$TENURE" generate --quiet --customers 400 --seed 11 --csv "$WORK/export"
LAST=$("$TN_DUCKDB_EXEC" :memory: "SELECT CAST(max(CAST(\"timestamp\" AS TIMESTAMP)) AS DATE) + 1
    FROM read_csv('$WORK/export/usage_events.csv', all_varchar = true)")
read -r -a WEEKS <<<"$("$TN_DUCKDB_EXEC" :memory: "SELECT string_agg(CAST(DATE '$LAST' - CAST(7 * k AS INTEGER) AS VARCHAR), ' '
    ORDER BY k DESC) FROM range(4) AS t (k)")"
split_increments "$WORK/export" "$WORK/split" "${WEEKS[*]:0:3}"

for k in 0 1 2 3; do
    week=${WEEKS[$k]}
    if ((k == 0)); then
        "$TENURE" build --quiet --db "$DB" --raw "$WORK/split/inc1" --as-of "$week"
        "$TENURE" train --quiet --db "$DB" --models "$MODELS"
    else
        "$TENURE" build --quiet --db "$DB" --raw "$WORK/split/inc$((k + 1))" --append \
            $( ((k < 3)) && echo --as-of "$week")
    fi
    expect_equal "$(query "$DB" "SELECT as_of FROM marts.build_info")" "$week" "increment $((k + 1)): as of $week"
    run "$TENURE" score --db "$DB" --models "$MODELS" --all --out "$WORK/scores-$week.csv"
    expect_status 0 "score as of $week"
    active=$(($(wc -l <"$WORK/scores-$week.csv") - 1))
    expect_contains stderr "score: recorded $active customers as of $week in $HISTORY" \
        "says it recorded the $active active customers of $week"
    expect_equal "$(query "$DB" "SELECT count(*) FROM $HISTORY WHERE as_of = DATE '$week'")" "$active" \
        "$week: one history row per active customer"
    expect_equal "$(query "$DB" "SELECT count(*) FROM $HISTORY AS h
        FULL JOIN read_csv('$WORK/scores-$week.csv', all_varchar = true) AS s USING (customer_id)
        WHERE h.as_of = DATE '$week' AND (s.customer_id IS NULL OR h.customer_id IS NULL
           OR abs(h.churn_probability - CAST(s.churn_probability AS DOUBLE)) > 1e-9
           OR h.churn_tier <> s.churn_risk_tier
           OR h.risk_score_tier IS DISTINCT FROM nullif(s.risk_score_tier, '')
           OR h.upgrade_tier IS DISTINCT FROM nullif(s.propensity_tier, '')
           OR abs(coalesce(h.upgrade_propensity, -1) - coalesce(CAST(s.upgrade_propensity AS DOUBLE), -1)) > 1e-9
           OR h.churn_model_version <> s.churn_model_version
           OR h.churn_top_drivers[1] <> s.churn_driver_1)")" 0 \
        "$week: the history holds what the CSV of that scoring says"
done
expect_equal "$(query "$DB" "SELECT count(DISTINCT as_of) FROM $HISTORY")" 4 "four as-of dates recorded"
expect_equal "$(query "$DB" "SELECT count(*) FROM $HISTORY WHERE len(churn_shap) <> (SELECT count(*)
    FROM history.model_features AS f WHERE f.model_version = churn_model_version)
    OR len(churn_top_drivers) <> 5")" 0 "every row has one SHAP value per feature of its model, and five top drivers"
expect_equal "$(query "$DB" "SELECT count(*) FROM $HISTORY WHERE (upgrade_propensity IS NULL) <> (upgrade_shap IS NULL)")" 0 \
    "upgrade SHAP values exactly for the expansion candidates"

# ---- the same as-of again, --no-record, a rebuild: nothing added ----------------------------------
rows=$(query "$DB" "SELECT count(*) FROM $HISTORY")
run "$TENURE" score --db "$DB" --models "$MODELS" --all --out "$WORK/again.csv"
expect_status 0 "score the same as-of with the same models again"
expect_contains stderr "the history has as of $LAST with these models already; nothing added" "says nothing was added"
run "$TENURE" score --db "$DB" --models "$MODELS" --all --no-record --out "$WORK/again.csv"
expect_status 0 "score --no-record"
expect_equal "$(grep -c recorded "$WORK/stderr")" 0 "--no-record records nothing"
"$TENURE" build --quiet --db "$DB"
expect_equal "$(query "$DB" "SELECT count(*) FROM $HISTORY")" "$rows" \
    "scoring again, --no-record and a rebuild leave the history as it was"

# ---- new models: a second scoring of the last as-of, which stands ---------------------------------
FIRST_MODEL=$(query "$DB" "SELECT any_value(churn_model_version) FROM $HISTORY")
"$TENURE" train --quiet --db "$DB" --models "$MODELS" # as of the last week: new versions
run "$TENURE" score --db "$DB" --models "$MODELS" --all --out "$WORK/retrained.csv"
expect_status 0 "score with new models"
expect_equal "$(query "$DB" "SELECT count(DISTINCT churn_model_version) FROM $HISTORY WHERE as_of = DATE '$LAST'")" 2 \
    "$LAST is recorded for both model versions"

# ---- GET /customers/{id}/history --------------------------------------------------------------------
start_server history --db "$DB" --models "$MODELS"
call() { api_call "$1" GET "$2"; } # TEMPLATE PATH (lib.sh)
PREVIOUS=${WEEKS[2]}
read -r -a CUSTOMERS <<<"$(query "$DB" "SELECT string_agg(customer_id, ' ' ORDER BY customer_id)
    FROM (SELECT customer_id FROM $HISTORY GROUP BY customer_id HAVING count(DISTINCT as_of) = 4
          ORDER BY hash(customer_id) LIMIT 5)")"
for id in "${CUSTOMERS[@]}"; do
    call /customers/{id}/history "/customers/$id/history"
    expect_equal "$CODE" 200 "history of $id"
    expect_equal "$(jq -r '[.points[].as_of] | join(" ")' "$WORK/body")" "${WEEKS[*]}" "$id: one point per week, oldest first"
    # the last point is the newest scoring of the last as-of: the retrained model's
    expect_equal "$(jq -r '.points[-1].churn_model_version' "$WORK/body")" \
        "$(query "$DB" "SELECT churn_model_version FROM $HISTORY WHERE customer_id = '$id' AND as_of = DATE '$LAST'
            ORDER BY scored_at DESC LIMIT 1")" "$id: the last scoring of $LAST stands"
    expect_equal "$(jq -r '"\(.points[-1].churn_probability) \(.changes.churn_probability.before)"' "$WORK/body" |
        awk '{printf "%.6f %.6f", $1, $2}')" \
        "$(query "$DB" "SELECT printf('%.6f %.6f',
            (SELECT churn_probability FROM $HISTORY WHERE customer_id = '$id' AND as_of = DATE '$LAST' ORDER BY scored_at DESC LIMIT 1),
            (SELECT churn_probability FROM $HISTORY WHERE customer_id = '$id' AND as_of = DATE '$PREVIOUS'))")" \
        "$id: churn probability now and at $PREVIOUS"
    expect_equal "$(jq -r '"\(.changes.from) \(.changes.to)"' "$WORK/body")" "$PREVIOUS $LAST" "$id: changes from $PREVIOUS to $LAST"
    # the three churn drivers whose impact moved most, by list indexing
    expected=$(query "$DB" "WITH now AS (SELECT * FROM $HISTORY WHERE customer_id = '$id' AND as_of = DATE '$LAST'
                                           ORDER BY scored_at DESC LIMIT 1),
            before AS (SELECT * FROM $HISTORY WHERE customer_id = '$id' AND as_of = DATE '$PREVIOUS'),
            a AS (SELECT f.feature, now.churn_shap[f.position + 1] AS impact FROM now
                  JOIN history.model_features AS f ON f.model_version = now.churn_model_version),
            b AS (SELECT f.feature, before.churn_shap[f.position + 1] AS impact FROM before
                  JOIN history.model_features AS f ON f.model_version = before.churn_model_version)
        SELECT string_agg(feature || '=' || printf('%.5f', change), ' ' ORDER BY abs(change) DESC, feature)
        FROM (SELECT coalesce(a.feature, b.feature) AS feature,
                     coalesce(a.impact, 0) - coalesce(b.impact, 0) AS change
              FROM a FULL JOIN b ON a.feature = b.feature
              WHERE coalesce(a.impact, 0) <> coalesce(b.impact, 0)
              ORDER BY abs(change) DESC, feature LIMIT 3)")
    expect_equal "$(jq -r '[.changes.churn_drivers[] | "\(.feature)=\(.change)"] | join(" ")' "$WORK/body" |
        awk '{for (i = 1; i <= NF; i++) { split($i, p, "="); printf "%s%s=%.5f", (i > 1 ? " " : ""), p[1], p[2] }}')" \
        "$expected" "$id: the three churn drivers that moved most"
    expect_equal "$(jq -r '.changes.churn_drivers[0].words | test("^.+: now pushes the churn risk (higher|lower) than on '"$PREVIOUS"'$")' "$WORK/body")" \
        true "$id: each move in words"
done

# the history is kept gzip'd (a body per customer): a client that takes gzip gets it as it is, the
# others the same text inflated; either way the answer says it varies with Accept-Encoding
id=${CUSTOMERS[0]}
curl -s -D "$WORK/plain.headers" -o "$WORK/plain.json" "$BASE/customers/$id/history"
curl -s -D "$WORK/gzip.headers" -o "$WORK/gzip.body" -H 'Accept-Encoding: gzip' "$BASE/customers/$id/history"
expect_equal "$(tr -d '\r' <"$WORK/gzip.headers" | awk -F': ' 'tolower($1) == "content-encoding" {print $2}')" gzip \
    "history with Accept-Encoding: gzip is sent gzip'd"
expect_equal "$(gzip -dc "$WORK/gzip.body" | md5sum)" "$(md5sum <"$WORK/plain.json")" \
    "and inflates to the plain answer, byte for byte"
expect_equal "$(jq -r '.customer_id' "$WORK/plain.json")" "$id" "the plain answer is JSON"
expect_equal "$(tr -d '\r' <"$WORK/plain.headers" | grep -ci '^vary: accept-encoding$')" 1 "the plain answer sends Vary"
expect_equal "$(tr -d '\r' <"$WORK/plain.headers" | grep -ci '^content-encoding:')" 0 "and no Content-Encoding"

# a customer who signed up in the last week has one point, and no changes yet
newcomer=$(query "$DB" "SELECT customer_id FROM $HISTORY GROUP BY customer_id HAVING min(as_of) = DATE '$LAST' LIMIT 1")
if [[ -n $newcomer ]]; then
    call /customers/{id}/history "/customers/$newcomer/history"
    expect_equal "$(jq -c '[(.points | length), .changes, (.note | test("One scoring is recorded"))]' "$WORK/body")" \
        '[1,null,true]' "a newcomer: one point, no changes, and why"
else
    fail "the company has no customer who signed up in the last week"
fi
# a churned customer is refused as on /customers/{id}
churned=$(query "$DB" "SELECT customer_id FROM staging.stg_customers WHERE churn_date < DATE '$LAST' LIMIT 1")
call /customers/{id}/history "/customers/$churned/history"
expect_equal "$CODE $(jq -r .error.code "$WORK/body")" "422 customer_churned" "a churned customer: 422 customer_churned"
call /customers/{id}/history "/customers/no-such-customer/history"
expect_equal "$CODE" 404 "an unknown customer: 404"

# ---- GET /movers: equal to SQL written here, for the default since and an earlier one ----------------
# movers_expected SINCE KIND — the ids (sorted) of the customers who moved in KIND from SINCE to $LAST.
movers_expected() {
    query "$DB" "WITH pick AS (SELECT * FROM $HISTORY QUALIFY row_number() OVER (
                     PARTITION BY customer_id, as_of ORDER BY scored_at DESC) = 1),
            now AS (SELECT * FROM pick WHERE as_of = DATE '$LAST'),
            before AS (SELECT * FROM pick WHERE as_of = DATE '$1'),
            ranks AS (SELECT n.customer_id, b.customer_id IS NOT NULL AS seen,
                    list_position(['low', 'medium', 'high', 'critical'], n.churn_tier) AS churn_now,
                    list_position(['low', 'medium', 'high', 'critical'], b.churn_tier) AS churn_before,
                    list_position(['low', 'medium', 'high', 'critical'], n.upgrade_tier) AS upgrade_now,
                    list_position(['low', 'medium', 'high', 'critical'], b.upgrade_tier) AS upgrade_before,
                    n.churn_probability - b.churn_probability AS rise
                FROM now AS n LEFT JOIN before AS b USING (customer_id))
        SELECT coalesce(string_agg(customer_id, ' ' ORDER BY customer_id), '') FROM ranks
        WHERE CASE '$2'
            WHEN 'entered_high_risk' THEN churn_now >= 3 AND (NOT seen OR churn_before < 3)
            WHEN 'probability_rose' THEN seen AND rise > 0.05
            WHEN 'expansion_ready' THEN upgrade_now >= 3 AND (NOT seen OR coalesce(upgrade_before, 0) < 3)
            ELSE seen AND churn_now < churn_before END"
}
KINDS="entered_high_risk probability_rose expansion_ready left_tier"
moved=0
for since in "" "${WEEKS[0]}"; do
    call /movers "/movers?limit=10000${since:+&since=$since}"
    expect_equal "$CODE" 200 "GET /movers?limit=10000${since:+&since=$since}"
    expected_since=${since:-$PREVIOUS}
    expect_equal "$(jq -r '"\(.since) \(.as_of) \(.probability_rise)"' "$WORK/body")" "$expected_since $LAST 0.05" \
        "movers since $expected_since, to $LAST, rise 5 points"
    for kind in $KINDS; do
        expect_equal "$(jq -r --arg k "$kind" '[.[$k][].customer_id] | sort | join(" ")' "$WORK/body")" \
            "$(movers_expected "$expected_since" "$kind")" "since $expected_since: $kind as SQL finds them"
        expect_equal "$(jq -r --arg k "$kind" '(.[$k] | length) == .counts[$k]' "$WORK/body")" true "$kind: counted"
        moved=$((moved + $(jq -r --arg k "$kind" '.[$k] | length' "$WORK/body")))
    done
    expect_equal "$(jq -r '[.[] | arrays | .[] | .reason | test("^[A-Z].* since '"$expected_since"'") and (test("[a-z]+_[a-z]+") | not)] | all' "$WORK/body")" \
        true "since $expected_since: each mover has its reason in words"
done
expect_number "$moved" ">" 0 "the four weeks and the new models moved someone"
# a page of 2 movers per list: the first two of each full list, counts still the totals
cp "$WORK/body" "$WORK/all-movers"
call /movers "/movers?limit=2&since=${WEEKS[0]}"
expect_equal "$(jq -c '[.limit, .counts, ([.entered_high_risk, .probability_rose, .expansion_ready, .left_tier] | map(map(.customer_id)))]' "$WORK/body")" \
    "$(jq -c '[2, .counts, ([.entered_high_risk, .probability_rose, .expansion_ready, .left_tier] | map(.[:2] | map(.customer_id)))]' "$WORK/all-movers")" \
    "limit=2: each list's first two, the counts of all"
call /movers "/movers?since=${WEEKS[0]}"
expect_equal "$(jq -c '[.limit, ([.entered_high_risk, .probability_rose, .expansion_ready, .left_tier] | map(length))]' "$WORK/body")" \
    "$(jq -c '[50, (.counts | [.entered_high_risk, .probability_rose, .expansion_ready, .left_tier] | map([., 50] | min))]' "$WORK/all-movers")" \
    "by default at most 50 per list"
cp "$WORK/body" "$WORK/default-page"
api_call /movers GET "/movers?since=${WEEKS[0]}" -H 'Accept-Encoding: deflate, gzip;q=0.8'
expect_equal "$(tr -d '\r' <"$WORK/headers" | awk -F': ' 'tolower($1) ~ /^(content-encoding|vary)$/ {print tolower($1) "=" $2}' | sort | paste -sd' ')" \
    "content-encoding=gzip vary=Accept-Encoding" "a client that takes gzip gets the page gzip'd, and Vary says so"
expect_equal "$(gzip -dc "$WORK/body" | cmp - "$WORK/default-page" && echo same)" same "  which unpacks to the same bytes"
api_call /movers GET "/movers?since=${WEEKS[0]}" -H 'Accept-Encoding: gzip;q=0, identity'
expect_equal "$(grep -ci '^content-encoding' "$WORK/headers") $(cmp -s "$WORK/body" "$WORK/default-page" && echo same)" "0 same" \
    "gzip;q=0: the plain page"
call /movers "/movers?limit=0"
expect_equal "$CODE $(jq -r .error.code "$WORK/body")" "422 invalid_query" "limit=0: 422 invalid_query"
call /movers "/movers?since=$(query "$DB" "SELECT DATE '${WEEKS[0]}' + 3")"
expect_equal "$(jq -r .since "$WORK/body")" "${WEEKS[0]}" "a since between two scorings means the one before it"
call /movers "/movers?since=$LAST"
expect_equal "$CODE $(jq -r .error.code "$WORK/body")" "422 movers_unavailable" "since the latest scoring: 422"
call /movers "/movers?since=2001-01-01"
expect_equal "$CODE $(jq -r .error.code "$WORK/body")" "422 movers_unavailable" "since before the first scoring: 422"
call /movers "/movers?since=last-week"
expect_equal "$CODE $(jq -r .error.code "$WORK/body")" "422 invalid_query" "since that is no date: 422 invalid_query"
call /movers "/movers?from=${WEEKS[0]}"
expect_equal "$CODE $(jq -r .error.code "$WORK/body")" "422 invalid_query" "an unknown parameter: 422 invalid_query"
call /movers "/movers?limit=10000"
cp "$WORK/body" "$WORK/movers-whole"
call /customers/{id}/history "/customers/${CUSTOMERS[0]}/history"
cp "$WORK/body" "$WORK/history-whole"
expect_equal "$(jq -c '[.scorings_left_out, .note]' "$WORK/history-whole")" '[0,null]' \
    "four scorings, all within the default window: none left out, nothing to note"

# ---- the server explains as the recorded scoring did ------------------------------------------------
# The last as-of was scored with these models after the last build. The server computes its own SHAP
# values; for 60 active customers its churn and upgrade drivers are the ones `tenure score` recorded.
query "$DB" "SELECT customer_id FROM marts.mart_customer_churn_features ORDER BY hash(customer_id) LIMIT 60" >"$WORK/active"
query "$DB" "SELECT customer_id || ' ' || array_to_string(churn_top_drivers, ';') || ' '
        || coalesce(array_to_string(upgrade_top_drivers, ';'), '-')
    FROM history.customer_scores_by_as_of
    QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY as_of DESC, scored_at DESC) = 1" \
    | sort >"$WORK/recorded"
while read -r id; do
    churn=$(curl -s -H 'Content-Type: application/json' -d "{\"customer_id\":\"$id\"}" "$BASE/predictions/churn" \
        | jq -r '[.top_shap_features[].feature] | join(";")')
    upgrade=$(curl -s -H 'Content-Type: application/json' -d "{\"customer_id\":\"$id\"}" "$BASE/predictions/upgrade" \
        | jq -r 'if .top_shap_features then [.top_shap_features[].feature] | join(";") else "-" end')
    echo "$id $churn $upgrade"
done <"$WORK/active" | sort >"$WORK/served"
expect_equal "$(join "$WORK/served" "$WORK/recorded" | wc -l)" 60 "the 60 customers are in the recorded scoring"
expect_equal "$(comm -23 "$WORK/served" "$WORK/recorded" | head -c 300)" "" \
    "60 customers: the server's churn and upgrade drivers are the ones recorded"
stop_server

# ---- a server that keeps the last two scorings: the same latest answers, the older ones refused ----
start_server window --db "$DB" --models "$MODELS" --history-scorings 2
call /customers/{id}/history "/customers/${CUSTOMERS[0]}/history"
expect_equal "$(jq -r '[.points[].as_of] | join(" ")' "$WORK/body")" "${WEEKS[2]} $LAST" \
    "--history-scorings 2: the last two points"
expect_equal "$(jq -c '[.points, .changes, .latest_recorded_as_of]' "$WORK/body")" \
    "$(jq -c '[.points[-2:], .changes, .latest_recorded_as_of]' "$WORK/history-whole")" \
    "  equal to the whole history's last two points, and the same changes"
expect_equal "$(jq -r '"\(.scorings_left_out) \(.note | test("last 2 recorded scorings, from '"${WEEKS[2]}"' on; 2 earlier ones are left out.*--history-scorings"))"' "$WORK/body")" \
    "2 true" "  two earlier scorings left out, and the note says so"
call /movers "/movers?limit=10000"
expect_equal "$(cmp -s "$WORK/body" "$WORK/movers-whole" && echo same)" same \
    "the default movers (since ${WEEKS[2]}) are the whole history's, byte for byte"
call /movers "/movers?since=${WEEKS[1]}"
expect_equal "$CODE $(jq -r '.error.code + " " + (.error.message | test("from '"${WEEKS[2]}"' on, and 2 earlier recorded ones are left out.*--history-scorings") | tostring)' "$WORK/body")" \
    "422 movers_unavailable true" "since a scoring outside the window: 422, and why"
stop_server
expect_equal "$("$TENURE" serve --db "$DB" --models "$MODELS" --history-scorings 1 2>&1 >/dev/null; echo "exit $?")" \
    "$(printf '%s\n' "tenure serve: --history-scorings: expected a whole number from 2 to 100000, got '1'" 'exit 1')" \
    "--history-scorings 1: refused"

# ---- a warehouse with no history yet ----------------------------------------------------------------
"$TENURE" generate --quiet --customers 400 --seed 11 --db "$WORK/fresh.duckdb"
"$TENURE" build --quiet --db "$WORK/fresh.duckdb"
start_server fresh --db "$WORK/fresh.duckdb" --models "$MODELS"
call /customers/{id}/history "/customers/${CUSTOMERS[0]}/history"
expect_equal "$(jq -c '[(.points | length), .changes, .latest_recorded_as_of, (.note | test("No scoring is recorded in this warehouse yet"))]' "$WORK/body")" \
    '[0,null,null,true]' "no history: no points, and why"
call /movers /movers
expect_equal "$CODE $(jq -r '.error.code + " " + (.error.message | test("two recorded scorings") | tostring)' "$WORK/body")" \
    "422 movers_unavailable true" "no history: no movers, and why"
stop_server

api_validate
finish
