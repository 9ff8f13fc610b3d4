/*
 * train.c — splitting, fitting, calibrating, evaluating and writing the two
 * models (see train.h).
 */
#include "ml/train.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <duckdb.h>
#include <jansson.h>

#include "common/fnv.h"
#include "common/alloc.h"
#include "common/file.h"
#include "common/json.h"
#include "common/log.h"
#include "ml/calibration.h"
#include "ml/card.h"
#include "ml/drift_check.h"
#include "ml/features.h"
#include "ml/model.h"
#include "ml/model_set.h"
#include "ml/snapshots.h"
#include "ml/survival_train.h"
#include "ml/xgb.h"
#include "stats/metrics.h"
#include "tn_version.h"
#include "warehouse/build.h"
#include "warehouse/parquet_inputs.h"
#include "warehouse/query.h"
#include "warehouse/template.h"

/* Row indexes of the three slices, and their date ranges. */
typedef struct {
    size_t *rows[3];
    size_t count[3];
    tn_day from[3], to[3];
} data_split;

enum { TRAIN, CALIBRATION, TEST };
static const char *const slice_names[] = {"train", "calibration", "test"};

static bool split_rows(const tn_table *rows, const tn_snapshots *snapshots, data_split *split,
                       tn_error *err) {
    memset(split, 0, sizeof *split);
    size_t k = snapshots->count;
    if (k < TN_TEST_SNAPSHOTS + 1)
        return tn_error_set(
            err, TN_ERR_INPUT,
            "too little history: %zu monthly snapshots (the last %d are the test set)", k,
            TN_TEST_SNAPSHOTS);
    tn_day first_test = snapshots->dates[k - TN_TEST_SNAPSHOTS];
    size_t usable = 0; /* snapshots whose label window closes before the test period */
    while (usable < k && snapshots->dates[usable] + TN_LABEL_DAYS <= first_test)
        usable++;
    if (usable < TN_CALIBRATION_SNAPSHOTS + 1)
        return tn_error_set(
            err, TN_ERR_INPUT,
            "too little history: only %zu monthly snapshots close their label window "
            "before the test period (%d are needed to calibrate, and more to train)",
            usable, TN_CALIBRATION_SNAPSHOTS);
    tn_day calibration_start = snapshots->dates[usable - TN_CALIBRATION_SNAPSHOTS];
    split->from[TRAIN] = snapshots->dates[0];
    split->to[TRAIN] = snapshots->dates[usable - TN_CALIBRATION_SNAPSHOTS - 1];
    split->from[CALIBRATION] = calibration_start;
    split->to[CALIBRATION] = snapshots->dates[usable - 1];
    split->from[TEST] = first_test;
    split->to[TEST] = snapshots->dates[k - 1];
    const double *day = tn_table_numbers(rows, "snapshot_day");
    for (int s = 0; s < 3; s++)
        if ((split->rows[s] = tn_alloc_array(rows->rows, sizeof *split->rows[s],
                                             "a slice's row indexes", err)) == NULL)
            return false;
    for (size_t r = 0; r < rows->rows; r++) {
        tn_day t = (tn_day)day[r];
        int slice = t >= first_test                                         ? TEST
                    : t >= calibration_start && t <= split->to[CALIBRATION] ? CALIBRATION
                    : t < calibration_start                                 ? TRAIN
                                            : -1; /* -1: label window overlaps the test period */
        if (slice >= 0)
            split->rows[slice][split->count[slice]++] = r;
    }
    return true;
}

static void split_free(data_split *split) {
    for (int s = 0; s < 3; s++)
        free(split->rows[s]);
}

/* The rows of `slice` copied out of the full matrix, with their labels. */
typedef struct {
    float *x, *label;
    size_t rows, positives;
} slice_data;

static bool gather(const float *x, const double *label, size_t columns, const size_t *rows,
                   size_t count, slice_data *out, tn_error *err) {
    out->x = tn_alloc_array(count * columns, sizeof *out->x, "a slice's features", err);
    out->label = out->x ? tn_alloc_array(count, sizeof *out->label, "a slice's labels", err) : NULL;
    out->rows = count;
    out->positives = 0;
    if (out->label == NULL)
        return false;
    for (size_t i = 0; i < count; i++) {
        memcpy(out->x + i * columns, x + rows[i] * columns, columns * sizeof *x);
        out->label[i] = (float)label[rows[i]];
        out->positives += label[rows[i]] > 0.5;
    }
    return true;
}

static void slice_free(slice_data *slice) {
    free(slice->x);
    free(slice->label);
}

/* Fits the trees with class weighting and early stopping on the calibration slice. */
static bool fit_trees(const slice_data *train, const slice_data *calibration, size_t columns,
                      tn_xgb *model, int *best_round, double *validation_auc,
                      double *scale_pos_weight, tn_error *err) {
    tn_xgb_params params = tn_xgb_default_params();
    if (train->positives == 0 || calibration->positives == 0)
        return tn_error_set(err, TN_ERR_INPUT,
                            "no positive label in the %s slice: nothing to learn",
                            train->positives == 0 ? "training" : "calibration");
    params.scale_pos_weight = (double)(train->rows - train->positives) / (double)train->positives;
    *scale_pos_weight = params.scale_pos_weight;
    tn_xgb_data fit = {train->x, train->label, train->rows};
    tn_xgb_data valid = {calibration->x, calibration->label, calibration->rows};
    return tn_xgb_train(&fit, &valid, columns, &params, model, best_round, validation_auc, err);
}

/* Everything one model's evaluation needs, gathered for the metadata. */
typedef struct {
    const char *name;
    const tn_feature_spec *specs;
    size_t feature_count;
    const json_t *left_out; /* [{feature, because}] of the features the data lacks */
    const tn_table *rows;
    const tn_snapshots *snapshots;
    tn_encoder encoder;
    data_split split;
    slice_data slices[3];
    tn_xgb trees;
    tn_calibration calibration;
    int best_round;
    double validation_auc, scale_pos_weight;
    double *test_probability, *test_raw, *test_margin, *mean_abs_shap;
    json_t *meta;
} training_run;

static json_t *date_json(tn_day day) {
    char text[TN_DATE_BUF];
    return json_string(tn_date_format(day, text));
}

static json_t *split_json(const training_run *run) {
    json_t *split = json_object();
    for (int s = 0; s < 3; s++)
        json_object_set_new(split, slice_names[s],
                            json_pack("{s:o, s:o, s:i, s:i}", "from_snapshot",
                                      date_json(run->split.from[s]), "to_snapshot",
                                      date_json(run->split.to[s]), "rows", (int)run->slices[s].rows,
                                      "positives", (int)run->slices[s].positives));
    json_object_set_new(
        split, "rule",
        json_string("The last 6 monthly snapshots are the test set; only snapshots "
                    "whose 90-day label window closes before the test period are "
                    "fitted on: the last 3 of them calibrate and stop the boosting, "
                    "the others train the trees"));
    return split;
}

/*
 * The calibration table of the test set in 10 bins, as [{bin, rows, mean_predicted,
 * observed_rate}] with the worst bin's error in *max_error: empty and NAN when there
 * are fewer than 10 rows. NULL, with `err` set, when memory runs out.
 */
static json_t *calibration_bins_json(const double *p, const int *y, size_t n, double *max_error,
                                     tn_error *err) {
    tn_calibration_table table;
    tn_error why = {0};
    *max_error = NAN;
    if (!tn_calibration_of(p, y, n, 10, &table, &why)) {
        if (why.code != TN_ERR_NOMEM)
            return json_array(); /* too few rows for deciles: no table, not a failure */
        if (err != NULL)
            *err = why;
        return NULL;
    }
    json_t *bins = json_array();
    *max_error = table.max_error;
    for (int b = 0; b < table.bins; b++)
        json_array_append_new(bins, json_pack("{s:i, s:i, s:f, s:f}", "bin", b + 1, "rows",
                                              (int)table.count[b], "mean_predicted",
                                              table.mean_predicted[b], "observed_rate",
                                              table.observed_rate[b]));
    return bins;
}

/* Test-set metrics of the calibrated probabilities (and the AUC of the trees' margin beside them).
 */
static json_t *metrics_json(const training_run *run, tn_error *err) {
    const slice_data *test = &run->slices[TEST];
    size_t n = test->rows;
    int *y = tn_alloc_array(n, sizeof *y, "the test labels", err);
    double *fpr = y ? tn_alloc_array(n + 2, sizeof *fpr, "the ROC curve", err) : NULL;
    double *tpr = fpr ? tn_alloc_array(n + 2, sizeof *tpr, "the ROC curve", err) : NULL;
    if (tpr == NULL) {
        free(y), free(fpr);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        y[i] = test->label[i] > 0.5;
    const double *p = run->test_probability;
    tn_top_decile top;
    double auc, auc_margin, max_error;
    size_t points = 0;
    json_t *bins = NULL;
    if (!tn_top_decile_of(p, y, n, &top, err) || !tn_auc(p, y, n, &auc, err) ||
        !tn_auc(run->test_margin, y, n, &auc_margin, err) ||
        !tn_roc_curve(p, y, n, fpr, tpr, &points, err) ||
        (bins = calibration_bins_json(p, y, n, &max_error, err)) == NULL) {
        free(fpr), free(tpr), free(y);
        return NULL;
    }
    json_t *roc_fpr = json_array(), *roc_tpr = json_array();
    size_t step = points > 101 ? points / 100 : 1; /* at most ~101 points for the charts */
    for (size_t i = 0; i < points; i += step) {
        json_array_append_new(roc_fpr, json_real(fpr[i]));
        json_array_append_new(roc_tpr, json_real(tpr[i]));
    }
    if (points > 0 && (points - 1) % step != 0) {
        json_array_append_new(roc_fpr, json_real(fpr[points - 1]));
        json_array_append_new(roc_tpr, json_real(tpr[points - 1]));
    }
    json_t *metrics = json_pack(
        "{s:i, s:i, s:o, s:o, s:o, s:o, s:{s:i, s:o, s:o, s:o}, s:o, s:o, s:{s:o, s:o}}", "rows",
        (int)n, "positives", (int)test->positives, "auc", tn_json_real(auc),
        "auc_before_calibration", tn_json_real(auc_margin), "brier",
        tn_json_real(tn_brier(p, y, n)), "log_loss", tn_json_real(tn_log_loss(p, y, n)),
        "top_decile", "rows", (int)top.rows, "precision", tn_json_real(top.precision), "base_rate",
        tn_json_real(top.base_rate), "lift", tn_json_real(top.lift), "calibration", bins,
        "max_calibration_error", tn_json_real(max_error), "roc", "fpr", roc_fpr, "tpr", roc_tpr);
    free(fpr), free(tpr), free(y);
    if (metrics == NULL)
        tn_error_set(err, TN_ERR_NOMEM, "out of memory for the test metrics");
    return metrics;
}

/*
 * What calibration did to the ranking on the test set, from the test metrics
 * beside it: the AUC of the trees' margin and of the calibrated
 * probabilities, how many distinct values each takes, and the worst decile's
 * calibration error (issue 15's three figures).
 */
static json_t *calibration_test_json(const training_run *run, const json_t *metrics,
                                     tn_error *err) {
    size_t n = run->slices[TEST].rows, margins, probabilities;
    if (!tn_distinct_count(run->test_margin, n, &margins, err) ||
        !tn_distinct_count(run->test_probability, n, &probabilities, err))
        return NULL;
    return json_pack("{s:i, s:O, s:O, s:i, s:i, s:o, s:O}", "rows", (int)n, "auc_margin",
                     json_object_get(metrics, "auc_before_calibration"), "auc_calibrated",
                     json_object_get(metrics, "auc"), "distinct_margins", (int)margins,
                     "distinct_probabilities", (int)probabilities, "distinct_share",
                     tn_json_real(margins > 0 ? (double)probabilities / (double)margins : NAN),
                     "worst_decile_error", json_object_get(metrics, "max_calibration_error"));
}

/* Mean prediction and observed rate per plan tier on the test set. */
static json_t *by_tier_json(const training_run *run) {
    static const char *const tiers[] = {"starter", "growth", "enterprise"};
    char *const *tier = tn_table_texts(run->rows, "plan_tier");
    json_t *rows = json_array();
    for (int t = 0; t < 3; t++) {
        double predicted = 0, observed = 0;
        int count = 0;
        for (size_t i = 0; i < run->slices[TEST].rows; i++) {
            const char *value = tier[run->split.rows[TEST][i]];
            if (value == NULL || strcmp(value, tiers[t]) != 0)
                continue;
            predicted += run->test_probability[i];
            observed += run->slices[TEST].label[i];
            count++;
        }
        json_array_append_new(
            rows, json_pack("{s:s, s:i, s:o, s:o}", "plan_tier", tiers[t], "rows", count,
                            "mean_predicted", tn_json_real(count ? predicted / count : NAN),
                            "observed_rate", tn_json_real(count ? observed / count : NAN)));
    }
    return rows;
}

/* Mean |SHAP| per feature over the test set (log-odds), sorted largest first in the JSON. */
/*
 * Mean |SHAP| is an average over the test set: an evenly spaced sample of at
 * most this many of its rows (ordered by snapshot and customer, so every
 * snapshot is in it) estimates it within a few thousandths of the largest
 * value, at a fixed cost. Exact TreeSHAP on every test row was half of
 * `tenure train` at 50,000 customers (170,000 test rows).
 */
enum { SHAP_SAMPLE_ROWS = 10000 };

/* The rows of the test set the mean |SHAP| is taken over, as a copy of their features. */
static float *shap_sample(const slice_data *test, size_t columns, size_t *rows, tn_error *err) {
    *rows = test->rows < SHAP_SAMPLE_ROWS ? test->rows : SHAP_SAMPLE_ROWS;
    float *x = tn_alloc_array(*rows * columns + 1, sizeof *x, "the SHAP sample", err);
    for (size_t i = 0; x != NULL && i < *rows; i++) {
        size_t row = (size_t)((double)i * (double)test->rows / (double)*rows);
        memcpy(x + i * columns, test->x + row * columns, columns * sizeof *x);
    }
    return x;
}

static bool shap_json(training_run *run, json_t **out, tn_error *err) {
    const slice_data *test = &run->slices[TEST];
    size_t columns = run->encoder.column_count, features = run->encoder.feature_count, rows = 0;
    float *x = shap_sample(test, columns, &rows, err);
    double *contributions = malloc((rows * (columns + 1) + 1) * sizeof *contributions);
    double *per_feature = malloc((features + 1) * sizeof *per_feature);
    run->mean_abs_shap = calloc(features + 1, sizeof *run->mean_abs_shap);
    bool ok = x && contributions && per_feature && run->mean_abs_shap &&
              tn_xgb_contributions(&run->trees, x, rows, contributions, err);
    for (size_t r = 0; ok && r < rows; r++) {
        tn_encoder_feature_contributions(&run->encoder, contributions + r * (columns + 1),
                                         per_feature);
        for (size_t f = 0; f < features; f++)
            run->mean_abs_shap[f] += fabs(per_feature[f]) / (double)rows;
    }
    free(x);
    size_t *order = ok ? tn_alloc_array(features, sizeof *order, "the features' order", err) : NULL;
    ok = ok && order != NULL;
    for (size_t f = 0; ok && f < features; f++) { /* insertion sort by mean |SHAP|, descending */
        size_t j = f;
        while (j > 0 && run->mean_abs_shap[order[j - 1]] < run->mean_abs_shap[f]) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = f;
    }
    json_t *list = json_array();
    for (size_t i = 0; ok && i < features; i++)
        json_array_append_new(list, json_pack("{s:s, s:o}", "feature",
                                              run->encoder.features[order[i]].name, "mean_abs_shap",
                                              tn_json_real(run->mean_abs_shap[order[i]])));
    char on[128];
    if (rows == test->rows)
        snprintf(on, sizeof on, "the test set");
    else
        snprintf(on, sizeof on, "an evenly spaced sample of %zu of the test set's %zu rows", rows,
                 test->rows);
    *out = json_pack("{s:s, s:s, s:o}", "units", "log-odds (XGBoost pred_contribs, exact TreeSHAP)",
                     "on", on, "mean_abs", list);
    free(order), free(contributions), free(per_feature);
    return ok;
}

/* Features whose columns never vary over the training rows: the trees cannot use them. */
static json_t *constant_features_json(const training_run *run) {
    json_t *names = json_array();
    const slice_data *train = &run->slices[TRAIN];
    size_t columns = run->encoder.column_count;
    for (size_t f = 0; f < run->encoder.feature_count; f++) {
        const tn_encoded_feature *feature = &run->encoder.features[f];
        size_t width = feature->kind == TN_FEATURE_CATEGORY ? feature->category_count : 1;
        bool constant = true;
        for (size_t c = 0; constant && c < width; c++) {
            size_t column = feature->first_column + c;
            for (size_t r = 1; constant && r < train->rows; r++) {
                float a = train->x[column], b = train->x[r * columns + column];
                constant = (isnan(a) && isnan(b)) || a == b;
            }
        }
        if (constant)
            json_array_append_new(names, json_string(feature->name));
    }
    return names;
}

/* The expansion model's guard: trained again without has_open_expansion_opp if that leads. */
static bool leakage_guard(training_run *run, tn_error *err) {
    long feature = -1;
    for (size_t f = 0; f < run->encoder.feature_count; f++)
        if (strcmp(run->encoder.features[f].name, "has_open_expansion_opp") == 0)
            feature = (long)f;
    if (feature < 0)
        return true;
    size_t top = 0;
    for (size_t f = 1; f < run->encoder.feature_count; f++)
        if (run->mean_abs_shap[f] > run->mean_abs_shap[top])
            top = f;
    json_t *guard = json_pack("{s:s, s:b}", "feature", "has_open_expansion_opp", "is_top_feature",
                              top == (size_t)feature);
    if (top == (size_t)feature) { /* retrain with its column blanked and report what is left */
        size_t columns = run->encoder.column_count,
               column = run->encoder.features[feature].first_column;
        for (int s = 0; s < 3; s++)
            for (size_t r = 0; r < run->slices[s].rows; r++)
                run->slices[s].x[r * columns + column] = NAN;
        tn_xgb without;
        int round;
        double auc, weight;
        double *p = malloc((run->slices[TEST].rows + 1) * sizeof *p);
        int *y = malloc((run->slices[TEST].rows + 1) * sizeof *y);
        bool ok = (p != NULL && y != NULL) ||
                  tn_error_set(err, TN_ERR_NOMEM, "out of memory for the test set's scores");
        bool fitted = ok && fit_trees(&run->slices[TRAIN], &run->slices[CALIBRATION], columns,
                                      &without, &round, &auc, &weight, err);
        ok =
            fitted && tn_xgb_predict(&without, run->slices[TEST].x, run->slices[TEST].rows, p, err);
        for (size_t i = 0; ok && i < run->slices[TEST].rows; i++)
            y[i] = run->slices[TEST].label[i] > 0.5;
        double auc_without = NAN;
        ok = ok && tn_auc(p, y, run->slices[TEST].rows, &auc_without, err);
        if (ok)
            json_object_set_new(guard, "test_auc_without_it", tn_json_real(auc_without));
        if (fitted) /* freed whether or not the prediction succeeded */
            tn_xgb_free(&without);
        free(p), free(y);
        if (!ok) {
            json_decref(guard);
            return false;
        }
    }
    json_object_set_new(run->meta, "leakage_guard", guard);
    return true;
}

/* 64-bit FNV-1a of a file, for the model version. */
static unsigned long long file_hash(const char *path) {
    uint64_t hash = TN_FNV1A_SEED;
    FILE *file = fopen(path, "rb");
    unsigned char chunk[8192];
    size_t read;
    while (file != NULL && (read = fread(chunk, 1, sizeof chunk, file)) > 0)
        hash = tn_fnv1a(hash, chunk, read);
    if (file != NULL)
        fclose(file);
    return hash;
}

/* Saves the trees as `dir`/<name>.json and names the version after their bytes. */
static bool save_trees(training_run *run, const char *dir, tn_trained_model *summary,
                       tn_error *err) {
    char path[4300];
    snprintf(path, sizeof path, "%s/%s.json", dir, run->name);
    if (!tn_xgb_save(&run->trees, path, err))
        return false;
    char version[96];
    snprintf(version, sizeof version, "%s-%s-%012llx", run->name,
             json_string_value(json_object_get(run->meta, "as_of")),
             file_hash(path) & 0xffffffffffffULL);
    json_object_set_new(run->meta, "version", json_string(version));
    snprintf(summary->version, sizeof summary->version, "%s", version);
    return true;
}

/* Writes a new file in the private staging directory, where no reader looks yet. */
static bool write_staged(const char *path, const char *text, size_t length, tn_error *err) {
    FILE *file = fopen(path, "w");
    bool ok = file != NULL && fwrite(text, 1, length, file) == length;
    if (file != NULL && fclose(file) != 0)
        ok = false;
    return ok || tn_error_set(err, TN_ERR_IO, "%s: %s", path, strerror(errno));
}

/*
 * Writes a document as `json_name` (reals to `digits` significant digits) and
 * its card as `card_name` into the staging directory.
 */
static bool write_document(const json_t *meta, int digits, const tn_strbuf *card, const char *dir,
                           const char *json_name, const char *card_name, tn_error *err) {
    char *text =
        json_dumps(meta, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(digits));
    char path[4300];
    snprintf(path, sizeof path, "%s/%s", dir, json_name);
    bool ok = text != NULL ? write_staged(path, text, strlen(text), err)
                           : tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    snprintf(path, sizeof path, "%s/%s", dir, card_name);
    ok = ok && write_staged(path, tn_strbuf_cstr(card), card->length, err);
    free(text);
    return ok;
}

/* survival.json, to 17 digits (its baseline is read back exactly), and survival.card.md. */
static bool write_survival(const json_t *meta, const char *dir, tn_error *err) {
    tn_strbuf card = TN_STRBUF_INIT;
    tn_survival_card(meta, &card);
    bool ok = write_document(meta, 17, &card, dir, "survival.json", "survival.card.md", err);
    tn_strbuf_free(&card);
    return ok;
}

/* A model's <name>.meta.json and <name>.card.md. */
static bool write_meta_and_card(json_t *meta, const char *dir, tn_error *err) {
    const char *name = json_string_value(json_object_get(meta, "name"));
    char json_name[128], card_name[128];
    snprintf(json_name, sizeof json_name, "%s.meta.json", name);
    snprintf(card_name, sizeof card_name, "%s.card.md", name);
    tn_strbuf card = TN_STRBUF_INIT;
    tn_model_card(meta, &card);
    bool ok = write_document(meta, 12, &card, dir, json_name, card_name, err);
    tn_strbuf_free(&card);
    return ok;
}

/*
 * Names the set of the two trained models in their metadata, writes the
 * metadata and cards beside the trees in `staging`, and publishes the six
 * files as one set in `models_dir` (model_set.h).
 */
static bool publish_set(json_t *metas[2], json_t *survival, const char *staging,
                        const char *models_dir, tn_train_result *result, tn_error *err) {
    char *tiers = json_dumps(json_object_get(json_object_get(metas[0], "tiers"), "multiples"),
                             JSON_COMPACT | JSON_SORT_KEYS);
    tn_strbuf reading = TN_STRBUF_INIT; /* the tiers, and the survival model's version */
    tn_strbuf_printf(&reading, "%s%s", tiers ? tiers : "",
                     survival ? json_string_value(json_object_get(survival, "version")) : "");
    tn_model_set_id(json_string_value(json_object_get(metas[0], "as_of")),
                    result->models[0].version, result->models[1].version, tn_strbuf_cstr(&reading),
                    result->model_set, sizeof result->model_set);
    free(tiers);
    tn_strbuf_free(&reading);
    bool ok = true;
    for (int m = 0; ok && m < 2; m++) {
        json_object_set_new(metas[m], "model_set", json_string(result->model_set));
        ok = write_meta_and_card(metas[m], staging, err);
    }
    if (ok && survival != NULL) {
        json_object_set_new(survival, "model_set", json_string(result->model_set));
        ok = write_survival(survival, staging, err);
    }
    return ok && tn_model_set_publish(models_dir, staging, result->model_set, err);
}

/*
 * The survival model (survival_train.h) on the churn model's snapshots, with its test set for
 * the agreement at 90 days. Too little history or no churn to learn from is not a failure:
 * the set is published without it and the result says why.
 */
static bool train_survival(const training_run *churn, tn_day as_of, const char *staging,
                           json_t **meta, tn_train_result *result, tn_error *err) {
    tn_survival_inputs inputs = {churn->snapshots,        churn->specs,
                                 churn->feature_count,    as_of,
                                 churn->split.rows[TEST], churn->test_probability,
                                 churn->split.count[TEST]};
    tn_error why = {0};
    double started = tn_log_now();
    if (tn_survival_train(&inputs, staging, meta, &result->survival, &why)) {
        result->survival.seconds = tn_log_now() - started;
        result->has_survival = true;
        return true;
    }
    if (why.code != TN_ERR_INPUT)
        return err != NULL ? (*err = why, false) : false;
    snprintf(result->survival_skipped, sizeof result->survival_skipped, "%s", why.message);
    return true;
}

static json_t *params_json(double scale_pos_weight, int best_round, double validation_auc) {
    tn_xgb_params p = tn_xgb_default_params();
    return json_pack("{s:s, s:s, s:f, s:i, s:f, s:f, s:f, s:f, s:i, s:i, s:i, s:i, s:i, s:o}",
                     "objective", "binary:logistic", "tree_method", "hist", "eta", p.eta,
                     "max_depth", p.max_depth, "subsample", p.subsample, "colsample_bytree",
                     p.colsample, "min_child_weight", p.min_child_weight, "scale_pos_weight",
                     scale_pos_weight, "max_rounds", p.max_rounds, "early_stopping_rounds",
                     p.early_stopping_rounds, "rounds_kept", best_round + 1, "seed", p.seed,
                     "threads", p.threads, "validation_auc", tn_json_real(validation_auc));
}

static void describe(training_run *run, tn_day as_of) {
    bool churn = strcmp(run->name, "churn") == 0;
    char xgboost[32];
    tn_xgb_version(xgboost, sizeof xgboost);
    json_t *snapshots = json_array();
    for (size_t i = 0; i < run->snapshots->count; i++)
        json_array_append_new(snapshots, date_json(run->snapshots->dates[i]));
    run->meta = json_pack(
        "{s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:o, s:o, s:{s:o, s:o, s:o}}", "name", run->name,
        "version", "", "model_set", "", "as_of", date_json(as_of), "population",
        churn ? "customers active at each monthly snapshot date t"
              : "customers active and not yet upgraded at each monthly snapshot date t",
        "label",
        churn ? "churned within the 90 days after t: churn_date in [t, t + 90)"
              : "upgraded within the 90 days after t: upgrade_date in [t, t + 90)",
        "features_as_of",
        "each snapshot's t: the marts' SQL evaluated as of t (data dated before t only)",
        "encoding", tn_encoder_to_json(&run->encoder), "calibration",
        tn_calibration_to_json(&run->calibration), "training", "snapshots", snapshots, "split",
        split_json(run), "xgboost",
        params_json(run->scale_pos_weight, run->best_round, run->validation_auc));
    json_object_set_new(run->meta, "libraries",
                        json_pack("{s:s, s:s, s:s}", "tenure", TN_VERSION, "xgboost", xgboost,
                                  "duckdb", duckdb_library_version()));
    json_t *used = json_array();
    for (size_t f = 0; f < run->feature_count; f++)
        json_array_append_new(used, json_string(run->specs[f].name));
    json_object_set_new(run->meta, "features",
                        json_pack("{s:o, s:O}", "used", used, "left_out", run->left_out));
}

typedef struct {
    const char *customer;
    size_t row;
} customer_row;

static int by_customer(const void *a, const void *b) {
    return strcmp(((const customer_row *)a)->customer, ((const customer_row *)b)->customer);
}

/*
 * A group number per row of the calibration slice, the same for the rows of
 * one customer (calibration.h holds them out together), into `group`.
 */
static bool customer_groups(const training_run *run, size_t *group, tn_error *err) {
    size_t n = run->slices[CALIBRATION].rows;
    char *const *customer = tn_table_texts(run->rows, "customer_id");
    customer_row *rows = malloc((n + 1) * sizeof *rows);
    if (rows == NULL)
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const char *id = customer != NULL ? customer[run->split.rows[CALIBRATION][i]] : NULL;
        rows[i] = (customer_row){id != NULL ? id : "", i};
    }
    qsort(rows, n, sizeof *rows, by_customer);
    for (size_t i = 0, number = 0; i < n; i++) {
        number += i > 0 && strcmp(rows[i].customer, rows[i - 1].customer) != 0;
        group[rows[i].row] = number;
    }
    free(rows);
    return true;
}

/* Calibrates on the calibration slice (calibration.h chooses how), then scores the test set. */
static bool evaluate(training_run *run, tn_error *err) {
    const slice_data *calibration = &run->slices[CALIBRATION], *test = &run->slices[TEST];
    size_t n = calibration->rows;
    double *margin = malloc((n + 1) * sizeof *margin), *label = malloc((n + 1) * sizeof *label);
    size_t *group = malloc((n + 1) * sizeof *group);
    run->test_margin = malloc((test->rows + 1) * sizeof *run->test_margin);
    run->test_raw = malloc((test->rows + 1) * sizeof *run->test_raw);
    run->test_probability = malloc((test->rows + 1) * sizeof *run->test_probability);
    bool ok =
        margin && label && group && run->test_margin && run->test_raw && run->test_probability;
    if (!ok)
        tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    ok = ok && tn_xgb_margin(&run->trees, calibration->x, n, margin, err) &&
         customer_groups(run, group, err);
    for (size_t i = 0; ok && i < n; i++)
        label[i] = calibration->label[i];
    ok = ok && tn_calibration_fit(margin, label, group, n, &run->calibration, err) &&
         tn_xgb_predict_with_margin(&run->trees, test->x, test->rows, run->test_raw,
                                    run->test_margin, err);
    for (size_t i = 0; ok && i < test->rows; i++)
        run->test_probability[i] =
            tn_calibrated_probability(&run->calibration, run->test_raw[i], run->test_margin[i]);
    free(margin), free(label), free(group);
    return ok;
}

/* The metadata's "reference": a sample of the rows the trees and the calibration were fitted on. */
static bool reference_json(training_run *run, tn_error *err) {
    size_t fitted = run->split.count[TRAIN] + run->split.count[CALIBRATION];
    size_t *rows = tn_alloc_array(fitted + 1, sizeof *rows, "the fitting rows", err);
    if (rows == NULL)
        return false;
    memcpy(rows, run->split.rows[TRAIN], run->split.count[TRAIN] * sizeof *rows);
    memcpy(rows + run->split.count[TRAIN], run->split.rows[CALIBRATION],
           run->split.count[CALIBRATION] * sizeof *rows);
    json_t *reference = tn_drift_reference_json(&run->encoder, run->rows, rows, fitted, err);
    free(rows);
    return reference != NULL && json_object_set_new(run->meta, "reference", reference) == 0;
}

static bool train_model(training_run *run, tn_day as_of, const char *dir, tn_trained_model *summary,
                        tn_error *err) {
    size_t n = run->rows->rows;
    bool ok = tn_encoder_fit(run->specs, run->feature_count, run->rows, &run->encoder, err) &&
              split_rows(run->rows, run->snapshots, &run->split, err);
    size_t columns = run->encoder.column_count;
    float *x = ok ? tn_alloc_array(n * columns, sizeof *x, "the snapshots' features", err) : NULL;
    ok = ok && x != NULL && tn_encoder_encode(&run->encoder, run->rows, x, err);
    const double *label = tn_table_numbers(run->rows, "label");
    for (int s = 0; ok && s < 3; s++)
        ok = gather(x, label, columns, run->split.rows[s], run->split.count[s], &run->slices[s],
                    err);
    free(x);
    ok = ok &&
         fit_trees(&run->slices[TRAIN], &run->slices[CALIBRATION], columns, &run->trees,
                   &run->best_round, &run->validation_auc, &run->scale_pos_weight, err) &&
         evaluate(run, err);
    json_t *shap = NULL;
    if (ok) {
        describe(run, as_of);
        json_t *metrics = metrics_json(run, err);
        json_t *calibration = metrics ? calibration_test_json(run, metrics, err) : NULL;
        ok = calibration != NULL;
        if (ok) {
            json_object_set_new(metrics, "by_plan_tier", by_tier_json(run));
            json_object_set_new(json_object_get(run->meta, "calibration"), "test", calibration);
            json_object_set_new(run->meta, "metrics", json_pack("{s:o}", "test", metrics));
        } else {
            json_decref(metrics);
        }
        ok = ok && shap_json(run, &shap, err);
    }
    if (ok) {
        json_object_set_new(run->meta, "shap", shap);
        json_object_set_new(run->meta, "constant_in_training", constant_features_json(run));
        ok = reference_json(run, err) &&
             (strcmp(run->name, "expansion") != 0 || leakage_guard(run, err)) &&
             save_trees(run, dir, summary, err);
    }
    if (ok) {
        const json_t *test = json_object_get(json_object_get(run->meta, "metrics"), "test");
        snprintf(summary->name, sizeof summary->name, "%s", run->name);
        summary->train_rows = run->slices[TRAIN].rows;
        summary->calibration_rows = run->slices[CALIBRATION].rows;
        summary->test_rows = run->slices[TEST].rows;
        summary->test_auc = json_number_value(json_object_get(test, "auc"));
        summary->top_decile_lift =
            json_number_value(json_object_get(json_object_get(test, "top_decile"), "lift"));
        summary->brier = json_number_value(json_object_get(test, "brier"));
        summary->max_calibration_error =
            json_number_value(json_object_get(test, "max_calibration_error"));
        summary->auc_before_calibration =
            json_number_value(json_object_get(test, "auc_before_calibration"));
        summary->calibration = run->calibration.method;
        summary->calibration_positives = run->calibration.positives;
        summary->calibration_negatives = run->calibration.negatives;
        const json_t *top =
            json_array_get(json_object_get(json_object_get(run->meta, "shap"), "mean_abs"), 0);
        snprintf(summary->top_feature, sizeof summary->top_feature, "%s",
                 json_string_value(json_object_get(top, "feature")));
    }
    return ok;
}

static void run_free(training_run *run) {
    tn_encoder_free(&run->encoder);
    split_free(&run->split);
    for (int s = 0; s < 3; s++)
        slice_free(&run->slices[s]);
    tn_xgb_free(&run->trees);
    tn_calibration_free(&run->calibration);
    free(run->test_probability), free(run->test_raw), free(run->test_margin);
    free(run->mean_abs_shap);
    json_decref(run->meta);
}

static void on_snapshot(void *context, size_t done, size_t total) {
    const tn_train_watch *watch = context;
    if (watch != NULL && watch->step != NULL)
        watch->step(watch->context, "snapshots", done, total);
}

bool tn_train_missing_features(tn_db *db, const char *relation, json_t **out, tn_error *err) {
    *out = json_array();
    bool exists = false;
    if (strcmp(relation, "marts.feature_availability") == 0 &&
        !tn_query_table_exists(db, "marts", "feature_availability", &exists, err))
        return false;
    if (strcmp(relation, "marts.feature_availability") == 0 && !exists)
        return true; /* an older warehouse: every feature is there */
    tn_strbuf sql = TN_STRBUF_INIT;
    const tn_template_var vars[] = {{"relation", relation}, {NULL, NULL}};
    tn_table rows = {0};
    bool ok = tn_template_render_file("sql/ml/missing_features.sql", vars, &sql, err) &&
              tn_table_query(db, tn_strbuf_cstr(&sql), &rows, err);
    tn_strbuf_free(&sql);
    char *const *names = tn_table_texts(&rows, "name");
    char *const *because = tn_table_texts(&rows, "because");
    for (size_t r = 0; ok && r < rows.rows; r++)
        json_array_append_new(*out, json_pack("{s:s, s:s}", "feature", names[r], "because",
                                              because[r] != NULL ? because[r] : ""));
    tn_table_free(&rows);
    return ok;
}

/* `specs` without the features in `missing`, into `kept` (room for `count`). */
static size_t available_specs(const tn_feature_spec *specs, size_t count, const json_t *missing,
                              tn_feature_spec *kept) {
    size_t n = 0;
    for (size_t f = 0; f < count; f++) {
        bool lacking = false;
        for (size_t m = 0; m < json_array_size(missing); m++)
            lacking =
                lacking || strcmp(specs[f].name, json_string_value(json_object_get(
                                                     json_array_get(missing, m), "feature"))) == 0;
        if (!lacking)
            kept[n++] = specs[f];
    }
    return n;
}

/* The features of `specs` that are left out, as {feature, because}. */
static json_t *left_out_of(const tn_feature_spec *specs, size_t count, const json_t *missing) {
    json_t *left_out = json_array();
    for (size_t m = 0; m < json_array_size(missing); m++) {
        const json_t *entry = json_array_get(missing, m);
        for (size_t f = 0; f < count; f++) {
            if (strcmp(specs[f].name, json_string_value(json_object_get(entry, "feature"))) == 0)
                json_array_append(left_out, (json_t *)entry);
        }
    }
    return left_out;
}

/* The metadata's "tiers": the test period's label rate, the multiples, the cut-offs. */
static json_t *tiers_json(const json_t *meta, const tn_tier_multiples *tiers) {
    const json_t *test =
        json_object_get(json_object_get(json_object_get(meta, "training"), "split"), "test");
    double rows = json_number_value(json_object_get(test, "rows"));
    double positives = json_number_value(json_object_get(test, "positives"));
    double rate = rows > 0 ? positives / rows : 0;
    return json_pack("{s:f, s:s, s:{s:f, s:f, s:f}, s:{s:f, s:f, s:f}}", "base_rate", rate,
                     "base_rate_of",
                     "the label's rate over the test period, its last 6 monthly snapshots",
                     "multiples", "medium", tiers->medium, "high", tiers->high, "critical",
                     tiers->critical, "cuts", "medium", fmin(tiers->medium * rate, 1.0), "high",
                     fmin(tiers->high * rate, 1.0), "critical", fmin(tiers->critical * rate, 1.0));
}

bool tn_train_on(const tn_snapshots *snapshots, const json_t *missing, tn_day as_of,
                 const tn_tier_multiples *tiers, const char *models_dir,
                 const tn_train_watch *watch, tn_train_result *result, tn_error *err) {
    memset(result, 0, sizeof *result);
    result->snapshots = snapshots->count;
    const struct {
        const char *name;
        const tn_feature_spec *specs;
        size_t count;
        const tn_table *rows;
    } models[2] = {
        {"churn", tn_churn_features, TN_CHURN_FEATURES, &snapshots->churn},
        {"expansion", tn_expansion_features, TN_EXPANSION_FEATURES, &snapshots->expansion}};
    char staging[4200];
    json_t *metas[2] = {NULL, NULL}, *survival = NULL;
    bool ok = tn_model_set_stage(models_dir, staging, sizeof staging, err);
    bool staged = ok;
    for (int m = 0; ok && m < 2; m++) {
        if (watch != NULL && watch->step != NULL)
            watch->step(watch->context, models[m].name, (size_t)m, 2);
        tn_feature_spec kept[TN_EXPANSION_FEATURES];
        json_t *left_out = left_out_of(models[m].specs, models[m].count, missing);
        training_run run = {.name = models[m].name,
                            .specs = kept,
                            .feature_count =
                                available_specs(models[m].specs, models[m].count, missing, kept),
                            .left_out = left_out,
                            .rows = models[m].rows,
                            .snapshots = snapshots};
        ok = train_model(&run, as_of, staging, &result->models[m], err);
        if (!ok)
            tn_error_prefix(err, "%s model", models[m].name);
        if (ok && m == 0 && watch != NULL && watch->step != NULL)
            watch->step(watch->context, "survival", 1, 2);
        if (ok && m == 0 && !train_survival(&run, as_of, staging, &survival, result, err))
            ok = false, tn_error_prefix(err, "survival model");
        else
            metas[m] = json_incref(run.meta);
        if (metas[m] != NULL)
            json_object_set_new(metas[m], "tiers", tiers_json(metas[m], tiers));
        run_free(&run);
        json_decref(left_out);
    }
    ok = ok && publish_set(metas, survival, staging, models_dir, result, err);
    if (!ok && staged)
        tn_model_set_discard(staging);
    json_decref(metas[0]);
    json_decref(metas[1]);
    json_decref(survival);
    return ok;
}

/* The exported snapshot rows of `tenure train --parquet` (warehouse/parquet_inputs.h). */
static const tn_snapshot_relations exported_snapshots = {
    "training.churn_snapshots", "--parquet training/churn_snapshots.parquet",
    "training.expansion_snapshots", "--parquet training/expansion_snapshots.parquet"};

/*
 * The warehouse, read-only; with --parquet, an in-memory database whose
 * marts, staging models and training snapshots are the Parquet files.
 */
static bool open_inputs(const tn_train_options *options, tn_db **db, tn_error *err) {
    if (options->parquet_dir == NULL)
        return tn_db_open(options->db_path, TN_DB_READ_ONLY, db, err);
    return tn_parquet_inputs_open(":memory:", TN_DB_READ_WRITE, options->parquet_dir,
                                  TN_PARQUET_TRAINING, db, err);
}

bool tn_train(const tn_train_options *options, const tn_train_watch *watch, tn_train_result *result,
              tn_error *err) {
    memset(result, 0, sizeof *result);
    tn_db *db = NULL;
    tn_day as_of, data_as_of;
    tn_snapshots snapshots = {0};
    json_t *missing = NULL;
    /* the inputs first: a refused Parquet file leaves no new directory behind */
    bool ok = open_inputs(options, &db, err) &&
              tn_file_make_dir("--models", options->models_dir, err) &&
              tn_file_make_dir("--export", options->export_dir, err) &&
              tn_build_info_dates(db, &as_of, &data_as_of, err) &&
              tn_train_missing_features(db, "marts.feature_availability", &missing, err) &&
              (options->parquet_dir != NULL
                   ? tn_snapshots_adopt(db, as_of, &exported_snapshots, err) &&
                         tn_snapshots_read(db, as_of, options->export_dir, &snapshots, err)
                   : tn_snapshots_build(db, as_of, data_as_of, options->export_dir, on_snapshot,
                                        (void *)watch, &snapshots, err));
    tn_db_close(db);
    ok = ok && tn_train_on(&snapshots, missing, as_of, &options->tiers, options->models_dir, watch,
                           result, err);
    json_decref(missing);
    tn_snapshots_free(&snapshots);
    return ok;
}
