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

/* ---- the walk -------------------------------------------------------------------------------- */

/* What the walk over one file carries. */
typedef struct {
    const char *path;
    yaml_document_t *document;
    const tn_contract_column *plan_tier; /* for plan_tier: its accepted values */
    tn_strbuf *problems;
    int problem_count;
    bool out_of_memory;
} walk;

static void problem(walk *w, const yaml_node_t *node, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void problem(walk *w, const yaml_node_t *node, const char *where, const char *fmt, ...) {
    char message[768];
    va_list args;
    va_start(args, fmt);
    vsnprintf(message, sizeof message, fmt, args);
    va_end(args);
    w->problem_count++;
    if (node != NULL)
        tn_strbuf_printf(w->problems, "%s:%zu:%zu: %s: %s\n", w->path, node->start_mark.line + 1,
                         node->start_mark.column + 1, where, message);
    else
        tn_strbuf_printf(w->problems, "%s: %s: %s\n", w->path, where, message);
}

static yaml_node_t *node_at(walk *w, int index) {
    return yaml_document_get_node(w->document, index);
}

/* A scalar's text (owned by the document), or NULL when the node is not a scalar. */
static const char *scalar(const yaml_node_t *node) {
    return node != NULL && node->type == YAML_SCALAR_NODE ? (const char *)node->data.scalar.value
                                                          : NULL;
}

/* A plain scalar that YAML reads as null: ~, null, or nothing. */
static bool is_null(const yaml_node_t *node) {
    const char *text = scalar(node);
    return text != NULL && node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
           (text[0] == '\0' || strcmp(text, "~") == 0 || strcasecmp(text, "null") == 0);
}

static char *copy(walk *w, const char *text) {
    char *result = strdup(text);
    if (result == NULL)
        w->out_of_memory = true;
    return result;
}

/* A scalar that must be non-empty text; NULL after reporting a problem. */
static const char *expect_text(walk *w, const yaml_node_t *node, const char *where,
                               const char *expected) {
    const char *text = scalar(node);
    if (text == NULL || is_null(node) || text[strspn(text, " \t\r\n")] == '\0') {
        problem(w, node, where, "expected %s", expected);
        return NULL;
    }
    return text;
}

static bool expect_mapping(walk *w, const yaml_node_t *node, const char *where,
                           const char *expected) {
    if (node != NULL && node->type == YAML_MAPPING_NODE)
        return true;
    problem(w, node, where, "expected %s", expected);
    return false;
}

/* The same key twice in one mapping: YAML allows it, the project file does not. */
static bool repeated_key(walk *w, const yaml_node_t *mapping, const yaml_node_pair_t *pair) {
    const char *key = scalar(node_at(w, pair->key));
    for (const yaml_node_pair_t *p = mapping->data.mapping.pairs.start; p < pair; p++) {
        const char *other = scalar(node_at(w, p->key));
        if (key != NULL && other != NULL && strcmp(key, other) == 0) {
            problem(w, node_at(w, pair->key), "alerts", "'%s' appears twice", key);
            return true;
        }
    }
    return false;
}

/* The value of `key` in a mapping node, or NULL. */
static const yaml_node_t *value_of(walk *w, const yaml_node_t *mapping, const char *key) {
    for (yaml_node_pair_t *pair = mapping->data.mapping.pairs.start;
         pair < mapping->data.mapping.pairs.top; pair++) {
        const char *name = scalar(node_at(w, pair->key));
        if (name != NULL && strcmp(name, key) == 0)
            return node_at(w, pair->value);
    }
    return NULL;
}

/* A key that is none of `known` (a NULL-ended list): a problem naming them all. */
static bool known_key(walk *w, const yaml_node_t *key, const char *where,
                      const char *const *known) {
    const char *name = scalar(key) ? scalar(key) : "?";
    tn_strbuf list = TN_STRBUF_INIT;
    for (size_t k = 0; known[k] != NULL; k++) {
        if (strcmp(name, known[k]) == 0) {
            tn_strbuf_free(&list);
            return true;
        }
        tn_strbuf_printf(&list, "%s%s", k > 0 ? (known[k + 1] ? ", " : " or ") : "", known[k]);
    }
    problem(w, key, where, "unknown key '%s' — expected %s", name, tn_strbuf_cstr(&list));
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
    const char *text = expect_text(w, node, where, expected);
    if (text == NULL)
        return false;
    char *end = NULL;
    errno = 0;
    double value = strtod(text, &end);
    if (end == text || *end != '\0' || errno != 0 || !isfinite(value) || value < low ||
        (open_low && value == low) || value > high) {
        problem(w, node, where, "'%s' — expected %s", text, expected);
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
    const char *text = expect_text(w, node, where, expected);
    if (text == NULL)
        return false;
    char *end = NULL;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (end == text || *end != '\0' || errno != 0 || value < low || value > high) {
        problem(w, node, where, "'%s' — expected %s", text, expected);
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
    int problems_before = w->problem_count;
    *expanded = false;
    const char *rest = text;
    for (const char *open; ok && (open = strstr(rest, "${")) != NULL;) {
        char name[128];
        size_t length = variable_name(open, name, sizeof name);
        const char *value = length > 0 ? getenv(name) : NULL;
        if (length == 0)
            problem(w, node, where,
                    "a ${ without a variable name and } after it — expected ${NAME}, NAME of "
                    "letters, digits and _");
        else if (value == NULL)
            problem(w, node, where, "names ${%s}, which is not set in the environment", name);
        ok = value != NULL && tn_strbuf_append(&out, rest, (size_t)(open - rest)) &&
             tn_strbuf_puts(&out, value);
        rest = open + 3 + length;
        *expanded = true;
    }
    char *result = ok && tn_strbuf_puts(&out, rest) ? tn_strbuf_detach(&out) : NULL;
    if (result == NULL && w->problem_count == problems_before)
        w->out_of_memory = true;
    tn_strbuf_free(&out);
    return result;
}

/* ---- targets --------------------------------------------------------------------------------- */

/* The expanded URL must be http(s) with a host; it is never printed, it may hold a secret. */
static void check_url(walk *w, const yaml_node_t *node, const char *where, const char *url,
                      bool expanded) {
    CURLU *parsed = curl_url();
    if (parsed == NULL) {
        w->out_of_memory = true;
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
        problem(w, node, where, "is not a URL%s: %s — expected http://HOST/… or https://HOST/…",
                from, curl_url_strerror(code));
    else if (strcasecmp(scheme, "http") != 0 && strcasecmp(scheme, "https") != 0)
        problem(w, node, where, "has the scheme %s:%s — expected http:// or https://", scheme,
                from);
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
        problem(w, node, where, "'%s' is not a header name — expected letters, digits and -", name);
        return false;
    }
    for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++) {
        if (strcasecmp(name, ours[i]) == 0) {
            problem(w, node, where, "%s is set by tenure itself — leave it out", name);
            return false;
        }
    }
    return true;
}

/* headers: {Name: value}, each value expanded, kept as "Name: value" lines. */
static void read_headers(walk *w, tn_alert_target *target, const yaml_node_t *node,
                         const char *where) {
    if (!expect_mapping(w, node, where, "Header-Name: value pairs"))
        return;
    size_t count = (size_t)(node->data.mapping.pairs.top - node->data.mapping.pairs.start);
    if (count > TN_ALERT_MAX_HEADERS) {
        problem(w, node, where, "has %zu headers — expected at most %d", count,
                TN_ALERT_MAX_HEADERS);
        return;
    }
    target->headers = calloc(count + 1, sizeof *target->headers);
    if (target->headers == NULL) {
        w->out_of_memory = true;
        return;
    }
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top; pair++) {
        const yaml_node_t *key = node_at(w, pair->key), *value = node_at(w, pair->value);
        const char *name = scalar(key) ? scalar(key) : "";
        char here[200];
        snprintf(here, sizeof here, "%.100s.%.60s", where, name);
        const char *text = expect_text(w, value, here, "the header's value");
        if (repeated_key(w, node, pair) || !check_header_name(w, key, where, name) || !text)
            continue;
        bool expanded;
        char *expanded_value = expand(w, value, here, text, &expanded);
        if (expanded_value != NULL && strpbrk(expanded_value, "\r\n") != NULL)
            problem(w, value, here, "holds a line break%s — expected one line",
                    expanded ? " (after ${…} was expanded)" : "");
        else if (expanded_value != NULL) {
            tn_strbuf line = TN_STRBUF_INIT;
            tn_strbuf_printf(&line, "%s: %s", name, expanded_value);
            if ((target->headers[target->header_count++] = tn_strbuf_detach(&line)) == NULL)
                w->out_of_memory = true;
        }
        free(expanded_value);
    }
}

static void read_target_key(walk *w, tn_alert_target *target, const char *key,
                            const yaml_node_t *value, const char *where) {
    char here[200];
    snprintf(here, sizeof here, "%.120s.%.20s", where, key);
    if (strcmp(key, "url") == 0) {
        const char *text = expect_text(w, value, here, "an http:// or https:// URL");
        bool expanded = false;
        char *url = text != NULL ? expand(w, value, here, text, &expanded) : NULL;
        if (url != NULL)
            check_url(w, value, here, url, expanded);
        free(target->url);
        target->url = url;
    } else if (strcmp(key, "format") == 0) {
        const char *text = expect_text(w, value, here, "json or slack");
        if (text != NULL && strcmp(text, "slack") == 0)
            target->format = TN_ALERT_FORMAT_SLACK;
        else if (text != NULL && strcmp(text, "json") != 0)
            problem(w, value, here, "'%s' — expected json or slack", text);
    } else {
        read_headers(w, target, value, here);
    }
}

static void read_target(walk *w, tn_alert_target *target, const yaml_node_t *key,
                        const yaml_node_t *node) {
    const char *name = scalar(key) ? scalar(key) : "?";
    char where[120];
    snprintf(where, sizeof where, "alerts.targets.%.64s", name);
    target->name = copy(w, name);
    target->line = (int)key->start_mark.line + 1;
    if (!valid_name(name))
        problem(w, key, "alerts.targets",
                "'%s' is not a target name — expected letters, digits, -, _ and ., at most 64",
                name);
    if (!expect_mapping(w, node, where, "{url: …, format: json or slack, headers: {…}}"))
        return;
    static const char *const known[] = {"url", "format", "headers", NULL};
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top; pair++) {
        const yaml_node_t *option = node_at(w, pair->key);
        if (!repeated_key(w, node, pair) && known_key(w, option, where, known))
            read_target_key(w, target, scalar(option), node_at(w, pair->value), where);
    }
    if (value_of(w, node, "url") == NULL)
        problem(w, node, where, "lacks url: where does the POST go?");
}

static void read_targets(walk *w, tn_alert_config *config, const yaml_node_t *node) {
    if (!expect_mapping(w, node, "alerts.targets", "one entry per target: NAME: {url: …}"))
        return;
    size_t count = (size_t)(node->data.mapping.pairs.top - node->data.mapping.pairs.start);
    if (count == 0)
        problem(w, node, "alerts.targets", "is empty: expected at least one target");
    config->targets = calloc(count + 1, sizeof *config->targets);
    if (config->targets == NULL) {
        w->out_of_memory = true;
        return;
    }
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top; pair++)
        if (!repeated_key(w, node, pair))
            read_target(w, &config->targets[config->target_count++], node_at(w, pair->key),
                        node_at(w, pair->value));
}

/* ---- delivery -------------------------------------------------------------------------------- */

static void read_delivery(walk *w, tn_alert_config *config, const yaml_node_t *node) {
    if (!expect_mapping(w, node, "alerts.delivery", "{attempts: N, backoff_ms: N, timeout_ms: N}"))
        return;
    static const char *const known[] = {"attempts", "backoff_ms", "timeout_ms", NULL};
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top; pair++) {
        const yaml_node_t *key = node_at(w, pair->key), *value = node_at(w, pair->value);
        if (repeated_key(w, node, pair) || !known_key(w, key, "alerts.delivery", known))
            continue;
        const char *name = scalar(key);
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
    const char *text = expect_text(w, node, where, expected);
    for (int t = 0; text != NULL && t < 3; t++) {
        if (strcmp(text, tiers[t]) == 0) {
            *rank = t + 1;
            return true;
        }
    }
    if (text != NULL)
        problem(w, node, where, "'%s' — expected %s", text, expected);
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
        problem(w, node, where, "is empty: expected %s", tn_strbuf_cstr(&expected));
    for (size_t i = 0; i < count; i++) {
        const yaml_node_t *item = list ? node_at(w, node->data.sequence.items.start[i]) : node;
        const char *plan = expect_text(w, item, where, tn_strbuf_cstr(&expected));
        if (plan != NULL && !tn_contract_accepts(w->plan_tier, plan))
            problem(w, item, where, "'%s' — expected %s", plan, tn_strbuf_cstr(&expected));
        else if (plan != NULL)
            tn_strbuf_printf(&plans, "%s%s", plans.length > 0 ? "," : "", plan);
    }
    if (plans.length > 0 && (when->plan_tiers = tn_strbuf_detach(&plans)) == NULL)
        w->out_of_memory = true;
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
    if (!expect_mapping(w, node, where, "{condition: value, …}: the conditions, all of them hold"))
        return;
    if (node->data.mapping.pairs.top == node->data.mapping.pairs.start)
        problem(w, node, where, "is empty: expected at least one condition");
    const char *known[TN_ALERT_CONDITIONS + 1];
    for (int c = 0; c < TN_ALERT_CONDITIONS; c++)
        known[c] = condition_keys[c];
    known[TN_ALERT_CONDITIONS] = NULL;
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top; pair++) {
        const yaml_node_t *key = node_at(w, pair->key);
        if (repeated_key(w, node, pair) || !known_key(w, key, where, known))
            continue;
        char here[200];
        snprintf(here, sizeof here, "%.120s.%.40s", where, scalar(key));
        for (int c = 0; c < TN_ALERT_CONDITIONS; c++)
            if (strcmp(scalar(key), condition_keys[c]) == 0)
                read_condition(w, when, (tn_alert_condition)c, node_at(w, pair->value), here);
    }
}

/* to: a target's name or a list of them, each a target of alerts.targets, once. */
static void read_to(walk *w, const tn_alert_config *config, tn_alert_rule *rule,
                    const yaml_node_t *node, const char *where) {
    bool list = node->type == YAML_SEQUENCE_NODE;
    size_t count =
        list ? (size_t)(node->data.sequence.items.top - node->data.sequence.items.start) : 1;
    if (count == 0)
        problem(w, node, where, "is empty: expected the name of a target or a list of them");
    rule->targets = calloc(count + 1, sizeof *rule->targets);
    if (rule->targets == NULL) {
        w->out_of_memory = true;
        return;
    }
    for (size_t i = 0; i < count; i++) {
        const yaml_node_t *item = list ? node_at(w, node->data.sequence.items.start[i]) : node;
        const char *name = expect_text(w, item, where, "the name of a target of alerts.targets");
        const tn_alert_target *target = name ? tn_alert_target_find(config, name) : NULL;
        size_t index = target != NULL ? (size_t)(target - config->targets) : 0;
        bool repeated = false;
        for (size_t j = 0; target != NULL && j < rule->target_count; j++)
            repeated = repeated || rule->targets[j] == index;
        if (name != NULL && target == NULL)
            problem(w, item, where, "'%s' is not a target of alerts.targets", name);
        else if (repeated)
            problem(w, item, where, "'%s' appears twice", name);
        else if (target != NULL)
            rule->targets[rule->target_count++] = index;
    }
}

static void read_rule(walk *w, const tn_alert_config *config, tn_alert_rule *rule,
                      const yaml_node_t *node, const char *where) {
    rule->line = (int)node->start_mark.line + 1;
    if (!expect_mapping(w, node, where, "{name: …, when: {…}, to: [targets]}"))
        return;
    static const char *const known[] = {"name", "when", "to", NULL};
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top; pair++) {
        const yaml_node_t *key = node_at(w, pair->key), *value = node_at(w, pair->value);
        const char *option = scalar(key);
        if (repeated_key(w, node, pair) || !known_key(w, key, where, known) || option == NULL)
            continue;
        char here[160];
        snprintf(here, sizeof here, "%.120s.%s", where, option);
        const char *name =
            strcmp(option, "name") == 0 ? expect_text(w, value, here, "the rule's name") : NULL;
        if (name != NULL && !valid_name(name))
            problem(w, value, here,
                    "'%s' — expected a name of letters, digits, -, _ and ., at most 64", name);
        else if (name != NULL)
            rule->name = copy(w, name);
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
            problem(w, node, where, "lacks %s: %s", required[k], why[k]);
}

static void read_rules(walk *w, tn_alert_config *config, const yaml_node_t *node) {
    if (node->type != YAML_SEQUENCE_NODE) {
        problem(w, node, "alerts.rules", "expected a list of rules: - name: …");
        return;
    }
    size_t count = (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
    if (count == 0)
        problem(w, node, "alerts.rules", "is empty: expected at least one rule");
    config->rules = calloc(count + 1, sizeof *config->rules);
    if (config->rules == NULL) {
        w->out_of_memory = true;
        return;
    }
    for (size_t i = 0; i < count; i++) {
        const yaml_node_t *item = node_at(w, node->data.sequence.items.start[i]);
        tn_alert_rule *rule = &config->rules[config->rule_count++];
        char where[48];
        snprintf(where, sizeof where, "alerts.rules[%zu]", i);
        read_rule(w, config, rule, item, where);
        for (size_t j = 0; rule->name != NULL && j + 1 < config->rule_count; j++)
            if (config->rules[j].name != NULL && strcmp(config->rules[j].name, rule->name) == 0)
                problem(w, value_of(w, item, "name"), where,
                        "'%s' is the name of rule %zu too — expected a name of its own", rule->name,
                        j);
    }
}

/* alerts: {targets, delivery, rules}; the targets first, for the rules' `to`. */
static void read_alerts(walk *w, tn_alert_config *config, const yaml_node_t *node) {
    config->present = true;
    if (!expect_mapping(w, node, "alerts", "targets:, rules: and optionally delivery:"))
        return;
    static const char *const known[] = {"targets", "delivery", "rules", NULL};
    for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
         pair < node->data.mapping.pairs.top; pair++)
        if (!repeated_key(w, node, pair))
            known_key(w, node_at(w, pair->key), "alerts", known);
    const yaml_node_t *targets = value_of(w, node, "targets"), *rules = value_of(w, node, "rules"),
                      *delivery = value_of(w, node, "delivery");
    if (targets != NULL)
        read_targets(w, config, targets);
    else
        problem(w, node, "alerts", "lacks targets: where do alerts go?");
    if (delivery != NULL)
        read_delivery(w, config, delivery);
    if (rules != NULL)
        read_rules(w, config, rules);
    else
        problem(w, node, "alerts", "lacks rules: which changes make an alert?");
}

/* ---- the file -------------------------------------------------------------------------------- */

static void load_document(walk *w, FILE *file, tn_alert_config *out) {
    yaml_parser_t parser;
    yaml_document_t document;
    if (!yaml_parser_initialize(&parser)) {
        w->out_of_memory = true;
        return;
    }
    yaml_parser_set_input_file(&parser, file);
    if (!yaml_parser_load(&parser, &document)) {
        w->problem_count++;
        tn_strbuf_printf(w->problems, "%s:%zu:%zu: not valid YAML: %s%s%s\n", w->path,
                         parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                         parser.problem ? parser.problem : "syntax error",
                         parser.context ? " " : "", parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        return;
    }
    w->document = &document;
    const yaml_node_t *root = yaml_document_get_root_node(&document);
    if (root != NULL && root->type != YAML_MAPPING_NODE)
        problem(w, root, "(file)", "expected a mapping: alerts: and the tables");
    else if (root != NULL && value_of(w, root, "alerts") != NULL)
        read_alerts(w, out, value_of(w, root, "alerts"));
    yaml_document_delete(&document);
    yaml_parser_delete(&parser);
}

bool tn_alert_config_load(const char *path, tn_alert_config *out, tn_strbuf *problems,
                          tn_error *err) {
    memset(out, 0, sizeof *out);
    out->policy = (tn_webhook_policy){TN_ALERT_DEFAULT_ATTEMPTS, TN_ALERT_DEFAULT_BACKOFF_MS};
    out->timeout_ms = TN_ALERT_DEFAULT_TIMEOUT_MS;
    tn_contract *contract = calloc(1, sizeof *contract);
    if (contract == NULL)
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    if (!tn_contract_load(contract, err)) {
        free(contract);
        return false;
    }
    const tn_contract_table *customers = &contract->tables[tn_contract_table_index("customers")];
    walk w = {.path = path,
              .problems = problems,
              .plan_tier = &customers->columns[tn_contract_column_index(customers, "plan_tier")]};
    FILE *file = fopen(path, "rb");
    bool ok = file != NULL ||
              tn_error_set(err, errno == ENOENT ? TN_ERR_INPUT : TN_ERR_IO, "%s: %s", path,
                           errno == ENOENT ? "no such project file" : strerror(errno));
    if (ok && (out->path = strdup(path)) != NULL)
        load_document(&w, file, out);
    if (file != NULL)
        fclose(file);
    if (ok && (w.out_of_memory || out->path == NULL))
        ok = tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    else if (ok && w.problem_count > 0)
        ok = tn_error_set(err, TN_ERR_INPUT, "%s: %d problem%s in the alerts", path,
                          w.problem_count, w.problem_count == 1 ? "" : "s");
    free(contract);
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
