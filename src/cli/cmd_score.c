/*
 * cmd_score.c — `tenure score`: the answers for the active customers, one
 * or all, as CSV for CRM sync (insight/scores_csv.h) or as the JSON
 * documents the API answers (insight/documents.h): `--customer X --format
 * json` prints the bytes POST /predictions/churn answers for X.
 *
 * With --project FILE, a scoring that records a new as-of date in the
 * score history is followed by the alerts of the project file's rules
 * (cmd_alerts.c's tn_alerts_deliver), once the warehouse is closed.
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "common/embedded.h"
#include "common/file.h"
#include "common/log.h"
#include "insight/answer.h"
#include "insight/documents.h"
#include "insight/history.h"
#include "insight/scores_csv.h"
#include "ml/model_set.h"
#include "ml/score.h"
#include "warehouse/build.h"
#include "warehouse/parquet_inputs.h"
#include "warehouse/table.h"

static struct {
    const char *db_path, *models_dir, *customer, *format, *out, *project;
    const char *parquet_dir; /* NULL: the warehouse's own marts */
    bool all, no_record;
    long lock_wait;
} options;

/* The alerts of --project, and whether this scoring recorded a new as-of date (its date). */
static struct {
    tn_alert_config config;
    bool new_as_of;
    char as_of[TN_DATE_BUF];
} alerts;

static void set_defaults(void) {
    options.db_path = "data/warehouse.duckdb";
    options.models_dir = "models";
    options.customer = NULL;
    options.format = "csv";
    options.out = NULL;
    options.all = false;
    options.no_record = false;
    options.lock_wait = 30;
    options.project = NULL;
    options.parquet_dir = NULL;
}

static const tn_arg score_args[] = {
    {"db", TN_ARG_STRING, "FILE", "DuckDB warehouse (default data/warehouse.duckdb)",
     &options.db_path, 0, 0},
    {"models", TN_ARG_STRING, "DIR", "model directory (default models)", &options.models_dir, 0, 0},
    {"customer", TN_ARG_STRING, "ID", "score one customer", &options.customer, 0, 0},
    {"all", TN_ARG_FLAG, NULL, "score every active customer", &options.all, 0, 0},
    {"format", TN_ARG_STRING, "FMT", "csv or json (default csv)", &options.format, 0, 0},
    {"out", TN_ARG_STRING, "FILE",
     "write to FILE (a regular file, replaced whole) instead of stdout", &options.out, 0, 0},
    {"no-record", TN_ARG_FLAG, NULL,
     "do not record the scores in the warehouse's score history (opens it read-only)",
     &options.no_record, 0, 0},
    {"lock-wait", TN_ARG_INT, "SECONDS",
     "while another process holds the warehouse, wait this long to record (default 30)",
     &options.lock_wait, 0, 3600},
    {"parquet", TN_ARG_STRING, "DIR",
     "read the marts from the Parquet files of DIR ('tenure export', docs/export.md); --db\n"
     "then only holds the score history, and is created when missing",
     &options.parquet_dir, 0, 0},
    {"project", TN_ARG_STRING, "FILE",
     "after recording a new as-of date, send the alerts of FILE's alerts: section "
     "(a directory means DIR/tenure.yml; see tenure alerts)",
     &options.project, 0, 0},
    {NULL, TN_ARG_FLAG, NULL, NULL, NULL, 0, 0},
};

/* Why a customer is not in the scores: unknown, or churned on a date. */
static void explain_missing(tn_db *db, const char *id) {
    const char *params[] = {id};
    tn_table row = {0};
    tn_error err;
    bool ran = tn_table_query_params(db, tn_embedded_text("sql/score/churned_customer.sql"), params,
                                     1, &row, &err);
    char *const *churned = ran && row.rows > 0 ? tn_table_texts(&row, "churned") : NULL;
    if (!ran)
        tn_log_error("score: --customer %s is not scored, and why could not be read: %s", id,
                     err.message);
    else if (row.rows == 0)
        tn_log_error("score: --customer %s: no such customer", id);
    else if (churned != NULL && churned[0] != NULL)
        tn_log_error("score: --customer %s churned on %s: only active customers are scored", id,
                     churned[0]);
    else
        tn_log_error("score: --customer %s is not active at the warehouse's as-of date", id);
    tn_table_free(&row);
}

/* The scoring's answers, and when it ran. */
typedef struct {
    const tn_answer_set *answers;
    const tn_answer *one;        /* --customer: its answer; NULL for --all */
    char scored_at[TN_TIME_BUF]; /* "YYYY-MM-DDTHH:MM:SSZ" */
} score_output;

/*
 * JSON: for one customer its prediction document, the bytes POST
 * /predictions/churn answers (insight/documents.h), with no line break
 * after it unless a terminal shows it; for all, those documents in
 * "customers", after what they share, and a line break.
 */
static bool write_json(FILE *out, const score_output *o) {
    const tn_answer_context *context = &o->answers->context;
    json_t *document;
    if (o->one != NULL) {
        document = tn_document_prediction(context, o->one);
    } else {
        json_t *list = json_array();
        for (size_t i = 0; i < o->answers->count; i++)
            json_array_append_new(list, tn_document_prediction(context, &o->answers->answers[i]));
        document = json_pack("{s:s, s:{s:s, s:s}, s:s, s:o, s:o}", "as_of", context->as_of,
                             "model_versions", "churn", context->churn_version, "expansion",
                             context->expansion_version, "scored_at", o->scored_at, "tiers",
                             tn_document_tiers(context), "customers", list);
    }
    char *text = tn_document_text(document, TN_DOCUMENT_DIGITS);
    bool newline = o->one == NULL || isatty(fileno(out));
    bool ok = text != NULL && fputs(text, out) >= 0 && (!newline || fputc('\n', out) != EOF);
    free(text);
    return ok && !ferror(out);
}

static bool write_scores(FILE *out, const score_output *o) {
    if (strcmp(options.format, "json") == 0)
        return write_json(out, o);
    tn_scores_csv_header(out);
    for (size_t i = 0; i < o->answers->count; i++)
        if (o->one == NULL || &o->answers->answers[i] == o->one)
            tn_scores_csv_row(out, &o->answers->context, &o->answers->answers[i], o->scored_at);
    return !ferror(out);
}

/* The scores to --out (through a temporary file renamed into place) or to stdout. */
static bool write_output(const score_output *o, tn_error *err) {
    if (options.out == NULL)
        return write_scores(stdout, o) ||
               tn_error_set(err, TN_ERR_IO, "stdout: %s", strerror(errno));
    tn_file_out file;
    if (!tn_file_out_open(&file, options.out, err))
        return false;
    if (write_scores(file.stream, o))
        return tn_file_out_commit(&file, err);
    tn_error_set(err, TN_ERR_IO, "%s: %s", options.out, strerror(errno));
    tn_file_out_abandon(&file);
    return false;
}

static int check_options(void) {
    if ((options.customer != NULL) == options.all) {
        tn_log_error("score: give exactly one of --customer ID and --all");
        return 2;
    }
    if (strcmp(options.format, "csv") != 0 && strcmp(options.format, "json") != 0) {
        tn_log_error("score: --format: expected csv or json, got '%s'", options.format);
        return 1;
    }
    tn_error err;
    if (options.out != NULL && !tn_file_check_target(options.out, &err)) {
        tn_log_error("score: --out %s", err.message); /* before the work, not after */
        return 1;
    }
    if (options.project != NULL && options.no_record) {
        tn_log_error("score: --project sends alerts after recording a new as-of date, and "
                     "--no-record records nothing: give one of them");
        return 2;
    }
    if (options.project != NULL && options.parquet_dir != NULL) {
        tn_log_error("score: --project's alerts read the warehouse's own staging models, which "
                     "--parquet replaces: send them with 'tenure alerts' on the warehouse");
        return 2;
    }
    return options.project != NULL ? tn_alerts_load_config(options.project, "score", &alerts.config)
                                   : 0;
}

/* Records the scoring in the score history (insight/history.h), unless --no-record. */
static int record_history(tn_db *db, const tn_answer_set *answers, const tn_score_set *scores,
                          const tn_ml_model models[2], const char *scored_at) {
    if (options.no_record)
        return 0;
    double started = tn_log_now();
    tn_history_result result;
    tn_error err;
    if (!tn_history_record(db, answers, scores, &models[0], &models[1], scored_at, &result, &err)) {
        tn_log_error("score: the scores were written, but recording them in the score history "
                     "failed (nothing was recorded): %s",
                     err.message);
        return tn_error_exit_status(&err);
    }
    alerts.new_as_of = result.new_as_of && result.rows > 0;
    snprintf(alerts.as_of, sizeof alerts.as_of, "%s", answers->context.as_of);
    if (result.already)
        tn_log_info("score: the history has as of %s with these models already; nothing added",
                    answers->context.as_of);
    else
        tn_log_info("score: recorded %zu customers as of %s in "
                    "history.customer_scores_by_as_of in %.2f s",
                    result.rows, answers->context.as_of, tn_log_now() - started);
    return 0;
}

/* Answers the scores and writes them, or explains why --customer is not among them. */
static int answer_and_write(tn_db *db, const char *as_of, const tn_ml_model models[2],
                            const tn_survival_model *survival, const tn_score_set *scores,
                            double started) {
    tn_error err;
    tn_answer_context context;
    tn_answer_context_init(&context, as_of, &models[0], &models[1], scores);
    context.survival = survival;
    tn_answer_set answers = {0};
    score_output o = {.answers = &answers};
    tn_time_format_utc(time(NULL), o.scored_at);
    int status = 0;
    if (!tn_answers_build(&context, scores, &answers, &err)) {
        tn_log_error("score: %s", err.message);
        status = 1;
    } else if (options.customer != NULL &&
               (o.one = tn_answers_find(&answers, options.customer)) == NULL) {
        explain_missing(db, options.customer);
        status = 1;
    } else if (!write_output(&o, &err)) {
        tn_log_error("score: %s%s", options.out != NULL ? "--out " : "", err.message);
        status = 1;
    } else {
        size_t count = o.one ? 1 : answers.count;
        tn_log_info("score: %zu customer%s in %.2f s", count, count == 1 ? "" : "s",
                    tn_log_now() - started);
        status = record_history(db, &answers, scores, models, o.scored_at);
    }
    tn_answers_free(&answers);
    return status;
}

static void on_waiting(void *context, const char *holder) {
    (void)context;
    tn_log_warn("score: %s is in use (%s); waiting up to %ld s for it (--lock-wait)",
                options.db_path, holder, options.lock_wait);
}

/*
 * The warehouse: read-only with --no-record, else for writing the history,
 * waiting up to --lock-wait while another process holds it. A warehouse that
 * does not exist is an error either way, never a new empty file.
 */
static bool open_warehouse(tn_db **db, tn_error *err) {
    if (options.no_record || access(options.db_path, F_OK) != 0)
        return tn_db_open(options.db_path, TN_DB_READ_ONLY, db, err);
    const tn_db_wait wait = {(double)options.lock_wait, NULL, on_waiting};
    return tn_db_open_waiting(options.db_path, TN_DB_READ_WRITE, &wait, db, err);
}

/*
 * With --parquet: the database that records the history (created when
 * missing, but only once the Parquet files passed their check, so a refused
 * input leaves nothing behind), with the inputs attached; with --no-record,
 * read-only, or an in-memory database when there is no file.
 */
static bool open_parquet_inputs(tn_db **db, tn_error *err) {
    const char *dir = options.parquet_dir;
    if (options.no_record)
        return tn_parquet_inputs_open(options.db_path, TN_DB_READ_ONLY, dir, TN_PARQUET_MARTS, db,
                                      err);
    if (access(options.db_path, F_OK) != 0) {
        if (!tn_parquet_inputs_open(":memory:", TN_DB_READ_WRITE, dir, TN_PARQUET_MARTS, db, err))
            return false;
        tn_db_close(*db);
        *db = NULL;
    }
    const tn_db_wait wait = {(double)options.lock_wait, NULL, on_waiting};
    return tn_db_open_waiting(options.db_path, TN_DB_READ_WRITE, &wait, db, err) &&
           tn_parquet_inputs_attach(*db, dir, TN_PARQUET_MARTS, err);
}

static int score(int positional_count, char **positional) {
    (void)positional_count;
    (void)positional;
    int status = check_options();
    if (status != 0)
        return status;
    tn_error err;
    tn_error_clear(&err);
    tn_db *db = NULL;
    tn_ml_model models[2]; /* churn, expansion */
    memset(models, 0, sizeof models);
    tn_score_set scores = {0};
    tn_survival_model survival = {0};
    bool has_survival = false;
    tn_day as_of, data_as_of;
    double started = tn_log_now();
    bool ok =
        (options.parquet_dir != NULL ? open_parquet_inputs(&db, &err)
                                     : open_warehouse(&db, &err)) &&
        tn_build_info_dates(db, &as_of, &data_as_of, &err) &&
        tn_model_set_load_with_survival(options.models_dir, &models[0], &models[1], &survival,
                                        &has_survival, &err) &&
        tn_score_all(db, &models[0], &models[1], has_survival ? &survival : NULL, &scores, &err);
    if (!ok) {
        tn_log_error("score: %s", err.message);
        status = tn_error_exit_status(&err);
    } else {
        char day[TN_DATE_BUF];
        status = answer_and_write(db, tn_date_format(as_of, day), models,
                                  has_survival ? &survival : NULL, &scores, started);
    }
    tn_score_set_free(&scores);
    tn_survival_model_free(&survival);
    tn_ml_model_free(&models[0]);
    tn_ml_model_free(&models[1]);
    tn_db_close(db);
    return status;
}

/* --project: the alerts of a new as-of date, the warehouse closed; or why there are none. */
static int send_alerts(void) {
    if (!alerts.config.present) {
        tn_log_info("score: %s has no alerts: section; no alerts", alerts.config.path);
        return 0;
    }
    if (!alerts.new_as_of) {
        tn_log_info("score: as of %s was recorded before: alerts go out when the as-of date "
                    "moves, none sent ('tenure alerts' retries any that failed)",
                    alerts.as_of);
        return 0;
    }
    tn_alerts_run run = {options.db_path, alerts.as_of, options.lock_wait, "score"};
    return tn_alerts_deliver(&run, &alerts.config);
}

static int run_score(int positional_count, char **positional) {
    memset(&alerts, 0, sizeof alerts);
    int status = score(positional_count, positional);
    if (status == 0 && options.project != NULL)
        status = send_alerts();
    tn_alert_config_free(&alerts.config);
    return status;
}

const tn_command tn_cmd_score = {
    .summary = "churn and upgrade scores with their SHAP drivers",
    .description =
        "Scores the customers active at the warehouse's as-of date with the churn and\n"
        "expansion models of the current model set (models/current). CSV: one row per\n"
        "customer, for CRM sync, with the account (name, owner, renewal_date, crm_id),\n"
        "both predictions, tiers, drivers, quadrant, actions, as-of date, model versions\n"
        "and scored-at time. JSON: the document POST /predictions/churn answers, the same\n"
        "bytes; with --all, every customer's in \"customers\".\n"
        "\n"
        "Each scoring of a new as-of date (or with new models) is recorded in the\n"
        "warehouse's score history, history.customer_scores_by_as_of, for every active\n"
        "customer; scoring the same as-of with the same models again adds nothing.\n"
        "\n"
        "With --project FILE, a scoring that records a new as-of date is followed by the\n"
        "alerts of the project file's rules, as 'tenure alerts' sends them (exit 3 when a\n"
        "delivery failed); scoring an as-of date recorded before sends none.",
    .spec = {.command = "score", .args = score_args},
    .set_defaults = set_defaults,
    .run = run_score,
};
