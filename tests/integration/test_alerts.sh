#!/usr/bin/env bash
# test_alerts.sh — the alerts of issue 16, against a real HTTP receiver this
# test starts (webhook_receiver.py, on a free loopback port). A small
# generated company is loaded in weekly increments and scored each week with
# `tenure score --project FILE`, whose project file holds only alerts:.
# Checked: the first as-of date sends nothing; --dry-run sends and writes
# nothing; the alerts that arrive are those an independent SQL computation
# over the score history finds (written here, not sql/alerts), each key once
# per target, with its Idempotency-Key header; a second `tenure alerts` and a
# rescore of the same as-of send nothing; a receiver that answers 500 twice
# gets the alert on the third attempt, logged with attempts = 3; a receiver
# that keeps failing makes the run exit 3, is logged as failed, and the next
# run delivers it; a Slack target gets {"text": …}; a bad alerts: section is
# refused with file:line:column.
source "$(dirname "$0")/lib.sh"
SOURCE_DIR=${TN_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
DB="$WORK/w.duckdb"
MODELS="$WORK/models"
RECEIVED="$WORK/received.jsonl"
RECEIVER_PID=""
trap '[[ -n $RECEIVER_PID ]] && kill $RECEIVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT
LOG=history.alert_deliveries
export no_proxy="127.0.0.1${no_proxy:+,$no_proxy}" NO_PROXY="127.0.0.1${NO_PROXY:+,$NO_PROXY}"

# ---- the receiver -----------------------------------------------------------------------------
: >"$RECEIVED"
touch "$WORK/down"
/usr/bin/python3 "$SOURCE_DIR/tests/integration/webhook_receiver.py" --port-file "$WORK/port" \
    --log "$RECEIVED" --fail-first 2 --down-flag "$WORK/down" &
RECEIVER_PID=$!
for _ in $(seq 100); do [[ -s $WORK/port ]] && break; sleep 0.1; done
PORT=$(cat "$WORK/port")
HOOK="http://127.0.0.1:$PORT"
received() { wc -l <"$RECEIVED" | tr -d ' '; }

# ---- project files holding only alerts: --------------------------------------------------------
mkdir -p "$WORK/project" "$WORK/failing"
export TN_TEST_ALERT_ENV=integration
cat >"$WORK/project/tenure.yml" <<YAML
alerts:
  targets:
    cs: {url: "$HOOK/ok/cs"}
    slack: {url: "$HOOK/ok/slack", format: slack, headers: {X-Env: "\${TN_TEST_ALERT_ENV}"}}
    flaky: {url: "$HOOK/flaky/x", format: json}
  delivery: {attempts: 4, backoff_ms: 20, timeout_ms: 5000}
  rules:
    - name: churn-high
      when: {churn_tier_enters: high, arr_at_least: 10000}
      to: [cs, slack]
    - name: ready-to-expand
      when: {propensity_crosses: 0.3}
      to: [cs, flaky]
YAML
cat >"$WORK/failing/tenure.yml" <<YAML
alerts:
  targets:
    cs: {url: "$HOOK/ok/cs"}
    down: {url: "$HOOK/down/x"}
  delivery: {attempts: 3, backoff_ms: 20}
  rules:
    - name: churn-high
      when: {churn_tier_enters: high, arr_at_least: 10000}
      to: [cs, down]
YAML

# expected AS_OF PREVIOUS — "rule key" of every alert the two rules fire, found here: the latest
# scoring per customer and date, tiers ranked by list position, keys by DuckDB's sha256.
expected() {
    query "$DB" "WITH pick AS (SELECT * FROM history.customer_scores_by_as_of QUALIFY row_number()
                     OVER (PARTITION BY customer_id, as_of ORDER BY scored_at DESC) = 1),
            now AS (SELECT * FROM pick WHERE as_of = DATE '$1'),
            before AS (SELECT * FROM pick WHERE as_of = DATE '$2'),
            pairs AS (SELECT n.customer_id, n.arr,
                    list_position(['low', 'medium', 'high', 'critical'], n.churn_tier) AS tier_now,
                    list_position(['low', 'medium', 'high', 'critical'], b.churn_tier) AS tier_before,
                    n.upgrade_propensity AS p_now, b.upgrade_propensity AS p_before
                FROM now AS n LEFT JOIN before AS b USING (customer_id)),
            fired AS (SELECT 'churn-high' AS rule, customer_id FROM pairs
                      WHERE tier_now >= 3 AND coalesce(tier_before, 0) < 3 AND arr >= 10000
                      UNION ALL
                      SELECT 'ready-to-expand', customer_id FROM pairs
                      WHERE p_now >= 0.3 AND coalesce(p_before, 0) < 0.3)
        SELECT rule || ' ' || sha256(rule || '/' || customer_id || '/' || '$1') FROM fired ORDER BY 1"
}
# arrived PATH [STATUS] — "rule key" of each request to PATH (answered STATUS), sorted.
arrived() {
    jq -r --arg p "$1" --argjson s "${2:-200}" 'select(.path == $p and .status == $s) |
        "\(.body.rule // "slack") \(.headers["idempotency-key"])"' "$RECEIVED" | sort
}
log_count() { query "$DB" "SELECT count(*) FROM $LOG WHERE $1"; }

# ---- weekly increments, the first week ----------------------------------------------------------
"$TENURE" generate --quiet --customers 400 --seed 11 --csv "$WORK/export"
LAST=$("$TN_DUCKDB_EXEC" :memory: "SELECT CAST(max(CAST(\"timestamp\" AS TIMESTAMP)) AS DATE) + 1
    FROM read_csv('$WORK/export/usage_events.csv', all_varchar = true)")
read -r -a WEEKS <<<"$("$TN_DUCKDB_EXEC" :memory: "SELECT string_agg(CAST(DATE '$LAST' - CAST(7 * k AS INTEGER) AS VARCHAR), ' '
    ORDER BY k DESC) FROM range(3) AS t (k)")"
split_increments "$WORK/export" "$WORK/split" "${WEEKS[*]:0:2}"
"$TENURE" build --quiet --db "$DB" --raw "$WORK/split/inc1" --as-of "${WEEKS[0]}"
"$TENURE" train --quiet --db "$DB" --models "$MODELS"

run "$TENURE" alerts --db "$DB" --project "$WORK/project"
expect_status 1 "alerts before any scoring"
expect_contains stderr "the score history is empty" "says the history is empty"
run "$TENURE" score --db "$DB" --models "$MODELS" --all --out "$WORK/s0.csv" --project "$WORK/project"
expect_status 0 "score --project of the first as-of"
expect_contains stderr "${WEEKS[0]} is the first as-of date the score history records" "the first as-of: nothing to compare"
expect_equal "$(received)" 0 "the first as-of sends nothing"

# ---- the second week: --dry-run, then the alerts -------------------------------------------------
"$TENURE" build --quiet --db "$DB" --raw "$WORK/split/inc2" --append --as-of "${WEEKS[1]}"
run "$TENURE" score --db "$DB" --models "$MODELS" --all --out "$WORK/s1.csv"
expect_status 0 "score the second week without --project"
EXPECTED=$(expected "${WEEKS[1]}" "${WEEKS[0]}")
fired=$(wc -l <<<"$EXPECTED")
expect_number "$(grep -c '^churn-high ' <<<"$EXPECTED")" ">" 0 "churn-high fires for someone in week 2"
expect_number "$(grep -c '^ready-to-expand ' <<<"$EXPECTED")" ">" 0 "ready-to-expand fires for someone in week 2"

# a customer new since the previous as-of counts as below every tier and value there
newcomers=$(query "$DB" "SELECT count(*) FROM history.customer_scores_by_as_of AS n WHERE n.as_of = DATE '${WEEKS[1]}'
    AND n.customer_id NOT IN (SELECT customer_id FROM history.customer_scores_by_as_of WHERE as_of = DATE '${WEEKS[0]}')
    AND ((n.churn_tier IN ('high', 'critical') AND n.arr >= 10000) OR n.upgrade_propensity >= 0.3)")
expect_number "$newcomers" ">" 0 "some customer new in week 2 fires a rule (the SQL here counts it)"
run "$TENURE" alerts --db "$DB" --project "$WORK/project" --format json
expect_status 2 "--format without --dry-run"
run "$TENURE" alerts --db "$DB" --project "$WORK/project" --dry-run
expect_status 0 "alerts --dry-run"
expect_equal "$(grep -c '^would send: ' "$WORK/stdout")" "$(($(grep -c '^churn-high ' <<<"$EXPECTED") * 2 + $(grep -c '^ready-to-expand ' <<<"$EXPECTED") * 2))" \
    "--dry-run: one line per alert and target"
expect_contains stderr "nothing sent, nothing written" "--dry-run says it sent and wrote nothing"
run "$TENURE" alerts --db "$DB" --project "$WORK/project" --dry-run --format json
expect_equal "$(jq -r '.deliveries[] | select(.target == "cs") | "\(.rule) \(.idempotency_key)"' "$WORK/stdout" | sort)" \
    "$EXPECTED" "--dry-run --format json: the alerts the SQL here finds"
expect_equal "$(received)" 0 "--dry-run sent nothing"
expect_equal "$(query "$DB" "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'history' AND table_name = 'alert_deliveries'")" 0 \
    "--dry-run wrote no delivery log"

run "$TENURE" alerts --db "$DB" --project "$WORK/project"
expect_status 0 "alerts: every alert delivered"
expect_equal "$(arrived /ok/cs)" "$EXPECTED" "cs received exactly the alerts the SQL here finds"
expect_equal "$(arrived /ok/cs 200 | uniq -d | wc -l)" 0 "cs received each key once"
expect_equal "$(jq -r 'select(.path == "/ok/cs") | .body.idempotency_key == .headers["idempotency-key"] and
    (.headers["idempotency-key"] | test("^[0-9a-f]{64}$")) and (.body.reason | length > 20)' "$RECEIVED" | sort -u)" true \
    "each body names its key, which is the header's, and has a reason"
expect_equal "$(jq -r 'select(.path == "/ok/slack") | (.body | keys | join(",")) + " " + .headers["x-env"]' "$RECEIVED" | sort -u)" \
    "text integration" "slack: {\"text\": …} only, with the header from \${TN_TEST_ALERT_ENV}"
expect_equal "$(jq -r 'select(.path == "/ok/slack") | .headers["idempotency-key"]' "$RECEIVED" | sort)" \
    "$(grep '^churn-high ' <<<"$EXPECTED" | cut -d' ' -f2 | sort)" "slack received each churn-high key once"
# the flaky receiver answered 500 to its first two requests: the first alert went on attempt 3
first_flaky=$(jq -r 'select(.path == "/flaky/x") | .headers["idempotency-key"]' "$RECEIVED" | head -1)
expect_equal "$(jq -r --arg k "$first_flaky" 'select(.headers["idempotency-key"] == $k and .path == "/flaky/x") | .status' "$RECEIVED" | tr '\n' ' ')" \
    "500 500 200 " "flaky: 500, 500, then 200 for the first alert"
expect_equal "$(query "$DB" "SELECT status, attempts, http_status FROM $LOG WHERE target = 'flaky' AND idempotency_key = '$first_flaky'")" \
    "delivered,3,200" "flaky: logged delivered on attempt 3"
expect_equal "$(arrived /flaky/x | cut -d' ' -f2)" "$(grep '^ready-to-expand ' <<<"$EXPECTED" | cut -d' ' -f2 | sort)" \
    "flaky: every ready-to-expand alert delivered once"
expect_equal "$(log_count "as_of = DATE '${WEEKS[1]}' AND status = 'delivered'")" "$(($(grep -c '^churn-high ' <<<"$EXPECTED") * 2 + $(grep -c '^ready-to-expand ' <<<"$EXPECTED") * 2))" \
    "the log has one delivered row per alert and target"
expect_equal "$(query "$DB" "SELECT count(*) FROM $LOG WHERE first_attempt_at > last_attempt_at OR rule NOT IN ('churn-high', 'ready-to-expand') OR idempotency_key <> sha256(rule || '/' || customer_id || '/' || strftime(as_of, '%Y-%m-%d'))")" 0 \
    "each log row's key is the hash of its rule, customer and as-of"

# ---- nothing twice: a second run, a rescore of the same as-of -------------------------------------
before=$(received)
run "$TENURE" alerts --db "$DB" --project "$WORK/project"
expect_status 0 "alerts again"
expect_equal "$(received)" "$before" "a second run sends nothing"
expect_contains stderr "0 delivered now, $((fired * 2)) delivered before, 0 failed" "says every alert was delivered before"
run "$TENURE" score --db "$DB" --models "$MODELS" --all --out "$WORK/s1b.csv" --project "$WORK/project"
expect_status 0 "score --project of the same as-of again"
expect_contains stderr "as of ${WEEKS[1]} was recorded before" "says the as-of did not move"
expect_equal "$(received)" "$before" "rescoring the same as-of sends nothing"

# ---- the third week: a receiver that keeps failing, then recovers --------------------------------
"$TENURE" build --quiet --db "$DB" --raw "$WORK/split/inc3" --append
run "$TENURE" score --db "$DB" --models "$MODELS" --all --out "$WORK/s2.csv" --project "$WORK/failing"
expect_status 3 "score --project with a receiver that keeps failing: exit 3"
expect_contains stderr "failed after every attempt" "says deliveries failed"
EXPECTED=$(expected "${WEEKS[2]}" "${WEEKS[1]}" | grep '^churn-high ')
high=$(wc -l <<<"$EXPECTED")
expect_number "$high" ">" 0 "churn-high fires for someone in week 3"
expect_equal "$(log_count "as_of = DATE '${WEEKS[2]}' AND target = 'down' AND status = 'failed' AND attempts = 3 AND http_status = 500")" "$high" \
    "down: each alert logged failed after 3 attempts, HTTP 500"
expect_equal "$(jq -r 'select(.path == "/down/x") | .headers["idempotency-key"]' "$RECEIVED" | sort | uniq -c | awk '{print $1}' | sort -u)" 3 \
    "down: three requests per alert"
expect_equal "$(arrived /ok/cs | grep -c "$(head -1 <<<"$EXPECTED" | cut -d' ' -f2)")" 1 "cs got week 3's alerts while down failed"
rm "$WORK/down"
cs_before=$(arrived /ok/cs | wc -l)
run "$TENURE" alerts --db "$DB" --project "$WORK/failing"
expect_status 0 "the next run delivers what failed"
expect_equal "$(log_count "as_of = DATE '${WEEKS[2]}' AND target = 'down' AND status = 'delivered' AND attempts = 4")" "$high" \
    "down: delivered on the next run, 4 attempts in all"
expect_equal "$(arrived /ok/cs | wc -l)" "$cs_before" "what was delivered was not sent again"
expect_equal "$(arrived /down/x | cut -d' ' -f2)" "$(cut -d' ' -f2 <<<"$EXPECTED" | sort)" "down: each alert delivered once"

# an earlier as-of date: its alerts were all delivered; a date the history does not record is refused
run "$TENURE" alerts --db "$DB" --project "$WORK/project" --dry-run --as-of "${WEEKS[1]}"
expect_status 0 "--dry-run --as-of ${WEEKS[1]}"
expect_equal "$(grep -vc '^already delivered: ' "$WORK/stdout")" 0 "every alert of ${WEEKS[1]} shows as already delivered"
expect_contains stderr "as of ${WEEKS[1]} (against ${WEEKS[0]})" "compared with the as-of before it"
run "$TENURE" alerts --db "$DB" --project "$WORK/project" --as-of 2001-01-01
expect_status 1 "--as-of a date the history does not record"
expect_contains stderr "records no scoring as of that date (the latest is of ${WEEKS[2]})" "says which is the latest"

# ---- a bad alerts: section --------------------------------------------------------------------------
mkdir -p "$WORK/bad"
cat >"$WORK/bad/tenure.yml" <<YAML
alerts:
  targets:
    cs: {url: "ftp://example.com/x"}
    hook: {url: "\${TN_TEST_NO_SUCH_VARIABLE}"}
  delivery: {attempts: 0}
  rules:
    - name: r1
      when: {propensity_crosses: 1.5, churn_tier_enters: low}
      to: [cs, nowhere]
YAML
run "$TENURE" alerts --db "$DB" --project "$WORK/bad/tenure.yml"
expect_status 1 "a bad alerts: section is refused"
expect_contains stderr "$WORK/bad/tenure.yml:3:15: alerts.targets.cs.url: has the scheme ftp: — expected http:// or https://" "a bad scheme, with line:col"
expect_contains stderr "tenure.yml:4:17: alerts.targets.hook.url: names \${TN_TEST_NO_SUCH_VARIABLE}, which is not set" "a missing variable, named"
expect_contains stderr "tenure.yml:5:24: alerts.delivery.attempts: '0' — expected a whole number from 1 to 10" "attempts out of range"
expect_contains stderr "tenure.yml:8:34: alerts.rules[0].when.propensity_crosses: '1.5'" "a share above 1"
expect_contains stderr "tenure.yml:8:58: alerts.rules[0].when.churn_tier_enters: 'low'" "an unknown tier"
expect_contains stderr "tenure.yml:9:16: alerts.rules[0].to: 'nowhere' is not a target of alerts.targets" "an unknown target"
expect_contains stderr "6 problems in the alerts" "every problem in one run"
run "$TENURE" score --db "$DB" --models "$MODELS" --all --out "$WORK/bad.csv" --project "$WORK/bad"
expect_status 1 "score --project refuses a bad alerts: section before scoring"
expect_absent "$WORK/bad.csv" "nothing was scored"
finish
