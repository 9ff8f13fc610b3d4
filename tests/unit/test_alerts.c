/*
 * test_alerts.c — the alerts' pieces that need no warehouse: the SHA-256
 * under the idempotency key (FIPS 180-4's examples), the key itself
 * (deterministic, and 64 hex digits whatever the customer id holds), the
 * retry policy with a fake receiver and a clock that does not sleep, and
 * the alerts: section of the project file, good and bad (every problem
 * with its line and column).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/sha256.h"
#include "insight/alert_rules.h"
#include "insight/alerts.h"
#include "insight/webhook.h"
#include "project_file.h"

/* ---- SHA-256 and the key --------------------------------------------------------------------- */

static void test_sha256_examples(void **state) {
    (void)state;
    char hex[TN_SHA256_HEX];
    assert_string_equal(tn_sha256_hex("", 0, hex),
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_string_equal(tn_sha256_hex("abc", 3, hex),
                        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    assert_string_equal(tn_sha256_hex(two_blocks, strlen(two_blocks), hex),
                        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    size_t million = 1000000;
    char *a = malloc(million);
    assert_non_null(a);
    memset(a, 'a', million);
    assert_string_equal(tn_sha256_hex(a, million, hex),
                        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);
}

static bool is_header_safe(const char *key) {
    if (strlen(key) != 64)
        return false;
    for (const char *c = key; *c != '\0'; c++)
        if (strchr("0123456789abcdef", *c) == NULL)
            return false;
    return true;
}

static void test_key_is_deterministic_and_header_safe(void **state) {
    (void)state;
    char a[TN_SHA256_HEX], b[TN_SHA256_HEX], c[TN_SHA256_HEX];
    tn_alert_key("critical-big-account", "C-1", "2026-03-14", a);
    tn_alert_key("critical-big-account", "C-1", "2026-03-14", b);
    assert_string_equal(a, b);
    assert_true(is_header_safe(a));
    /* the hash of "rule/customer/as_of" (what the integration test computes in SQL) */
    char expected[TN_SHA256_HEX];
    const char *text = "critical-big-account/C-1/2026-03-14";
    assert_string_equal(a, tn_sha256_hex(text, strlen(text), expected));
    /* any part changes the key */
    assert_string_not_equal(a, tn_alert_key("other-rule", "C-1", "2026-03-14", c));
    assert_string_not_equal(a, tn_alert_key("critical-big-account", "C-2", "2026-03-14", c));
    assert_string_not_equal(a, tn_alert_key("critical-big-account", "C-1", "2026-03-07", c));
    /* an id with a line break, a colon, a control character and UTF-8 still gives a header value */
    tn_alert_key("r", "acme\r\nX-Evil: 1\x01 — Zürich ✓", "2026-03-14", c);
    assert_true(is_header_safe(c));
}

/* ---- the retry policy ------------------------------------------------------------------------ */

/* A receiver that answers a script: a status, or 0 for a timeout, -1 for no connection. */
typedef struct {
    long script[16];
    int count, calls;
    long waits[16];
    int wait_count;
} fake;

static void fake_send(void *context, const tn_webhook_request *request,
                      tn_webhook_response *response) {
    (void)request;
    fake *f = context;
    long answer = f->script[f->calls < f->count ? f->calls : f->count - 1];
    f->calls++;
    memset(response, 0, sizeof *response);
    if (answer > 0)
        response->status = answer;
    else if (answer == 0) {
        response->timed_out = true;
        snprintf(response->error, sizeof response->error, "timeout");
    } else
        snprintf(response->error, sizeof response->error, "connection refused");
}

static void fake_wait(void *context, long milliseconds) {
    fake *f = context;
    f->waits[f->wait_count++] = milliseconds;
}

/* Delivers under {attempts, 20 ms} against `f`'s script. */
static tn_webhook_outcome deliver(fake *f, int attempts) {
    tn_webhook_policy policy = {attempts, 20};
    tn_webhook_request request = {"http://127.0.0.1:1/x", "{}", 2, NULL, 0, 1000};
    tn_webhook_outcome outcome;
    tn_webhook_deliver(&policy, &request, fake_send, fake_wait, f, &outcome);
    return outcome;
}

static void test_retry_policy(void **state) {
    (void)state;
    fake twice = {{500, 500, 200}, 3, 0, {0}, 0};
    tn_webhook_outcome outcome = deliver(&twice, 4);
    assert_true(outcome.delivered);
    assert_int_equal(outcome.attempts, 3);
    assert_int_equal(outcome.last.status, 200);
    assert_int_equal(twice.wait_count, 2);
    assert_int_equal(twice.waits[0], 20); /* backoff_ms, then doubled */
    assert_int_equal(twice.waits[1], 40);

    fake not_found = {{404, 200}, 2, 0, {0}, 0};
    outcome = deliver(&not_found, 4);
    assert_false(outcome.delivered);
    assert_int_equal(outcome.attempts, 1); /* a 4xx will not change by asking again */
    assert_int_equal(not_found.wait_count, 0);

    fake slow = {{0, 200}, 2, 0, {0}, 0};
    outcome = deliver(&slow, 4);
    assert_true(outcome.delivered);
    assert_int_equal(outcome.attempts, 2); /* a timeout is retried */

    fake refused = {{-1, 429, 503, 200}, 4, 0, {0}, 0};
    outcome = deliver(&refused, 4);
    assert_true(outcome.delivered);
    assert_int_equal(outcome.attempts, 4); /* no connection, 429 and 503 are retried */

    fake down = {{500}, 1, 0, {0}, 0};
    outcome = deliver(&down, 4);
    assert_false(outcome.delivered);
    assert_int_equal(outcome.attempts, 4); /* at most `attempts` */
    assert_int_equal(down.calls, 4);
    assert_int_equal(down.waits[2], 80);

    fake redirect = {{301}, 1, 0, {0}, 0};
    outcome = deliver(&redirect, 4);
    assert_int_equal(outcome.attempts, 1);
    char words[300];
    tn_webhook_describe(&outcome.last, words, sizeof words);
    assert_non_null(strstr(words, "redirect"));

    fake once = {{500}, 1, 0, {0}, 0};
    assert_int_equal(deliver(&once, 1).attempts, 1);
    tn_webhook_policy big = {10, 40000};
    assert_int_equal(tn_webhook_wait_ms(&big, 2), 40000);
    assert_int_equal(tn_webhook_wait_ms(&big, 9), TN_WEBHOOK_MAX_WAIT_MS); /* capped */
}

/* ---- the alerts: section --------------------------------------------------------------------- */

static const char valid[] =
    "customers: {files: c.csv}\n" /* the tables: mapping.h's to check */
    "alerts:\n"
    "  rules:\n" /* before the targets: they are read first all the same */
    "    - name: critical-big-account\n"
    "      when: {churn_tier_enters: critical, arr_at_least: 50000}\n"
    "      to: [cs-team, slack]\n"
    "    - name: ready.to_expand-2\n"
    "      when:\n"
    "        propensity_crosses: 0.5\n"
    "        upgrade_tier_enters: high\n"
    "        plan_tier: [starter, growth]\n"
    "      to: cs-team\n"
    "  targets:\n"
    "    cs-team: {url: \"https://hooks.example.com/x\", format: json}\n"
    "    slack:\n"
    "      url: \"${TN_UNIT_HOOK}/services/T0\"\n"
    "      format: slack\n"
    "      headers: {X-Env: prod, Authorization: \"Bearer ${TN_UNIT_TOKEN}\"}\n"
    "  delivery: {attempts: 6, backoff_ms: 20}\n";

static void test_valid_section(void **state) {
    (void)state;
    setenv("TN_UNIT_HOOK", "https://hooks.slack.com", 1);
    setenv("TN_UNIT_TOKEN", "s3cret", 1);
    write_yaml(valid);
    tn_alert_config config;
    tn_strbuf problems = TN_STRBUF_INIT;
    tn_error err;
    tn_error_clear(&err);
    bool ok = tn_alert_config_load(&contract, path, &config, &problems, &err);
    if (!ok)
        fprintf(stderr, "%s\n%s", err.message, tn_strbuf_cstr(&problems));
    assert_true(ok);
    assert_true(config.present);
    assert_int_equal(config.target_count, 2);
    assert_string_equal(config.targets[0].name, "cs-team");
    assert_int_equal(config.targets[0].format, TN_ALERT_FORMAT_JSON);
    const tn_alert_target *slack = tn_alert_target_find(&config, "slack");
    assert_non_null(slack);
    assert_string_equal(slack->url, "https://hooks.slack.com/services/T0"); /* expanded */
    assert_int_equal(slack->format, TN_ALERT_FORMAT_SLACK);
    assert_int_equal(slack->header_count, 2);
    assert_string_equal(slack->headers[0], "X-Env: prod");
    assert_string_equal(slack->headers[1], "Authorization: Bearer s3cret");
    assert_int_equal(config.policy.attempts, 6);
    assert_int_equal(config.policy.backoff_ms, 20);
    assert_int_equal(config.timeout_ms, TN_ALERT_DEFAULT_TIMEOUT_MS); /* not given */

    assert_int_equal(config.rule_count, 2);
    const tn_alert_rule *big = &config.rules[0];
    assert_string_equal(big->name, "critical-big-account");
    assert_true(big->when.set[TN_ALERT_CHURN_TIER_ENTERS]);
    assert_true(big->when.value[TN_ALERT_CHURN_TIER_ENTERS] == 3); /* critical */
    assert_true(big->when.value[TN_ALERT_ARR_AT_LEAST] == 50000);
    assert_false(big->when.set[TN_ALERT_PROPENSITY_CROSSES]);
    assert_int_equal(big->target_count, 2);
    assert_int_equal(big->targets[1], (size_t)(slack - config.targets));
    const tn_alert_rule *ready = &config.rules[1];
    assert_true(ready->when.value[TN_ALERT_PROPENSITY_CROSSES] == 0.5);
    assert_true(ready->when.value[TN_ALERT_UPGRADE_TIER_ENTERS] == 2); /* high */
    assert_string_equal(ready->when.plan_tiers, "starter,growth");
    assert_int_equal(ready->target_count, 1); /* one name, not a list */
    tn_alert_config_free(&config);
    tn_strbuf_free(&problems);
}

static void test_no_section(void **state) {
    (void)state;
    write_yaml("customers: {files: c.csv}\n");
    tn_alert_config config;
    tn_strbuf problems = TN_STRBUF_INIT;
    tn_error err;
    assert_true(tn_alert_config_load(&contract, path, &config, &problems, &err));
    assert_false(config.present);
    assert_int_equal(config.rule_count, 0);
    tn_alert_config_free(&config);
    tn_strbuf_free(&problems);
}

/* Each bad value, and where it is reported: "line:column: where: what". */
static const char bad[] =
    "alerts:\n"
    "  targets:\n"
    "    cs: {url: \"ftp://example.com\", format: xml, colour: red}\n"
    "    slack:\n"
    "      url: \"${TN_UNIT_UNSET_VARIABLE}\"\n"
    "      headers: {Idempotency-Key: x, X-Line: \"${TN_UNIT_LINES}\", \"a b\": c}\n"
    "    nourl: {format: json}\n"
    "    bad/name: {url: \"http://h/x\"}\n"
    "    broken: {url: \"https://\"}\n"
    "  delivery: {attempts: 11, backoff_ms: -1, timeout_ms: 5s, retries: 2}\n"
    "  rules:\n"
    "    - name: r1\n"
    "      when: {churn_tier_enters: low, propensity_crosses: 0, arr_at_least: -5}\n"
    "      to: [cs, cs, nowhere]\n"
    "    - name: r1\n"
    "      when: {churn_probability_rises_by: 2, plan_tier: [gold], sunny: true}\n"
    "      to: []\n"
    "    - name: r3\n"
    "      when: {}\n"
    "    - {when: {risk_score_crosses: 0.5}, to: cs, extra: 1}\n"
    "  sound: loud\n";

static const char *const bad_problems[] = {
    ":3:15: alerts.targets.cs.url: has the scheme ftp: — expected http:// or https://",
    ":3:44: alerts.targets.cs.format: 'xml' — expected json or slack",
    ":3:49: alerts.targets.cs: unknown key 'colour' — expected url, format or headers",
    ":5:12: alerts.targets.slack.url: names ${TN_UNIT_UNSET_VARIABLE}, which is not set",
    ":6:17: alerts.targets.slack.headers: Idempotency-Key is set by tenure itself",
    ":6:45: alerts.targets.slack.headers.X-Line: holds a line break (after ${…} was expanded)",
    ":6:65: alerts.targets.slack.headers: 'a b' is not a header name",
    ":7:12: alerts.targets.nourl: lacks url",
    ":8:5: alerts.targets: 'bad/name' is not a target name",
    ":9:19: alerts.targets.broken.url: is not a URL",
    ":10:24: alerts.delivery.attempts: '11' — expected a whole number from 1 to 10",
    ":10:40: alerts.delivery.backoff_ms: '-1' — expected a whole number from 0 to 60000",
    ":10:56: alerts.delivery.timeout_ms: '5s' — expected a whole number from 100 to 120000",
    ":10:60: alerts.delivery: unknown key 'retries' — expected attempts, backoff_ms or timeout_ms",
    ":13:33: alerts.rules[0].when.churn_tier_enters: 'low' — expected medium, high or critical",
    ":13:58: alerts.rules[0].when.propensity_crosses: '0' — expected a number greater than 0",
    ":13:75: alerts.rules[0].when.arr_at_least: '-5' — expected an amount of ARR, 0 or more",
    ":14:16: alerts.rules[0].to: 'cs' appears twice",
    ":14:20: alerts.rules[0].to: 'nowhere' is not a target of alerts.targets",
    ":15:13: alerts.rules[1]: 'r1' is the name of rule 0 too",
    ":16:42: alerts.rules[1].when.churn_probability_rises_by: '2' — expected a number greater than "
    "0 and at most 1",
    ":16:57: alerts.rules[1].when.plan_tier: 'gold' — expected a plan tier or a list of them: "
    "starter, growth, enterprise",
    ":16:64: alerts.rules[1].when: unknown key 'sunny' — expected churn_tier_enters,",
    ":17:11: alerts.rules[1].to: is empty",
    ":19:13: alerts.rules[2].when: is empty: expected at least one condition",
    ":18:7: alerts.rules[2]: lacks to: where do its alerts go?",
    ":20:49: alerts.rules[3]: unknown key 'extra' — expected name, when or to",
    ":20:7: alerts.rules[3]: lacks name",
    ":21:3: alerts: unknown key 'sound' — expected targets, delivery or rules",
};

static void test_every_problem_has_its_place(void **state) {
    (void)state;
    unsetenv("TN_UNIT_UNSET_VARIABLE");
    setenv("TN_UNIT_LINES", "a\r\nX-Injected: 1", 1);
    write_yaml(bad);
    tn_alert_config config;
    tn_strbuf problems = TN_STRBUF_INIT;
    tn_error err;
    tn_error_clear(&err);
    assert_false(tn_alert_config_load(&contract, path, &config, &problems, &err));
    assert_int_equal(err.code, TN_ERR_INPUT);
    const char *text = tn_strbuf_cstr(&problems);
    size_t expected = sizeof bad_problems / sizeof bad_problems[0];
    for (size_t i = 0; i < expected; i++) {
        if (strstr(text, bad_problems[i]) == NULL)
            fprintf(stderr, "missing: %s\nin:\n%s", bad_problems[i], text);
        assert_non_null(strstr(text, bad_problems[i]));
    }
    size_t lines = 0;
    for (const char *c = text; *c != '\0'; c++)
        lines += *c == '\n';
    if (lines != expected)
        fprintf(stderr, "%s", text);
    assert_int_equal(lines, expected); /* and nothing else */
    assert_null(config.rules);         /* nothing left allocated */
    tn_strbuf_free(&problems);
}

static void test_yaml_errors_and_empty_sections(void **state) {
    (void)state;
    tn_alert_config config;
    tn_strbuf problems = TN_STRBUF_INIT;
    tn_error err;
    write_yaml("alerts:\n  targets: [a\n");
    assert_false(tn_alert_config_load(&contract, path, &config, &problems, &err));
    assert_non_null(strstr(tn_strbuf_cstr(&problems), ": not valid YAML: "));
    tn_strbuf_reset(&problems);
    write_yaml("alerts:\n  targets: {}\n  rules: []\n");
    assert_false(tn_alert_config_load(&contract, path, &config, &problems, &err));
    assert_non_null(strstr(tn_strbuf_cstr(&problems),
                           ":2:12: alerts.targets: is empty: expected at least one target"));
    assert_non_null(strstr(tn_strbuf_cstr(&problems),
                           ":3:10: alerts.rules: is empty: expected at least one rule"));
    tn_strbuf_reset(&problems);
    write_yaml("alerts: ~\n");
    assert_false(tn_alert_config_load(&contract, path, &config, &problems, &err));
    assert_non_null(strstr(tn_strbuf_cstr(&problems), ":1:9: alerts: expected targets:"));
    tn_strbuf_reset(&problems);
    /* curl would read "https:/host/x" as https://host/x: a typo is refused, not guessed at
       (found by fuzz_mapping) */
    write_yaml("alerts:\n  targets:\n    cs: {url: \"https:/hooks.example.com/x\"}\n"
               "  rules:\n    - {name: r, when: {arr_at_least: 1}, to: cs}\n");
    assert_false(tn_alert_config_load(&contract, path, &config, &problems, &err));
    assert_non_null(strstr(tn_strbuf_cstr(&problems),
                           ":3:15: alerts.targets.cs.url: does not begin with https:// — "
                           "expected http://HOST/… or https://HOST/…"));
    tn_strbuf_free(&problems);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_examples),
        cmocka_unit_test(test_key_is_deterministic_and_header_safe),
        cmocka_unit_test(test_retry_policy),
        cmocka_unit_test_teardown(test_valid_section, remove_yaml),
        cmocka_unit_test_teardown(test_no_section, remove_yaml),
        cmocka_unit_test_teardown(test_every_problem_has_its_place, remove_yaml),
        cmocka_unit_test_teardown(test_yaml_errors_and_empty_sections, remove_yaml),
    };
    return cmocka_run_group_tests(tests, load_contract, NULL);
}
