#!/usr/bin/env bash
# test_dashboard.sh — the dashboard and the offline report, in a real browser.
#
# On a small generated company: `tenure report`'s errors and its file, the
# page's first-load weight, then tests/browser/dashboard.mjs drives Debian's
# chromium (playwright-core) through every view of the page served by
# `tenure serve` (with an API key, so the key prompt is exercised too) and
# through the offline report opened from file://. Screenshots of each view
# go to tests/artifacts/dashboard/ (git-ignored).
source "$(dirname "$0")/lib.sh"
SOURCE_DIR=${TN_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
ARTIFACTS="$SOURCE_DIR/tests/artifacts/dashboard"
DB="$WORK/w.duckdb"
MODELS="$WORK/models"
REPORTS="$WORK/reports"
SERVER_PID=""
trap '[[ -n $SERVER_PID ]] && kill -KILL $SERVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT

"$TENURE" generate --quiet --customers 800 --seed 11 --db "$DB"
"$TENURE" build --quiet --db "$DB"
"$TENURE" train --quiet --db "$DB" --models "$MODELS"
# two scorings a week apart, for the account's "Over time"
AS_OF=$(query "$DB" "SELECT as_of FROM marts.build_info")
"$TENURE" build --quiet --db "$DB" --as-of "$(query "$DB" "SELECT DATE '$AS_OF' - 7")"
"$TENURE" score --quiet --db "$DB" --models "$MODELS" --all --out "$WORK/scores-before.csv"
"$TENURE" build --quiet --db "$DB"
"$TENURE" score --quiet --db "$DB" --models "$MODELS" --all --out "$WORK/scores.csv"
HISTORY_ACCOUNT=$(query "$DB" "SELECT customer_id FROM history.customer_scores_by_as_of
    GROUP BY customer_id HAVING count(DISTINCT as_of) = 2 ORDER BY customer_id LIMIT 1")

# ---- tenure report ---------------------------------------------------------------------
run "$TENURE" report --db "$DB" --models "$MODELS" --reports "$REPORTS"
expect_status 1 "tenure report before tenure analyze"
expect_contains stderr "run 'tenure analyze'" "says to run tenure analyze"
expect_absent "$REPORTS/index.html" "and writes no report"
"$TENURE" analyze --quiet --db "$DB" --out "$REPORTS"
"$TENURE" backtest --quiet --db "$DB" --from 2025-11-14 --to 2025-12-14 --out "$REPORTS"
run "$TENURE" report --db "$DB" --models "$WORK/no-models" --reports "$REPORTS"
expect_status 1 "tenure report without models"
expect_contains stderr "no-models" "names the missing model directory"
run "$TENURE" report --db "$DB" --models "$MODELS" --reports "$REPORTS"
expect_status 0 "tenure report"
expect_contains stderr "-> $REPORTS/index.html" "says where the report is"
expect_equal "$(ls "$REPORTS")" "$(printf 'analysis.json\nanalysis.md\nbacktest.json\nbacktest.md\nindex.html')" "no temporary file is left behind"
expect_equal "$(grep -c 'src="assets/\|href="assets/' "$REPORTS/index.html")" 0 "the report needs no other file"
run "$TENURE" report --db "$DB" --models "$MODELS" --reports "$REPORTS" --out "$WORK/new/report.html"
expect_status 0 "--out into a new directory creates it"
run "$TENURE" report --db "$DB" --models "$MODELS" --reports "$REPORTS" --out "$WORK/a/b/report.html"
expect_status 1 "--out two missing directories down"
expect_contains stderr "$WORK/a/b: cannot create the directory" "names the directory it cannot create"

# ---- the served page ---------------------------------------------------------------------
# An account without any event yet, and one in its first 90 days with events: the 360 must
# say "no events yet", leave the decay unknown, and advise onboarding, not re-engagement.
NEW_ACCOUNT=$(query "$DB" "SELECT customer_id FROM marts.mart_customer_churn_features WHERE total_events = 0 ORDER BY customer_id LIMIT 1")
EARLY_ACCOUNT=$(query "$DB" "SELECT customer_id FROM marts.mart_customer_churn_features WHERE total_events > 0 AND tenure_days < 60 ORDER BY tenure_days DESC, customer_id LIMIT 1")
expect_equal "${NEW_ACCOUNT:+found} ${EARLY_ACCOUNT:+found}" "found found" "(the company has an account with no events and an early one)"

KEY=dashboard-test-key-7
echo "$KEY" >"$WORK/key"
start_server serve --db "$DB" --models "$MODELS" --reports "$REPORTS" --api-key-file "$WORK/key"
expect_equal "${BASE:+started}" started "tenure serve started"
# the report's "this week" is GET /movers, the same document
report_movers=$(/usr/bin/python3 -c 'import json, re, sys
html = open(sys.argv[1]).read()
data = re.search(r"<script id=\"tenure-data\" type=\"application/json\">(.*?)</script>", html, re.S).group(1)
print(json.dumps(json.loads(data)["movers"], sort_keys=True))' "$REPORTS/index.html")
api_movers=$(curl -s -H "Authorization: Bearer $KEY" "$BASE/movers" | /usr/bin/python3 -c 'import json, sys
print(json.dumps(json.load(sys.stdin), sort_keys=True))')
expect_equal "$report_movers" "$api_movers" "the report embeds the movers GET /movers answers"

# The first load: the page, its three files and the portfolio it draws first.
FIRST_LOAD=0
for path in / /assets/style.css /assets/chart.umd.js /assets/app.js /analytics/portfolio; do
    bytes=$(curl -s -o /dev/null -w '%{size_download}' -H "Authorization: Bearer $KEY" "$BASE$path")
    FIRST_LOAD=$((FIRST_LOAD + bytes))
done
expect_number "$FIRST_LOAD" "<=" $((500 * 1024)) "the first load is at most 500 KB"
echo "first load: $FIRST_LOAD bytes"

rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS"
CHECKS=$((CHECKS + 1))
if node "$SOURCE_DIR/tests/browser/dashboard.mjs" --base "$BASE" --report "$REPORTS/index.html" \
    --artifacts "$ARTIFACTS" --api-key "$KEY" --new-account "$NEW_ACCOUNT" --early-account "$EARLY_ACCOUNT" --history-account "$HISTORY_ACCOUNT" \
    >"$WORK/stdout" 2>"$WORK/stderr"; then
    pass "the browser tests ($(tail -1 "$WORK/stdout"))"
else
    fail "the browser tests"
    grep -v '^ok' "$WORK/stdout" | head -40 >&2
fi
cat "$WORK/stdout"

stop_server TERM
expect_status 0 "the server stops"
finish
