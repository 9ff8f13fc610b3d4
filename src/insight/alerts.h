/*
 * alerts.h — the alerts of one as-of date: which customers each rule of
 * the project file fires for (insight/alert_rules.h), what is sent to each
 * target, and the delivery log.
 *
 * Three steps, so that the network is never used while the warehouse is
 * held for writing:
 *   1. tn_alerts_plan reads the score history (sql/alerts/fired.sql, over
 *      history/latest_per_as_of.sql: the latest scoring of the as-of date
 *      beside the recorded as-of date before it) and the delivery log, and
 *      makes the alerts and one delivery per alert and target of its rule;
 *      a delivery the log has as delivered is marked so and is not sent.
 *   2. tn_alerts_send sends the others (webhook.h: retries and backoff).
 *   3. tn_alerts_log writes what happened to history.alert_deliveries, in
 *      one transaction (sql/alerts/schema.sql says what each column holds).
 *
 * An alert is named by its idempotency key, the hex SHA-256 of
 * "rule/customer_id/as_of", sent as the Idempotency-Key header: the same
 * alert has the same key in every run, and a receiver that saw it can
 * tell. The first recorded as-of date has nothing to compare with: it
 * fires nothing.
 */
#ifndef TN_INSIGHT_ALERTS_H
#define TN_INSIGHT_ALERTS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/date.h"
#include "common/error.h"
#include "common/sha256.h"
#include "insight/alert_rules.h"
#include "insight/webhook.h"
#include "warehouse/db.h"

/* One rule firing for one customer. */
typedef struct {
    const tn_alert_rule *rule; /* borrowed from the config */
    char key[TN_SHA256_HEX];   /* the idempotency key */
    char *customer_id;         /* owned */
    char *name;                /* the account's name; NULL when the warehouse has none; owned */
    char *reason;              /* one sentence in business words; owned */
    char *json;                /* the JSON document sent to json targets; owned */
    char *slack;               /* {"text": …} sent to slack targets; owned */
} tn_alert;

typedef enum {
    TN_DELIVERY_PENDING,   /* to send */
    TN_DELIVERY_ALREADY,   /* the log has it as delivered: never sent again */
    TN_DELIVERY_DELIVERED, /* sent by this run: a 2xx came */
    TN_DELIVERY_FAILED,    /* sent by this run: every attempt failed, or a 4xx came */
} tn_delivery_state;

/* One alert to one target. */
typedef struct {
    size_t alert;       /* index into the plan's alerts */
    size_t target;      /* index into the config's targets */
    bool failed_before; /* the log has it as failed by an earlier run: this is a retry */
    tn_delivery_state state;
    tn_webhook_outcome outcome;                                 /* after sending */
    char first_attempt[TN_TIME_BUF], last_attempt[TN_TIME_BUF]; /* "YYYY-MM-DDTHH:MM:SSZ" */
} tn_alert_delivery;

/* The alerts of one as-of date. */
typedef struct {
    char as_of[16];    /* "YYYY-MM-DD" */
    char previous[16]; /* the recorded as-of date before it; "" when it is the first */
    tn_alert *alerts;  /* by rule, then ARR, largest first; owned */
    size_t alert_count;
    tn_alert_delivery *deliveries; /* by alert, then target; owned */
    size_t delivery_count;
} tn_alert_plan;

/* The idempotency key of `rule` firing for `customer_id` at `as_of`, into out[65]. */
char *tn_alert_key(const char *rule, const char *customer_id, const char *as_of,
                   char out[TN_SHA256_HEX]);

/*
 * The alerts of `config`'s rules at `as_of` ("YYYY-MM-DD"; NULL: the
 * latest recorded as-of date) from the score history of `db` (read only),
 * and their deliveries as the log has them. A warehouse without a score
 * history, or an as-of date it does not record, is TN_ERR_INPUT saying so.
 * Free `out` with tn_alert_plan_free either way.
 */
bool tn_alerts_plan(tn_db *db, const tn_alert_config *config, const char *as_of, tn_alert_plan *out,
                    tn_error *err);

/* Called after each delivery is sent. */
typedef void (*tn_alerts_progress)(void *context, const tn_alert_plan *plan,
                                   const tn_alert_delivery *delivery);

/* How tn_alerts_send reaches the network: webhook.h's functions, or a test's. */
typedef struct {
    tn_webhook_sender attempt_once;
    tn_webhook_sleeper wait_for;
    void *context;
    tn_alerts_progress progress; /* may be NULL */
    void *progress_context;
} tn_alerts_transport;

/* Sends every pending delivery of `plan` to its target under the config's policy. */
void tn_alerts_send(tn_alert_plan *plan, const tn_alert_config *config,
                    const tn_alerts_transport *transport);

/* How many deliveries of `plan` are in `state`. */
size_t tn_alerts_count(const tn_alert_plan *plan, tn_delivery_state state);

/*
 * Writes the deliveries sent by this run to history.alert_deliveries of
 * `db` (open for writing), creating the table the first time; all or
 * nothing, in one transaction.
 */
bool tn_alerts_log(tn_db *db, const tn_alert_plan *plan, const tn_alert_config *config,
                   tn_error *err);

void tn_alert_plan_free(tn_alert_plan *plan);

#endif
