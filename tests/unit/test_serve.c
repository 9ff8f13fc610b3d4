/*
 * test_serve.c — the server's pure parts: route matching, request and
 * query validation (statuses and JSON paths), API keys, CORS and content
 * types, conflict-matrix quadrants and recommended actions, the /metrics
 * text, the access log's lines, the snapshot's index and sort orders, the
 * work queue's search, the per-customer JSON views (with the account as
 * people know it, or nulls), UTF-8 checks and repairs of client bytes, and
 * that api/openapi.json describes exactly the routes the server answers.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <zlib.h>

#include "common/embedded.h"
#include "common/gzip.h"
#include "common/strbuf.h"
#include "common/utf8.h"
#include "insight/actions.h"
#include "insight/answer.h"
#include "insight/documents.h"
#include "serve/access_log.h"
#include "serve/handlers.h"
#include "serve/metrics.h"
#include "serve/policy.h"
#include "serve/request.h"
#include "serve/routes.h"
#include "serve/search.h"
#include "serve/snapshot.h"

/* ---- routes --------------------------------------------------------------------- */

/* tn_route_match, with the parameter copied out as a string (NULL when there is none). */
static tn_route_id match_route(const char *path, const char **parameter) {
    static char copy[256];
    size_t length = 99;
    tn_route_id route = tn_route_match(path, parameter, &length);
    if (*parameter == NULL) {
        assert_int_equal(length, 0);
        return route;
    }
    assert_true(length < sizeof copy);
    memcpy(copy, *parameter, length);
    copy[length] = '\0';
    *parameter = copy;
    return route;
}

static void test_routes_match_paths_and_methods(void **state) {
    (void)state;
    const char *parameter;
    assert_int_equal(match_route("/health", &parameter), TN_ROUTE_HEALTH);
    assert_null(parameter);
    assert_int_equal(match_route("/predictions/churn", &parameter), TN_ROUTE_PREDICT_CHURN);
    assert_int_equal(match_route("/customers", &parameter), TN_ROUTE_CUSTOMERS);
    assert_int_equal(match_route("/customers/c-42", &parameter), TN_ROUTE_CUSTOMER);
    assert_string_equal(parameter, "c-42");
    assert_int_equal(match_route("/customers/", &parameter), TN_ROUTE_NONE);
    assert_int_equal(match_route("/customers/a/b", &parameter), TN_ROUTE_NONE);
    assert_null(parameter);
    assert_int_equal(match_route("/customers/c-42/history", &parameter), TN_ROUTE_CUSTOMER_HISTORY);
    assert_string_equal(parameter, "c-42");
    assert_int_equal(match_route("/customers//history", &parameter), TN_ROUTE_NONE);
    assert_int_equal(match_route("/customers/c-42/history/", &parameter), TN_ROUTE_NONE);
    assert_int_equal(match_route("/customers/c-42/historyx", &parameter), TN_ROUTE_NONE);
    assert_int_equal(match_route("/customers/a/b/history", &parameter), TN_ROUTE_NONE);
    assert_null(parameter);
    assert_int_equal(match_route("/health/", &parameter), TN_ROUTE_NONE);
    assert_int_equal(match_route("/", &parameter), TN_ROUTE_PAGE);
    assert_null(parameter);
    assert_int_equal(match_route("/assets/app.js", &parameter), TN_ROUTE_ASSET);
    assert_string_equal(parameter, "app.js");
    assert_int_equal(match_route("/assets/", &parameter), TN_ROUTE_NONE);
    assert_int_equal(match_route("/assets/a/app.js", &parameter), TN_ROUTE_NONE);
    assert_int_equal(match_route("/analytics/portfolio", &parameter), TN_ROUTE_PORTFOLIO);
    assert_int_equal(match_route("/analytics", &parameter), TN_ROUTE_NONE);
    assert_int_equal(match_route("//", &parameter), TN_ROUTE_NONE);

    assert_true(tn_route_allows(TN_ROUTE_HEALTH, "GET"));
    assert_true(tn_route_allows(TN_ROUTE_HEALTH, "HEAD"));
    assert_false(tn_route_allows(TN_ROUTE_HEALTH, "POST"));
    assert_true(tn_route_allows(TN_ROUTE_PREDICT_BATCH, "POST"));
    assert_false(tn_route_allows(TN_ROUTE_PREDICT_BATCH, "GET"));
    assert_false(tn_route_allows(TN_ROUTE_PREDICT_BATCH, "HEAD"));
    assert_false(tn_route_allows(TN_ROUTE_NONE, "GET"));
    assert_string_equal(tn_route_get(TN_ROUTE_PREDICT_CHURN)->allow, "POST, OPTIONS");
    assert_string_equal(tn_route_label(TN_ROUTE_CUSTOMER), "/customers/{id}");
    assert_string_equal(tn_route_label(TN_ROUTE_NONE), "unmatched");
    assert_true(tn_route_get(TN_ROUTE_READY)->public);
    assert_false(tn_route_get(TN_ROUTE_METRICS)->public);
    /* The page and its files hold no data: public, and served before any snapshot loads. */
    assert_true(tn_route_get(TN_ROUTE_PAGE)->public);
    assert_false(tn_route_get(TN_ROUTE_PAGE)->needs_snapshot);
    assert_true(tn_route_get(TN_ROUTE_ASSET)->public);
    assert_false(tn_route_get(TN_ROUTE_PORTFOLIO)->public);
    assert_true(tn_route_get(TN_ROUTE_SURVIVAL)->needs_snapshot);
}

/* ---- request bodies ------------------------------------------------------------- */

/* Runs tn_request_customer_id on `body`; returns the problem's status (0 when accepted). */
static int check_single(const char *body, char *id, tn_request_problem *problem) {
    memset(problem, 0, sizeof *problem);
    return tn_request_customer_id(body, strlen(body), id, problem) ? 0 : problem->status;
}

static void test_single_id_bodies(void **state) {
    (void)state;
    char id[TN_CUSTOMER_ID_MAX + 1];
    tn_request_problem p;
    assert_int_equal(check_single("{\"customer_id\": \"c1\"}", id, &p), 0);
    assert_string_equal(id, "c1");

    assert_int_equal(check_single("", id, &p), 400);
    assert_string_equal(p.code, "malformed_json");
    assert_int_equal(check_single("{\"customer_id\": ", id, &p), 400);
    assert_non_null(strstr(p.message, "line 1, column"));
    assert_int_equal(check_single("{\"customer_id\":\"a\",\"customer_id\":\"b\"}", id, &p), 400);

    assert_int_equal(check_single("[\"c1\"]", id, &p), 422);
    assert_string_equal(p.message, "$: expected an object, got an array");
    assert_int_equal(check_single("{}", id, &p), 422);
    assert_string_equal(p.message, "$.customer_id: required");
    assert_int_equal(check_single("{\"customer_id\": 7}", id, &p), 422);
    assert_string_equal(p.message, "$.customer_id: expected a string, got a number");
    assert_int_equal(check_single("{\"customer_id\": null}", id, &p), 422);
    assert_string_equal(p.message, "$.customer_id: expected a string, got null");
    assert_int_equal(check_single("{\"customer_id\": \"\"}", id, &p), 422);
    assert_string_equal(p.message, "$.customer_id: must not be empty");
    assert_int_equal(check_single("{\"customer_id\": \"c1\", \"explain\": true}", id, &p), 422);
    assert_string_equal(p.message, "$.explain: unknown field; expected only customer_id");
    assert_string_equal(p.code, "invalid_request");
}

static int check_brief(const char *body, char *id, tn_audience *audience,
                       tn_request_problem *problem) {
    memset(problem, 0, sizeof *problem);
    return tn_request_brief(body, strlen(body), id, audience, problem) ? 0 : problem->status;
}

/* POST /summaries/customer: an id and an audience, both required, nothing else. */
static void test_brief_bodies(void **state) {
    (void)state;
    char id[TN_CUSTOMER_ID_MAX + 1];
    tn_audience audience = TN_AUDIENCE_CSM;
    tn_request_problem p;
    assert_int_equal(check_brief("{\"customer_id\": \"c1\", \"audience\": \"account_executive\"}",
                                 id, &audience, &p),
                     0);
    assert_string_equal(id, "c1");
    assert_int_equal(audience, TN_AUDIENCE_ACCOUNT_EXECUTIVE);
    assert_int_equal(
        check_brief("{\"audience\": \"executive\", \"customer_id\": \"c2\"}", id, &audience, &p),
        0);
    assert_int_equal(audience, TN_AUDIENCE_EXECUTIVE);

    assert_int_equal(check_brief("{\"customer_id\": \"c1\", \"audience\": ", id, &audience, &p),
                     400);
    assert_string_equal(p.code, "malformed_json");
    assert_int_equal(check_brief("{\"customer_id\": \"c1\"}", id, &audience, &p), 422);
    assert_string_equal(p.message, "$.audience: required");
    assert_int_equal(check_brief("{\"audience\": \"csm\"}", id, &audience, &p), 422);
    assert_string_equal(p.message, "$.customer_id: required");
    assert_int_equal(
        check_brief("{\"customer_id\": \"c1\", \"audience\": \"cfo\"}", id, &audience, &p), 422);
    assert_string_equal(p.message,
                        "$.audience: expected one of csm, executive, account_executive, got 'cfo'");
    assert_int_equal(
        check_brief("{\"customer_id\": \"c1\", \"audience\": [\"csm\"]}", id, &audience, &p), 422);
    assert_string_equal(p.message, "$.audience: expected a string, got an array");
    assert_int_equal(check_brief("{\"customer_id\": 7, \"audience\": \"csm\"}", id, &audience, &p),
                     422);
    assert_string_equal(p.message, "$.customer_id: expected a string, got a number");
    assert_int_equal(
        check_brief("{\"customer_id\": \"c1\", \"audience\": \"csm\", \"tone\": \"warm\"}", id,
                    &audience, &p),
        422);
    assert_string_equal(p.message, "$.tone: unknown field; expected only customer_id and audience");
    assert_string_equal(p.code, "invalid_request");
}

static void test_id_length_limit(void **state) {
    (void)state;
    char id[TN_CUSTOMER_ID_MAX + 1], body[400];
    tn_request_problem p;
    snprintf(body, sizeof body, "{\"customer_id\":\"%0*d\"}", TN_CUSTOMER_ID_MAX, 0);
    assert_int_equal(check_single(body, id, &p), 0);
    assert_int_equal(strlen(id), TN_CUSTOMER_ID_MAX);
    snprintf(body, sizeof body, "{\"customer_id\":\"%0*d\"}", TN_CUSTOMER_ID_MAX + 1, 0);
    assert_int_equal(check_single(body, id, &p), 422);
    assert_string_equal(p.message, "$.customer_id: longer than 128 bytes");
    assert_int_equal(check_single("{\"customer_id\":\"a\\u0000b\"}", id, &p), 400);
}

static void test_batch_bodies(void **state) {
    (void)state;
    json_t *ids;
    tn_request_problem p;
    const char *good = "{\"customer_ids\": [\"a\", \"b\", \"a\"]}";
    assert_true(tn_request_customer_ids(good, strlen(good), &ids, &p));
    assert_int_equal(json_array_size(ids), 3);
    json_decref(ids);

    const char *bad[][2] = {
        {"{\"customer_ids\": []}", "$.customer_ids: expected 1 to 1000 ids, got 0"},
        {"{\"customer_ids\": \"a\"}", "$.customer_ids: expected an array, got a string"},
        {"{\"customer_ids\": [\"a\", \"b\", 3]}",
         "$.customer_ids[2]: expected a string, got a number"},
        {"{\"customer_id\": \"a\"}", "$.customer_id: unknown field; expected only customer_ids"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_false(tn_request_customer_ids(bad[i][0], strlen(bad[i][0]), &ids, &p));
        assert_null(ids);
        assert_int_equal(p.status, 422);
        assert_string_equal(p.message, bad[i][1]);
    }
    tn_strbuf big = TN_STRBUF_INIT;
    tn_strbuf_puts(&big, "{\"customer_ids\":[");
    for (int i = 0; i <= TN_BATCH_MAX; i++)
        tn_strbuf_printf(&big, "%s\"c%d\"", i ? "," : "", i);
    tn_strbuf_puts(&big, "]}");
    assert_false(tn_request_customer_ids(big.data, big.length, &ids, &p));
    assert_string_equal(p.message, "$.customer_ids: expected 1 to 1000 ids, got 1001");
    tn_strbuf_free(&big);
}

/* ---- the work-queue query ------------------------------------------------------- */

static void test_list_query(void **state) {
    (void)state;
    tn_list_query q;
    tn_request_problem p;
    tn_list_query_init(&q);
    assert_int_equal(q.limit, TN_PAGE_DEFAULT);
    assert_int_equal(q.offset, 0);
    assert_int_equal(q.sort, TN_SORT_CHURN);
    assert_true(tn_list_query_set(&q, "limit", "100", &p));
    assert_true(tn_list_query_set(&q, "offset", "40", &p));
    assert_true(tn_list_query_set(&q, "plan_tier", "growth", &p));
    assert_true(tn_list_query_set(&q, "risk_tier", "critical", &p));
    assert_true(tn_list_query_set(&q, "sort", "arr_at_risk", &p));
    assert_int_equal(q.limit, 100);
    assert_int_equal(q.offset, 40);
    assert_string_equal(q.plan_tier, "growth");
    assert_string_equal(q.risk_tier, "critical");
    assert_int_equal(q.sort, TN_SORT_ARR_AT_RISK);
    assert_string_equal(tn_sort_key_name(q.sort), "arr_at_risk");

    assert_false(tn_list_query_set(&q, "limit", "5", &p));
    assert_string_equal(p.message, "query.limit: given more than once");

    /* q: surrounding spaces dropped; at most TN_SEARCH_MAX bytes; once */
    assert_string_equal(q.q, "");
    assert_true(tn_list_query_set(&q, "q", "  Ledger Labs\t", &p));
    assert_string_equal(q.q, "Ledger Labs");
    assert_false(tn_list_query_set(&q, "q", "x", &p));
    assert_string_equal(p.message, "query.q: given more than once");
    char longest[TN_SEARCH_MAX + 2];
    memset(longest, 'n', sizeof longest - 1);
    longest[TN_SEARCH_MAX] = '\0';
    tn_list_query_init(&q);
    assert_true(tn_list_query_set(&q, "q", longest, &p));
    assert_int_equal(strlen(q.q), TN_SEARCH_MAX);
    longest[TN_SEARCH_MAX] = 'n';
    longest[TN_SEARCH_MAX + 1] = '\0';
    tn_list_query_init(&q);
    assert_false(tn_list_query_set(&q, "q", longest, &p));
    assert_string_equal(p.message, "query.q: expected 1 to 100 bytes of text, got 101");
    tn_list_query_init(&q);
    assert_true(tn_list_query_set(&q, "q", "Zürich", &p)); /* UTF-8 is fine */

    const char *bad[][3] = {
        {"limit", "101", "query.limit: expected a whole number from 1 to 100, got '101'"},
        {"limit", "0", "query.limit: expected a whole number from 1 to 100, got '0'"},
        {"limit", "ten", "query.limit: expected a whole number from 1 to 100, got 'ten'"},
        {"limit", NULL, "query.limit: expected a whole number from 1 to 100, got ''"},
        {"offset", "-1", "query.offset: expected a whole number from 0 to 1000000000, got '-1'"},
        {"plan_tier", "custom",
         "query.plan_tier: expected one of starter, growth, enterprise, got 'custom'"},
        {"sort", "mrr",
         "query.sort: expected one of churn_probability, arr_at_risk, upgrade_propensity, got "
         "'mrr'"},
        {"page", "2",
         "query.page: unknown parameter; expected limit, offset, plan_tier, risk_tier, sort or q"},
        {"q", "", "query.q: expected 1 to 100 bytes of text, got 0"},
        {"q", NULL, "query.q: expected 1 to 100 bytes of text, got 0"},
        {"q", " \t ", "query.q: expected 1 to 100 bytes of text, got 0"},
        {"q", "\xff\xfe", "query.q: expected UTF-8 text"},
        {"limit", "1\xc3", "query.limit: expected UTF-8 text"},
        {"\xe9t\xe9", "1", "query: a parameter name is not UTF-8 text"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tn_list_query_init(&q);
        assert_false(tn_list_query_set(&q, bad[i][0], bad[i][1], &p));
        assert_int_equal(p.status, 422);
        assert_string_equal(p.code, "invalid_query");
        assert_string_equal(p.message, bad[i][2]);
    }
}

/* ---- UTF-8 from clients ------------------------------------------------------------ */

static void test_utf8_checks_and_repairs(void **state) {
    (void)state;
    const char *valid[] = {
        "", "plain", "Z\xc3\xbcrich", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf"};
    for (size_t i = 0; i < sizeof valid / sizeof *valid; i++)
        assert_true(tn_utf8_valid(valid[i], strlen(valid[i])));
    const char *invalid[] = {
        "a\xc3",            /* é cut after its first byte */
        "\xe9t\xe9",        /* Latin-1 */
        "\xc0\xaf",         /* an overlong '/' */
        "\xed\xa0\x80",     /* a surrogate */
        "\xf4\x90\x80\x80", /* past U+10FFFF */
        "\x80",             /* a continuation byte alone */
        "\xff",
    };
    for (size_t i = 0; i < sizeof invalid / sizeof *invalid; i++)
        assert_false(tn_utf8_valid(invalid[i], strlen(invalid[i])));

    char out[16];
    assert_string_equal(tn_utf8_repair("Z\xc3\xbcrich", out, sizeof out), "Z\xc3\xbcrich");
    assert_string_equal(tn_utf8_repair("a\xc3", out, sizeof out), "a\xef\xbf\xbd");
    assert_string_equal(tn_utf8_repair("\xe9t\xe9", out, sizeof out), "\xef\xbf\xbdt\xef\xbf\xbd");
    /* Too long: cut at a character boundary, never inside one. */
    assert_string_equal(tn_utf8_repair("abcdefghijklm\xc3\xa9", out, sizeof out),
                        "abcdefghijklm\xc3\xa9");
    assert_string_equal(tn_utf8_repair("abcdefghijklmn\xc3\xa9", out, sizeof out),
                        "abcdefghijklmn");
    assert_string_equal(tn_utf8_repair("abcdefghijklm\xff", out, sizeof out), "abcdefghijklm");
}

/* ---- the work queue's search ----------------------------------------------------- */

/* Whether `text` finds the customer (id, name, crm_id). */
static bool finds(const char *text, const char *id, const char *name, const char *crm_id) {
    tn_search search;
    tn_search_init(&search, text);
    char *folded = tn_search_fold(name);
    bool found = tn_search_matches(&search, id, folded, crm_id);
    free(folded);
    return found;
}

static void test_search(void **state) {
    (void)state;
    const char *id = "0deae832-c0a9-4ccb-995f-9d1782ddcc4c", *crm = "0015g00000AbCdEIAV";
    const char *name = "Northwind Ledger Labs";
    /* a part of the name, anywhere, any case */
    assert_true(finds("ledger", id, name, crm));
    assert_true(finds("NORTHWIND LEDGER LABS", id, name, crm));
    assert_true(finds("d Le", id, name, crm));
    assert_true(finds("s", id, name, crm));
    assert_false(finds("ledgers", id, name, crm));
    assert_false(finds("Labs Ledger", id, name, crm));
    /* the start of an id, at least four characters, any case */
    assert_true(finds("0dea", id, name, crm));
    assert_true(finds("0DEAE832-C0A9", id, name, crm));
    assert_true(finds(id, id, name, crm));
    assert_false(finds("0de", id, name, crm));  /* too short for an id */
    assert_false(finds("eae8", id, name, crm)); /* inside the id, not its start */
    assert_true(finds("0015g", id, name, crm));
    assert_true(finds("0015G00000ABCDE", id, name, crm));
    assert_false(finds("001", id, name, crm));
    assert_false(finds("5g00", id, name, crm));
    /* no name, no CRM id: found by the customer id only */
    assert_false(finds("ledger", id, NULL, NULL));
    assert_true(finds("0deae", id, NULL, NULL));
    assert_false(finds("0015g", id, NULL, NULL));
    /* bytes beyond ASCII are compared as they are */
    assert_true(finds("zür", "c1", "Zürich Data AG", NULL));
    assert_false(finds("ZÜR", "c1", "Zürich Data AG", NULL));
    char *folded = tn_search_fold("AbC-Ü");
    assert_string_equal(folded, "abc-Ü");
    free(folded);
    assert_null(tn_search_fold(NULL));
}

/* ---- policy --------------------------------------------------------------------- */

static void test_api_keys(void **state) {
    (void)state;
    assert_true(tn_api_key_accepts("s3cret", "Bearer s3cret"));
    assert_true(tn_api_key_accepts("s3cret", "bearer s3cret"));
    assert_false(tn_api_key_accepts("s3cret", "Bearer s3cre"));
    assert_false(tn_api_key_accepts("s3cret", "Bearer s3cret2"));
    assert_false(tn_api_key_accepts("s3cret", "Bearer  s3cret"));
    assert_false(tn_api_key_accepts("s3cret", "Bearer "));
    assert_false(tn_api_key_accepts("s3cret", "Basic s3cret"));
    assert_false(tn_api_key_accepts("s3cret", "s3cret"));
    assert_false(tn_api_key_accepts("s3cret", NULL));

    char path[] = "/tmp/tenure-test-key.XXXXXX", key[TN_API_KEY_MAX + 1];
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_true(write(fd, "  k-123 \nsecond line\n", 21) == 21);
    close(fd);
    tn_error err;
    assert_true(tn_api_key_read(path, key, &err));
    assert_string_equal(key, "k-123");

    FILE *file = fopen(path, "w");
    fputs("two words\n", file);
    fclose(file);
    assert_false(tn_api_key_read(path, key, &err));
    assert_non_null(strstr(err.message, "space or control character at column 4"));
    file = fopen(path, "w");
    fputs("\n", file);
    fclose(file);
    assert_false(tn_api_key_read(path, key, &err));
    assert_non_null(strstr(err.message, "the first line holds no key"));
    unlink(path);
    assert_false(tn_api_key_read(path, key, &err));
    assert_non_null(strstr(err.message, path));
}

static void test_cors_and_content_types(void **state) {
    (void)state;
    const char *allowed[] = {"https://crm.example", "http://localhost:3000"};
    assert_true(tn_cors_allows(allowed, 2, "http://localhost:3000"));
    assert_false(tn_cors_allows(allowed, 2, "http://localhost:3001"));
    assert_false(tn_cors_allows(allowed, 2, "https://crm.example.evil"));
    assert_false(tn_cors_allows(allowed, 2, NULL));
    assert_false(tn_cors_allows(NULL, 0, "https://crm.example"));

    assert_true(tn_is_json_content_type("application/json"));
    assert_true(tn_is_json_content_type("Application/JSON; charset=utf-8"));
    assert_true(tn_is_json_content_type(" application/json ;charset=utf-8"));
    assert_false(tn_is_json_content_type("application/jsonp"));
    assert_false(tn_is_json_content_type("text/plain"));
    assert_false(tn_is_json_content_type("application/x-www-form-urlencoded"));
    assert_false(tn_is_json_content_type(NULL));
}

/* Accept-Encoding as RFC 9110 §12.5.3 reads it: a coding with q=0 is refused. */
static void test_accepts_gzip(void **state) {
    (void)state;
    assert_true(tn_accepts_gzip("gzip"));
    assert_true(tn_accepts_gzip("gzip, deflate, br"));           /* what browsers send */
    assert_true(tn_accepts_gzip("br;q=1.0, GZIP;q=0.5, *;q=0")); /* any case, a weight above 0 */
    assert_true(tn_accepts_gzip("x-gzip"));
    assert_true(tn_accepts_gzip("*"));
    assert_true(tn_accepts_gzip("deflate , gzip ; q=0.001"));
    assert_false(tn_accepts_gzip(NULL));
    assert_false(tn_accepts_gzip(""));
    assert_false(tn_accepts_gzip("identity"));
    assert_false(tn_accepts_gzip("gzip;q=0"));
    assert_false(tn_accepts_gzip("gzip; q=0.000, deflate"));
    assert_false(tn_accepts_gzip("*, gzip;q=0")); /* named beats the wildcard */
    assert_false(tn_accepts_gzip("gzipped, xgzip"));
    assert_false(tn_accepts_gzip("*;q=0"));
}

/* tn_gzip's output inflates, by zlib's own reader, to the text. */
static void test_gzip_round_trip(void **state) {
    (void)state;
    char text[20000];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = "{\"movers\":[1,2,3]}"[i % 18];
    size_t length = 0;
    char *packed = tn_gzip(text, sizeof text, &length);
    assert_non_null(packed);
    assert_true(length < sizeof text / 10);
    assert_int_equal((unsigned char)packed[0], 0x1f); /* the gzip magic number */
    assert_int_equal((unsigned char)packed[1], 0x8b);
    char back[sizeof text + 16];
    z_stream stream = {0};
    assert_int_equal(inflateInit2(&stream, 15 + 16), Z_OK);
    stream.next_in = (unsigned char *)packed;
    stream.avail_in = (uInt)length;
    stream.next_out = (unsigned char *)back;
    stream.avail_out = sizeof back;
    assert_int_equal(inflate(&stream, Z_FINISH), Z_STREAM_END);
    assert_int_equal(stream.total_out, sizeof text);
    assert_memory_equal(back, text, sizeof text);
    inflateEnd(&stream);
    free(packed);
}

/*
 * tn_gunzip reads what zlib's own writer made (not only tn_gzip's output),
 * and refuses a length other than the text's, a cut stream and bytes that
 * are not gzip.
 */
static void test_gunzip(void **state) {
    (void)state;
    const char text[] = "{\"points\":[{\"as_of\":\"2026-03-07\"},{\"as_of\":\"2026-03-14\"}]}";
    size_t length = sizeof text - 1;
    unsigned char packed[256];
    z_stream stream = {0};
    assert_int_equal(deflateInit2(&stream, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    stream.next_in = (unsigned char *)text;
    stream.avail_in = (uInt)length;
    stream.next_out = packed;
    stream.avail_out = sizeof packed;
    assert_int_equal(deflate(&stream, Z_FINISH), Z_STREAM_END);
    size_t packed_length = stream.total_out;
    deflateEnd(&stream);
    char *back = tn_gunzip((const char *)packed, packed_length, length);
    assert_non_null(back);
    assert_string_equal(back, text); /* and a NUL after it */
    free(back);
    assert_null(tn_gunzip((const char *)packed, packed_length, length - 1)); /* longer than said */
    assert_null(tn_gunzip((const char *)packed, packed_length, length + 1)); /* shorter than said */
    assert_null(tn_gunzip((const char *)packed, packed_length - 4, length)); /* the trailer cut */
    assert_null(tn_gunzip(text, length, length));                            /* not gzip at all */
}

/* ---- actions -------------------------------------------------------------------- */

/* A starter customer of $1,000 MRR; moving to growth triples it. */
static tn_customer_score customer(double churn, bool candidate, double propensity) {
    tn_customer_score c;
    memset(&c, 0, sizeof c);
    c.customer_id = "c1";
    snprintf(c.plan_tier, sizeof c.plan_tier, "starter");
    snprintf(c.target_tier, sizeof c.target_tier, "growth");
    c.mrr = 1000;
    c.tenure_days = 400;
    c.total_events = 5000;
    c.churn_probability = churn;
    c.expansion_candidate = candidate;
    c.upgrade_propensity = candidate ? propensity : NAN;
    c.upgrade_multiplier = candidate ? 3.0 : NAN;
    return c;
}

/* The design's fixed cut-offs (0.25, 0.50, 0.75) for every scale. */
static const tn_answer_context test_context = {"2026-03-14",
                                               "churn-v",
                                               "expansion-v",
                                               "0.50·usage_decay",
                                               {0.25, 0.50, 0.75, NAN, {NAN, NAN, NAN}},
                                               {0.25, 0.50, 0.75, NAN, {NAN, NAN, NAN}}};

/* The answer for `c`, with its expected ARR uplift set to `uplift` and the actions redone. */
static tn_answer answer_with_uplift(const tn_customer_score *c, double uplift) {
    tn_answer a;
    tn_answer_of(&test_context, c, &a);
    a.expected_arr_uplift = uplift;
    tn_churn_action(&a, a.churn_action, sizeof a.churn_action);
    tn_upgrade_action(&a, a.upgrade_action, sizeof a.upgrade_action);
    tn_quadrant_action(&a, a.quadrant_action, sizeof a.quadrant_action);
    return a;
}

/* A driver of a number feature (`value` "" when missing); callers change the kind for others. */
static void set_driver(tn_driver *driver, const char *feature, const char *value, double impact) {
    driver->feature = feature;
    driver->kind = TN_FEATURE_NUMBER;
    snprintf(driver->value, sizeof driver->value, "%s", value);
    driver->number = value[0] ? strtod(value, NULL) : NAN;
    driver->impact = impact;
}

static void test_quadrants_and_high_value(void **state) {
    (void)state;
    tn_customer_score c = customer(0.50, true, 0.50);
    assert_int_equal(tn_quadrant_of(&c), TN_QUADRANT_FLIGHT_RISK);
    c = customer(0.4999, true, 0.50);
    assert_int_equal(tn_quadrant_of(&c), TN_QUADRANT_GROWTH_ENGINE);
    c = customer(0.50, true, 0.4999);
    assert_int_equal(tn_quadrant_of(&c), TN_QUADRANT_RETENTION_PRIORITY);
    c = customer(0.90, false, 0);
    assert_int_equal(tn_quadrant_of(&c), TN_QUADRANT_RETENTION_PRIORITY);
    c = customer(0.10, false, 0);
    assert_int_equal(tn_quadrant_of(&c), TN_QUADRANT_STABLE_BASE);
    assert_string_equal(tn_quadrant_name(TN_QUADRANT_GROWTH_ENGINE), "Growth Engine");
    assert_string_equal(tn_quadrant_name(TN_QUADRANT_FLIGHT_RISK), "Flight Risk");

    assert_true(tn_is_high_value_target(true, 0.50, 20000));
    assert_false(tn_is_high_value_target(true, 0.50, 19999.99));
    assert_false(tn_is_high_value_target(true, 0.4999, 90000));
    assert_false(tn_is_high_value_target(false, 0.9, 90000));

    /* the answer: ARR 12,000; uplift 12,000 · (3 − 1) · 0.9 = 21,600: a high-value target */
    c = customer(0.25, true, 0.9);
    tn_answer a;
    tn_answer_of(&test_context, &c, &a);
    assert_float_equal(a.arr, 12000, 0);
    assert_float_equal(a.arr_at_risk, 3000, 1e-9);
    assert_float_equal(a.expected_arr_uplift, 21600, 1e-9);
    assert_true(a.high_value_target);
    assert_string_equal(a.churn_tier, "medium");
    assert_string_equal(a.propensity_tier, "critical");
    assert_int_equal(a.quadrant, TN_QUADRANT_GROWTH_ENGINE);
    c = customer(0.25, false, 0);
    tn_answer_of(&test_context, &c, &a);
    assert_true(isnan(a.expected_arr_uplift));
    assert_null(a.propensity_tier);
    assert_string_equal(a.upgrade_action, "");
}

static void test_actions_name_the_driver(void **state) {
    (void)state;
    char action[320];
    tn_customer_score c = customer(0.80, true, 0.60);
    set_driver(&c.churn_drivers[0], "mrr", "900", -0.4); /* pushes churn down: not the reason */
    set_driver(&c.churn_drivers[1], "days_since_last_event", "45", 0.9);
    tn_answer a = answer_with_uplift(&c, 24000);
    tn_churn_action(&a, action, sizeof action);
    assert_string_equal(action,
                        "Escalate now: the account has gone quiet (days since the last event: 45); "
                        "book a re-engagement session and find out which workflows stopped "
                        "within 48 hours.");
    c.churn_probability = 0.55;
    set_driver(&c.churn_drivers[1], "high_priority_tickets", "4", 0.3);
    a = answer_with_uplift(&c, 24000);
    tn_churn_action(&a, action, sizeof action);
    assert_string_equal(action, "Reach out this week: support friction (high-priority tickets "
                                "since signup: 4); review their tickets with the support lead.");
    c.churn_probability = 0.05;
    a = answer_with_uplift(&c, 24000);
    tn_churn_action(&a, action, sizeof action);
    assert_string_equal(action, "Healthy: no retention action beyond the regular cadence.");

    set_driver(&c.upgrade_drivers[0], "premium_feature_trials_30d", "6", 1.2);
    a = answer_with_uplift(&c, 24000);
    tn_upgrade_action(&a, action, sizeof action);
    assert_string_equal(action, "Open an expansion conversation for growth: they are trialling "
                                "premium features (premium-feature trials, last 30 days: 6); "
                                "expected uplift $24,000 ARR.");
    c.upgrade_propensity = 0.3;
    a = answer_with_uplift(&c, 24000);
    tn_upgrade_action(&a, action, sizeof action);
    assert_string_equal(action, "Nurture toward growth: they are trialling premium features "
                                "(premium-feature trials, last 30 days: 6); share what growth "
                                "adds.");

    /* the quadrant says which motion comes first, not the playbooks again */
    c = customer(0.2, true, 0.7);
    a = answer_with_uplift(&c, 1234567);
    tn_quadrant_action(&a, action, sizeof action);
    assert_string_equal(action, "Expansion first: the churn risk is low and the propensity high.");
    c = customer(0.7, true, 0.7);
    set_driver(&c.churn_drivers[0], "integration_connects_first_30d", "0", 0.5);
    a = answer_with_uplift(&c, 100);
    tn_quadrant_action(&a, action, sizeof action);
    assert_string_equal(action, "Retention first: stabilise the account before proposing growth.");
    assert_null(strstr(a.churn_action, "Retention first"));
}

/* An account still onboarding is walked through onboarding, not re-engaged. */
static void test_actions_of_new_accounts(void **state) {
    (void)state;
    char action[320];
    tn_customer_score c = customer(0.30, true, 0.10);
    c.tenure_days = 41;
    set_driver(&c.churn_drivers[0], "days_since_last_event", "20", 0.7);
    tn_answer a = answer_with_uplift(&c, 100);
    tn_churn_action(&a, action, sizeof action);
    assert_string_equal(action, "Watch: the account has gone quiet (days since the last event: "
                                "20); walk them through the onboarding checklist and get their "
                                "first workflows live at the next check-in.");
    /* no events at all, 6 days old: nothing has stopped, nothing to name but that */
    c.tenure_days = 6;
    c.total_events = 0;
    set_driver(&c.churn_drivers[0], "retention_signal_count", "0", 0.7);
    a = answer_with_uplift(&c, 100);
    tn_churn_action(&a, action, sizeof action);
    assert_string_equal(action, "Watch: no events yet; walk them through the onboarding checklist "
                                "and get their first workflows live at the next check-in.");
    assert_null(strstr(action, "retention_signal_count"));
    assert_null(strstr(action, "re-engagement"));
    /* past onboarding, the same driver calls for re-engagement, in business words */
    c.tenure_days = 400;
    c.total_events = 900;
    a = answer_with_uplift(&c, 100);
    tn_churn_action(&a, action, sizeof action);
    assert_string_equal(action,
                        "Watch: usage is low or falling (evidence uploads, monitoring runs and "
                        "report views since signup: 0); book a re-engagement session and find out "
                        "which workflows stopped at the next check-in.");
}

/* ---- metrics -------------------------------------------------------------------- */

static void test_metrics_text(void **state) {
    (void)state;
    static tn_metrics metrics;
    tn_metrics_init(&metrics);
    tn_metrics_record(&metrics, TN_ROUTE_PREDICT_CHURN, 200, 0.00004);
    tn_metrics_record(&metrics, TN_ROUTE_PREDICT_CHURN, 200, 0.0003);
    tn_metrics_record(&metrics, TN_ROUTE_PREDICT_CHURN, 200, 9.0);
    tn_metrics_record(&metrics, TN_ROUTE_NONE, 404, 0.001);
    tn_metrics_record(&metrics, TN_ROUTE_HEALTH, 418, 0.001);
    tn_metrics_gauges gauges = {.snapshot_age_seconds = 12,
                                .customers_loaded = 3565,
                                .customers_answered = 1200,
                                .ready = 1,
                                .reloads_ok = 2,
                                .as_of = "2026-03-14",
                                .churn_version = "churn-x",
                                .expansion_version = "expansion-y",
                                .version = "0.1.0"};
    tn_strbuf text = TN_STRBUF_INIT;
    tn_metrics_render(&metrics, &gauges, &text);
    const char *expected[] = {
        "tenure_http_requests_total{route=\"/predictions/churn\",status=\"200\"} 3\n",
        "tenure_http_requests_total{route=\"unmatched\",status=\"404\"} 1\n",
        "tenure_http_requests_total{route=\"/health\",status=\"other\"} 1\n",
        "tenure_http_request_duration_seconds_bucket{route=\"/predictions/"
        "churn\",status=\"200\",le=\"5e-05\"} 1\n",
        "tenure_http_request_duration_seconds_bucket{route=\"/predictions/"
        "churn\",status=\"200\",le=\"0.0005\"} 2\n",
        "tenure_http_request_duration_seconds_bucket{route=\"/predictions/"
        "churn\",status=\"200\",le=\"2.5\"} 2\n",
        "tenure_http_request_duration_seconds_bucket{route=\"/predictions/"
        "churn\",status=\"200\",le=\"+Inf\"} 3\n",
        "tenure_http_request_duration_seconds_sum{route=\"/predictions/churn\",status=\"200\"} "
        "9.000340\n",
        "tenure_http_request_duration_seconds_count{route=\"/predictions/churn\",status=\"200\"} "
        "3\n",
        "# TYPE tenure_http_request_duration_seconds histogram\n",
        "tenure_customers_loaded 3565\n",
        "tenure_customers_answered 1200\n",
        "tenure_snapshot_age_seconds 12\n",
        "tenure_snapshot_reloads_total{result=\"ok\"} 2\n",
        "tenure_build_info{version=\"0.1.0\",as_of=\"2026-03-14\",churn_model=\"churn-x\","
        "expansion_model=\"expansion-y\"} 1\n",
    };
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        if (strstr(text.data, expected[i]) == NULL)
            fail_msg("missing from /metrics: %s", expected[i]);
    assert_null(strstr(text.data, "route=\"/ready\"")); /* never requested: not listed */
    tn_strbuf_free(&text);
}

/* ---- access log ----------------------------------------------------------------- */

static void test_access_log_lines(void **state) {
    (void)state;
    char path[] = "/tmp/tenure-test-access.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    tn_access_log *log;
    tn_error err;
    assert_true(tn_access_log_open(path, &log, &err));
    tn_access_log_record(log, "POST", "/predictions/churn", 200, 87);
    tn_access_log_record(log, "GET", "/customers/a b\n", 404, 12);
    tn_access_log_close(log);
    FILE *file = fopen(path, "r");
    char line[2][256] = {"", ""};
    assert_non_null(fgets(line[0], sizeof line[0], file));
    assert_non_null(fgets(line[1], sizeof line[1], file));
    assert_null(fgets(line[1] + 200, 2, file)); /* nothing more */
    fclose(file);
    unlink(path);
    /* 2026-11-25T10:15:02.123456Z: 27 characters, then the fields */
    assert_int_equal(line[0][10], 'T');
    assert_int_equal(line[0][26], 'Z');
    assert_string_equal(line[0] + 27, " POST /predictions/churn 200 87us\n");
    assert_string_equal(line[1] + 27, " GET /customers/a\\x20b\\x0a 404 12us\n");
    assert_false(tn_access_log_open("/nonexistent-dir/access.log", &log, &err));
    assert_non_null(strstr(err.message, "/nonexistent-dir/access.log"));
}

/* ---- snapshot index ------------------------------------------------------------- */

static void add_customer(tn_snapshot *s, const char *id, const char *tier, double churn, double arr,
                         double propensity) {
    tn_serve_customer *c = &s->customers[s->customer_count++];
    c->id = strdup(id);
    snprintf(c->plan_tier, sizeof c->plan_tier, "%s", tier);
    c->churn_probability = churn;
    c->arr_at_risk = arr;
    c->upgrade_propensity = propensity;
}

static void test_snapshot_index(void **state) {
    (void)state;
    tn_snapshot *s = tn_snapshot_not_ready("test");
    s->customers = calloc(4, sizeof *s->customers);
    s->inactive = calloc(2, sizeof *s->inactive);
    add_customer(s, "b", "growth", 0.30, 500, NAN);
    add_customer(s, "a", "starter", 0.30, 900, 0.2);
    add_customer(s, "c", "starter", 0.90, 100, 0.7);
    add_customer(s, "d", "enterprise", 0.10, 50, 0.01);
    s->inactive[0].id = strdup("gone");
    snprintf(s->inactive[0].churned, sizeof s->inactive[0].churned, "2025-06-01");
    s->inactive[1].id = strdup("later");
    s->inactive_count = 2;
    tn_intervention_plan_default(&s->plan);
    assert_true(tn_snapshot_index(s));

    assert_ptr_equal(tn_snapshot_find(s, "c").active, &s->customers[2]);
    assert_null(tn_snapshot_find(s, "c").inactive);
    assert_string_equal(tn_snapshot_find(s, "gone").inactive->churned, "2025-06-01");
    assert_string_equal(tn_snapshot_find(s, "later").inactive->churned, "");
    assert_null(tn_snapshot_find(s, "zz").active);
    assert_null(tn_snapshot_find(s, "zz").inactive);
    assert_null(tn_snapshot_find(s, "").active);

    /* highest first; ties by id; no propensity last */
    const uint32_t churn[] = {2, 1, 0, 3}, arr[] = {1, 0, 2, 3}, propensity[] = {2, 1, 3, 0};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(s->order[TN_SORT_CHURN][i], churn[i]);
        assert_int_equal(s->order[TN_SORT_ARR_AT_RISK][i], arr[i]);
        assert_int_equal(s->order[TN_SORT_PROPENSITY][i], propensity[i]);
    }
    tn_snapshot_retain(s);
    tn_snapshot_release(s); /* still one reference: ASan would catch a use after free below */
    assert_int_equal(tn_snapshot_find(s, "d").active->plan_tier[0], 'e');
    tn_snapshot_release(s);
}

/* GET /ready's answer in each state of a server's life, with the reloads it has done. */
static void ready_answer(tn_server *server, tn_snapshot *snapshot, int status,
                         const char *expected) {
    tn_request request = {.route = TN_ROUTE_READY, .snapshot = snapshot};
    tn_response response = {0};
    tn_handle(server, &request, &response);
    assert_int_equal(response.status, status);
    assert_int_equal(response.length, strlen(expected));
    assert_string_equal(response.body, expected);
    tn_response_free(&response);
}

static void test_ready_states(void **state) {
    (void)state;
    tn_server server;
    memset(&server, 0, sizeof server);
    atomic_init(&server.loading, true);
    tn_snapshot *loading = tn_snapshot_not_ready("loading: the snapshot");
    ready_answer(&server, loading, 503,
                 "{\"status\":\"loading\",\"error\":{\"code\":\"not_ready\",\"message\":"
                 "\"loading: the snapshot\"},\"reloads\":{\"ok\":0,\"failed\":0}}");
    atomic_store(&server.loading, false);
    atomic_store(&server.reloads_failed, 2);
    ready_answer(&server, loading, 503,
                 "{\"status\":\"not_ready\",\"error\":{\"code\":\"not_ready\",\"message\":"
                 "\"loading: the snapshot\"},\"reloads\":{\"ok\":0,\"failed\":2}}");
    tn_snapshot_release(loading);

    tn_snapshot *ready = tn_snapshot_not_ready("");
    ready->ready = true;
    ready->ready_body.text = strdup("{\"status\":\"ready\",\"as_of\":\"2026-03-14\"}");
    ready->ready_body.length = strlen(ready->ready_body.text);
    atomic_store(&server.reloads_ok, 3);
    ready_answer(&server, ready, 200,
                 "{\"status\":\"ready\",\"as_of\":\"2026-03-14\",\"reloads\":{\"ok\":3,"
                 "\"failed\":2}}");
    atomic_store(&server.stopping, true); /* SIGTERM: out of the load balancer's rotation */
    ready_answer(&server, ready, 503,
                 "{\"status\":\"stopping\",\"error\":{\"code\":\"not_ready\",\"message\":"
                 "\"stopping: the server finishes the requests in flight, then exits\"},"
                 "\"reloads\":{\"ok\":3,\"failed\":2}}");
    tn_snapshot_release(ready);
}

/* Frees what tn_serve_customer_build made (a snapshot frees it otherwise). */
static void free_built(tn_serve_customer *c) {
    free(c->id), free(c->churn.text), free(c->upgrade.text), free(c->view.text);
    free(c->item.text), free(c->folded_name), free(c->crm_id);
    for (int a = 0; a < TN_AUDIENCE_COUNT; a++)
        free(c->brief[a].text);
    memset(c, 0, sizeof *c);
}

/* ---- views ---------------------------------------------------------------------- */

static void test_views_of_one_customer(void **state) {
    (void)state;
    static char *names[] = {"customer_id", "industry_name",  "signup_date",         "upgraded_on",
                            "tenure_days", "events_last_7d", "avg_resolution_hours"};
    static bool is_text[] = {true, true, true, true, false, false, false};
    static char *ids[] = {"c1"}, *industry[] = {"HR Tech"}, *signup[] = {"2025-01-02"},
                *upgraded[] = {"2025-05-01"};
    static double tenure[] = {400}, events[] = {12}, resolution[] = {NAN};
    char **texts[] = {ids, industry, signup, upgraded, NULL, NULL, NULL};
    double *numbers[] = {NULL, NULL, NULL, NULL, tenure, events, resolution};
    tn_table facts = {1, 7, names, is_text, numbers, texts};

    tn_customer_score score = customer(0.62, false, 0);
    snprintf(score.industry, sizeof score.industry, "hrtech");
    score.mrr = 1000;
    set_driver(&score.churn_drivers[0], "plan_tier", "starter", 0.4);
    score.churn_drivers[0].kind = TN_FEATURE_CATEGORY;
    set_driver(&score.churn_drivers[1], "is_early_stage", "false", 0.2);
    score.churn_drivers[1].kind = TN_FEATURE_BOOL;
    score.churn_drivers[1].number = 0;
    set_driver(&score.churn_drivers[2], "avg_resolution_hours", "", -0.1);
    set_driver(&score.churn_drivers[3], "avg_adoption_score", "0.4127", -0.05);
    score.churn_drivers[3].number = 0.41273356; /* the exact value, not the text's 4 digits */
    json_t *opportunities = json_array();
    json_t *tickets = json_pack("[{s:s, s:n}]", "ticket_id", "t-9", "resolution_hours");
    json_t *daily = json_array();
    for (int day = 0; day < 90; day++)
        json_array_append_new(daily, json_integer(day % 7));
    /* a customer of a company without risk signals: the formula says so, and their inputs are
     * unknown */
    tn_answer_context context = test_context;
    context.risk_formula = "1.00·usage_decay";
    score.compliance_gap_score = NAN;
    score.vendor_risk_flags = -1;
    tn_customer_facts input = {&facts, 0, opportunities, tickets, daily};
    tn_answer answer;
    tn_answer_of(&context, &score, &answer);
    tn_serve_customer out;
    memset(&out, 0, sizeof out);
    assert_true(tn_serve_customer_build(&context, &answer, &input, &out));

    json_error_t error;
    json_t *churn = json_loads(out.churn.text, 0, &error);
    assert_non_null(churn);
    assert_string_equal(json_string_value(json_object_get(churn, "risk_tier")), "high");
    assert_string_equal(json_string_value(json_object_get(churn, "model_version")), "churn-v");
    assert_string_equal(json_string_value(json_object_get(churn, "risk_score_formula")),
                        "1.00·usage_decay");
    json_t *inputs = json_object_get(churn, "risk_score_inputs");
    assert_true(json_is_null(json_object_get(inputs, "compliance_gap_score")));
    assert_true(json_is_null(json_object_get(inputs, "vendor_risk_flags")));
    json_t *drivers = json_object_get(churn, "top_shap_features");
    assert_int_equal(json_array_size(drivers), 4);
    assert_string_equal(json_string_value(json_object_get(json_array_get(drivers, 0), "value")),
                        "starter");
    assert_true(json_is_false(json_object_get(json_array_get(drivers, 1), "value")));
    assert_true(json_is_null(json_object_get(json_array_get(drivers, 2), "value")));
    assert_float_equal(json_real_value(json_object_get(json_array_get(drivers, 3), "value")),
                       0.41273356, 1e-12);
    json_decref(churn);

    assert_int_equal(out.upgrade_status, 422);
    assert_string_equal(
        out.upgrade.text,
        "{\"error\":{\"code\":\"not_expansion_candidate\",\"message\":\"customer c1 "
        "already upgraded on 2025-05-01: the upgrade model scores customers who have "
        "not upgraded yet\"}}");

    json_t *view = json_loads(out.view.text, 0, &error);
    /* each audience's brief is written from this very Customer 360 (insight/brief.h) */
    for (int a = 0; a < TN_AUDIENCE_COUNT; a++) {
        json_t *brief = json_loads(out.brief[a].text, 0, &error);
        json_t *expected = tn_document_brief(view, (tn_audience)a);
        assert_true(json_equal(brief, expected));
        assert_string_equal(json_string_value(json_object_get(brief, "audience")),
                            tn_audience_name((tn_audience)a));
        json_decref(brief);
        json_decref(expected);
    }
    assert_true(json_is_null(json_object_get(view, "upgrade")));
    /* no account columns in the data: every account field is null, and the keys are there */
    json_t *account = json_object_get(view, "account");
    assert_int_equal(json_object_size(account), 5);
    const char *fields[] = {"name", "owner", "renewal_date", "days_to_renewal", "crm_id"};
    for (int f = 0; f < 5; f++)
        assert_true(json_is_null(json_object_get(account, fields[f])));
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(view, "conflict_matrix"), "quadrant")),
        "Retention Priority");
    assert_float_equal(json_number_value(json_object_get(json_object_get(view, "profile"), "arr")),
                       12000, 0);
    assert_true(
        json_is_null(json_object_get(json_object_get(view, "support"), "mean_resolution_hours")));
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(view, "usage"), "events_last_7d")), 12);
    /* The 360 carries the tickets and daily counts it was given, as they were. */
    assert_true(json_equal(json_object_get(json_object_get(view, "usage"), "daily_events_last_90d"),
                           daily));
    assert_true(
        json_equal(json_object_get(json_object_get(view, "support"), "recent_tickets"), tickets));
    json_decref(view);
    json_decref(opportunities);
    json_decref(tickets);
    json_decref(daily);

    json_t *item = json_loads(out.item.text, 0, &error);
    assert_true(json_is_null(json_object_get(item, "name")));
    assert_true(json_is_null(json_object_get(item, "owner")));
    assert_float_equal(json_number_value(json_object_get(item, "arr_at_risk")), 0.62 * 12000, 1e-9);
    assert_true(json_is_null(json_object_get(item, "upgrade_propensity")));
    assert_string_equal(json_string_value(json_object_get(item, "industry_name")), "HR Tech");
    json_decref(item);
    assert_float_equal(out.arr_at_risk, 7440, 1e-9);
    assert_true(isnan(out.upgrade_propensity));

    assert_null(out.folded_name);
    assert_null(out.crm_id);
    free_built(&out);
}

/* The account as people know it, in every answer that names the customer. */
static void test_views_name_the_account(void **state) {
    (void)state;
    static char *names[] = {"customer_id", "industry_name"};
    static bool is_text[] = {true, true};
    static char *ids[] = {"c1"}, *industry[] = {"FinTech"};
    char **texts[] = {ids, industry};
    double *numbers[] = {NULL, NULL};
    tn_table facts = {1, 2, names, is_text, numbers, texts};
    tn_customer_score score = customer(0.2, true, 0.6);
    score.name = "Northwind Ledger Labs";
    score.owner = "Maya Patel";
    score.crm_id = "0015g00000AbCdEIAV";
    snprintf(score.renewal_date, sizeof score.renewal_date, "2026-04-01");
    score.days_to_renewal = 18;
    tn_customer_facts input = {&facts, 0, NULL, NULL, NULL};
    tn_serve_customer out;
    memset(&out, 0, sizeof out);
    json_t *opportunities = json_array();
    input.opportunities = opportunities;
    tn_answer answer;
    tn_answer_of(&test_context, &score, &answer);
    assert_true(tn_serve_customer_build(&test_context, &answer, &input, &out));

    json_error_t error;
    json_t *view = json_loads(out.view.text, JSON_PRESERVE_ORDER, &error);
    json_t *expected = json_pack("{s:s, s:s, s:s, s:i, s:s}", "name", "Northwind Ledger Labs",
                                 "owner", "Maya Patel", "renewal_date", "2026-04-01",
                                 "days_to_renewal", 18, "crm_id", "0015g00000AbCdEIAV");
    assert_true(json_equal(json_object_get(view, "account"), expected));
    json_decref(expected);
    json_t *churn = json_loads(out.churn.text, 0, &error);
    json_t *upgrade = json_loads(out.upgrade.text, 0, &error);
    json_t *item = json_loads(out.item.text, 0, &error);
    assert_string_equal(json_string_value(json_object_get(churn, "name")), "Northwind Ledger Labs");
    assert_string_equal(json_string_value(json_object_get(upgrade, "name")),
                        "Northwind Ledger Labs");
    assert_string_equal(json_string_value(json_object_get(json_object_get(view, "churn"), "name")),
                        "Northwind Ledger Labs");
    assert_string_equal(json_string_value(json_object_get(item, "name")), "Northwind Ledger Labs");
    assert_string_equal(json_string_value(json_object_get(item, "owner")), "Maya Patel");
    /* what the queue's search reads */
    assert_string_equal(out.folded_name, "northwind ledger labs");
    assert_string_equal(out.crm_id, "0015g00000AbCdEIAV");
    json_decref(view);
    json_decref(churn);
    json_decref(upgrade);
    json_decref(item);

    /* a renewal date without its day count (or the reverse) is no renewal */
    free_built(&out);
    memset(&out, 0, sizeof out);
    score.days_to_renewal = NAN;
    assert_true(tn_serve_customer_build(&test_context, &answer, &input, &out));
    view = json_loads(out.view.text, 0, &error);
    json_t *account = json_object_get(view, "account");
    assert_true(json_is_null(json_object_get(account, "renewal_date")));
    assert_true(json_is_null(json_object_get(account, "days_to_renewal")));
    json_decref(view);
    json_decref(opportunities);
    free_built(&out);
}

/* ---- the OpenAPI document ------------------------------------------------------- */

static void test_openapi_describes_every_route(void **state) {
    (void)state;
    const char *text = tn_embedded_text("api/openapi.json");
    assert_non_null(text);
    json_error_t error;
    json_t *document = json_loads(text, 0, &error);
    if (document == NULL)
        fail_msg("api/openapi.json line %d: %s", error.line, error.text);
    assert_string_equal(json_string_value(json_object_get(document, "openapi")), "3.1.0");
    json_t *paths = json_object_get(document, "paths");
    for (int r = 0; r < TN_ROUTE_COUNT; r++) {
        const tn_route *route = tn_route_get((tn_route_id)r);
        char method[8];
        snprintf(method, sizeof method, "%s", route->method);
        for (char *c = method; *c; c++)
            *c = (char)(*c - 'A' + 'a');
        json_t *operation = json_object_get(json_object_get(paths, route->path), method);
        if (operation == NULL)
            fail_msg("api/openapi.json lacks %s %s", route->method, route->path);
        if (json_object_get(operation, "responses") == NULL)
            fail_msg("api/openapi.json: %s %s has no responses", route->method, route->path);
    }
    const char *path;
    json_t *item;
    json_object_foreach(paths, path, item) {
        const char *method;
        json_t *operation;
        json_object_foreach(item, method, operation) {
            if (strcmp(method, "parameters") == 0 || strcmp(method, "summary") == 0 ||
                strcmp(method, "description") == 0)
                continue;
            bool served = false;
            for (int r = 0; r < TN_ROUTE_COUNT; r++) {
                const tn_route *route = tn_route_get((tn_route_id)r);
                served |= strcmp(route->path, path) == 0 && strcasecmp(route->method, method) == 0;
            }
            if (!served)
                fail_msg("api/openapi.json describes %s %s, which the server does not answer",
                         method, path);
        }
    }
    json_decref(document);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_routes_match_paths_and_methods),
        cmocka_unit_test(test_single_id_bodies),
        cmocka_unit_test(test_brief_bodies),
        cmocka_unit_test(test_id_length_limit),
        cmocka_unit_test(test_batch_bodies),
        cmocka_unit_test(test_list_query),
        cmocka_unit_test(test_utf8_checks_and_repairs),
        cmocka_unit_test(test_search),
        cmocka_unit_test(test_api_keys),
        cmocka_unit_test(test_cors_and_content_types),
        cmocka_unit_test(test_accepts_gzip),
        cmocka_unit_test(test_gzip_round_trip),
        cmocka_unit_test(test_gunzip),
        cmocka_unit_test(test_quadrants_and_high_value),
        cmocka_unit_test(test_actions_name_the_driver),
        cmocka_unit_test(test_actions_of_new_accounts),
        cmocka_unit_test(test_metrics_text),
        cmocka_unit_test(test_access_log_lines),
        cmocka_unit_test(test_snapshot_index),
        cmocka_unit_test(test_ready_states),
        cmocka_unit_test(test_views_of_one_customer),
        cmocka_unit_test(test_views_name_the_account),
        cmocka_unit_test(test_openapi_describes_every_route),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
