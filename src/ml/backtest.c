/*
 * backtest.c — the models trained and judged as of each date of a series
 * (see backtest.h).
 */
#include "ml/backtest.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/file.h"
#include "common/json.h"
#include "ml/features.h"
#include "ml/forecast.h"
#include "ml/model.h"
#include "ml/model_set.h"
#include "ml/snapshots.h"
#include "ml/train.h"
#include "stats/metrics.h"
#include "tn_version.h"
#include "warehouse/build.h"

#define MAX_DATES 240
#define TEMPORARY_PREFIX "tenure-backtest-" /* TMPDIR/tenure-backtest-<pid>-XXXXXX */

bool tn_backtest_parse_step(const char *text, tn_backtest_step *out, tn_error *err) {
    char *end = NULL;
    errno = 0;
    long count = text != NULL ? strtol(text, &end, 10) : 0;
    bool ok = text != NULL && end != text && errno == 0 && count >= 1 && count <= 120 &&
              end[0] != '\0' && end[1] == '\0' && strchr("mwd", end[0]) != NULL;
    if (!ok)
        return tn_error_set(err, TN_ERR_USAGE,
                            "--every '%s': expected a count and a unit, like 1m (months), 2w "
                            "(weeks) or 14d (days)",
                            text != NULL ? text : "");
    out->months = end[0] == 'm';
    out->count = (int)(end[0] == 'w' ? count * 7 : count);
    return true;
}

static tn_day next_date(tn_day day, tn_backtest_step step, tn_day first, int index) {
    /* months from the first date, so 31 Jan → 28 Feb → 31 Mar, not → 28 Mar */
    return step.months ? tn_day_add_months(first, step.count * index) : day + step.count;
}

static json_t *date_json(tn_day day) {
    char text[TN_DATE_BUF];
    return json_string(tn_date_format(day, text));
}

/* The series of dates, checked against the warehouse's as-of date. */
static bool series(const tn_backtest_options *options, tn_day as_of, tn_day *dates, size_t *count,
                   tn_error *err) {
    char a[TN_DATE_BUF], b[TN_DATE_BUF], c[TN_DATE_BUF];
    tn_day latest = as_of - TN_LABEL_DAYS;
    tn_day to = options->to != TN_DAY_UNSET ? options->to : latest;
    tn_day from = options->from != TN_DAY_UNSET ? options->from : tn_day_add_months(to, -6);
    if (to > latest)
        return tn_error_set(err, TN_ERR_INPUT,
                            "--to %s: its 90-day outcome window ends %s, after the warehouse's "
                            "as-of date %s; the latest date a backtest can judge is %s",
                            tn_date_format(to, a), tn_date_format(to + TN_LABEL_DAYS, b),
                            tn_date_format(as_of, c), tn_date_format(latest, (char[16]){0}));
    if (from > to)
        return tn_error_set(err, TN_ERR_INPUT, "--from %s is after --to %s",
                            tn_date_format(from, a), tn_date_format(to, b));
    *count = 0;
    for (tn_day d = from; d <= to; d = next_date(d, options->every, from, (int)*count)) {
        if (*count == MAX_DATES)
            return tn_error_set(err, TN_ERR_INPUT,
                                "more than %d backtest dates: use a longer --every", MAX_DATES);
        dates[(*count)++] = d;
    }
    return true;
}

/* A fresh directory for one date's models: DIR/<date>, or under a temporary directory. */
static bool models_dir_for(const char *base, tn_day day, char *out, size_t size, tn_error *err) {
    char text[TN_DATE_BUF];
    int length = snprintf(out, size, "%s/%s", base, tn_date_format(day, text));
    if (length < 0 || (size_t)length >= size)
        return tn_error_set(err, TN_ERR_USAGE, "--keep-models %s: the path is too long", base);
    if (mkdir(out, 0755) != 0 && errno != EEXIST)
        return tn_error_set(err, TN_ERR_IO, "%s: %s", out, strerror(errno));
    return true;
}

/* Removes the temporary directory of the models, with every date's models in it. */
static void remove_temporary(const char *temporary, const tn_day *dates, size_t count) {
    for (size_t i = 0; i < count; i++) {
        char dir[4300], text[TN_DATE_BUF];
        snprintf(dir, sizeof dir, "%s/%s", temporary, tn_date_format(dates[i], text));
        tn_model_set_remove_dir(dir);
    }
    rmdir(temporary);
}

/* A tn_file_remover for the temporary directory of a backtest that was killed. */
static bool remove_stale_temporary(const char *temporary, void *context) {
    (void)context;
    DIR *listing = opendir(temporary);
    struct dirent *entry;
    tn_day day;
    while (listing != NULL && (entry = readdir(listing)) != NULL) {
        char dir[4300];
        if (tn_date_parse(entry->d_name, &day, NULL) &&
            snprintf(dir, sizeof dir, "%s/%s", temporary, entry->d_name) < (int)sizeof dir)
            tn_model_set_remove_dir(dir);
    }
    if (listing != NULL)
        closedir(listing);
    return rmdir(temporary) == 0;
}

/*
 * The calibration table by decile of prediction, as [{decile, rows, mean_predicted,
 * observed_rate}]: empty with *max_error NAN when there are fewer than 10 rows.
 * NULL, with `err` set, when memory runs out.
 */
static json_t *deciles_json(const double *p, const int *y, size_t n, double *max_error,
                            tn_error *err) {
    json_t *bins = json_array();
    tn_calibration_table table;
    *max_error = NAN;
    tn_error why = {0};
    if (!tn_calibration_of(p, y, n, 10, &table, &why)) {
        if (why.code != TN_ERR_NOMEM)
            return bins; /* too few rows for deciles: no table, not a failure */
        json_decref(bins);
        if (err != NULL)
            *err = why;
        return NULL;
    }
    *max_error = table.max_error;
    for (int b = 0; b < table.bins; b++)
        json_array_append_new(bins,
                              json_pack("{s:i, s:I, s:o, s:o}", "decile", b + 1, "rows",
                                        (json_int_t)table.count[b], "mean_predicted",
                                        tn_json_real(table.mean_predicted[b]), "observed_rate",
                                        tn_json_real(table.observed_rate[b])));
    return bins;
}

/* How well `p` foretold `y`: the per-model entry of one date; NULL with `err` set on failure. */
static json_t *judgement(const double *p, const int *y, const double *mrr, size_t n,
                         tn_error *err) {
    double positives = 0, mean_p = 0, outcome_arr = 0;
    double *arr = tn_alloc_array(n + 1, sizeof *arr, "the backtest's ARR", err);
    if (arr == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        positives += y[i];
        mean_p += p[i];
        arr[i] = mrr[i] * 12;
        outcome_arr += y[i] ? arr[i] : 0;
    }
    tn_top_decile top;
    double share, auc, max_error;
    json_t *bins = NULL;
    if (!tn_top_decile_of(p, y, n, &top, err) || !tn_top_decile_share(p, y, arr, n, &share, err) ||
        !tn_auc(p, y, n, &auc, err) || (bins = deciles_json(p, y, n, &max_error, err)) == NULL) {
        free(arr);
        return NULL;
    }
    json_t *out =
        json_pack("{s:I, s:I, s:o, s:o, s:o, s:o, s:{s:I, s:o, s:o}, s:o, s:o, s:{s:o, s:o, s:o}}",
                  "customers", (json_int_t)n, "outcomes", (json_int_t)positives, "observed_rate",
                  tn_json_real(n ? positives / (double)n : NAN), "mean_predicted",
                  tn_json_real(n ? mean_p / (double)n : NAN), "auc", tn_json_real(auc), "brier",
                  tn_json_real(tn_brier(p, y, n)), "top_decile", "rows", (json_int_t)top.rows,
                  "precision", tn_json_real(top.precision), "lift", tn_json_real(top.lift),
                  "calibration", bins, "max_calibration_error", tn_json_real(max_error), "arr",
                  "outcome_arr", tn_json_real(outcome_arr), "top_decile_arr",
                  tn_json_real(share * outcome_arr), "top_decile_share", tn_json_real(share));
    free(arr);
    if (out == NULL)
        tn_error_set(err, TN_ERR_NOMEM, "out of memory judging a backtest date");
    return out;
}

static json_t *within_json(const tn_sum_interval *interval, double realized) {
    return json_pack("{s:b, s:b}", "p80",
                     realized >= interval->low80 && realized <= interval->high80, "p95",
                     realized >= interval->low95 && realized <= interval->high95);
}

/*
 * The quarter's forecast from the churn probabilities of the date (forecast.h)
 * beside what happened: the accounts that churned and their ARR, and whether
 * each fell inside the 80 % and 95 % intervals. NULL with `err` set on failure.
 */
static json_t *forecast_check(const double *p, const int *y, const double *mrr, size_t n,
                              tn_error *err) {
    double *arr = tn_alloc_array(n + 1, sizeof *arr, "the forecast's ARR", err);
    if (arr == NULL)
        return NULL;
    double logos = 0, lost = 0;
    for (size_t i = 0; i < n; i++) {
        arr[i] = mrr[i] * 12;
        logos += y[i];
        lost += y[i] ? arr[i] : 0;
    }
    tn_forecast forecast;
    bool ok = tn_forecast_compute(p, arr, NULL, n, &forecast, err);
    free(arr);
    if (!ok)
        return NULL;
    json_t *out = tn_forecast_json(&forecast);
    json_object_del(out, "expansion_arr");
    json_object_del(out, "net_revenue_retention");
    json_object_set_new(out, "realized",
                        json_pack("{s:I, s:o, s:o}", "churned_logos", (json_int_t)logos,
                                  "churned_arr", tn_json_real(lost), "gross_revenue_retention",
                                  tn_json_real(forecast.arr > 0 ? 1 - lost / forecast.arr : NAN)));
    json_object_set_new(out, "within",
                        json_pack("{s:o, s:o}", "churned_logos",
                                  within_json(&forecast.churned_logos, logos), "churned_arr",
                                  within_json(&forecast.churned_arr, lost)));
    return out;
}

/* Scores the evaluation rows of `table` with `model` and judges them. */
static bool judge_model(tn_db *db, const tn_ml_model *model, const char *table, json_t **out,
                        tn_error *err) {
    bool churn = strcmp(model->name, "churn") == 0;
    tn_table rows = {0};
    tn_ml_scores scores = {0};
    bool ok =
        tn_snapshots_read_table(db, table, churn ? tn_churn_features : tn_expansion_features,
                                churn ? TN_CHURN_FEATURES : TN_EXPANSION_FEATURES, &rows, err) &&
        tn_ml_model_score(model, &rows, &scores, err);
    int *y = ok ? malloc((rows.rows + 1) * sizeof *y) : NULL;
    if (ok && y == NULL)
        ok = tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    if (ok) {
        const double *label = tn_table_numbers(&rows, "label");
        for (size_t i = 0; i < rows.rows; i++)
            y[i] = label[i] > 0.5;
        const double *mrr = tn_table_numbers(&rows, "mrr");
        *out = judgement(scores.probability, y, mrr, rows.rows, err);
        json_t *forecast = *out != NULL && churn
                               ? forecast_check(scores.probability, y, mrr, rows.rows, err)
                               : NULL;
        ok = *out != NULL && (forecast != NULL || !churn);
        if (forecast != NULL)
            json_object_set_new(*out, "forecast", forecast);
    }
    if (ok) {
        json_object_set_new(*out, "model_version", json_string(model->version));
        json_object_set_new(*out, "calibration_method",
                            json_string(tn_calibration_method_name(model->calibration.method)));
        json_object_set_new(
            *out, "test_auc_at_training",
            json_deep_copy(json_object_get(
                json_object_get(json_object_get(model->meta, "metrics"), "test"), "auc")));
    }
    free(y);
    tn_ml_scores_free(&scores);
    tn_table_free(&rows);
    return ok;
}

typedef struct {
    tn_db *db;
    tn_day data_as_of;
    const tn_backtest_watch *watch;
} backtest_run;

/* A backtest judges probabilities, not tiers: its models are read with the default ones. */
static const tn_tier_multiples default_tiers = {1.0, 2.0, 4.0};

/* Everything as of `day`: train into `dir`, score the customers of `day`, judge by the next 90
 * days. */
static bool one_date(backtest_run *run, tn_day day, const char *dir, json_t **out, tn_error *err) {
    tn_snapshots snapshots = {0};
    json_t *missing = NULL;
    tn_train_result trained;
    tn_train_watch train_watch = {NULL, NULL};
    bool ok =
        tn_snapshots_read(run->db, day, NULL, &snapshots, err) &&
        tn_snapshots_mart_at(run->db, "feature_availability", day, run->data_as_of,
                             "tn_backtest_availability", err) &&
        tn_train_missing_features(run->db, "tn_backtest_availability", &missing, err) &&
        tn_train_on(&snapshots, missing, day, &default_tiers, dir, &train_watch, &trained, err) &&
        tn_snapshots_at(run->db, day, run->data_as_of, "tn_backtest_churn", "tn_backtest_expansion",
                        err);
    json_t *churn = NULL, *expansion = NULL;
    tn_ml_model churn_model = {0}, expansion_model = {0};
    ok = ok && tn_model_set_load(dir, &churn_model, &expansion_model, err) &&
         judge_model(run->db, &churn_model, "tn_backtest_churn", &churn, err) &&
         judge_model(run->db, &expansion_model, "tn_backtest_expansion", &expansion, err);
    tn_ml_model_free(&churn_model);
    tn_ml_model_free(&expansion_model);
    if (ok) {
        *out = json_pack("{s:o, s:{s:o, s:o}, s:I, s:o, s:o}", "as_of", date_json(day),
                         "outcome_window", "from", date_json(day), "until",
                         date_json(day + TN_LABEL_DAYS), "training_snapshots",
                         (json_int_t)snapshots.count, "churn", churn, "expansion", expansion);
        churn = expansion = NULL;
    }
    json_decref(churn), json_decref(expansion), json_decref(missing);
    tn_snapshots_free(&snapshots);
    return ok;
}

static void step(const tn_backtest_watch *watch, const char *what, size_t done, size_t total) {
    if (watch != NULL && watch->step != NULL)
        watch->step(watch->context, what, done, total);
}

/* Every date in turn, into the "dates" array of `document`. */
static bool run_dates(backtest_run *run, const tn_day *dates, size_t count, const char *base,
                      json_t *document, tn_error *err) {
    json_t *entries = json_object_get(document, "dates");
    bool ok = true;
    for (size_t i = 0; ok && i < count; i++) {
        step(run->watch, "dates", i, count);
        char dir[4200];
        json_t *entry = NULL;
        ok = models_dir_for(base, dates[i], dir, sizeof dir, err) &&
             one_date(run, dates[i], dir, &entry, err);
        if (!ok) {
            char text[TN_DATE_BUF];
            tn_error_prefix(err, "as of %s", tn_date_format(dates[i], text));
        }
        if (ok) {
            json_array_append_new(entries, entry);
            if (run->watch != NULL && run->watch->date_done != NULL)
                run->watch->date_done(run->watch->context, entry);
        }
    }
    step(run->watch, "dates", count, count);
    return ok;
}

/* How often the realized value fell inside each interval, over the dates of `document`. */
static json_t *forecast_coverage(const json_t *document) {
    const json_t *dates = json_object_get(document, "dates");
    size_t count = json_array_size(dates);
    json_t *out = json_pack("{s:I}", "dates", (json_int_t)count);
    static const char *const measures[] = {"churned_logos", "churned_arr"};
    static const char *const levels[] = {"p80", "p95"};
    for (int m = 0; m < 2; m++) {
        json_t *measure = json_object();
        for (int l = 0; l < 2; l++) {
            size_t inside = 0, i;
            const json_t *date;
            json_array_foreach(dates, i, date) {
                const json_t *within = json_object_get(
                    json_object_get(json_object_get(json_object_get(date, "churn"), "forecast"),
                                    "within"),
                    measures[m]);
                inside += json_is_true(json_object_get(within, levels[l]));
            }
            json_object_set_new(
                measure, levels[l],
                json_pack("{s:I, s:o}", "within", (json_int_t)inside, "share",
                          tn_json_real(count ? (double)inside / (double)count : NAN)));
        }
        json_object_set_new(out, measures[m], measure);
    }
    return out;
}

bool tn_backtest_run(const tn_backtest_options *options, const tn_backtest_watch *watch,
                     json_t **out, tn_error *err) {
    *out = NULL;
    tn_day as_of, dates[MAX_DATES];
    size_t count = 0;
    backtest_run run = {NULL, 0, watch};
    char temporary[4200] = "";
    const char *tmpdir = getenv("TMPDIR");
    tmpdir = tmpdir != NULL && tmpdir[0] != '\0' ? tmpdir : "/tmp";
    bool keep = options->models_dir != NULL;
    if (!keep)
        tn_file_remove_stale(tmpdir, TEMPORARY_PREFIX, remove_stale_temporary, NULL);
    bool ok = tn_db_open(options->db_path, TN_DB_READ_ONLY, &run.db, err) &&
              tn_build_info_dates(run.db, &as_of, &run.data_as_of, err) &&
              series(options, as_of, dates, &count, err) &&
              (keep ? tn_file_make_dir("--models", options->models_dir, err)
                    : tn_file_make_temporary_dir(tmpdir, TEMPORARY_PREFIX, temporary,
                                                 sizeof temporary, err));
    const char *base = keep ? options->models_dir : temporary;
    if (ok) {
        step(watch, "snapshots", 0, 1);
        ok = tn_snapshots_prepare(run.db, dates[count - 1], run.data_as_of, NULL, NULL, err);
    }
    json_t *document = NULL;
    if (ok) {
        document = json_pack("{s:o, s:s, s:s, s:o, s:o, s:{s:i, s:s}, s:i, s:[]}", "as_of",
                             date_json(as_of), "warehouse", options->db_path, "generated_by",
                             "tenure " TN_VERSION, "from", date_json(dates[0]), "to",
                             date_json(dates[count - 1]), "every", "count", options->every.count,
                             "unit", options->every.months ? "months" : "days", "horizon_days",
                             TN_LABEL_DAYS, "dates");
        ok = run_dates(&run, dates, count, base, document, err);
        if (ok)
            json_object_set_new(document, "forecast_coverage", forecast_coverage(document));
    }
    if (temporary[0] != '\0') /* created: remove it */
        remove_temporary(temporary, dates, count);
    tn_db_close(run.db);
    if (ok)
        *out = document;
    else
        json_decref(document);
    return ok;
}
