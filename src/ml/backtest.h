/*
 * backtest.h — `tenure backtest`: how the models would have done, judged by
 * what happened next.
 *
 * For each date D of a series (from, from + every, …, ≤ to) the whole
 * pipeline runs as of D on the warehouse: the training snapshots whose label
 * window ends by D, the feature availability as of D, both models trained
 * exactly as `tenure train` would on a warehouse built as of D, and the
 * marts evaluated as of D for the customers to score. Nothing dated on or
 * after D is read until the scores exist. Then the 90 days after D are the
 * outcome: churned (churn_date in [D, D + 90)) for the churn model, upgraded
 * for the expansion model. So every D needs D + 90 days ≤ the warehouse's
 * as-of date.
 *
 * Per date and model: AUC, Brier score, top-decile precision and lift, the
 * calibration table by decile of prediction (mean predicted vs observed
 * rate), and the share of the outcome's ARR (mrr × 12 of the customers who
 * churned, or upgraded) that the top decile held. The training snapshots
 * are built once for the latest date and read back per date (snapshots.h
 * says why that is exact).
 */
#ifndef TN_ML_BACKTEST_H
#define TN_ML_BACKTEST_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "common/date.h"
#include "common/error.h"

/* A step between dates: `count` months or days. */
typedef struct {
    int count;
    bool months; /* false: days */
} tn_backtest_step;

/* Parses "1m", "3m", "2w", "14d": TN_ERR_USAGE naming the expected form otherwise. */
bool tn_backtest_parse_step(const char *text, tn_backtest_step *out, tn_error *err);

typedef struct {
    const char *db_path;
    tn_day from, to;        /* TN_DAY_UNSET: the defaults (see tn_backtest_run) */
    tn_backtest_step every; /* {1, true} by default */
    const char *models_dir; /* NULL: a temporary directory, removed after; else each date's
                               models go to DIR/<date>/ as a model set (model_set.h) */
} tn_backtest_options;

/* What the caller shows while it runs (on the calling thread). */
typedef struct {
    void *context;
    void (*step)(void *context, const char *what, size_t done, size_t total);
    void (*date_done)(void *context, const json_t *date); /* one entry of "dates" */
} tn_backtest_watch;

/*
 * Runs the backtest; *out receives the whole document (new reference):
 * {as_of, warehouse, from, to, every, horizon_days, dates: [...]}.
 * Defaults: `to` = the warehouse's as-of date − 90 days, `from` = `to` − 6
 * months. TN_ERR_INPUT (naming the option) when a date's outcome window
 * does not end by the as-of date, when from > to, or when a date has too
 * little history to train on.
 */
bool tn_backtest_run(const tn_backtest_options *options, const tn_backtest_watch *watch,
                     json_t **out, tn_error *err);

#endif
