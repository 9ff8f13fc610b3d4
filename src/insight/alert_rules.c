/*
 * alert_rules.c — reading and checking the alerts section of the project
 * file (see alert_rules.h).
 *
 * As in warehouse/mapping.c, libyaml loads the file as a document tree
 * whose nodes keep their line and column, and the walk records every
 * problem where it is and goes on, so a user fixes the whole section in
 * one round. The targets are read before the rules, whatever their order
 * in the file, so that each rule's `to` can be checked against them.
 */
#include "insight/alert_rules.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <yaml.h>

#include "warehouse/contract.h"
#include "warehouse/yaml_walk.h"

/* ---- the walk -------------------------------------------------------------------------------- */

/* What the walk over one file carries. */
typedef struct {
    tn_yaml_walk yaml;
    const tn_contract_column *plan_tier; /* for plan_tier: its accepted values */
} walk;

/* The same key twice in one mapping: a problem. */
static bool repeated_key(walk *w, const yaml_node_t *mapping, const yaml_node_pair_t *pair) {
    if (!tn_yaml_repeated_key(&w->yaml, mapping, pair))
        return false;
    const yaml_node_t *key = tn_yaml_node(&w->yaml, pair->key);
    tn_yaml_problem(&w->yaml, key, "alerts", "'%s' appears twice", tn_yaml_scalar(key));
    return true;
}

/* The value of `key` in a mapping node, or NULL. */
static const yaml_node_t *value_of(walk *w, const yaml_node_t *mapping, const char *key) {
    for (yaml_node_pair_t *pair = mapping->data.mapping.pairs.start;
         pair < mapping->data.mapping.pairs.top; pair++) {
        const char *name = tn_yaml_scalar(tn_yaml_node(&w->yaml, pair->key));
        if (name != NULL && strcmp(name, key) == 0)
            return tn_yaml_node(&w->yaml, pair->value);
    }
    return NULL;
}

/* A key that is none of `known` (a NULL-ended list): a problem naming them all. */
static bool known_key(walk *w, const yaml_node_t *key, const char *where,
                      const char *const *known) {
    const char *name = tn_yaml_scalar(key) ? tn_yaml_scalar(key) : "?";
    tn_strbuf list = TN_STRBUF_INIT;
    for (size_t k = 0; known[k] != NULL; k++) {
        if (strcmp(name, known[k]) == 0) {
            tn_strbuf_free(&list);
            return true;
        }
        tn_strbuf_printf(&list, "%s%s", k > 0 ? (known[k + 1] ? ", " : " or ") : "", known[k]);
    }
    tn_yaml_problem(&w->yaml, key, where, "unknown key '%s' — expected %s", name,
                    tn_strbuf_cstr(&list));
    tn_strbuf_free(&list);
    return false;
}

/* ---- values ---------------------------------------------------------------------------------- */

/* A name for a target or a rule: letters, digits, '-', '_', '.', at most 64, a letter or digit
 * first. */
static bool valid_name(const char *name) {
    size_t length = strlen(name);
    if (length == 0 || length > 64 || !isalnum((unsigned char)name[0]))
        return false;
    for (const char *c = name; *c != '\0'; c++)
        if (!isalnum((unsigned char)*c) && strchr("-_.", *c) == NULL)
            return false;
    return true;
}

/* A number in [low, high] (`low` itself excluded when open_low); false after a problem. */
static bool read_number(walk *w, const yaml_node_t *node, const char *where, double low,
                        bool open_low, double high, const char *expected, double *out) {
    const char *text = tn_yaml_expect_text(&w->yaml, node, where, expected);
    if (text == NULL)
        return false;
    char *end = NULL;
    errno = 0;
    double value = strtod(text, &end);
    if (end == text || *end != '\0' || errno != 0 || !isfinite(value) || value < low ||
        (open_low && value == low) || value > high) {
        tn_yaml_problem(&w->yaml, node, where, "'%s' — expected %s", text, expected);
        return false;
    }
    *out = value;
    return true;
}

/* A whole number in [low, high]; false after a problem. */
static bool read_integer(walk *w, const yaml_node_t *node, const char *where, long low, long high,
                         long *out) {
    char expected[96];
    snprintf(expected, sizeof expected, "a whole number from %ld to %ld", low, high);
    const char *text = tn_yaml_expect_text(&w->yaml, node, where, expected);
    if (text == NULL)
        return false;
    char *end = NULL;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (end == text || *end != '\0' || errno != 0 || value < low || value > high) {
        tn_yaml_problem(&w->yaml, node, where, "'%s' — expected %s", text, expected);
        return false;
    }
    *out = value;
    return true;
}

/* Copies the variable name of "${NAME}" starting at `open` into name[size]; its length, or 0. */
static size_t variable_name(const char *open, char *name, size_t size) {
    const char *close = strchr(open + 2, '}');
    size_t length = close != NULL ? (size_t)(close - open - 2) : 0;
    if (length == 0 || length >= size || isdigit((unsigned char)open[2]))
        return 0;
    for (size_t i = 0; i < length; i++)
        if (!isalnum((unsigned char)open[2 + i]) && open[2 + i] != '_')
            return 0;
    memcpy(name, open + 2, length);
    name[length] = '\0';
    return length;
}

/*
 * `text` with each ${NAME} replaced by the environment's value (malloc'd),
 * or NULL after a problem (or when memory runs out). *expanded says whether
 * there was a variable.
 */
static char *expand(walk *w, const yaml_node_t *node, const char *where, const char *text,
                    bool *expanded) {
    tn_strbuf out = TN_STRBUF_INIT;
    bool ok = true;
    int problems_before = w->yaml.problem_count;
    *expanded = false;
    const char *rest = text;
    for (const char *open; ok && (open = strstr(rest, "${")) != NULL;) {
        char name[128];
        size_t length = variable_name(open, name, sizeof name);
        const char *value = length > 0 ? getenv(name) : NULL;
        if (length == 0)
            tn_yaml_problem(
                &w->yaml, node, where,
                "a ${ without a variable name and } after it — expected ${NAME}, NAME of "
                "letters, digits and _");
        else if (value == NULL)
            tn_yaml_problem(&w->yaml, node, where,
                            "names ${%s}, which is not set in the environment", name);
        ok = value != NULL && tn_strbuf_append(&out, rest, (size_t)(open - rest)) &&
             tn_strbuf_puts(&out, value);
        rest = open + 3 + length;
        *expanded = true;
    }
    char *result = ok && tn_strbuf_puts(&out, rest) ? tn_strbuf_detach(&out) : NULL;
    if (result == NULL && w->yaml.problem_count == problems_before)
        w->yaml.out_of_memory = true;
    tn_strbuf_free(&out);
    return result;
}

/* ---- targets --------------------------------------------------------------------------------- */

/* The expanded URL must be http(s) with a host; it is never printed, it may hold a secret. */
static void check_url(walk *w, const yaml_node_t *node, const char *where, const char *url,
                      bool expanded) {
    CURLU *parsed = curl_url();
    if (parsed == NULL) {
        w->yaml.out_of_memory = true;
        return;
    }
    char *scheme = NULL, *host = NULL;
    CURLUcode code = curl_url_set(parsed, CURLUPART_URL, url, 0);
    if (code == CURLUE_OK)
        code = curl_url_get(parsed, CURLUPART_SCHEME, &scheme, 0);
    if (code == CURLUE_OK)
        code = curl_url_get(parsed, CURLUPART_HOST, &host, 0);
    const char *from = expanded ? " (after ${…} was expanded)" : "";
    if (code != CURLUE_OK)
        tn_yaml_problem(&w->yaml, node, where,
                        "is not a URL%s: %s — expected http://HOST/… or https://HOST/…", from,
                        curl_url_strerror(code));
    else if (strcasecmp(scheme, "http") != 0 && strcasecmp(scheme, "https") != 0)
        tn_yaml_problem(&w->yaml, node, where,
                        "has the scheme %s:%s — expected http:// or https://", scheme, from);
    else if (strncasecmp(url, scheme, strlen(scheme)) != 0 ||
             strncmp(url + strlen(scheme), "://", 3) != 0) /* curl reads "https:/host" too */
        tn_yaml_problem(&w->yaml, node, where,
                        "does not begin with %s://%s — expected http://HOST/… or https://HOST/…",
                        scheme, from);
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(parsed);
}

/* A header's name: an HTTP token, not one tenure sets itself. */
static bool check_header_name(walk *w, const yaml_node_t *node, const char *where,
                              const char *name) {
    static const char *const ours[] = {"content-type", "content-length",    "idempotency-key",
                                       "host",         "transfer-encoding", "user-agent"};
    bool token = name[0] != '\0' && strlen(name) <= 64;
    for (const char *c = name; token && *c != '\0'; c++)
        token = isalnum((unsigned char)*c) || strchr("!#$%&'*+-.^_`|~", *c) != NULL;
    if (!token) {
        tn_yaml_problem(&w->yaml, node, where,
                        "'%s' is not a header name — expected letters, digits and -", name);
        return false;
    }
    for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++) {
        if (strcasecmp(name, ours[i]) == 0) {
            tn_yaml_problem(&w->yaml, node, where, "%s is set by tenure itself — leave it out",
                            name);
            return false;
        }
    }
    return true;
}

/* headers: {Name: value}, each value expanded, kept as "Name: value" lines. */
static void read_headers(walk *w, tn_alert_target *target, const yaml_node_t *node,
                         const char *where) {
    if (!tn_yaml_expect_mapping(&w->yaml, node, where, "Header-Name: value pairs"))
        return;
    size_t count = (size_t)(node->data.mapping.pairs.top - node->data.mapping.pairs.start);
    if (count > TN_ALERT_MAX_HEADERS) {
        tn_yaml_problem(&w->yaml, node, where, "has %zu headers — expected at most %d", count,
                        TN_ALERT_MAX_HEADERS);
        return;
    }
    target->headers = calloc(count + 1, sizeof *target->headers);
    if (target->headers == NULL) {
        w->yaml.out_of_memory = true;
        return;
    }
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top; pair++) {
        const yaml_node_t *key = tn_yaml_node(&w->yaml, pair->key),
                          *value = tn_yaml_node(&w->yaml, pair->value);
        const char *name = tn_yaml_scalar(key) ? tn_yaml_scalar(key) : "";
        char here[200];
        snprintf(here, sizeof here, "%.100s.%.60s", where, name);
        const char *text = tn_yaml_expect_text(&w->yaml, value, here, "the header's value");
        if (repeated_key(w, node, pair) || !check_header_name(w, key, where, name) || !text)
            continue;
        bool expanded;
        char *expanded_value = expand(w, value, here, text, &expanded);
        if (expanded_value != NULL && strpbrk(expanded_value, "\r\n") != NULL)
            tn_yaml_problem(&w->yaml, value, here, "holds a line break%s — expected one line",
                            expanded ? " (after ${…} was expanded)" : "");
        else if (expanded_value != NULL) {
            tn_strbuf line = TN_STRBUF_INIT;
            tn_strbuf_printf(&line, "%s: %s", name, expanded_value);
            if ((target->headers[target->header_count++] = tn_strbuf_detach(&line)) == NULL)
                w->yaml.out_of_memory = true;
        }
        free(expanded_value);
    }
}

static void read_target_key(walk *w, tn_alert_target *target, const char *key,
                            const yaml_node_t *value, const char *where) {
    char here[200];
    snprintf(here, sizeof here, "%.120s.%.20s", where, key);
    if (strcmp(key, "url") == 0) {
        const char *text = tn_yaml_expect_text(&w->yaml, value, here, "an http:// or https:// URL");
        bool expanded = false;
        char *url = text != NULL ? expand(w, value, here, text, &expanded) : NULL;
        if (url != NULL)
            check_url(w, value, here, url, expanded);
        free(target->url);
        target->url = url;
    } else if (strcmp(key, "format") == 0) {
        const char *text = tn_yaml_expect_text(&w->yaml, value, here, "json or slack");
        if (text != NULL && strcmp(text, "slack") == 0)
            target->format = TN_ALERT_FORMAT_SLACK;
        else if (text != NULL && strcmp(text, "json") != 0)
            tn_yaml_problem(&w->yaml, value, here, "'%s' — expected json or slack", text);
    } else {
        read_headers(w, target, value, here);
    }
}

static void read_target(walk *w, tn_alert_target *target, const yaml_node_t *key,
                        const yaml_node_t *node) {
    const char *name = tn_yaml_scalar(key) ? tn_yaml_scalar(key) : "?";
    char where[120];
    snprintf(where, sizeof where, "alerts.targets.%.64s", name);
    target->name = tn_yaml_copy(&w->yaml, name);
    target->line = (int)key->start_mark.line + 1;
    if (!valid_name(name))
        tn_yaml_problem(
            &w->yaml, key, "alerts.targets",
            "'%s' is not a target name — expected letters, digits, -, _ and ., at most 64", name);
    if (!tn_yaml_expect_mapping(&w->yaml, node, where,
                                "{url: …, format: json or slack, headers: {…}}"))
        return;
    static const char *const known[] = {"url", "format", "headers", NULL};
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top; pair++) {
        const yaml_node_t *option = tn_yaml_node(&w->yaml, pair->key);
        if (!repeated_key(w, node, pair) && known_key(w, option, where, known))
            read_target_key(w, target, tn_yaml_scalar(option), tn_yaml_node(&w->yaml, pair->value),
                            where);
    }
    if (value_of(w, node, "url") == NULL)
        tn_yaml_problem(&w->yaml, node, where, "lacks url: where does the POST go?");
}

static void read_targets(walk *w, tn_alert_config *config, const yaml_node_t *node) {
    if (!tn_yaml_expect_mapping(&w->yaml, node, "alerts.targets",
                                "one entry per target: NAME: {url: …}"))
        return;
    size_t count = (size_t)(node->data.mapping.pairs.top - node->data.mapping.pairs.start);
    if (count == 0)
        tn_yaml_problem(&w->yaml, node, "alerts.targets", "is empty: expected at least one target");
    config->targets = calloc(count + 1, sizeof *config->targets);
    if (config->targets == NULL) {
        w->yaml.out_of_memory = true;
        return;
    }
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top; pair++)
        if (!repeated_key(w, node, pair))
            read_target(w, &config->targets[config->target_count++],
                        tn_yaml_node(&w->yaml, pair->key), tn_yaml_node(&w->yaml, pair->value));
}

/* ---- delivery -------------------------------------------------------------------------------- */

static void read_delivery(walk *w, tn_alert_config *config, const yaml_node_t *node) {
    if (!tn_yaml_expect_mapping(&w->yaml, node, "alerts.delivery",
                                "{attempts: N, backoff_ms: N, timeout_ms: N}"))
        return;
    static const char *const known[] = {"attempts", "backoff_ms", "timeout_ms", NULL};
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top; pair++) {
        const yaml_node_t *key = tn_yaml_node(&w->yaml, pair->key),
                          *value = tn_yaml_node(&w->yaml, pair->value);
        if (repeated_key(w, node, pair) || !known_key(w, key, "alerts.delivery", known))
            continue;
        const char *name = tn_yaml_scalar(key);
        char here[64];
        snprintf(here, sizeof here, "alerts.delivery.%s", name);
        long number;
        if (strcmp(name, "attempts") == 0 && read_integer(w, value, here, 1, 10, &number))
            config->policy.attempts = (int)number;
        else if (strcmp(name, "backoff_ms") == 0 && read_integer(w, value, here, 0, 60000, &number))
            config->policy.backoff_ms = number;
        else if (strcmp(name, "timeout_ms") == 0 &&
                 read_integer(w, value, here, 100, 120000, &number))
            config->timeout_ms = number;
    }
}

/* ---- rules ----------------------------------------------------------------------------------- */

static const char *const condition_keys[TN_ALERT_CONDITIONS] = {
    [TN_ALERT_CHURN_TIER_ENTERS] = "churn_tier_enters",
    [TN_ALERT_RISK_TIER_ENTERS] = "risk_tier_enters",
    [TN_ALERT_UPGRADE_TIER_ENTERS] = "upgrade_tier_enters",
    [TN_ALERT_CHURN_PROBABILITY_CROSSES] = "churn_probability_crosses",
    [TN_ALERT_PROPENSITY_CROSSES] = "propensity_crosses",
    [TN_ALERT_RISK_SCORE_CROSSES] = "risk_score_crosses",
    [TN_ALERT_CHURN_PROBABILITY_RISES_BY] = "churn_probability_rises_by",
    [TN_ALERT_ARR_AT_LEAST] = "arr_at_least",
    [TN_ALERT_PLAN_TIER] = "plan_tier",
};

const char *tn_alert_condition_key(tn_alert_condition condition) {
    return condition_keys[condition];
}

/* medium, high, critical → 1, 2, 3; false after a problem. */
static bool read_tier(walk *w, const yaml_node_t *node, const char *where, double *rank) {
    static const char *const tiers[] = {"medium", "high", "critical"};
    const char *expected = "medium, high or critical (entering a tier means reaching it or one "
                           "above it from below it)";
    const char *text = tn_yaml_expect_text(&w->yaml, node, where, expected);
    for (int t = 0; text != NULL && t < 3; t++) {
        if (strcmp(text, tiers[t]) == 0) {
            *rank = t + 1;
            return true;
        }
    }
    if (text != NULL)
        tn_yaml_problem(&w->yaml, node, where, "'%s' — expected %s", text, expected);
    return false;
}

/* plan_tier: a plan or a list of them, kept as "growth,enterprise". */
static void read_plan_tiers(walk *w, tn_alert_when *when, const yaml_node_t *node,
                            const char *where) {
    tn_strbuf expected = TN_STRBUF_INIT, plans = TN_STRBUF_INIT;
    tn_strbuf_puts(&expected, "a plan tier or a list of them: ");
    for (int i = 0; i < w->plan_tier->accepted_count; i++)
        tn_strbuf_printf(&expected, "%s%s", i > 0 ? ", " : "", w->plan_tier->accepted[i]);
    bool list = node->type == YAML_SEQUENCE_NODE;
    size_t count =
        list ? (size_t)(node->data.sequence.items.top - node->data.sequence.items.start) : 1;
    if (count == 0)
        tn_yaml_problem(&w->yaml, node, where, "is empty: expected %s", tn_strbuf_cstr(&expected));
    for (size_t i = 0; i < count; i++) {
        const yaml_node_t *item =
            list ? tn_yaml_node(&w->yaml, node->data.sequence.items.start[i]) : node;
        const char *plan = tn_yaml_expect_text(&w->yaml, item, where, tn_strbuf_cstr(&expected));
        if (plan != NULL && !tn_contract_accepts(w->plan_tier, plan))
            tn_yaml_problem(&w->yaml, item, where, "'%s' — expected %s", plan,
                            tn_strbuf_cstr(&expected));
        else if (plan != NULL)
            tn_strbuf_printf(&plans, "%s%s", plans.length > 0 ? "," : "", plan);
    }
    if (plans.length > 0 && (when->plan_tiers = tn_strbuf_detach(&plans)) == NULL)
        w->yaml.out_of_memory = true;
    tn_strbuf_free(&plans);
    tn_strbuf_free(&expected);
}

static void read_condition(walk *w, tn_alert_when *when, tn_alert_condition c,
                           const yaml_node_t *node, const char *where) {
    const char *share = "a number greater than 0 and at most 1 (0.5 is 50 %)";
    bool ok = false;
    double *value = &when->value[c];
    switch (c) {
    case TN_ALERT_CHURN_TIER_ENTERS:
    case TN_ALERT_RISK_TIER_ENTERS:
    case TN_ALERT_UPGRADE_TIER_ENTERS:
        ok = read_tier(w, node, where, value);
        break;
    case TN_ALERT_CHURN_PROBABILITY_CROSSES:
    case TN_ALERT_PROPENSITY_CROSSES:
    case TN_ALERT_RISK_SCORE_CROSSES:
        ok = read_number(w, node, where, 0, true, 1, share, value);
        break;
    case TN_ALERT_CHURN_PROBABILITY_RISES_BY:
        ok = read_number(w, node, where, 0, true, 1,
                         "a number greater than 0 and at most 1 (0.1 is a rise of 10 points)",
                         value);
        break;
    case TN_ALERT_ARR_AT_LEAST:
        ok = read_number(w, node, where, 0, false, 1e15, "an amount of ARR, 0 or more (50000)",
                         value);
        break;
    default:
        read_plan_tiers(w, when, node, where);
        ok = when->plan_tiers != NULL;
        break;
    }
    when->set[c] = ok;
}

/* when: {condition: value, …}, at least one. */
static void read_when(walk *w, tn_alert_when *when, const yaml_node_t *node, const char *where) {
    if (!tn_yaml_expect_mapping(&w->yaml, node, where,
                                "{condition: value, …}: the conditions, all of them hold"))
        return;
    if (node->data.mapping.pairs.top == node->data.mapping.pairs.start)
        tn_yaml_problem(&w->yaml, node, where, "is empty: expected at least one condition");
    const char *known[TN_ALERT_CONDITIONS + 1];
    for (int c = 0; c < TN_ALERT_CONDITIONS; c++)
        known[c] = condition_keys[c];
    known[TN_ALERT_CONDITIONS] = NULL;
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top; pair++) {
        const yaml_node_t *key = tn_yaml_node(&w->yaml, pair->key);
        if (repeated_key(w, node, pair) || !known_key(w, key, where, known))
            continue;
        char here[200];
        snprintf(here, sizeof here, "%.120s.%.40s", where, tn_yaml_scalar(key));
        for (int c = 0; c < TN_ALERT_CONDITIONS; c++)
            if (strcmp(tn_yaml_scalar(key), condition_keys[c]) == 0)
                read_condition(w, when, (tn_alert_condition)c, tn_yaml_node(&w->yaml, pair->value),
                               here);
    }
}

/* to: a target's name or a list of them, each a target of alerts.targets, once. */
static void read_to(walk *w, const tn_alert_config *config, tn_alert_rule *rule,
                    const yaml_node_t *node, const char *where) {
    bool list = node->type == YAML_SEQUENCE_NODE;
    size_t count =
        list ? (size_t)(node->data.sequence.items.top - node->data.sequence.items.start) : 1;
    if (count == 0)
        tn_yaml_problem(&w->yaml, node, where,
                        "is empty: expected the name of a target or a list of them");
    rule->targets = calloc(count + 1, sizeof *rule->targets);
    if (rule->targets == NULL) {
        w->yaml.out_of_memory = true;
        return;
    }
    for (size_t i = 0; i < count; i++) {
        const yaml_node_t *item =
            list ? tn_yaml_node(&w->yaml, node->data.sequence.items.start[i]) : node;
        const char *name =
            tn_yaml_expect_text(&w->yaml, item, where, "the name of a target of alerts.targets");
        const tn_alert_target *target = name ? tn_alert_target_find(config, name) : NULL;
        size_t index = target != NULL ? (size_t)(target - config->targets) : 0;
        bool repeated = false;
        for (size_t j = 0; target != NULL && j < rule->target_count; j++)
            repeated = repeated || rule->targets[j] == index;
        if (name != NULL && target == NULL)
            tn_yaml_problem(&w->yaml, item, where, "'%s' is not a target of alerts.targets", name);
        else if (repeated)
            tn_yaml_problem(&w->yaml, item, where, "'%s' appears twice", name);
        else if (target != NULL)
            rule->targets[rule->target_count++] = index;
    }
}

static void read_rule(walk *w, const tn_alert_config *config, tn_alert_rule *rule,
                      const yaml_node_t *node, const char *where) {
    rule->line = (int)node->start_mark.line + 1;
    if (!tn_yaml_expect_mapping(&w->yaml, node, where, "{name: …, when: {…}, to: [targets]}"))
        return;
    static const char *const known[] = {"name", "when", "to", NULL};
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top; pair++) {
        const yaml_node_t *key = tn_yaml_node(&w->yaml, pair->key),
                          *value = tn_yaml_node(&w->yaml, pair->value);
        const char *option = tn_yaml_scalar(key);
        if (repeated_key(w, node, pair) || !known_key(w, key, where, known) || option == NULL)
            continue;
        char here[160];
        snprintf(here, sizeof here, "%.120s.%s", where, option);
        const char *name = strcmp(option, "name") == 0
                               ? tn_yaml_expect_text(&w->yaml, value, here, "the rule's name")
                               : NULL;
        if (name != NULL && !valid_name(name))
            tn_yaml_problem(&w->yaml, value, here,
                            "'%s' — expected a name of letters, digits, -, _ and ., at most 64",
                            name);
        else if (name != NULL)
            rule->name = tn_yaml_copy(&w->yaml, name);
        else if (strcmp(option, "when") == 0)
            read_when(w, &rule->when, value, here);
        else if (strcmp(option, "to") == 0)
            read_to(w, config, rule, value, here);
    }
    static const char *const required[] = {"name", "when", "to"};
    static const char *const why[] = {"every rule is named in its alerts and the delivery log",
                                      "which change makes an alert?", "where do its alerts go?"};
    for (int k = 0; k < 3; k++)
        if (value_of(w, node, required[k]) == NULL)
            tn_yaml_problem(&w->yaml, node, where, "lacks %s: %s", required[k], why[k]);
}

static void read_rules(walk *w, tn_alert_config *config, const yaml_node_t *node) {
    if (node->type != YAML_SEQUENCE_NODE) {
        tn_yaml_problem(&w->yaml, node, "alerts.rules", "expected a list of rules: - name: …");
        return;
    }
    size_t count = (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
    if (count == 0)
        tn_yaml_problem(&w->yaml, node, "alerts.rules", "is empty: expected at least one rule");
    config->rules = calloc(count + 1, sizeof *config->rules);
    if (config->rules == NULL) {
        w->yaml.out_of_memory = true;
        return;
    }
    for (size_t i = 0; i < count; i++) {
        const yaml_node_t *item = tn_yaml_node(&w->yaml, node->data.sequence.items.start[i]);
        tn_alert_rule *rule = &config->rules[config->rule_count++];
        char where[48];
        snprintf(where, sizeof where, "alerts.rules[%zu]", i);
        read_rule(w, config, rule, item, where);
        for (size_t j = 0; rule->name != NULL && j + 1 < config->rule_count; j++)
            if (config->rules[j].name != NULL && strcmp(config->rules[j].name, rule->name) == 0)
                tn_yaml_problem(&w->yaml, value_of(w, item, "name"), where,
                                "'%s' is the name of rule %zu too — expected a name of its own",
                                rule->name, j);
    }
}

/* alerts: {targets, delivery, rules}; the targets first, for the rules' `to`. */
static void read_alerts(walk *w, tn_alert_config *config, const yaml_node_t *node) {
    config->present = true;
    if (!tn_yaml_expect_mapping(&w->yaml, node, "alerts",
                                "targets:, rules: and optionally delivery:"))
        return;
    static const char *const known[] = {"targets", "delivery", "rules", NULL};
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top; pair++)
        if (!repeated_key(w, node, pair))
            known_key(w, tn_yaml_node(&w->yaml, pair->key), "alerts", known);
    const yaml_node_t *targets = value_of(w, node, "targets"), *rules = value_of(w, node, "rules"),
                      *delivery = value_of(w, node, "delivery");
    if (targets != NULL)
        read_targets(w, config, targets);
    else
        tn_yaml_problem(&w->yaml, node, "alerts", "lacks targets: where do alerts go?");
    if (delivery != NULL)
        read_delivery(w, config, delivery);
    if (rules != NULL)
        read_rules(w, config, rules);
    else
        tn_yaml_problem(&w->yaml, node, "alerts", "lacks rules: which changes make an alert?");
}

/* ---- the file -------------------------------------------------------------------------------- */

typedef struct {
    walk *w;
    tn_alert_config *out;
} alerts_read;

static void read_alerts_root(const yaml_node_t *root, void *context) {
    alerts_read *read = context;
    if (root != NULL && root->type != YAML_MAPPING_NODE)
        tn_yaml_problem(&read->w->yaml, root, "(file)",
                        "expected a mapping: alerts: and the tables");
    else if (root != NULL && value_of(read->w, root, "alerts") != NULL)
        read_alerts(read->w, read->out, value_of(read->w, root, "alerts"));
}

bool tn_alert_config_load(const tn_contract *contract, const char *path, tn_alert_config *out,
                          tn_strbuf *problems, tn_error *err) {
    memset(out, 0, sizeof *out);
    out->policy = (tn_webhook_policy){TN_ALERT_DEFAULT_ATTEMPTS, TN_ALERT_DEFAULT_BACKOFF_MS};
    out->timeout_ms = TN_ALERT_DEFAULT_TIMEOUT_MS;
    const tn_contract_table *customers = &contract->tables[tn_contract_table_index("customers")];
    walk w = {.yaml = {.path = path, .problems = problems},
              .plan_tier = &customers->columns[tn_contract_column_index(customers, "plan_tier")]};
    FILE *file = fopen(path, "rb");
    bool ok = file != NULL ||
              tn_error_set(err, errno == ENOENT ? TN_ERR_INPUT : TN_ERR_IO, "%s: %s", path,
                           errno == ENOENT ? "no such project file" : strerror(errno));
    if (ok && (out->path = strdup(path)) != NULL)
        tn_yaml_read(&w.yaml, file, read_alerts_root, &(alerts_read){&w, out});
    if (file != NULL)
        fclose(file);
    if (ok && (w.yaml.out_of_memory || out->path == NULL))
        ok = tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    else if (ok && w.yaml.problem_count > 0)
        ok = tn_error_set(err, TN_ERR_INPUT, "%s: %d problem%s in the alerts", path,
                          w.yaml.problem_count, w.yaml.problem_count == 1 ? "" : "s");
    if (!ok)
        tn_alert_config_free(out);
    return ok;
}

const tn_alert_target *tn_alert_target_find(const tn_alert_config *config, const char *name) {
    for (size_t i = 0; i < config->target_count; i++)
        if (config->targets[i].name != NULL && strcmp(config->targets[i].name, name) == 0)
            return &config->targets[i];
    return NULL;
}

void tn_alert_config_free(tn_alert_config *config) {
    for (size_t i = 0; i < config->target_count; i++) {
        tn_alert_target *target = &config->targets[i];
        free(target->name);
        free(target->url);
        for (size_t h = 0; h < target->header_count; h++)
            free(target->headers[h]);
        free(target->headers);
    }
    free(config->targets);
    for (size_t i = 0; i < config->rule_count; i++) {
        free(config->rules[i].name);
        free(config->rules[i].when.plan_tiers);
        free(config->rules[i].targets);
    }
    free(config->rules);
    free(config->path);
    memset(config, 0, sizeof *config);
}
