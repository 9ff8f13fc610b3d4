/*
 * cmd_train.c — `tenure train`: the calibrated churn and expansion models
 * from point-in-time snapshots of the warehouse (see src/ml/train.h).
 */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>

#include "common/log.h"
#include "ml/train.h"

static struct {
    const char *db_path;
    const char *models_dir;
    const char *export_dir;
    const char *tiers;       /* "M,H,C": multiples of the base rate */
    const char *parquet_dir; /* NULL: the warehouse's own marts and snapshots */
} options;

static void set_defaults(void) {
    options.db_path = "data/warehouse.duckdb";
    options.models_dir = "models";
    options.export_dir = NULL;
    options.tiers = "1,2,4";
    options.parquet_dir = NULL;
}

static const tn_arg train_args[] = {
    {"db", TN_ARG_STRING, "FILE", "DuckDB warehouse (default data/warehouse.duckdb)",
     &options.db_path, 0, 0},
    {"models", TN_ARG_STRING, "DIR", "where the models go (default models)", &options.models_dir, 0,
     0},
    {"export", TN_ARG_STRING, "DIR", "also write the training snapshots as CSV into DIR",
     &options.export_dir, 0, 0},
    {"parquet", TN_ARG_STRING, "DIR",
     "read the marts and the training snapshots from the Parquet files of DIR ('tenure\n"
     "export', docs/export.md) instead of --db, which is then not read",
     &options.parquet_dir, 0, 0},
    {"tier-multiples", TN_ARG_STRING, "M,H,C",
     "a probability's tier begins at these multiples of the model's base rate: medium (at most\n"
     "1, so nothing above the base rate is low), high, critical (default 1,2,4)",
     &options.tiers, 0, 0},
    {NULL, TN_ARG_FLAG, NULL, NULL, NULL, 0, 0},
};

typedef struct {
    tn_progress progress;
    bool started;
    const char *step;
} train_watch_state;

static void on_step(void *context, const char *what, size_t done, size_t total) {
    train_watch_state *state = context;
    if (!state->started || state->step != what) {
        if (state->started)
            tn_progress_end(&state->progress);
        char label[64];
        snprintf(label, sizeof label, "train: %s", what);
        tn_progress_begin(&state->progress, label, total);
        state->started = true;
        state->step = what;
    }
    tn_progress_update(&state->progress, done);
}

/* A warning when a model's calibration slice was too small to choose a map by cross-validation. */
static void warn_small_slice(const tn_trained_model *model) {
    size_t positives = model->calibration_positives, negatives = model->calibration_negatives;
    if ((positives < negatives ? positives : negatives) >= TN_CALIBRATION_MIN_CLASS)
        return;
    bool platt = model->calibration == TN_CALIBRATION_PLATT;
    tn_log_warn("train: %s model: the calibration slice has %zu positives and %zu negatives, "
                "fewer than %d of one class, too few to choose a calibration map by "
                "cross-validation: calibrated by %s (test AUC %.3f before calibration, %.3f after)",
                model->name, positives, negatives, TN_CALIBRATION_MIN_CLASS,
                platt ? "Platt scaling, which keeps the trees' ranking"
                      : "interpolated isotonic regression, since Platt scaling's slope was not "
                        "positive",
                model->auc_before_calibration, model->test_auc);
}

/* The survival model's line: what was chosen and how it did out of time, or why there is none. */
static void report_survival(const tn_train_result *result, const char *models_dir) {
    if (!result->has_survival) {
        tn_log_warn("train: no survival model: %s", result->survival_skipped);
        return;
    }
    const tn_trained_survival *s = &result->survival;
    char landmark[TN_DATE_BUF];
    tn_log_info("train: survival  %s, out of time from %s over %.0f days: integrated Brier %.4f "
                "(Kaplan-Meier %.4f: %s), C %.3f; 90-day agreement with the churn model: worst "
                "decile %.3f (%s); %.1f s -> %s/survival.json",
                s->kind, tn_date_format(s->landmark, landmark), s->horizon, s->ibs, s->ibs_km,
                s->beats_km ? "beaten" : "NOT beaten", s->concordance, s->agreement_worst,
                s->agrees ? "agree" : "do not agree", s->seconds, models_dir);
}

/* "1,2,4" → the multiples, or false (with a message) when they are not three increasing numbers. */
static bool parse_tiers(const char *text, tn_tier_multiples *out) {
    char *end;
    double m[3];
    const char *at = text;
    for (int i = 0; i < 3; i++) {
        m[i] = strtod(at, &end);
        if (end == at || (i < 2 && *end != ',') || (i == 2 && *end != '\0'))
            break;
        at = end + 1;
        if (i == 2) {
            *out = (tn_tier_multiples){m[0], m[1], m[2]};
            if (m[0] > 0 && m[0] <= 1 && m[0] < m[1] && m[1] < m[2])
                return true;
            tn_log_error("train: --tier-multiples %s: expected 0 < medium ≤ 1 and medium < high < "
                         "critical (a medium above 1 would call customers above the base rate "
                         "low)",
                         text);
            return false;
        }
    }
    tn_log_error("train: --tier-multiples '%s': expected three numbers, medium,high,critical "
                 "(e.g. 1,2,4)",
                 text);
    return false;
}

static int run_train(int positional_count, char **positional) {
    (void)positional_count;
    (void)positional;
    tn_train_options train = {options.db_path, options.models_dir, options.export_dir,
                              TN_TIER_MULTIPLES_DEFAULT, options.parquet_dir};
    if (!parse_tiers(options.tiers, &train.tiers))
        return 2;
    train_watch_state state = {.started = false};
    tn_train_watch watch = {&state, on_step};
    tn_train_result result;
    tn_error err;
    tn_error_clear(&err);
    double started = tn_log_now();
    bool ok = tn_train(&train, &watch, &result, &err);
    if (state.started)
        tn_progress_end(&state.progress);
    if (!ok) {
        tn_log_error("train: %s", err.message);
        return tn_error_exit_status(&err);
    }
    for (int m = 0; m < 2; m++) {
        const tn_trained_model *model = &result.models[m];
        tn_log_info("train: %-9s test AUC %.3f, top-decile lift %.2f, Brier %.4f, worst decile "
                    "calibration error %.3f (%s), strongest signal %s (%zu train / %zu "
                    "calibration / %zu test rows) -> %s/%s.json",
                    model->name, model->test_auc, model->top_decile_lift, model->brier,
                    model->max_calibration_error, tn_calibration_method_title(model->calibration),
                    model->top_feature, model->train_rows, model->calibration_rows,
                    model->test_rows, options.models_dir, model->name);
        warn_small_slice(model);
    }
    report_survival(&result, options.models_dir);
    tn_log_info("train: %zu monthly snapshots, the models in %.1f s, published together as model "
                "set %s (%s/current -> sets/%s)",
                result.snapshots, tn_log_now() - started, result.model_set, options.models_dir,
                result.model_set);
    return 0;
}

const tn_command tn_cmd_train = {
    .summary = "train the calibrated churn and expansion models",
    .description = "Builds monthly point-in-time snapshots of the marts, trains XGBoost on the\n"
                   "older ones, calibrates, and reports on the last six months (out of time).\n"
                   "Writes <name>.json, <name>.meta.json and <name>.card.md of both models as\n"
                   "one model set, models/sets/<id>/, made current at once by models/current;\n"
                   "models/<name>.json and the rest read the current set's files.",
    .spec = {.command = "train", .args = train_args},
    .set_defaults = set_defaults,
    .run = run_train,
};
