/*
 * cmd_backtest.c — `tenure backtest`: both models trained and scored as of
 * each date of a series, judged by the 90 days that followed, into
 * DIR/backtest.json and DIR/backtest.md (see src/ml/backtest.h).
 */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

#include "common/file.h"
#include "common/log.h"
#include "ml/backtest.h"
#include "ml/backtest_markdown.h"

static struct {
    const char *db_path;
    const char *out_dir;
    const char *models_dir;
    const char *every;
    tn_day from, to;
} options;

static void set_defaults(void) {
    options.db_path = "data/warehouse.duckdb";
    options.out_dir = "reports";
    options.models_dir = NULL;
    options.every = "1m";
    options.from = options.to = TN_DAY_UNSET;
}

static const tn_arg backtest_args[] = {
    {"db", TN_ARG_STRING, "FILE", "DuckDB warehouse (default data/warehouse.duckdb)",
     &options.db_path, 0, 0},
    {"from", TN_ARG_DATE, "DATE", "the first date (default: 6 months before --to)", &options.from,
     0, 0},
    {"to", TN_ARG_DATE, "DATE",
     "the last date (default and latest: 90 days before the warehouse's as-of date)", &options.to,
     0, 0},
    {"every", TN_ARG_STRING, "STEP", "the step between dates: 1m, 3m, 2w, 14d … (default 1m)",
     &options.every, 0, 0},
    {"out", TN_ARG_STRING, "DIR", "where backtest.json and backtest.md go (default reports)",
     &options.out_dir, 0, 0},
    {"keep-models", TN_ARG_STRING, "DIR",
     "keep each date's models in DIR/<date>/ (default: discarded)", &options.models_dir, 0, 0},
    {NULL, TN_ARG_FLAG, NULL, NULL, NULL, 0, 0},
};

typedef struct {
    tn_progress progress;
    bool started;
} backtest_state;

static void on_step(void *context, const char *what, size_t done, size_t total) {
    backtest_state *state = context;
    if (strcmp(what, "snapshots") == 0) {
        tn_log_info("backtest: building the monthly training snapshots");
        return;
    }
    if (!state->started) {
        tn_progress_begin(&state->progress, "backtest: dates", total);
        state->started = true;
    }
    tn_progress_update(&state->progress, done);
}

static void on_date(void *context, const json_t *date) {
    (void)context;
    const json_t *churn = json_object_get(date, "churn");
    const json_t *expansion = json_object_get(date, "expansion");
    tn_log_info("backtest: as of %s: churn AUC %.3f (%lld of %lld churned), expansion AUC %.3f "
                "(%lld of %lld upgraded)",
                json_string_value(json_object_get(date, "as_of")),
                json_number_value(json_object_get(churn, "auc")),
                json_integer_value(json_object_get(churn, "outcomes")),
                json_integer_value(json_object_get(churn, "customers")),
                json_number_value(json_object_get(expansion, "auc")),
                json_integer_value(json_object_get(expansion, "outcomes")),
                json_integer_value(json_object_get(expansion, "customers")));
}

/* backtest.json and backtest.md into `dir`, together. */
static bool write_reports(const char *dir, const json_t *document, tn_error *err) {
    if (!tn_file_make_dir("--out", dir, err))
        return false;
    char *json_text =
        json_dumps(document, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    tn_strbuf markdown = TN_STRBUF_INIT;
    tn_backtest_markdown(document, &markdown);
    char json_path[4200], md_path[4200];
    snprintf(json_path, sizeof json_path, "%s/backtest.json", dir);
    snprintf(md_path, sizeof md_path, "%s/backtest.md", dir);
    bool ok = json_text != NULL
                  ? tn_file_write_pair(json_path, json_text, strlen(json_text), md_path,
                                       tn_strbuf_cstr(&markdown), markdown.length, err)
                  : tn_error_set(err, TN_ERR_NOMEM, "could not serialise the backtest");
    free(json_text);
    tn_strbuf_free(&markdown);
    return ok;
}

static int run_backtest(int positional_count, char **positional) {
    (void)positional_count;
    (void)positional;
    tn_error err;
    tn_error_clear(&err);
    tn_backtest_options backtest = {
        options.db_path, options.from, options.to, {1, true}, options.models_dir};
    if (!tn_backtest_parse_step(options.every, &backtest.every, &err)) {
        tn_log_error("backtest: %s", err.message);
        return tn_error_exit_status(&err);
    }
    backtest_state state = {.started = false};
    tn_backtest_watch watch = {&state, on_step, on_date};
    double started = tn_log_now();
    json_t *document = NULL;
    bool ok = tn_file_make_dir("--out", options.out_dir, &err) &&
              tn_backtest_run(&backtest, &watch, &document, &err);
    if (state.started)
        tn_progress_end(&state.progress);
    ok = ok && write_reports(options.out_dir, document, &err);
    if (ok)
        tn_log_info("backtest: %zu dates from %s to %s -> %s/backtest.json and backtest.md in "
                    "%.1f s",
                    json_array_size(json_object_get(document, "dates")),
                    json_string_value(json_object_get(document, "from")),
                    json_string_value(json_object_get(document, "to")), options.out_dir,
                    tn_log_now() - started);
    else
        tn_log_error("backtest: %s", err.message);
    json_decref(document);
    return ok ? 0 : tn_error_exit_status(&err);
}

const tn_command tn_cmd_backtest = {
    .summary = "train and score as of past dates, judged by what happened next",
    .description =
        "For each date D from --from to --to: trains both models as 'tenure train' would on\n"
        "a warehouse built as of D (nothing dated on or after D is read), scores the\n"
        "customers of D, and compares the scores with the 90 days from D: AUC, Brier,\n"
        "top-decile lift, calibration by decile and the churned (or upgraded) ARR the top\n"
        "decile held. Writes DIR/backtest.json and DIR/backtest.md; 'tenure serve' and\n"
        "'tenure report' show them in the Models view.",
    .spec = {.command = "backtest", .args = backtest_args},
    .set_defaults = set_defaults,
    .run = run_backtest,
};
