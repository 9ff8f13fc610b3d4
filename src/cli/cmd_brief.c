/*
 * cmd_brief.c — `tenure brief`: one account in about five plain sentences,
 * for a customer success manager, an executive or an account executive
 * (insight/brief.h), before a call.
 *
 * It loads the snapshot `tenure serve` answers from (serve/snapshot.h) and
 * prints the customer's brief from it, so the text is the one POST
 * /summaries/customer answers, byte for byte: --format json prints that
 * answer whole, --format text its "text" (the sentences, then the
 * watermark line). With --parquet DIR the marts come from the Parquet files
 * of `tenure export`, as `tenure serve --parquet` reads them.
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "common/log.h"
#include "insight/brief.h"
#include "insight/movers.h"
#include "ml/drift_check.h"
#include "serve/snapshot.h"

static struct {
    const char *db_path, *models_dir, *parquet_dir, *customer, *audience, *format;
} options;

static void set_defaults(void) {
    options.db_path = "data/warehouse.duckdb";
    options.models_dir = "models";
    options.parquet_dir = NULL;
    options.customer = NULL;
    options.audience = "csm";
    options.format = "text";
}

static const tn_arg brief_args[] = {
    {"customer", TN_ARG_STRING, "ID", "the customer (required)", &options.customer, 0, 0},
    {"audience", TN_ARG_STRING, "A", "csm, executive or account_executive (default csm)",
     &options.audience, 0, 0},
    {"db", TN_ARG_STRING, "FILE", "DuckDB warehouse (default data/warehouse.duckdb)",
     &options.db_path, 0, 0},
    {"models", TN_ARG_STRING, "DIR", "model directory (default models)", &options.models_dir, 0, 0},
    {"parquet", TN_ARG_STRING, "DIR",
     "read the marts from the Parquet files of DIR ('tenure export', docs/export.md); --db\n"
     "then only holds the score history, and may be missing",
     &options.parquet_dir, 0, 0},
    {"format", TN_ARG_STRING, "FMT",
     "text (the brief) or json (what POST /summaries/customer answers) (default text)",
     &options.format, 0, 0},
    {NULL, TN_ARG_FLAG, NULL, NULL, NULL, 0, 0},
};

/* The options' own problems, before any work: 0, or the exit status. */
static int check_options(tn_audience *audience) {
    if (options.customer == NULL) {
        tn_log_error("brief: give the customer: --customer ID");
        return 2;
    }
    if (!tn_audience_parse(options.audience, audience)) {
        tn_log_error("brief: --audience: expected one of %s, got '%s'", tn_audience_names(),
                     options.audience);
        return 1;
    }
    if (strcmp(options.format, "text") != 0 && strcmp(options.format, "json") != 0) {
        tn_log_error("brief: --format: expected text or json, got '%s'", options.format);
        return 1;
    }
    return 0;
}

/* The active customer --customer of `snapshot`, or NULL after saying why there is none. */
static const tn_serve_customer *find_customer(const tn_snapshot *snapshot) {
    tn_lookup found = tn_snapshot_find(snapshot, options.customer);
    if (found.active != NULL)
        return found.active;
    if (found.inactive == NULL)
        tn_log_error("brief: --customer %s: no such customer in the warehouse (as of %s)",
                     options.customer, snapshot->as_of);
    else if (found.inactive->churned[0] != '\0')
        tn_log_error("brief: --customer %s churned on %s, before the as-of date %s: only active "
                     "customers have a brief",
                     options.customer, found.inactive->churned, snapshot->as_of);
    else
        tn_log_error("brief: --customer %s signed up on or after the as-of date %s",
                     options.customer, snapshot->as_of);
    return NULL;
}

/* JSON: the answer's bytes (a line break after them only on a terminal); text: its "text". */
static bool print_brief(const tn_body *body) {
    if (strcmp(options.format, "json") == 0)
        return fputs(body->text, stdout) >= 0 && (!isatty(STDOUT_FILENO) || putchar('\n') != EOF);
    json_t *answer = json_loadb(body->text, body->length, 0, NULL);
    const char *text = json_string_value(json_object_get(answer, "text"));
    bool ok = text != NULL && printf("%s\n", text) >= 0;
    json_decref(answer);
    return ok;
}

static int run_brief(int positional_count, char **positional) {
    (void)positional_count;
    (void)positional;
    tn_audience audience;
    int status = check_options(&audience);
    if (status != 0)
        return status;
    tn_snapshot_source source = {
        .db_path = options.db_path,
        .models_dir = options.models_dir,
        .parquet_dir = options.parquet_dir,
        .movers_rise = TN_MOVERS_DEFAULT_RISE,
        .history_scorings = TN_SERVE_HISTORY_SCORINGS,
        .drift = {TN_DRIFT_DEFAULT_PSI, TN_DRIFT_DEFAULT_KS_P},
    };
    tn_snapshot *snapshot = tn_snapshot_load(&source);
    if (snapshot == NULL) {
        tn_log_error("brief: out of memory");
        return 1;
    }
    const tn_serve_customer *customer;
    status = 1;
    if (!snapshot->ready) {
        tn_log_error("brief: %s", snapshot->reason);
    } else if ((customer = find_customer(snapshot)) != NULL) {
        tn_serve_customer scratch; /* this thread is the only one: the customer itself */
        if ((customer = tn_snapshot_bodies(snapshot, customer, &scratch)) == NULL)
            tn_log_error("brief: out of memory");
        else if (print_brief(&customer->brief[audience]) && fflush(stdout) == 0)
            status = 0;
        else
            tn_log_error("brief: cannot write the brief to stdout: %s", strerror(errno));
    }
    tn_snapshot_release(snapshot);
    return status;
}

const tn_command tn_cmd_brief = {
    .summary = "an account in five plain sentences, before a call",
    .description =
        "Prints a short brief of one active customer for an audience: csm (the account,\n"
        "its churn risk and why, usage, tickets, the retention action), executive (ARR and\n"
        "ARR at risk, the upside, which motion comes first) or account_executive (the\n"
        "upgrade propensity and why, the open deals, the expansion action). Written from the\n"
        "customer's Customer 360 (what GET /customers/ID answers), so every number in it is\n"
        "one of the document's; no language model. The last line is a watermark: review\n"
        "before sending. An account executive's brief of an account unlikely to upgrade\n"
        "(propensity below 50 %) has no urgency words (immediately, urgent, urgently,\n"
        "critical, asap).\n"
        "\n"
        "It loads the snapshot 'tenure serve' answers from: the text is the one POST\n"
        "/summaries/customer answers, and --format json prints that answer.",
    .spec = {.command = "brief", .args = brief_args},
    .set_defaults = set_defaults,
    .run = run_brief,
};
