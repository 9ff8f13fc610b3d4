/*
 * alert_rules.h — the alerts section of the project file (tenure.yml):
 * where alerts go (targets), how hard to try (delivery), and when a
 * customer's change between two scorings makes an alert (rules).
 *
 *   alerts:
 *     targets:
 *       cs-team: {url: "https://hooks.example.com/x", format: json}
 *       slack:   {url: "${SLACK_WEBHOOK_URL}", format: slack, headers: {X-Env: prod}}
 *     delivery: {attempts: 4, backoff_ms: 1000, timeout_ms: 10000}
 *     rules:
 *       - name: critical-big-account
 *         when: {churn_tier_enters: critical, arr_at_least: 50000}
 *         to: [cs-team, slack]
 *
 * The conditions of one `when` all hold together (AND); each compares the
 * customer's latest scoring of an as-of date with its scoring of the
 * previous recorded as-of (docs/alerts.md says exactly how, and what a
 * customer new since then counts as). ${NAME} in a URL or a header value
 * is taken from the environment when the file is read; a variable that is
 * not set is a problem naming it.
 *
 * The loader reports every problem in one pass, each with the file, line
 * and column and what was expected, as warehouse/mapping.h does for the
 * tables; the rest of the file (the tables) is mapping.h's to check.
 */
#ifndef TN_INSIGHT_ALERT_RULES_H
#define TN_INSIGHT_ALERT_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "common/strbuf.h"
#include "insight/webhook.h"
#include "warehouse/contract.h"

typedef enum {
    TN_ALERT_FORMAT_JSON,  /* the whole alert as a JSON document (docs/alerts.md) */
    TN_ALERT_FORMAT_SLACK, /* {"text": the sentence}, as Slack's incoming webhooks take it */
} tn_alert_format;

typedef struct {
    char *name;
    char *url; /* ${NAME} expanded: may hold a secret, so never printed */
    tn_alert_format format;
    char **headers; /* "Name: value" lines, expanded */
    size_t header_count;
    int line; /* of its entry in the project file */
} tn_alert_target;

/* The conditions a rule may ask, in the order of sql/alerts/fired.sql's parameters. */
typedef enum {
    TN_ALERT_CHURN_TIER_ENTERS,         /* value: the tier's rank, 1 medium … 3 critical */
    TN_ALERT_RISK_TIER_ENTERS,          /* the composite risk score's tier */
    TN_ALERT_UPGRADE_TIER_ENTERS,       /* the upgrade propensity's tier */
    TN_ALERT_CHURN_PROBABILITY_CROSSES, /* value in (0, 1]: before < value ≤ now */
    TN_ALERT_PROPENSITY_CROSSES,
    TN_ALERT_RISK_SCORE_CROSSES,
    TN_ALERT_CHURN_PROBABILITY_RISES_BY, /* value in (0, 1]: now − before ≥ value */
    TN_ALERT_ARR_AT_LEAST,               /* value ≥ 0: ARR now ≥ value */
    TN_ALERT_PLAN_TIER,                  /* plan_tiers: the plan now is one of them */
    TN_ALERT_CONDITIONS
} tn_alert_condition;

typedef struct {
    bool set[TN_ALERT_CONDITIONS]; /* which conditions the rule asks */
    double value[TN_ALERT_CONDITIONS];
    char *plan_tiers; /* "growth,enterprise" when TN_ALERT_PLAN_TIER is set; owned */
} tn_alert_when;

typedef struct {
    char *name; /* letters, digits, '-', '_' and '.'; unique */
    tn_alert_when when;
    size_t *targets; /* indexes into the config's targets, in the order of `to` */
    size_t target_count;
    int line;
} tn_alert_rule;

/* The alerts section; owns every string and array in it. */
typedef struct {
    char *path;   /* the project file */
    bool present; /* the file has an alerts: section */
    tn_alert_target *targets;
    size_t target_count;
    tn_alert_rule *rules;
    size_t rule_count;
    tn_webhook_policy policy; /* attempts and backoff_ms */
    long timeout_ms;
} tn_alert_config;

/* The most headers: a target may add. */
#define TN_ALERT_MAX_HEADERS 32

/* The defaults of `delivery:`. */
#define TN_ALERT_DEFAULT_ATTEMPTS 4
#define TN_ALERT_DEFAULT_BACKOFF_MS 1000L
#define TN_ALERT_DEFAULT_TIMEOUT_MS 10000L

/*
 * Reads the alerts section of the project file at `path` (a file without
 * one loads with present false); `contract` gives plan_tier's accepted
 * values. Every problem is appended to `problems`
 * as a line "tenure.yml:12:7: alerts.rules[0].when.propensity_crosses:
 * '1.5' — expected a number greater than 0 and at most 1", and the call
 * then fails with TN_ERR_INPUT and a one-line summary in `err`. On failure
 * nothing is left allocated in `out`; on success free it with
 * tn_alert_config_free.
 */
bool tn_alert_config_load(const tn_contract *contract, const char *path, tn_alert_config *out,
                          tn_strbuf *problems, tn_error *err);

void tn_alert_config_free(tn_alert_config *config);

/* The condition's key in the project file: "churn_tier_enters". */
const char *tn_alert_condition_key(tn_alert_condition condition);

/* The target called `name` in `config`, or NULL. */
const tn_alert_target *tn_alert_target_find(const tn_alert_config *config, const char *name);

#endif
