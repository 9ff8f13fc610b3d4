/*
 * cmd_alerts.c — `tenure alerts`: the alerts of the rules of the project
 * file for one as-of date of the score history, sent to their webhooks
 * and logged in the warehouse (insight/alerts.h), or with --dry-run shown
 * and nothing else. `tenure score --project FILE` sends them the same way
 * after a scoring that records a new as-of date (tn_alerts_deliver).
 *
 * The warehouse is held only while it is read (read-only: the rules, the
 * log) and while the log is written, never while a webhook is waited on.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "common/log.h"
#include "insight/alerts.h"

static struct {
    const char *db_path, *project, *format;
    tn_day as_of;
    bool dry_run;
    long lock_wait;
} options;

static void set_defaults(void) {
    options.db_path = "data/warehouse.duckdb";
    options.project = NULL;
    options.format = "text";
    options.as_of = TN_DAY_UNSET;
    options.dry_run = false;
    options.lock_wait = 30;
}

static const tn_arg alerts_args[] = {
    {"db", TN_ARG_STRING, "FILE", "DuckDB warehouse (default data/warehouse.duckdb)",
     &options.db_path, 0, 0},
    {"project", TN_ARG_STRING, "FILE",
     "the project file with the alerts: section (required; a directory means DIR/tenure.yml)",
     &options.project, 0, 0},
    {"as-of", TN_ARG_DATE, "D", "the recorded as-of date to alert on (default: the latest)",
     &options.as_of, 0, 0},
    {"dry-run", TN_ARG_FLAG, NULL,
     "show what would be sent, one line per alert and target; send and write nothing",
     &options.dry_run, 0, 0},
    {"format", TN_ARG_STRING, "FMT", "--dry-run's output: text or json (default text)",
     &options.format, 0, 0},
    {"lock-wait", TN_ARG_INT, "SECONDS",
     "while another process holds the warehouse, wait this long for it (default 30)",
     &options.lock_wait, 0, 3600},
    {NULL, TN_ARG_FLAG, NULL, NULL, NULL, 0, 0},
};

/* ---- shared with `tenure score --project` ---------------------------------------------------- */

int tn_alerts_load_config(const char *project, const char *command, tn_alert_config *config) {
    char path[4200];
    struct stat info;
    bool directory = stat(project, &info) == 0 && S_ISDIR(info.st_mode);
    snprintf(path, sizeof path, "%s%s", project, directory ? "/tenure.yml" : "");
    tn_strbuf problems = TN_STRBUF_INIT;
    tn_error err;
    tn_error_clear(&err);
    tn_contract *contract = calloc(1, sizeof *contract);
    bool ok = contract != NULL || tn_error_set(&err, TN_ERR_NOMEM, "out of memory");
    ok = ok && tn_contract_load(contract, &err) &&
         tn_alert_config_load(contract, path, config, &problems, &err);
    free(contract);
    if (!ok) {
        fputs(tn_strbuf_cstr(&problems), stderr);
        tn_log_error("%s: --project %s", command, err.message);
    }
    tn_strbuf_free(&problems);
    return ok ? 0 : tn_error_exit_status(&err);
}

typedef struct {
    const char *command;
    const char *db_path;
    long lock_wait;
} warehouse_wait;

static void on_waiting(void *context, const char *holder) {
    const warehouse_wait *wait = context;
    tn_log_warn("%s: %s is in use (%s); waiting up to %ld s for it (--lock-wait)", wait->command,
                wait->db_path, holder, wait->lock_wait);
}

/* The warehouse, waiting up to --lock-wait while another process holds it. */
static bool open_warehouse(const tn_alerts_run *run, tn_db_mode mode, tn_db **db, tn_error *err) {
    warehouse_wait context = {run->command, run->db_path, run->lock_wait};
    const tn_db_wait wait = {(double)run->lock_wait, &context, on_waiting};
    return tn_db_open_waiting(run->db_path, mode, &wait, db, err);
}

/* The plan of `run`'s as-of date, from the warehouse opened read-only and closed again. */
static bool read_plan(const tn_alerts_run *run, const tn_alert_config *config, tn_alert_plan *plan,
                      tn_error *err) {
    tn_db *db = NULL;
    bool ok = open_warehouse(run, TN_DB_READ_ONLY, &db, err) &&
              tn_alerts_plan(db, config, run->as_of, plan, err);
    tn_db_close(db);
    return ok;
}

/* "would send", "would retry" (failed before), "already delivered"; after sending, the outcome. */
static const char *state_words(const tn_alert_delivery *delivery) {
    switch (delivery->state) {
    case TN_DELIVERY_ALREADY:
        return "already delivered";
    case TN_DELIVERY_DELIVERED:
        return "delivered";
    case TN_DELIVERY_FAILED:
        return "failed";
    default:
        return delivery->failed_before ? "would retry" : "would send";
    }
}

typedef struct {
    const char *command;
    const tn_alert_config *config;
} progress_context;

static void on_delivered(void *context, const tn_alert_plan *plan,
                         const tn_alert_delivery *delivery) {
    const progress_context *p = context;
    const tn_alert *alert = &plan->alerts[delivery->alert];
    const char *target = p->config->targets[delivery->target].name;
    char outcome[300];
    tn_webhook_describe(&delivery->outcome.last, outcome, sizeof outcome);
    if (delivery->state == TN_DELIVERY_DELIVERED)
        tn_log_info("%s: %s -> %s: %s: delivered (%s, attempt %d)", p->command, alert->rule->name,
                    target, alert->customer_id, outcome, delivery->outcome.attempts);
    else
        tn_log_warn("%s: %s -> %s: %s: not delivered after %d attempt%s: %s", p->command,
                    alert->rule->name, target, alert->customer_id, delivery->outcome.attempts,
                    delivery->outcome.attempts == 1 ? "" : "s", outcome);
}

/* Sends the plan's pending deliveries with the real network. */
static bool send_plan(const tn_alerts_run *run, const tn_alert_config *config, tn_alert_plan *plan,
                      tn_error *err) {
    if (!tn_webhook_global_init(err))
        return false;
    progress_context progress = {run->command, config};
    const tn_alerts_transport transport = {tn_webhook_post, tn_webhook_sleep, NULL, on_delivered,
                                           &progress};
    tn_alerts_send(plan, config, &transport);
    tn_webhook_global_cleanup();
    return true;
}

/* Writes the deliveries of this run to the log, the warehouse opened for writing and closed. */
static bool log_plan(const tn_alerts_run *run, const tn_alert_config *config,
                     const tn_alert_plan *plan, tn_error *err) {
    tn_db *db = NULL;
    bool ok =
        open_warehouse(run, TN_DB_READ_WRITE, &db, err) && tn_alerts_log(db, plan, config, err);
    tn_db_close(db);
    return ok;
}

/* The closing lines of a run: what was found, what went, what failed; the exit status. */
static int summarize(const tn_alerts_run *run, const tn_alert_plan *plan) {
    size_t delivered = tn_alerts_count(plan, TN_DELIVERY_DELIVERED),
           already = tn_alerts_count(plan, TN_DELIVERY_ALREADY),
           failed = tn_alerts_count(plan, TN_DELIVERY_FAILED);
    tn_log_info("%s: as of %s (against %s): %zu alert%s, %zu delivered now, %zu delivered before, "
                "%zu failed",
                run->command, plan->as_of, plan->previous, plan->alert_count,
                plan->alert_count == 1 ? "" : "s", delivered, already, failed);
    if (failed == 0)
        return 0;
    tn_log_error("%s: %zu deliver%s failed after every attempt; logged as failed in "
                 "history.alert_deliveries, and the next 'tenure alerts' tries again (exit %d)",
                 run->command, failed, failed == 1 ? "y" : "ies", TN_ALERTS_EXIT_FAILED);
    return TN_ALERTS_EXIT_FAILED;
}

int tn_alerts_deliver(const tn_alerts_run *run, const tn_alert_config *config) {
    tn_alert_plan plan = {0};
    tn_error err;
    tn_error_clear(&err);
    int status = 0;
    if (!read_plan(run, config, &plan, &err)) {
        tn_log_error("%s: %s", run->command, err.message);
        status = tn_error_exit_status(&err);
    } else if (plan.previous[0] == '\0') {
        tn_log_info("%s: %s is the first as-of date the score history records: nothing to "
                    "compare it with, no alerts",
                    run->command, plan.as_of);
    } else if (tn_alerts_count(&plan, TN_DELIVERY_PENDING) == 0) {
        status = summarize(run, &plan);
    } else if (!send_plan(run, config, &plan, &err) || !log_plan(run, config, &plan, &err)) {
        tn_log_error("%s: %s%s", run->command, err.message,
                     tn_alerts_count(&plan, TN_DELIVERY_DELIVERED) > 0
                         ? " (alerts were sent but not logged: a rerun sends them again, with the "
                           "same Idempotency-Key)"
                         : "");
        status = tn_error_exit_status(&err);
    } else {
        status = summarize(run, &plan);
    }
    tn_alert_plan_free(&plan);
    return status;
}

/* ---- `tenure alerts` ------------------------------------------------------------------------- */

/* --dry-run, text: one line per alert and target. */
static void print_text(const tn_alert_plan *plan, const tn_alert_config *config) {
    for (size_t d = 0; d < plan->delivery_count; d++) {
        const tn_alert_delivery *delivery = &plan->deliveries[d];
        const tn_alert *alert = &plan->alerts[delivery->alert];
        printf("%s: %s -> %s: %s\n", state_words(delivery), alert->rule->name,
               config->targets[delivery->target].name, alert->reason);
    }
}

/* --dry-run, JSON: each delivery with the body it would send. */
static bool print_json(const tn_alert_plan *plan, const tn_alert_config *config) {
    json_t *list = json_array();
    for (size_t d = 0; d < plan->delivery_count; d++) {
        const tn_alert_delivery *delivery = &plan->deliveries[d];
        const tn_alert *alert = &plan->alerts[delivery->alert];
        const tn_alert_target *target = &config->targets[delivery->target];
        bool slack = target->format == TN_ALERT_FORMAT_SLACK;
        json_array_append_new(
            list, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "status", state_words(delivery),
                            "rule", alert->rule->name, "target", target->name, "format",
                            slack ? "slack" : "json", "customer_id", alert->customer_id,
                            "idempotency_key", alert->key, "body",
                            json_loads(slack ? alert->slack : alert->json, 0, NULL)));
    }
    json_t *document = json_pack("{s:s, s:o, s:o}", "as_of", plan->as_of, "previous_as_of",
                                 plan->previous[0] ? json_string(plan->previous) : json_null(),
                                 "deliveries", list);
    char *text = json_dumps(document, JSON_COMPACT | JSON_PRESERVE_ORDER);
    bool ok = text != NULL && puts(text) >= 0;
    free(text);
    json_decref(document);
    return ok;
}

static int dry_run(const tn_alerts_run *run, const tn_alert_config *config) {
    tn_alert_plan plan = {0};
    tn_error err;
    tn_error_clear(&err);
    if (!read_plan(run, config, &plan, &err)) {
        tn_log_error("alerts: %s", err.message);
        tn_alert_plan_free(&plan);
        return tn_error_exit_status(&err);
    }
    bool ok = true;
    if (strcmp(options.format, "json") == 0)
        ok = print_json(&plan, config);
    else
        print_text(&plan, config);
    if (plan.previous[0] == '\0')
        tn_log_info("alerts: --dry-run: %s is the first as-of date recorded: no alerts",
                    plan.as_of);
    else
        tn_log_info("alerts: --dry-run: as of %s (against %s): %zu alert%s, %zu to send, %zu "
                    "delivered before; nothing sent, nothing written",
                    plan.as_of, plan.previous, plan.alert_count, plan.alert_count == 1 ? "" : "s",
                    tn_alerts_count(&plan, TN_DELIVERY_PENDING),
                    tn_alerts_count(&plan, TN_DELIVERY_ALREADY));
    tn_alert_plan_free(&plan);
    return ok && fflush(stdout) == 0 ? 0 : 1;
}

static int run_alerts(int positional_count, char **positional) {
    (void)positional_count;
    (void)positional;
    if (options.project == NULL) {
        tn_log_error("alerts: --project FILE is required: the rules are in its alerts: section");
        return 2;
    }
    if (strcmp(options.format, "text") != 0 && strcmp(options.format, "json") != 0) {
        tn_log_error("alerts: --format: expected text or json, got '%s'", options.format);
        return 1;
    }
    if (strcmp(options.format, "text") != 0 && !options.dry_run) {
        tn_log_error("alerts: --format is how --dry-run shows the alerts, and --dry-run was not "
                     "given");
        return 2;
    }
    tn_alert_config config;
    int status = tn_alerts_load_config(options.project, "alerts", &config);
    if (status != 0)
        return status;
    char as_of[TN_DATE_BUF];
    tn_alerts_run run = {options.db_path,
                         options.as_of != TN_DAY_UNSET ? tn_date_format(options.as_of, as_of)
                                                       : NULL,
                         options.lock_wait, "alerts"};
    if (!config.present) {
        tn_log_error("alerts: %s has no alerts: section (docs/alerts.md shows one)", config.path);
        status = 1;
    } else {
        status = options.dry_run ? dry_run(&run, &config) : tn_alerts_deliver(&run, &config);
    }
    tn_alert_config_free(&config);
    return status;
}

const tn_command tn_cmd_alerts = {
    .summary = "send the alerts of the project file's rules for an as-of date",
    .description =
        "Compares each customer's latest scoring of an as-of date in the score history\n"
        "(default: the latest recorded) with its scoring of the recorded as-of date before\n"
        "it, and sends an alert for each rule of the project file's alerts: section that\n"
        "fires (docs/alerts.md): a JSON POST to each of the rule's targets, or {\"text\": …}\n"
        "for a Slack target, with an Idempotency-Key header naming the rule, customer and\n"
        "as-of date. 5xx, 429, timeouts and unreachable receivers are retried with a\n"
        "doubling backoff; other answers are not. Each delivery is logged in\n"
        "history.alert_deliveries; one delivered is never sent again, one that failed is\n"
        "tried again by the next run. `tenure score --project FILE` does the same after a\n"
        "scoring that records a new as-of date.\n"
        "\n"
        "Exit status: 0 when every alert was delivered (or there was none), 3 when some\n"
        "delivery failed after every attempt (logged as failed), 1 for a bad project\n"
        "file, an empty score history or a warehouse that cannot be read or written.",
    .spec = {.command = "alerts", .args = alerts_args},
    .set_defaults = set_defaults,
    .run = run_alerts,
};
