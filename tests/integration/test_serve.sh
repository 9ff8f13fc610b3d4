#!/usr/bin/env bash
# test_serve.sh — `tenure serve` end to end, on a small generated company:
# every route's answer (checked against values computed here from the
# warehouse with SQL, and against `tenure score`), the accounts as people
# know them (names, owners, renewals, CRM ids; the work queue's search), a
# company whose exports lack those, every error case, API
# keys and CORS, the access log and /metrics, reloads (SIGHUP) while
# requests run, a server that starts without marts or models, and a clean
# stop. Every answer is validated against api/openapi.json at the end.
source "$(dirname "$0")/lib.sh"
SOURCE_DIR=${TN_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
VALIDATE=(/usr/bin/python3 "$SOURCE_DIR/tests/integration/validate_openapi.py")
DB="$WORK/w.duckdb"
MODELS="$WORK/models"
SERVER_PID=""
trap '[[ -n $SERVER_PID ]] && kill -KILL $SERVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT

"$TENURE" generate --quiet --customers 1000 --seed 7 --db "$DB"
"$TENURE" build --quiet --db "$DB"
"$TENURE" train --quiet --db "$DB" --models "$MODELS"
AS_OF=$(query "$DB" "SELECT as_of FROM marts.build_info")
ACTIVE=$(query "$DB" "SELECT count(*) FROM marts.mart_customer_churn_features")

call() { api_call "$@"; } # TEMPLATE METHOD PATH [curl args…] (lib.sh)

post() { # TEMPLATE PATH JSON [curl args…]
    local template=$1 path=$2 body=$3
    shift 3
    call "$template" POST "$path" -H 'Content-Type: application/json' --data-binary "$body" "$@"
}

expect_code() { expect_equal "$CODE" "$1" "$2 → $1"; }
body() { jq -r "$@" "$WORK/body"; } # [jq options…] FILTER
header() { tr -d '\r' <"$WORK/headers" | awk -F': ' -v h="$1" 'tolower($1) == tolower(h) {print $2}'; }

# ---- a server without marts or models starts, and says why it is not ready -------
start_server empty --db "$WORK/none.duckdb" --models "$WORK/none"
call /health GET /health
expect_code 200 "GET /health without a warehouse"
call /ready GET /ready
expect_code 503 "GET /ready without a warehouse"
expect_equal "$(body .error.code)" not_ready "/ready says not_ready"
expect_contains body "none.duckdb: no such warehouse" "/ready names the missing warehouse"
post /predictions/churn /predictions/churn '{"customer_id":"x"}'
expect_code 503 "predictions before the marts exist"
expect_contains "empty.log" "serve: not ready" "the log says it is not ready"
stop_server TERM
expect_status 0 "SIGTERM stops the server"

# A warehouse built by an earlier version lacks the marts the server now reads: it says to build.
cp "$DB" "$WORK/older.duckdb"
"$TN_DUCKDB_EXEC" "$WORK/older.duckdb" "DROP TABLE marts.customer_risk_inputs" >/dev/null
start_server older --db "$WORK/older.duckdb" --models "$MODELS"
call /ready GET /ready
expect_code 503 "GET /ready on a warehouse built by an earlier version"
expect_contains body "older.duckdb has no marts.customer_risk_inputs: it was built by an earlier version of Tenure; run 'tenure build' again" \
    "/ready names the missing mart and what to do"
stop_server

# ---- the main server ------------------------------------------------------------------
CALLS_BEFORE_MAIN=$API_CALLS
"$TENURE" analyze --quiet --db "$DB" --out "$WORK/reports"
start_server main --db "$DB" --models "$MODELS" --reports "$WORK/reports" --threads 2 --access-log "$WORK/access.log"
expect_contains main.log "loaded $ACTIVE active customers as of $AS_OF" "logs what it loaded"

call /health GET /health
expect_code 200 "GET /health"
expect_equal "$(body .status)" ok "health status"
expect_equal "$(body .version)" "$("$TENURE" --version | head -1 | awk '{print $2}')" "health version"
expect_equal "$(curl -s --head -o /dev/null -w '%{http_code} %{size_download}' "$BASE/health")" "200 0" "HEAD /health: 200, no body"
API_CALLS=$((API_CALLS + 1))

call /ready GET /ready
expect_code 200 "GET /ready"
expect_equal "$(body .as_of)" "$AS_OF" "/ready: the warehouse's as-of date"
expect_equal "$(body .customers)" "$ACTIVE" "/ready: every active customer is loaded"
expect_equal "$(body .models.churn.version)" "$(jq -r .version "$MODELS/churn.meta.json")" "/ready: churn model version"
expect_equal "$(body .models.expansion.version)" "$(jq -r .version "$MODELS/expansion.meta.json")" "/ready: expansion model version"

# Predictions equal `tenure score`, for every active customer (one batch).
"$TENURE" score --quiet --db "$DB" --models "$MODELS" --all --format json >"$WORK/scores.json"
jq -c '{customer_ids: [.customers[].customer_id]}' "$WORK/scores.json" >"$WORK/all_ids.json"
post /predictions/batch /predictions/batch "@$WORK/all_ids.json"
expect_code 200 "POST /predictions/batch with every active customer"
cp "$WORK/body" "$WORK/batch.json"
expect_equal "$(jq '.results | length' "$WORK/batch.json")" "$ACTIVE" "one result per id"
expect_equal "$(jq -n --slurpfile s "$WORK/scores.json" --slurpfile b "$WORK/batch.json" '
    [range(0; $s[0].customers | length) as $i | $s[0].customers[$i] as $c | $b[0].results[$i] as $r
     | select($r.customer_id != $c.customer_id or $r.churn != $c
         or (if $c.upgrade == null then $r.upgrade.error.code != "not_expansion_candidate"
             else $r.upgrade != $c.upgrade end))] | length')" 0 \
    "every prediction equals tenure score's document, upgrade included"

# One document everywhere: `tenure score --customer X --format json` prints the bytes
# POST /predictions/churn answers, for 50 customers (the first 50, and with them
# customers who are and are not expansion candidates).
differ=0
for id in $(jq -r '.customers[:50][].customer_id' "$WORK/scores.json"); do
    "$TENURE" score --quiet --db "$DB" --models "$MODELS" --customer "$id" --format json >"$WORK/cli.json"
    curl -s -X POST -H 'Content-Type: application/json' -d "{\"customer_id\":\"$id\"}" \
        "$BASE/predictions/churn" >"$WORK/api.json"
    API_CALLS=$((API_CALLS + 1))
    cmp -s "$WORK/cli.json" "$WORK/api.json" || { differ=$((differ + 1)); diff <(jq -S . "$WORK/cli.json") <(jq -S . "$WORK/api.json") | head -5 >&2; }
done
expect_equal "$differ" 0 "score --customer --format json is byte for byte the API's answer, for 50 customers"
expect_equal "$(jq '[.customers[:50][] | .upgrade == null] | unique | length' "$WORK/scores.json")" 2 \
    "(those 50 include customers with and without an upgrade prediction)"

ID=$(jq -r '.customers[0].customer_id' "$WORK/scores.json")
post /predictions/churn /predictions/churn "{\"customer_id\":\"$ID\"}"
expect_code 200 "POST /predictions/churn"
expect_equal "$(jq -S . "$WORK/body")" "$(jq -S '.results[0].churn' "$WORK/batch.json")" "the single answer is the batch's"
expect_equal "$(body '.top_shap_features | length')" 5 "five SHAP features"
expect_equal "$(body .as_of)" "$AS_OF" "churn: as_of"
expect_equal "$(header Content-Type)" application/json "JSON content type"
# The risk score, recomputed here from the marts' counts: the decay is unknown for an account
# without events or younger than 60 days, and the score then renormalises the other weights.
risk_sql() { # ID → the risk score to 6 decimals
    query "$DB" "WITH f AS (SELECT customer_id, tenure_days, total_events, events_last_30d FROM marts.mart_customer_churn_features),
        p AS (SELECT customer_id, count(*) AS prev FROM staging.stg_usage_events WHERE event_at >= DATE '$AS_OF' - 60 AND event_at < DATE '$AS_OF' - 30 GROUP BY 1),
        r AS (SELECT f.customer_id, coalesce(s.compliance_gap_score, 0) AS gap, least(coalesce(s.vendor_risk_flags, 0) / 5.0, 1.0) AS flags,
                CASE WHEN f.total_events = 0 OR f.tenure_days < 60 THEN NULL
                     WHEN coalesce(p.prev, 0) = 0 THEN CASE WHEN f.events_last_30d > 0 THEN 0.0 ELSE 1.0 END
                     ELSE greatest(0.0, 1.0 - f.events_last_30d / p.prev) END AS decay
              FROM f LEFT JOIN staging.stg_risk_signals AS s USING (customer_id) LEFT JOIN p USING (customer_id))
        SELECT round(CASE WHEN decay IS NULL THEN (0.35 * gap + 0.15 * flags) / 0.50 ELSE 0.50 * decay + 0.35 * gap + 0.15 * flags END, 6)
        FROM r WHERE customer_id = '$1'"
}
expect_equal "$(body '.risk_score * 1e6 | round / 1e6')" "$(jq -n "$(risk_sql "$ID")")" "risk score = 0.50·decay + 0.35·gap + 0.15·min(flags/5, 1), computed here"
KNOWN=$(query "$DB" "SELECT customer_id FROM marts.mart_customer_churn_features WHERE total_events > 0 AND tenure_days >= 60 ORDER BY customer_id LIMIT 1")
UNKNOWN=$(query "$DB" "SELECT customer_id FROM marts.mart_customer_churn_features WHERE tenure_days < 60 ORDER BY customer_id LIMIT 1")
post /predictions/churn /predictions/churn "{\"customer_id\":\"$UNKNOWN\"}"
expect_equal "$(body '.risk_score * 1e6 | round / 1e6')" "$(jq -n "$(risk_sql "$UNKNOWN")")" \
    "a young account's risk score uses the known inputs, reweighted (0.70·gap + 0.30·flags)"
expect_equal "$(body '[.risk_score_inputs.usage_decay_score, (.risk_score_inputs.usage_decay_unknown | test("days old|no events yet")), (.risk_score_formula | startswith("0.70·compliance_gap + 0.30·min(vendor_risk_flags/5, 1) (usage decay unknown: "))] | map(tostring) | join(" ")')" \
    "null true true" "its decay is null with the reason, and the formula says what it used"
post /predictions/churn /predictions/churn "{\"customer_id\":\"$KNOWN\"}"
expect_equal "$(body '.risk_score * 1e6 | round / 1e6')" "$(jq -n "$(risk_sql "$KNOWN")")" "an older account's risk score, computed here"
expect_equal "$(body .risk_score_inputs.vendor_risk_flags)" \
    "$(query "$DB" "SELECT coalesce(vendor_risk_flags, 0) FROM staging.stg_customers LEFT JOIN staging.stg_risk_signals USING (customer_id) WHERE customer_id = '$KNOWN'")" \
    "risk inputs: vendor flags from the risk signals"
expect_equal "$(body .risk_score_formula)" "0.50·usage_decay + 0.35·compliance_gap + 0.15·min(vendor_risk_flags/5, 1)" \
    "the answer states the risk score's formula"

# An expansion candidate: tier, target and uplift computed here from the customer row.
CANDIDATE=$(jq -r '[.customers[] | select(.upgrade != null)][0].customer_id' "$WORK/scores.json")
post /predictions/upgrade /predictions/upgrade "{\"customer_id\":\"$CANDIDATE\"}"
expect_code 200 "POST /predictions/upgrade"
read -r TIER MRR <<<"$(query "$DB" "SELECT plan_tier, mrr FROM staging.stg_customers WHERE customer_id = '$CANDIDATE'" | tr ',' ' ')"
case $TIER in starter) TARGET=growth MULTIPLIER=3.0 ;; growth) TARGET=enterprise MULTIPLIER=5.0 ;; *) TARGET=custom MULTIPLIER=1.2 ;; esac
expect_equal "$(body .current_tier)/$(body .target_tier)" "$TIER/$TARGET" "upgrade: next tier"
expect_equal "$(jq --argjson m "$MRR" --argjson k "$MULTIPLIER" '(.expected_arr_uplift - $m * 12 * ($k - 1) * .upgrade_propensity) | fabs < 1e-6' "$WORK/body")" true \
    "expected ARR uplift = mrr · 12 · (multiplier − 1) · propensity"
expect_equal "$(body '.is_high_value_target == (.upgrade_propensity >= 0.5 and .expected_arr_uplift >= 20000)')" true "high-value rule"
UPGRADED=$(jq -r '[.customers[] | select(.upgrade == null)][0].customer_id' "$WORK/scores.json")
post /predictions/upgrade /predictions/upgrade "{\"customer_id\":\"$UPGRADED\"}"
expect_code 422 "upgrade of an already upgraded customer"
expect_equal "$(body .error.code)" not_expansion_candidate "says it is not an expansion candidate"

read -r CHURNED CHURN_DATE <<<"$(query "$DB" "SELECT customer_id, churn_date FROM staging.stg_customers WHERE churn_date < DATE '$AS_OF' ORDER BY customer_id LIMIT 1" | tr ',' ' ')"
post /predictions/churn /predictions/churn "{\"customer_id\":\"$CHURNED\"}"
expect_code 422 "a churned customer"
expect_equal "$(body .error.code)" customer_churned "code customer_churned"
expect_contains body "churned on $CHURN_DATE" "says when they churned"
post /predictions/churn /predictions/churn '{"customer_id":"no-such-customer"}'
expect_code 404 "an unknown customer"
expect_equal "$(body .error.code)" customer_not_found "code customer_not_found"
post /predictions/batch /predictions/batch "{\"customer_ids\":[\"$ID\",\"no-such-customer\",\"$CHURNED\"]}"
expect_code 200 "a batch with bad ids still answers"
expect_equal "$(body '[.results[] | .error.code // "ok"] | join(",")')" "ok,customer_not_found,customer_churned" "per-id errors inline"

# Customer 360, checked against SQL over the staging tables.
call "/customers/{id}" GET "/customers/$ID"
expect_code 200 "GET /customers/{id}"
expect_equal "$(body .profile.mrr)" "$(jq -n "$(query "$DB" "SELECT mrr FROM staging.stg_customers WHERE customer_id = '$ID'")")" "360: MRR"
expect_equal "$(body .usage.events_last_7d),$(body .usage.events_last_30d),$(body .usage.events_prev_30d)" \
    "$(query "$DB" "SELECT count(*) FILTER (event_at >= DATE '$AS_OF' - 7), count(*) FILTER (event_at >= DATE '$AS_OF' - 30), count(*) FILTER (event_at < DATE '$AS_OF' - 30) FROM staging.stg_usage_events WHERE customer_id = '$ID' AND event_at >= DATE '$AS_OF' - 60 AND event_at < DATE '$AS_OF'")" \
    "360: events in the last 7, 30 and previous 30 days"
expect_equal "$(body .support.tickets_last_30d),$(body .support.high_priority_last_30d)" \
    "$(query "$DB" "SELECT count(*), count(*) FILTER (is_high_priority) FROM staging.stg_support_tickets WHERE customer_id = '$ID' AND created_date >= DATE '$AS_OF' - 30 AND created_date < DATE '$AS_OF'")" \
    "360: tickets in the last 30 days"
WITH_OPPS=$(query "$DB" "SELECT customer_id FROM staging.stg_gtm_opportunities JOIN marts.mart_customer_churn_features USING (customer_id) WHERE is_open GROUP BY ALL ORDER BY count(*) DESC, customer_id LIMIT 1")
call "/customers/{id}" GET "/customers/$WITH_OPPS"
expect_equal "$(body .gtm.open_opportunities),$(body '.gtm.open_pipeline_amount | round')" \
    "$(query "$DB" "SELECT count(*), round(sum(amount))::BIGINT FROM staging.stg_gtm_opportunities WHERE customer_id = '$WITH_OPPS' AND stage IN ('prospecting', 'qualification', 'proposal')")" \
    "360: open opportunities and pipeline"
expect_equal "$(body '.conflict_matrix.quadrant == (if .churn.churn_probability >= 0.5 then (if (.upgrade.upgrade_propensity // 0) >= 0.5 then "Flight Risk" else "Retention Priority" end) else (if (.upgrade.upgrade_propensity // 0) >= 0.5 then "Growth Engine" else "Stable Base" end) end)')" true \
    "360: the quadrant follows the 0.50 cuts"
call "/customers/{id}" GET "/customers/$CHURNED"
expect_code 422 "360 of a churned customer"
call "/customers/{id}" GET "/customers/no-such-customer"
expect_code 404 "360 of an unknown customer"

# ---- accounts as people know them, against raw.customers read here ------------------------
# "id|name|owner|renewal_date|days to it|crm_id" of every active customer, from the raw table.
query "$DB" "SELECT customer_id || '|' || coalesce(name, '') || '|' || coalesce(owner, '') || '|' || coalesce(strftime(renewal_date, '%Y-%m-%d'), '')
    || '|' || coalesce((renewal_date - DATE '$AS_OF')::VARCHAR, '') || '|' || coalesce(crm_id, '')
    FROM raw.customers WHERE customer_id IN (SELECT customer_id FROM marts.mart_customer_churn_features) ORDER BY customer_id" >"$WORK/accounts"
expect_equal "$(wc -l <"$WORK/accounts")" "$ACTIVE" "(every active customer's account read from raw.customers)"
expect_equal "$(grep -c '^[^|]*|[^|]\+|[^|]\+|[^|]\+|[0-9]\+|001' "$WORK/accounts")" "$ACTIVE" \
    "(the generated accounts all have a name, an owner, a renewal ahead and a CRM id)"
account_line() { jq -r '[.customer_id, (.account | .name, .owner, .renewal_date, .days_to_renewal, .crm_id)] | map(. // "" | tostring) | join("|")' "$@"; }
for id in $(jq -r '.customers[:25][].customer_id' "$WORK/scores.json"); do
    call "/customers/{id}" GET "/customers/$id"
    account_line "$WORK/body"
done >"$WORK/api_accounts"
expect_equal "$(LC_ALL=C sort "$WORK/api_accounts" | LC_ALL=C comm -23 - "$WORK/accounts" | head -3)$(wc -l <"$WORK/api_accounts")" 25 \
    "360: name, owner, renewal date, days to it and CRM id equal raw.customers (25 customers)"
expect_equal "$(jq -r '.results[] | [.customer_id, .churn.name] | join("|")' "$WORK/batch.json")" "$(cut -d'|' -f1,2 "$WORK/accounts")" \
    "churn predictions name every active customer as raw.customers does"
expect_equal "$(jq -r '[.results[] | select(.upgrade.upgrade_propensity != null) | .upgrade.name == .churn.name] | all and length > 0' "$WORK/batch.json")" true \
    "upgrade predictions carry the same names"
post /predictions/upgrade /predictions/upgrade "{\"customer_id\":\"$CANDIDATE\"}"
expect_equal "$(body .name)" "$(grep "^$CANDIDATE|" "$WORK/accounts" | cut -d'|' -f2)" "POST /predictions/upgrade names the account"
call /customers GET "/customers?sort=arr_at_risk&limit=100"
expect_equal "$(body -r '.customers[] | [.customer_id, .name, .owner] | join("|")' | LC_ALL=C sort | LC_ALL=C comm -23 - <(cut -d'|' -f1-3 "$WORK/accounts"))" "" \
    "work queue: every item's name and owner equal raw.customers"
expect_equal "$(body '[.customers[] | select(.name != null and .owner != null)] | length')" 100 "(a page of 100, all named)"
expect_equal "$(body -r .risk_score_formula)" "$(query "$DB" "SELECT formula FROM marts.risk_score_weights" | sed 's/^"//; s/"$//')" \
    "every page of the queue states how its risk scores were computed"

# The search, q: checked against the same rule written in SQL here (a part of the
# name, or at least 4 characters that begin customer_id or crm_id; any case).
search_sql() { # TEXT [AND-CONDITION] → the ids the rule finds among active customers, sorted
    local text=${1,,}
    query "$DB" "SELECT customer_id FROM raw.customers AS c JOIN marts.mart_customer_churn_features USING (customer_id)
        WHERE (contains(lower(name), '$text') OR (length('$text') >= 4 AND (starts_with(lower(customer_id), '$text')
            OR starts_with(lower(crm_id), '$text')))) ${2:-} ORDER BY customer_id"
}
search_api() { # QUERY-STRING — one request (never in a subshell: call counts); $WORK/found gets the ids, sorted
    call /customers GET "/customers?$1"
    body -r '.customers[].customer_id' | LC_ALL=C sort >"$WORK/found"
}
found() { cat "$WORK/found"; }
NAME=$(grep "^$ID|" "$WORK/accounts" | cut -d'|' -f2)
CRM=$(grep "^$ID|" "$WORK/accounts" | cut -d'|' -f6)
WORD=$(awk '{print tolower($2)}' <<<"$NAME") # the noun of "Prefix Noun Suffix"
search_api "q=$WORD&limit=100"
expect_equal "$(found)" "$(search_sql "$WORD")" "q=$WORD finds the names with '$WORD' in them"
expect_equal "$(body .total),$(body -r .q)" "$(search_sql "$WORD" | wc -l),$WORD" "  and counts them all, and says what it searched"
expect_equal "$(body '[.customers[].churn_probability] | . == (sort | reverse)')" true "  sorted by churn probability"
expect_number "$(body .total)" ">" 1 "  (more than one account found)"
TWO_WORDS=$(awk '{print $2 " " $3}' <<<"$NAME")
search_api "q=${TWO_WORDS// /+}&limit=100"
expect_equal "$(found)" "$(search_sql "$TWO_WORDS")" "q='$TWO_WORDS' (two words, + for the space)"
search_api "q=%20${WORD^^}%20&limit=100"
expect_equal "$(found)" "$(search_sql "$WORD")" "q in upper case with spaces around: the same accounts"
search_api "q=${ID:0:8}"
expect_equal "$(found)" "$(search_sql "${ID:0:8}")" "q=<8 characters of a customer_id> finds it"
expect_equal "$(body -r '.customers[0].customer_id')" "$ID" "  (that customer)"
search_api "q=${ID^^}"
expect_equal "$(found)" "$ID" "q=<a whole customer_id, upper case> finds that one customer"
search_api "q=$CRM"
expect_equal "$(found)" "$ID" "q=<a whole crm_id> finds its customer"
search_api "q=${CRM:0:13}&limit=100"
expect_equal "$(found)" "$(search_sql "${CRM:0:13}")" "q=<the start of a crm_id>"
search_api "q=${ID:0:3}&limit=100"
expect_equal "$(found)" "$(search_sql "${ID:0:3}")" "q=<3 characters of an id> matches names only"
search_api "q=zzzz-no-such"
expect_equal "$(found)$(body .total)" 0 "q that finds nothing: an empty page, total 0"
# combined with a filter, a sort and paging
search_api "q=$WORD&plan_tier=starter&sort=arr_at_risk&limit=100"
ALL=$(body -c '[.customers[].customer_id]')
expect_equal "$(body .total)" "$(search_sql "$WORD" "AND c.plan_tier = 'starter'" | wc -l)" "q with plan_tier=starter: total"
expect_equal "$(body '[.customers[] | .plan_tier] | unique | join(",")')" starter "  only starters"
expect_equal "$(body '[.customers[].arr_at_risk] | . == (sort | reverse)')" true "  sorted by ARR at risk"
call /customers GET "/customers?q=$WORD&plan_tier=starter&sort=arr_at_risk&limit=2&offset=1"
expect_equal "$(body -c '[.customers[].customer_id]')" "$(jq -c '.[1:3]' <<<"$ALL")" "  paged: offset=1&limit=2 is that list's 2nd and 3rd"
expect_equal "$(body .next_offset)" "$(jq 'if length > 3 then 3 else null end' <<<"$ALL")" "  next_offset"

# Work queues.
call /customers GET /customers
expect_code 200 "GET /customers"
expect_equal "$(body '.customers | length'),$(body .total),$(body .next_offset)" "20,$ACTIVE,20" "default page: 20 of all active customers"
expect_equal "$(body '[.customers[].churn_probability] | . == (sort | reverse)')" true "sorted by churn probability, highest first"
LAST=$(body '.customers[19].customer_id')
call /customers GET "/customers?offset=19&limit=2"
expect_equal "$(body '.customers[0].customer_id')" "$LAST" "offset continues the same order"
call /customers GET "/customers?sort=arr_at_risk&limit=100&plan_tier=starter"
expect_code 200 "a filtered page"
expect_equal "$(body '[.customers[] | .plan_tier] | unique | join(",")')" starter "plan_tier filter"
expect_equal "$(body .total)" "$(query "$DB" "SELECT count(*) FROM marts.mart_customer_churn_features WHERE plan_tier = 'starter'")" "total counts the filter"
expect_equal "$(body '[.customers[] | .arr_at_risk] | . == (sort | reverse)')" true "sorted by ARR at risk"
expect_equal "$(body '[.customers[] | ((.arr_at_risk - .churn_probability * .arr) | fabs) < 1e-6 * .arr] | all')" true "ARR at risk = churn probability × ARR"
call /customers GET "/customers?risk_tier=low&sort=upgrade_propensity"
expect_equal "$(body '[.customers[] | .risk_tier] | unique | join(",")')" low "risk_tier filter"
LONG=$(printf 'x%.0s' $(seq 1 101))
for bad in "limit=101" "limit=0" "offset=-1" "plan_tier=gold" "sort=mrr" "q=" "q=%20%20" "q=$LONG" "q=%FF" "q=a&q=b" "colour=red"; do
    call /customers GET "/customers?$bad"
    expect_code 422 "GET /customers?$bad"
done
expect_equal "$(body .error.message)" "query.colour: unknown parameter; expected limit, offset, plan_tier, risk_tier, sort or q" "names the parameter"

# Bad input.
post /predictions/churn /predictions/churn '{"customer_id": "x"'
expect_code 400 "malformed JSON"
expect_equal "$(body .error.code)" malformed_json "code malformed_json"
post /predictions/churn /predictions/churn '{"customer_id": 42}'
expect_code 422 "a number for customer_id"
expect_equal "$(body .error.message)" '$.customer_id: expected a string, got a number' "names the JSON path"
post /predictions/churn /predictions/churn '{"customer": "x"}'
expect_code 422 "an unknown field"
post /predictions/churn /predictions/churn '{}'
expect_code 422 "a missing customer_id"
expect_equal "$(body .error.message)" '$.customer_id: required' "says it is required"
post /predictions/batch /predictions/batch '{"customer_ids": ["a", 1]}'
expect_equal "$CODE $(body .error.message)" '422 $.customer_ids[1]: expected a string, got a number' "batch: names the element"
call /predictions/churn POST /predictions/churn -H 'Content-Type: text/plain' --data-binary '{"customer_id":"x"}'
expect_code 415 "a text/plain body"
head -c 70000 /dev/zero | tr '\0' ' ' >"$WORK/big.json"
post /predictions/churn /predictions/churn "@$WORK/big.json"
expect_code 413 "a 70 KB body"
post /predictions/churn /predictions/churn "@$WORK/big.json" -H 'Transfer-Encoding: chunked'
expect_code 413 "a 70 KB chunked body (no Content-Length)"
call /predictions/churn GET /predictions/churn
expect_code 405 "GET on a POST route"
expect_equal "$(header Allow)" "POST, OPTIONS" "405 says what is allowed"
call /health DELETE /health
expect_code 405 "DELETE /health"
call unmatched GET /no/such/route
expect_code 404 "an unknown route"
expect_equal "$(body .error.code)" not_found "code not_found"
expect_equal "$(header Access-Control-Allow-Origin)" "" "no CORS header without --cors-origin"

call /metrics GET /metrics
expect_code 200 "GET /metrics"
expect_contains body 'tenure_http_requests_total{route="/predictions/churn",status="422"}' "metrics count per route and status"
expect_contains body 'tenure_http_request_duration_seconds_bucket{route="/predictions/batch",status="200",le="+Inf"}' "latency histograms"
expect_contains body "tenure_customers_loaded $ACTIVE" "customers loaded"
# every customer's answers are made in the background: the gauge reaches the active count
answered=""
for _ in $(seq 1 120); do
    call /metrics GET /metrics
    answered=$(sed -n 's/^tenure_customers_answered \([0-9]*\)$/\1/p' "$WORK/body")
    [[ $answered == "$ACTIVE" ]] && break
    sleep 1
done
expect_equal "$answered" "$ACTIVE" "/metrics counts the customers whose answers are all made, up to every active one"
expect_contains body "tenure_snapshot_age_seconds" "snapshot age"
call /openapi.json GET /openapi.json
expect_code 200 "GET /openapi.json"
cp "$WORK/body" "$WORK/openapi.json"
run "${VALIDATE[@]}" "$WORK/openapi.json" --check-document
expect_status 0 "the served OpenAPI document is well formed"

# ---- the dashboard's views, checked against the warehouse and tenure score ----------
call /analytics/portfolio GET /analytics/portfolio
expect_code 200 "GET /analytics/portfolio"
cp "$WORK/body" "$WORK/portfolio.json"
query "$DB" "SELECT customer_id, industry, mrr FROM marts.mart_customer_churn_features" |
    jq -R -s '[split("\n")[] | select(length > 0) | split(",") | {key: .[0], value: {industry: .[1], mrr: (.[2] | tonumber)}}] | from_entries' >"$WORK/facts.json"
read -r SIGNED CHURNED <<<"$(query "$DB" "SELECT count(*), count(*) FILTER (WHERE churn_date <= '$AS_OF') FROM staging.stg_customers WHERE signup_date < '$AS_OF'" | tr ',' ' ')"
expect_equal "$(jq -r '"\(.customers) \(.churned) \(.active)"' "$WORK/portfolio.json")" "$SIGNED $CHURNED $ACTIVE" \
    "portfolio: customers who signed up, churned and are active at the as-of date"
# The sums, from tenure score's probabilities and the marts' MRR (within a cent per customer).
jq -n --slurpfile s "$WORK/scores.json" --slurpfile f "$WORK/facts.json" --slurpfile p "$WORK/portfolio.json" '
    $s[0].customers as $c | $f[0] as $facts | $p[0] as $p
    | def near(a; b): ((a - b) | fabs) <= 0.01 * ($c | length);
    {arr: near($p.arr; [$c[] | $facts[.customer_id].mrr * 12] | add),
     arr_at_risk: near($p.arr_at_risk; [$c[] | $facts[.customer_id].mrr * 12 * .churn_probability] | add),
     pipeline: near($p.expansion_pipeline; [$c[] | .upgrade.expected_arr_uplift // 0] | add),
     candidates: ($p.expansion_candidates == ([$c[] | select(.upgrade != null)] | length)),
     scatter: ([$p.scatter[] | length] == [$p.expansion_candidates, $p.expansion_candidates, $p.expansion_candidates]),
     tiers: ([$p.risk_tiers[] | .customers] == [("low", "medium", "high", "critical") as $t | [$c[] | select(.risk_tier == $t)] | length]),
     heatmap: ([$p.heatmap.plan_tiers[] as $plan | [$p.heatmap.industries[].industry as $ind
                 | [$c[] | select(.plan_tier == $plan and $facts[.customer_id].industry == $ind) | .churn_probability]
                 | if length == 0 then null else (add / length * 10000 | round / 10000) end]]
               == $p.heatmap.mean_churn_probability),
     forecast_logos: ((($p.forecast.churned_logos.expected - ([$c[] | .churn_probability] | add)) | fabs) < 1e-6 * ($c | length)),
     forecast_arr: near($p.forecast.churned_arr.expected; $p.arr_at_risk),
     forecast_expansion: near($p.forecast.expansion_arr.expected; $p.expansion_pipeline),
     forecast_retention: ((($p.forecast.gross_revenue_retention.expected - (1 - $p.forecast.churned_arr.expected / $p.forecast.arr)) | fabs) < 1e-9
        and (($p.forecast.net_revenue_retention.expected - $p.forecast.gross_revenue_retention.expected
              - $p.forecast.expansion_arr.expected / $p.forecast.arr) | fabs) < 1e-9)}' >"$WORK/portfolio_checks.json"
# The forecast's intervals, recomputed from the same probabilities by forecast_figures.py
jq -r --slurpfile f "$WORK/facts.json" '.customers[] | "\(.churn_probability),\($f[0][.customer_id].mrr * 12),0"' \
    "$WORK/scores.json" >"$WORK/accounts.csv"
/usr/bin/python3 "$SOURCE_DIR/tests/integration/forecast_figures.py" "$WORK/accounts.csv" >"$WORK/forecast.json"
expect_equal "$(jq -c '.forecast | [.churned_logos.p80, .churned_logos.p95]' "$WORK/portfolio.json")" \
    "$(jq -c '[.logos.p80, .logos.p95]' "$WORK/forecast.json")" "portfolio forecast: churned accounts' intervals = the FFT's exact ones"
expect_number "$(jq -n --slurpfile p "$WORK/portfolio.json" --slurpfile f "$WORK/forecast.json" '
    ($f[0].arr.p95[1] - $f[0].arr.p95[0]) as $w | $p[0].forecast.churned_arr as $a
    | [($a.p80[0] - $f[0].arr.p80[0]), ($a.p80[1] - $f[0].arr.p80[1]), ($a.p95[0] - $f[0].arr.p95[0]), ($a.p95[1] - $f[0].arr.p95[1])]
    | map(fabs) | max / $w')" '<' 0.05 "portfolio forecast: churned ARR's intervals agree with 100,000 NumPy simulations"
for check in arr arr_at_risk pipeline candidates scatter tiers heatmap forecast_logos forecast_arr forecast_expansion forecast_retention; do
    expect_equal "$(jq ".$check" "$WORK/portfolio_checks.json")" true "portfolio $check equals what the marts and tenure score give"
done

call /analytics/models GET /analytics/models
expect_code 200 "GET /analytics/models"
expect_equal "$(body '[.models[] | .name + " " + .version] | join(", ")')" \
    "churn $(jq -r .version "$MODELS/churn.meta.json"), expansion $(jq -r .version "$MODELS/expansion.meta.json")" "models: both, with their versions"
expect_equal "$(body --argjson auc "$(jq .metrics.test.auc "$MODELS/churn.meta.json")" '(.models[0].test.auc - $auc) | fabs < 1e-7')" true \
    "models: the churn model's test AUC, from its metadata"
expect_equal "$(body '[.models[] | (.test.roc.fpr | length) == (.test.roc.tpr | length) and (.test.roc.fpr | length) > 1] | all')" true "models: ROC curves"

# The interventions what-if, ranked here from tenure score's probabilities and the marts' MRR:
# ARR at risk × save rate ÷ hours of the tier (defaults 10 %; 1, 3 and 8 hours), ties by id.
jq -c --slurpfile f "$WORK/facts.json" '[.customers[] | {id: .customer_id, tier: .plan_tier,
        at_risk: (.churn_probability * $f[0][.customer_id].mrr * 12),
        hours: ({starter: 1, growth: 3, enterprise: 8}[.plan_tier])}]' "$WORK/scores.json" >"$WORK/reach.json"
ranked() { # N — the first N of the ranking (one save rate for every tier), as [{id, at_risk, hours}]
    jq -c --argjson n "$1" 'sort_by([-(.at_risk / .hours), .id]) | .[:$n]' "$WORK/reach.json"
}
call /analytics/interventions GET /analytics/interventions
expect_code 200 "GET /analytics/interventions"
ranked 20 >"$WORK/top20.json"
expect_equal "$(body -c '[.accounts_listed[].customer.customer_id]')" "$(jq -c '[.[].id]' "$WORK/top20.json")" \
    "interventions: the first 20 by expected ARR saved per CSM hour"
expect_equal "$(body -c '[.requested_accounts, .accounts, .listed, .save_rate, .hours_per_account]')" \
    '[20,20,20,{"starter":0.1,"growth":0.1,"enterprise":0.1},{"starter":1,"growth":3,"enterprise":8}]' \
    "interventions: 20 accounts by default, at the default plan"
expect_number "$(jq -n --slurpfile a "$WORK/body" --slurpfile t "$WORK/top20.json" \
    '($a[0].expected_arr_saved - ([$t[0][].at_risk] | add) * 0.1) | fabs')" '<' 0.2 \
    "interventions: ARR kept = 10 % of the ARR at risk reached"
expect_equal "$(jq -n --slurpfile a "$WORK/body" --slurpfile t "$WORK/top20.json" \
    '$a[0].hours == ([$t[0][].hours] | add) and $a[0].accounts_listed[-1].cumulative_hours == $a[0].hours')" true \
    "interventions: the hours it takes, and the running total"
call /analytics/interventions GET "/analytics/interventions?save_rate=0.25&accounts=150"
expect_code 200 "interventions at 25 % for 150 accounts"
ranked 150 >"$WORK/top150.json"
expect_equal "$(body -c '[.accounts, .listed, .save_rate]')" '[150,100,0.25]' "interventions: 150 reached, 100 listed, 25 %"
expect_number "$(jq -n --slurpfile a "$WORK/body" --slurpfile t "$WORK/top150.json" \
    '($a[0].expected_arr_saved - ([$t[0][].at_risk] | add) * 0.25) | fabs')" '<' 1.5 \
    "interventions: ARR kept = 25 % of the ARR at risk of the first 150"
call /analytics/interventions GET "/analytics/interventions?accounts=1000000"
expect_equal "$(body -c '[.accounts, .share_of_arr_at_risk]')" "[$ACTIVE,1]" "interventions: more accounts than there are reaches all of them"
for query in save_rate=0 save_rate=1.5 save_rate=abc accounts=0 accounts=x "accounts=5&accounts=6" colour=red; do
    call /analytics/interventions GET "/analytics/interventions?$query"
    expect_code 422 "interventions?$query"
done
expect_contains body "query.colour: unknown parameter; expected save_rate or accounts" "names the unknown parameter"

call /analytics/survival GET /analytics/survival
expect_code 200 "GET /analytics/survival"
expect_equal "$(body '[.kaplan_meier.by_plan_tier.groups[].group] | join(" ")')" "starter growth enterprise" "survival: a curve per plan tier"
expect_equal "$(body '[.kaplan_meier.by_plan_tier.groups[].curve.day | length <= 240] | all')" true "survival: curves thinned to 240 points at most"
expect_equal "$(body '.correlations | length')" "$(jq '.correlations.features | length' "$WORK/reports/analysis.json")" "survival: the correlation table"
expect_equal "$(body --argjson peak "$(jq .hazard.peak "$WORK/reports/analysis.json")" '.hazard.peak.day == $peak.day and ((.hazard.peak.hazard - $peak.hazard) | fabs) < 1e-9')" true \
    "survival: the hazard's peak, as analyzed"
# Each thinned curve keeps its points: every kept day is one of the analysis's, with its survival.
expect_equal "$(jq -n --slurpfile a "$WORK/reports/analysis.json" --slurpfile v "$WORK/body" '
    [range(0; 3) as $g | $a[0].kaplan_meier.by_plan_tier.groups[$g].curve as $full
     | $v[0].kaplan_meier.by_plan_tier.groups[$g].curve as $thin
     | ([$full.day, $full.survival] | transpose | map({key: (.[0] | tostring), value: .[1]}) | from_entries) as $at
     | range(0; $thin.day | length) as $i | (($at[$thin.day[$i] | tostring] - $thin.survival[$i]) | fabs) < 1e-4] | all')" true \
    "survival: the thinned curves are points of the analysed ones"

# The page and its files.
call / GET /
expect_code 200 "GET / (the dashboard)"
expect_equal "$(header Content-Type)" "text/html; charset=utf-8" "the page is HTML"
expect_contains body '<script src="assets/app.js"></script>' "the page loads its script"
for file in app.js style.css chart.umd.js; do
    call "/assets/{file}" GET "/assets/$file"
    expect_code 200 "GET /assets/$file"
done
expect_equal "$(cmp -s "$WORK/body" "$SOURCE_DIR/web/node_modules/chart.js/dist/chart.umd.js" && echo same)" same "chart.umd.js is the pinned Chart.js"
call "/assets/{file}" GET /assets/nope.js
expect_code 404 "an unknown dashboard file"

# ---- reload (SIGHUP) while requests run: none fails ----------------------------------
# Customers active at both as-of dates, so every answer is a 200 before and after.
EARLIER=$(date -d "$AS_OF - 28 days" +%F)
query "$DB" "SELECT customer_id FROM marts.mart_customer_churn_features WHERE tenure_days > 60" | head -50 >"$WORK/stable_ids"
load() { # N — N rounds of three requests over one kept-alive connection; prints each status
    local args=() i id
    for ((i = 0; i < $1; i++)); do
        id=$(sed -n "$((i % 50 + 1))p" "$WORK/stable_ids")
        args+=(--next -s -o /dev/null -w '%{http_code}\n' -X POST -H 'Content-Type: application/json'
            -d "{\"customer_id\":\"$id\"}" "$BASE/predictions/churn"
            --next -s -o /dev/null -w '%{http_code}\n' "$BASE/customers/$id"
            --next -s -o /dev/null -w '%{http_code}\n' "$BASE/customers?limit=5")
    done
    curl "${args[@]:1}"
}
reloads_done() { grep -c 'reloaded: ' "$WORK/main.log"; }
LOADERS=()
for worker in 1 2 3; do
    load 400 >"$WORK/load.$worker" &
    LOADERS+=($!)
done
for round in 1 2 3; do
    kill -HUP $SERVER_PID
    for _ in $(seq 1 200); do [[ $(reloads_done) -ge $round ]] && break; sleep 0.05; done
done
# The warehouse is free while the server runs (it is read only while a snapshot loads).
"$TENURE" build --quiet --db "$DB" --as-of "$EARLIER"
kill -HUP $SERVER_PID
wait "${LOADERS[@]}"
for _ in $(seq 1 200); do [[ $(reloads_done) -ge 4 ]] && break; sleep 0.05; done
expect_equal "$(cat "$WORK"/load.* | wc -l)" 3600 "every request under reload was answered"
expect_equal "$(cat "$WORK"/load.* | sort | uniq -c | awk '{print $2 ":" $1}' | tr '\n' ' ')" "200:3600 " "all of them 200"
expect_equal "$(grep -c 'reloaded: ' "$WORK/main.log")" 4 "four reloads"
call /ready GET /ready
expect_equal "$(body .as_of)" "$EARLIER" "after the rebuild, /ready has the new as-of date"
expect_equal "$(body '.warnings | length')" 2 "and warns that the models were trained as of another date"
mv "$MODELS" "$MODELS.away"
kill -HUP $SERVER_PID
for _ in $(seq 1 100); do grep -q "reload failed" "$WORK/main.log" && break; sleep 0.1; done
expect_contains main.log "reload failed" "a reload without models fails"
call /ready GET /ready
expect_equal "$CODE $(body .as_of)" "200 $EARLIER" "and the server keeps the snapshot it had"
call /metrics GET /metrics
expect_contains body 'tenure_snapshot_reloads_total{result="failed"} 1' "the failed reload is counted"
mv "$MODELS.away" "$MODELS"
stop_server INT
expect_status 0 "SIGINT stops the server"
expect_contains main.log "serve: stopped" "it says it stopped"
expect_number "$(grep -c ' POST /predictions/churn 200 [0-9]*us$' "$WORK/access.log")" ">=" 1200 "the access log has every prediction"
expect_equal "$(wc -l <"$WORK/access.log")" $((API_CALLS - CALLS_BEFORE_MAIN + 3600)) "one access-log line per request"

# ---- API key and CORS -----------------------------------------------------------------
ID=$(head -1 "$WORK/stable_ids") # active at the rebuilt warehouse's as-of date
echo "k-$(date +%s%N)" >"$WORK/key"
KEY=$(cat "$WORK/key")
start_server secure --db "$DB" --models "$MODELS" --api-key-file "$WORK/key" \
    --cors-origin https://crm.example --cors-origin http://localhost:3000 \
    --save-rate 0.2,enterprise=0.3 --csm-hours growth=2.5
call /health GET /health
expect_code 200 "/health needs no key"
call /ready GET /ready
expect_code 200 "/ready needs no key"
post /predictions/churn /predictions/churn "{\"customer_id\":\"$ID\"}"
expect_code 401 "no key"
expect_equal "$(header WWW-Authenticate)" 'Bearer realm="tenure"' "401 says how to authenticate"
post /predictions/churn /predictions/churn "{\"customer_id\":\"$ID\"}" -H "Authorization: Bearer ${KEY}x"
expect_code 401 "a wrong key"
post /predictions/churn /predictions/churn "{\"customer_id\":\"$ID\"}" -H "Authorization: Bearer $KEY"
expect_code 200 "the right key"
call /analytics/interventions GET /analytics/interventions -H "Authorization: Bearer $KEY"
expect_equal "$(body -c '[.save_rate, .hours_per_account]')" \
    '[{"starter":0.2,"growth":0.2,"enterprise":0.3},{"starter":1,"growth":2.5,"enterprise":8}]' \
    "serve --save-rate and --csm-hours set the plan per tier"
call /metrics GET /metrics
expect_code 401 "/metrics needs the key"
call unmatched GET /no/such/route
expect_code 401 "unknown routes need the key too"
call / GET /
expect_code 200 "the dashboard page needs no key (it holds no data)"
call "/assets/{file}" GET /assets/app.js
expect_code 200 "nor do its files"
call /analytics/portfolio GET /analytics/portfolio
expect_code 401 "the dashboard's data needs the key"
call /customers GET /customers -H "Authorization: Bearer $KEY" -H "Origin: https://crm.example"
expect_equal "$(header Access-Control-Allow-Origin),$(header Vary)" "https://crm.example,Origin" "an allowed origin"
call /customers GET /customers -H "Authorization: Bearer $KEY" -H "Origin: https://evil.example"
expect_equal "$CODE,$(header Access-Control-Allow-Origin)" "200," "another origin gets no CORS header"
call /predictions/churn OPTIONS /predictions/churn -H "Origin: http://localhost:3000" -H "Access-Control-Request-Method: POST" \
    -H "Access-Control-Request-Headers: authorization, content-type"
expect_code 204 "CORS preflight (no key needed)"
expect_equal "$(header Access-Control-Allow-Origin)|$(header Access-Control-Allow-Methods)|$(header Access-Control-Allow-Headers)" \
    "http://localhost:3000|POST|Content-Type, Authorization" "preflight answer"
stop_server TERM
expect_status 0 "SIGTERM"

# ---- a company whose exports do not name its accounts -------------------------------------
# The four account columns empty in every row: every account field is null (and
# the answers still validate), and the search finds customers by their id only.
"$TENURE" generate --quiet --customers 300 --seed 11 --csv "$WORK/unnamed"
awk -F, 'BEGIN {OFS = ","} NR > 1 {$8 = $9 = $10 = $11 = ""} {print}' "$WORK/unnamed/customers.csv" >"$WORK/customers.csv"
mv "$WORK/customers.csv" "$WORK/unnamed/customers.csv"
"$TENURE" build --quiet --db "$WORK/unnamed.duckdb" --raw "$WORK/unnamed"
expect_equal "$(query "$WORK/unnamed.duckdb" "SELECT count(*) FILTER (name IS NOT NULL OR owner IS NOT NULL OR renewal_date IS NOT NULL
    OR crm_id IS NOT NULL), count(*) FROM raw.customers")" "0,300" "(an export whose account columns are empty loads as NULLs)"
start_server unnamed --db "$WORK/unnamed.duckdb" --models "$MODELS"
UNNAMED=$(query "$WORK/unnamed.duckdb" "SELECT customer_id FROM marts.mart_customer_churn_features ORDER BY customer_id LIMIT 1")
call "/customers/{id}" GET "/customers/$UNNAMED"
expect_equal "$CODE $(body -c .account)" '200 {"name":null,"owner":null,"renewal_date":null,"days_to_renewal":null,"crm_id":null}' \
    "360 of an account the data does not name: every account field is null"
post /predictions/churn /predictions/churn "{\"customer_id\":\"$UNNAMED\"}"
expect_equal "$CODE $(body -c '[.customer_id, .name]')" "200 [\"$UNNAMED\",null]" "its churn prediction: name null"
call /customers GET "/customers?limit=100"
expect_equal "$(body -c '[.customers[] | .name, .owner] | unique')" "[null]" "work queue: names and owners null"
search_api "q=${UNNAMED:0:6}"
expect_equal "$(found)" "$UNNAMED" "the search finds an unnamed account by its id"
stop_server TERM
expect_status 0 "SIGTERM"

# ---- start-up errors ---------------------------------------------------------------------
run "$TENURE" serve --port 0 --api-key-file "$WORK/no-such-key"
expect_status 1 "a missing key file"
expect_contains stderr "no-such-key" "names the key file"
start_server holder --db "$DB" --models "$MODELS" --reports "$WORK/no-reports"
call /analytics/survival GET /analytics/survival
expect_equal "$CODE $(body .error.code)" "503 analysis_missing" "without analysis.json the survival view says so"
expect_contains body "run 'tenure analyze'" "and how to make it"
PORT=${BASE##*:}
run "$TENURE" serve --db "$DB" --models "$MODELS" --port "$PORT"
expect_status 1 "a port in use"
expect_contains stderr "cannot listen on 127.0.0.1 port $PORT" "says it cannot listen"
stop_server TERM
run "$TENURE" serve --port 70000
expect_status 1 "a port out of range"

# ---- tenure run: the whole pipeline, ending in the server ------------------------------
mkdir "$WORK/run"
TENURE_PATH=$(cd "$(dirname "$TENURE")" && pwd)/$(basename "$TENURE")
(cd "$WORK/run" && exec "$TENURE_PATH" run --customers 600 --seed 3 --db run.duckdb --port 0) >"$WORK/run.log" 2>&1 &
SERVER_PID=$!
wait_listening run 1800
call /ready GET /ready
expect_code 200 "tenure run ends serving what it built"
expect_equal "$(body .customers)" "$(query "$WORK/run/run.duckdb" "SELECT count(*) FROM marts.mart_customer_churn_features")" \
    "tenure run serves every active customer"
call /analytics/survival GET /analytics/survival
expect_code 200 "tenure run serves the survival analysis it ran"
expect_equal "$(grep -c 'id="tenure-data" type="application/json">{"portfolio"' "$WORK/run/reports/index.html")" 1 "tenure run writes the offline report"
stop_server INT
expect_status 0 "tenure run stops with the server"

# ---- every answer matches api/openapi.json ---------------------------------------------
api_validate
finish
