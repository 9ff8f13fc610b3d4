/*
 * alerts.c — the alerts of one as-of date: evaluating the rules over the
 * score history, sending, and the delivery log (see alerts.h).
 */
#include "insight/alerts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "common/alloc.h"
#include "common/embedded.h"
#include "common/json.h"
#include "insight/documents.h"
#include "insight/history.h"
#include "insight/wording.h"
#include "warehouse/query.h"
#include "warehouse/table.h"

char *tn_alert_key(const char *rule, const char *customer_id, const char *as_of,
                   char out[TN_SHA256_HEX]) {
    tn_strbuf text = TN_STRBUF_INIT;
    /* a rule's name has no '/' and an as-of date is 10 characters: the parts are unambiguous */
    if (!tn_strbuf_printf(&text, "%s/%s/%s", rule, customer_id, as_of)) {
        out[0] = '\0'; /* out of memory: no key, and the caller's alert is dropped */
        return out;
    }
    tn_sha256_hex(text.data, text.length, out);
    tn_strbuf_free(&text);
    return out;
}

/* ---- reading the history --------------------------------------------------------------------- */

/* The as-of date to evaluate and the one before it into `out`; TN_ERR_INPUT when there is none. */
static bool choose_dates(tn_db *db, const char *as_of, tn_alert_plan *out, tn_error *err) {
    bool exists = false;
    if (!tn_history_exists(db, &exists, err))
        return false;
    tn_table dates = {0};
    const char *params[] = {as_of};
    bool ok = exists && tn_history_query(db, "sql/alerts/as_of_dates.sql", params, 1, &dates, err);
    const char *chosen = ok && dates.rows == 1 ? tn_table_text_at(&dates, "as_of", 0) : NULL;
    const char *latest = ok && dates.rows == 1 ? tn_table_text_at(&dates, "latest", 0) : NULL;
    if (exists && !ok)
        tn_error_prefix(err, "the score history");
    else if (!exists || chosen == NULL)
        ok = tn_error_set(err, TN_ERR_INPUT,
                          "the score history is empty: alerts compare scorings, and each "
                          "'tenure score' of a new as-of date records one");
    else if (tn_table_number_at(&dates, "recorded", 0) < 1)
        ok = tn_error_set(err, TN_ERR_INPUT,
                          "--as-of %s: the score history records no scoring as of that date "
                          "(the latest is of %s)",
                          chosen, latest != NULL ? latest : "none");
    if (ok) {
        const char *previous = tn_table_text_at(&dates, "previous", 0);
        snprintf(out->as_of, sizeof out->as_of, "%s", chosen);
        snprintf(out->previous, sizeof out->previous, "%s", previous != NULL ? previous : "");
    }
    tn_table_free(&dates);
    return ok;
}

/* ---- the alert in words and in JSON ---------------------------------------------------------- */

static const char *const tier_names[] = {"low", "medium", "high", "critical"};

/* "62,000" */
static const char *amount(double value, char *out, size_t size) {
    char digits[32];
    snprintf(digits, sizeof digits, "%.0f", fabs(value));
    size_t length = strlen(digits), used = 0;
    if (value < 0 && used + 1 < size)
        out[used++] = '-';
    for (size_t i = 0; i < length && used + 2 < size; i++) {
        if (i > 0 && (length - i) % 3 == 0)
            out[used++] = ',';
        out[used++] = digits[i];
    }
    out[used] = '\0';
    return out;
}

/* How one changing condition held, "churn risk rose from high to critical", into out[size]. */
static void change_words(tn_alert_condition c, const tn_alert_rule *rule, const tn_table *rows,
                         size_t r, bool before, char *out, size_t size) {
    static const struct {
        const char *what, *tier_before, *tier_now, *before, *now;
        bool share;
    } measures[] = {
        {"churn risk", "churn_tier_before", "churn_tier_now", "churn_before", "churn_now", true},
        {"risk score", "risk_tier_before", "risk_tier_now", "risk_before", "risk_now", false},
        {"upgrade propensity", "upgrade_tier_before", "upgrade_tier_now", "upgrade_before",
         "upgrade_now", true},
    };
    int m = c == TN_ALERT_RISK_TIER_ENTERS || c == TN_ALERT_RISK_SCORE_CROSSES      ? 1
            : c == TN_ALERT_UPGRADE_TIER_ENTERS || c == TN_ALERT_PROPENSITY_CROSSES ? 2
                                                                                    : 0;
    const char *tier_before = tn_table_text_at(rows, measures[m].tier_before, r);
    double from = tn_table_number_at(rows, measures[m].before, r),
           to = tn_table_number_at(rows, measures[m].now, r);
    char a[24], b[24], x[24];
    const char *format = measures[m].share ? "%.1f %%" : "%.2f";
    double scale = measures[m].share ? 100 : 1;
    snprintf(a, sizeof a, format, scale * from);
    snprintf(b, sizeof b, format, scale * to);
    snprintf(x, sizeof x, format, scale * rule->when.value[c]);
    if (c <= TN_ALERT_UPGRADE_TIER_ENTERS && before)
        snprintf(out, size, "%s rose from %s to %s", measures[m].what,
                 tier_before != NULL ? tier_before : "none",
                 tn_table_text_at(rows, measures[m].tier_now, r));
    else if (c <= TN_ALERT_UPGRADE_TIER_ENTERS)
        snprintf(out, size, "%s is %s", measures[m].what,
                 tn_table_text_at(rows, measures[m].tier_now, r));
    else if (c == TN_ALERT_CHURN_PROBABILITY_RISES_BY)
        snprintf(out, size, "churn probability rose %.1f points, from %s to %s", 100 * (to - from),
                 a, b);
    else if (before && !isnan(from))
        snprintf(out, size, "%s crossed %s, from %s to %s", measures[m].what, x, a, b);
    else
        snprintf(out, size, "%s reached %s, at %s", measures[m].what, x, b);
}

/* The alert's sentence: who, what changed since the previous as-of, and the standing conditions. */
static char *reason(const tn_alert_rule *rule, const tn_table *rows, size_t r,
                    const char *previous) {
    const char *id = tn_table_text_at(rows, "customer_id", r),
               *name = tn_table_text_at(rows, "name", r);
    bool before = strcmp(tn_table_text_at(rows, "scored_before", r), "yes") == 0;
    tn_strbuf out = TN_STRBUF_INIT;
    tn_strbuf_printf(&out, "%s", name != NULL ? name : id);
    if (!before)
        tn_strbuf_printf(&out, ", a customer new since %s", previous);
    tn_strbuf_puts(&out, ": ");
    int changes = 0, last = -1;
    for (int c = 0; c <= TN_ALERT_CHURN_PROBABILITY_RISES_BY; c++)
        if (rule->when.set[c]) {
            changes++;
            last = c;
        }
    for (int c = 0, said = 0; c <= TN_ALERT_CHURN_PROBABILITY_RISES_BY; c++) {
        if (!rule->when.set[c])
            continue;
        char words[200];
        change_words((tn_alert_condition)c, rule, rows, r, before, words, sizeof words);
        tn_strbuf_printf(&out, "%s%s", said++ == 0 ? "" : c == last ? " and " : ", ", words);
    }
    if (changes > 0 && before)
        tn_strbuf_printf(&out, " since %s", previous);
    char arr[40];
    amount(tn_table_number_at(rows, "arr_now", r), arr, sizeof arr);
    const char *plan = tn_table_text_at(rows, "plan_tier", r);
    if (changes == 0)
        tn_strbuf_printf(&out, "ARR is %s USD", arr);
    else
        tn_strbuf_printf(&out, " (ARR %s USD%s%s)", arr, plan ? ", plan " : "", plan ? plan : "");
    tn_strbuf_printf(&out, ". Rule %s.", rule->name);
    return tn_strbuf_detach(&out);
}

/* {"before": …, "now": …} of two columns, numbers or texts. */
static json_t *before_now(const tn_table *rows, size_t r, const char *before, const char *now) {
    if (tn_table_numbers(rows, now) != NULL)
        return json_pack("{s:o, s:o}", "before", tn_json_real(tn_table_number_at(rows, before, r)),
                         "now", tn_json_real(tn_table_number_at(rows, now, r)));
    const char *a = tn_table_text_at(rows, before, r), *b = tn_table_text_at(rows, now, r);
    return json_pack("{s:o, s:o}", "before", a ? json_string(a) : json_null(), "now",
                     b ? json_string(b) : json_null());
}

/* A list of drivers "f1,f2" as [{"feature", "label"}]. */
static json_t *drivers(const char *list) {
    json_t *out = json_array();
    char *copy = list != NULL ? strdup(list) : NULL;
    char *rest = copy;
    for (char *feature; copy != NULL && (feature = strsep(&rest, ",")) != NULL;) {
        char label[128];
        if (feature[0] != '\0')
            json_array_append_new(out, json_pack("{s:s, s:s}", "feature", feature, "label",
                                                 tn_feature_label(feature, label, sizeof label)));
    }
    free(copy);
    return out;
}

/* The rule's conditions as the project file says them. */
static json_t *conditions(const tn_alert_rule *rule) {
    json_t *when = json_object();
    for (int c = 0; c < TN_ALERT_CONDITIONS; c++) {
        if (!rule->when.set[c])
            continue;
        json_t *value = c <= TN_ALERT_UPGRADE_TIER_ENTERS
                            ? json_string(tier_names[(int)rule->when.value[c]])
                        : c == TN_ALERT_PLAN_TIER ? json_string(rule->when.plan_tiers)
                                                  : json_real(rule->when.value[c]);
        json_object_set_new(when, tn_alert_condition_key((tn_alert_condition)c), value);
    }
    return when;
}

/* The JSON document of the alert (new reference). */
static json_t *payload(const tn_alert *alert, const tn_table *rows, size_t r,
                       const tn_alert_plan *plan) {
    const char *name = tn_table_text_at(rows, "name", r),
               *owner = tn_table_text_at(rows, "owner", r);
    return json_pack(
        "{s:s, s:o, s:s, s:s, s:o, s:{s:s, s:o, s:o}, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
        "s:o, s:o}",
        "rule", alert->rule->name, "when", conditions(alert->rule), "idempotency_key", alert->key,
        "as_of", plan->as_of, "previous_as_of", json_string(plan->previous), "customer", "id",
        alert->customer_id, "name", name ? json_string(name) : json_null(), "owner",
        owner ? json_string(owner) : json_null(), "reason", alert->reason, "churn_probability",
        before_now(rows, r, "churn_before", "churn_now"), "churn_tier",
        before_now(rows, r, "churn_tier_before", "churn_tier_now"), "upgrade_propensity",
        before_now(rows, r, "upgrade_before", "upgrade_now"), "upgrade_tier",
        before_now(rows, r, "upgrade_tier_before", "upgrade_tier_now"), "risk_score",
        before_now(rows, r, "risk_before", "risk_now"), "risk_score_tier",
        before_now(rows, r, "risk_tier_before", "risk_tier_now"), "arr",
        before_now(rows, r, "arr_before", "arr_now"), "churn_drivers",
        drivers(tn_table_text_at(rows, "churn_drivers", r)), "upgrade_drivers",
        drivers(tn_table_text_at(rows, "upgrade_drivers", r)));
}

/* One alert of `rule` from row r of its fired.sql rows; false when memory runs out. */
static bool make_alert(const tn_alert_rule *rule, const tn_table *rows, size_t r,
                       const tn_alert_plan *plan, tn_alert *out) {
    const char *id = tn_table_text_at(rows, "customer_id", r),
               *name = tn_table_text_at(rows, "name", r);
    out->rule = rule;
    tn_alert_key(rule->name, id, plan->as_of, out->key);
    out->customer_id = strdup(id);
    out->name = name != NULL ? strdup(name) : NULL;
    out->reason = reason(rule, rows, r, plan->previous);
    if (out->key[0] == '\0' || out->customer_id == NULL || (name && !out->name) || !out->reason)
        return false;
    out->json = tn_document_text(payload(out, rows, r, plan), TN_DOCUMENT_DIGITS);
    tn_strbuf text = TN_STRBUF_INIT;
    tn_strbuf_printf(&text, "%s (as of %s)", out->reason, plan->as_of);
    out->slack = tn_document_text(json_pack("{s:s}", "text", tn_strbuf_cstr(&text)), 0);
    tn_strbuf_free(&text);
    return out->json != NULL && out->slack != NULL;
}

/* ---- the plan -------------------------------------------------------------------------------- */

/* The rows `rule` fires for: sql/alerts/fired.sql with the rule's conditions bound. */
static bool read_fired(tn_db *db, const tn_alert_rule *rule, const tn_alert_plan *plan,
                       tn_table *rows, tn_error *err) {
    char values[TN_ALERT_CONDITIONS][32];
    const char *params[2 + TN_ALERT_CONDITIONS] = {plan->as_of, plan->previous};
    for (int c = 0; c < TN_ALERT_CONDITIONS; c++) {
        snprintf(values[c], sizeof values[c], "%.17g", rule->when.value[c]);
        params[2 + c] = !rule->when.set[c]        ? NULL
                        : c == TN_ALERT_PLAN_TIER ? rule->when.plan_tiers
                                                  : values[c];
    }
    bool ok =
        tn_history_query(db, "sql/alerts/fired.sql", params, 2 + TN_ALERT_CONDITIONS, rows, err);
    if (!ok)
        tn_error_prefix(err, "alerts: rule %s", rule->name);
    return ok;
}

/* Appends the alerts of `rule` and one pending delivery per alert and target. */
static bool add_rule_alerts(tn_db *db, const tn_alert_rule *rule, tn_alert_plan *plan,
                            tn_error *err) {
    tn_table rows = {0};
    bool ok = read_fired(db, rule, plan, &rows, err);
    tn_alert *alerts =
        ok ? realloc(plan->alerts, (plan->alert_count + rows.rows + 1) * sizeof *alerts) : NULL;
    tn_alert_delivery *deliveries =
        alerts != NULL ? realloc(plan->deliveries,
                                 (plan->delivery_count + rows.rows * rule->target_count + 1) *
                                     sizeof *deliveries)
                       : NULL;
    if (alerts != NULL)
        plan->alerts = alerts;
    if (deliveries != NULL)
        plan->deliveries = deliveries;
    if (ok && deliveries == NULL)
        ok = tn_error_set(err, TN_ERR_NOMEM, "out of memory for the alerts");
    for (size_t r = 0; ok && r < rows.rows; r++) {
        tn_alert *alert = &plan->alerts[plan->alert_count++];
        memset(alert, 0, sizeof *alert);
        if (!make_alert(rule, &rows, r, plan, alert))
            ok = tn_error_set(err, TN_ERR_NOMEM, "out of memory for the alerts");
        for (size_t t = 0; ok && t < rule->target_count; t++)
            plan->deliveries[plan->delivery_count++] =
                (tn_alert_delivery){.alert = plan->alert_count - 1, .target = rule->targets[t]};
    }
    tn_table_free(&rows);
    return ok;
}

/* Marks each delivery the log has: delivered (not to send again) or failed before (a retry). */
static bool mark_logged(tn_db *db, const tn_alert_config *config, tn_alert_plan *plan,
                        tn_error *err) {
    bool exists = false;
    if (!tn_query_table_exists(db, "history", "alert_deliveries", &exists, err))
        return false;
    if (!exists)
        return true; /* nothing was ever sent */
    tn_table logged = {0};
    const char *params[] = {plan->as_of};
    bool ok = tn_table_query_params(db, tn_embedded_text("sql/alerts/logged.sql"), params, 1,
                                    &logged, err);
    for (size_t d = 0; ok && d < plan->delivery_count; d++) {
        tn_alert_delivery *delivery = &plan->deliveries[d];
        const char *key = plan->alerts[delivery->alert].key;
        const char *target = config->targets[delivery->target].name;
        for (size_t r = 0; r < logged.rows; r++) {
            if (strcmp(tn_table_text_at(&logged, "idempotency_key", r), key) != 0 ||
                strcmp(tn_table_text_at(&logged, "target", r), target) != 0)
                continue;
            bool delivered = strcmp(tn_table_text_at(&logged, "status", r), "delivered") == 0;
            delivery->state = delivered ? TN_DELIVERY_ALREADY : TN_DELIVERY_PENDING;
            delivery->failed_before = !delivered;
        }
    }
    tn_table_free(&logged);
    if (!ok)
        tn_error_prefix(err, "the delivery log, history.alert_deliveries");
    return ok;
}

bool tn_alerts_plan(tn_db *db, const tn_alert_config *config, const char *as_of, tn_alert_plan *out,
                    tn_error *err) {
    memset(out, 0, sizeof *out);
    if (!choose_dates(db, as_of, out, err))
        return false;
    if (out->previous[0] == '\0')
        return true; /* the first recorded as-of date: nothing to compare with */
    for (size_t i = 0; i < config->rule_count; i++)
        if (!add_rule_alerts(db, &config->rules[i], out, err))
            return false;
    return mark_logged(db, config, out, err);
}

/* ---- sending --------------------------------------------------------------------------------- */

static void now_utc(char out[TN_TIME_BUF]) {
    tn_time_format_utc(time(NULL), out);
}

/* Sends one delivery under the config's policy. */
static void send_one(tn_alert_delivery *delivery, const tn_alert *alert,
                     const tn_alert_config *config, const tn_alerts_transport *transport) {
    const tn_alert_target *target = &config->targets[delivery->target];
    const char *body = target->format == TN_ALERT_FORMAT_SLACK ? alert->slack : alert->json;
    char key_header[32 + TN_SHA256_HEX];
    snprintf(key_header, sizeof key_header, "Idempotency-Key: %s", alert->key);
    const char *headers[1 + TN_ALERT_MAX_HEADERS];
    size_t count = 0;
    headers[count++] = key_header;
    for (size_t h = 0; h < target->header_count && h < TN_ALERT_MAX_HEADERS; h++)
        headers[count++] = target->headers[h];
    tn_webhook_request request = {target->url, body,  strlen(body),
                                  headers,     count, config->timeout_ms};
    now_utc(delivery->first_attempt);
    tn_webhook_deliver(&config->policy, &request, transport->attempt_once, transport->wait_for,
                       transport->context, &delivery->outcome);
    now_utc(delivery->last_attempt);
    delivery->state = delivery->outcome.delivered ? TN_DELIVERY_DELIVERED : TN_DELIVERY_FAILED;
}

void tn_alerts_send(tn_alert_plan *plan, const tn_alert_config *config,
                    const tn_alerts_transport *transport) {
    for (size_t d = 0; d < plan->delivery_count; d++) {
        tn_alert_delivery *delivery = &plan->deliveries[d];
        if (delivery->state != TN_DELIVERY_PENDING)
            continue;
        send_one(delivery, &plan->alerts[delivery->alert], config, transport);
        if (transport->progress != NULL)
            transport->progress(transport->progress_context, plan, delivery);
    }
}

size_t tn_alerts_count(const tn_alert_plan *plan, tn_delivery_state state) {
    size_t count = 0;
    for (size_t d = 0; d < plan->delivery_count; d++)
        count += plan->deliveries[d].state == state;
    return count;
}

/* ---- the delivery log ------------------------------------------------------------------------ */

/* One sent delivery into the log (sql/alerts/log_delivery.sql). */
static bool log_one(tn_db *db, const tn_alert_plan *plan, const tn_alert_delivery *delivery,
                    const tn_alert_config *config, tn_error *err) {
    const tn_alert *alert = &plan->alerts[delivery->alert];
    const tn_webhook_response *last = &delivery->outcome.last;
    char attempts[16], status[16], error[300] = "";
    snprintf(attempts, sizeof attempts, "%d", delivery->outcome.attempts);
    snprintf(status, sizeof status, "%ld", last->status);
    if (!delivery->outcome.delivered)
        tn_webhook_describe(last, error, sizeof error);
    const char *params[] = {alert->key,
                            config->targets[delivery->target].name,
                            alert->rule->name,
                            alert->customer_id,
                            plan->as_of,
                            delivery->outcome.delivered ? "delivered" : "failed",
                            attempts,
                            last->status != 0 ? status : NULL,
                            error[0] != '\0' ? error : NULL,
                            delivery->first_attempt,
                            delivery->last_attempt};
    return tn_db_exec_params(db, tn_embedded_text("sql/alerts/log_delivery.sql"), params,
                             sizeof params / sizeof params[0], err);
}

bool tn_alerts_log(tn_db *db, const tn_alert_plan *plan, const tn_alert_config *config,
                   tn_error *err) {
    if (!tn_db_exec(db, tn_embedded_text("sql/alerts/schema.sql"), err) || !tn_db_begin(db, err))
        return false;
    bool ok = true;
    for (size_t d = 0; ok && d < plan->delivery_count; d++) {
        tn_delivery_state state = plan->deliveries[d].state;
        if (state == TN_DELIVERY_DELIVERED || state == TN_DELIVERY_FAILED)
            ok = log_one(db, plan, &plan->deliveries[d], config, err);
    }
    if (!ok) {
        tn_db_rollback(db);
        tn_error_prefix(err, "the delivery log, history.alert_deliveries");
        return false;
    }
    return tn_db_commit(db, err);
}

void tn_alert_plan_free(tn_alert_plan *plan) {
    for (size_t i = 0; i < plan->alert_count; i++) {
        tn_alert *alert = &plan->alerts[i];
        free(alert->customer_id);
        free(alert->name);
        free(alert->reason);
        free(alert->json);
        free(alert->slack);
    }
    free(plan->alerts);
    free(plan->deliveries);
    memset(plan, 0, sizeof *plan);
}
