/*
 * drift_check.c — a model's reference sample and the drift of today's
 * population from it (see drift_check.h).
 */
#include "ml/drift_check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>

#include "common/alloc.h"
#include "common/json.h"
#include "ml/score.h"
#include "stats/drift.h"

static const char *const kind_names[] = {"number", "boolean", "category"};

/* ---- the reference, at training ------------------------------------------------------ */

/* The row indexes kept: all of `population`, or a sample of TN_DRIFT_REFERENCE_ROWS, in order. */
static size_t *sample_rows(const size_t *population, size_t count, size_t *kept, tn_error *err) {
    *kept = count < TN_DRIFT_REFERENCE_ROWS ? count : TN_DRIFT_REFERENCE_ROWS;
    size_t *rows = tn_alloc_array(*kept + 1, sizeof *rows, "the reference sample", err);
    if (rows == NULL)
        return NULL;
    if (*kept == count) {
        memcpy(rows, population, count * sizeof *rows);
        return rows;
    }
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (rng == NULL) {
        free(rows);
        tn_error_set(err, TN_ERR_NOMEM, "out of memory for the reference sample");
        return NULL;
    }
    gsl_rng_set(rng, TN_DRIFT_REFERENCE_SEED);
    gsl_ran_choose(rng, rows, *kept, (void *)population, count, sizeof *rows);
    gsl_rng_free(rng);
    return rows;
}

/* One feature's values at `rows`, as JSON (null where missing). */
static json_t *feature_values(const tn_encoded_feature *feature, const tn_table *table,
                              const size_t *rows, size_t kept, tn_error *err) {
    char *const *texts =
        feature->kind == TN_FEATURE_CATEGORY ? tn_table_texts(table, feature->name) : NULL;
    const double *numbers =
        feature->kind == TN_FEATURE_CATEGORY ? NULL : tn_table_numbers(table, feature->name);
    if (texts == NULL && numbers == NULL) {
        tn_error_set(err, TN_ERR_INTERNAL, "the training rows have no column %s", feature->name);
        return NULL;
    }
    json_t *values = json_array();
    for (size_t i = 0; values != NULL && i < kept; i++) {
        json_t *value = texts != NULL
                            ? (texts[rows[i]] != NULL ? json_string(texts[rows[i]]) : json_null())
                            : tn_json_real(numbers[rows[i]]);
        if (json_array_append_new(values, value) != 0) {
            json_decref(values);
            values = NULL;
        }
    }
    if (values == NULL)
        tn_error_set(err, TN_ERR_NOMEM, "out of memory for the reference sample");
    return values;
}

json_t *tn_drift_reference_json(const tn_encoder *encoder, const tn_table *rows,
                                const size_t *population, size_t count, tn_error *err) {
    size_t kept = 0;
    size_t *sample = sample_rows(population, count, &kept, err);
    if (sample == NULL)
        return NULL;
    json_t *features = json_array();
    bool ok = features != NULL ||
              tn_error_set(err, TN_ERR_NOMEM, "out of memory for the reference sample");
    for (size_t f = 0; ok && f < encoder->feature_count; f++) {
        const tn_encoded_feature *feature = &encoder->features[f];
        json_t *values = feature_values(feature, rows, sample, kept, err);
        ok = values != NULL &&
             json_array_append_new(features,
                                   json_pack("{s:s, s:s, s:o}", "feature", feature->name, "kind",
                                             kind_names[feature->kind], "values", values)) == 0;
    }
    free(sample);
    if (!ok) {
        json_decref(features);
        return NULL;
    }
    json_t *reference =
        json_pack("{s:s, s:I, s:I, s:I, s:o}", "population",
                  "the rows the trees and the calibration were fitted on", "population_rows",
                  (json_int_t)count, "rows", (json_int_t)kept, "seed",
                  (json_int_t)TN_DRIFT_REFERENCE_SEED, "features", features);
    if (reference == NULL)
        tn_error_set(err, TN_ERR_NOMEM, "out of memory for the reference sample");
    return reference;
}

/* ---- the check, against the current mart ----------------------------------------------- */

/* The reference's entry for `name` in "features", or NULL. */
static const json_t *reference_feature(const json_t *features, const char *name) {
    size_t i;
    const json_t *entry;
    json_array_foreach(features, i, entry) {
        const char *feature = json_string_value(json_object_get(entry, "feature"));
        if (feature != NULL && strcmp(feature, name) == 0)
            return entry;
    }
    return NULL;
}

/* The median of the non-missing values of `values` (reordered), or NAN without one. */
static double median_of(double *values, size_t n) {
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(values[i]))
            values[kept++] = values[i];
    return kept > 0 ? gsl_stats_median(values, 1, kept) : NAN;
}

/* Both samples' medians, from copies. */
static bool medians(const double *reference, const double *current, size_t reference_n,
                    size_t current_n, tn_feature_drift *out, tn_error *err) {
    size_t n = reference_n > current_n ? reference_n : current_n;
    double *copy = tn_alloc_array(n + 1, sizeof *copy, "a median", err);
    if (copy == NULL)
        return false;
    memcpy(copy, reference, reference_n * sizeof *copy);
    out->reference_median = median_of(copy, reference_n);
    memcpy(copy, current, current_n * sizeof *copy);
    out->current_median = median_of(copy, current_n);
    free(copy);
    return true;
}

/* The share of true among the non-missing values of a boolean (NAN without one). */
static double share_true(const double *values, size_t n) {
    size_t present = 0, yes = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(values[i])) {
            present++;
            yes += values[i] != 0;
        }
    return present > 0 ? (double)yes / (double)present : NAN;
}

/* PSI (and KS for a number) of one numeric or boolean feature. */
static bool numeric_drift(const json_t *values, const double *current, size_t current_n,
                          tn_feature_drift *out, tn_error *err) {
    size_t n = json_array_size(values);
    double *reference = tn_alloc_array(n + 1, sizeof *reference, "the reference sample", err);
    if (reference == NULL)
        return false;
    for (size_t i = 0; i < n; i++) {
        const json_t *value = json_array_get(values, i);
        reference[i] = json_is_number(value) ? json_number_value(value) : NAN;
    }
    tn_psi_result psi = {0};
    tn_ks_result ks = {0};
    bool ok = tn_psi_numeric(reference, n, current, current_n, TN_PSI_DEFAULT_BINS, &psi, err) &&
              (out->kind != TN_FEATURE_NUMBER ||
               tn_ks_two_sample(reference, n, current, current_n, &ks, err)) &&
              medians(reference, current, n, current_n, out, err);
    if (ok) {
        out->psi = psi.psi;
        out->reference_missing = psi.reference_missing;
        out->current_missing = psi.current_missing;
        out->ks_statistic = out->kind == TN_FEATURE_NUMBER ? ks.statistic : NAN;
        out->ks_p = out->kind == TN_FEATURE_NUMBER ? ks.p_value : NAN;
    }
    if (ok && out->kind == TN_FEATURE_BOOL) {
        snprintf(out->moved_category, sizeof out->moved_category, "true");
        out->reference_share = share_true(reference, n);
        out->current_share = share_true(current, current_n);
        out->reference_median = out->current_median = NAN;
    }
    tn_psi_free(&psi);
    free(reference);
    return ok;
}

/* The category whose share moved most (the missing values' bin is "(missing)"). */
static void largest_move(const tn_psi_result *psi, tn_feature_drift *out) {
    double largest = -1;
    for (size_t b = 0; b < psi->bins; b++) {
        double move = fabs(psi->current_share[b] - psi->reference_share[b]);
        if (move <= largest)
            continue;
        largest = move;
        bool missing = psi->missing_bin && b == psi->bins - 1;
        snprintf(out->moved_category, sizeof out->moved_category, "%s",
                 missing ? "(missing)" : psi->category[b]);
        out->reference_share = psi->reference_share[b];
        out->current_share = psi->current_share[b];
    }
}

/* PSI of one categorical feature. */
static bool categorical_drift(const json_t *values, char *const *current, size_t current_n,
                              tn_feature_drift *out, tn_error *err) {
    size_t n = json_array_size(values);
    const char **reference = tn_alloc_array(n + 1, sizeof *reference, "the reference sample", err);
    if (reference == NULL)
        return false;
    for (size_t i = 0; i < n; i++)
        reference[i] = json_string_value(json_array_get(values, i)); /* NULL: missing */
    tn_psi_result psi = {0};
    bool ok = tn_psi_categorical(reference, n, (const char *const *)current, current_n, &psi, err);
    if (ok) {
        out->psi = psi.psi;
        out->reference_missing = psi.reference_missing;
        out->current_missing = psi.current_missing;
        out->ks_statistic = out->ks_p = NAN;
        out->reference_median = out->current_median = NAN;
        largest_move(&psi, out);
    }
    tn_psi_free(&psi);
    free(reference);
    return ok;
}

/* One feature of the model against its reference entry. */
static bool feature_drift(const tn_ml_model *model, const tn_encoded_feature *feature,
                          const json_t *entry, const tn_table *current,
                          const tn_drift_thresholds *thresholds, tn_feature_drift *out,
                          tn_error *err) {
    const json_t *values = json_object_get(entry, "values");
    if (!json_is_array(values) || json_array_size(values) == 0)
        return tn_error_set(err, TN_ERR_MODEL, "%s: the reference of %s has no values",
                            model->version, feature->name);
    snprintf(out->feature, sizeof out->feature, "%s", feature->name);
    out->kind = feature->kind;
    bool ok;
    if (feature->kind == TN_FEATURE_CATEGORY) {
        char *const *texts = tn_table_texts(current, feature->name);
        ok = texts != NULL
                 ? categorical_drift(values, texts, current->rows, out, err)
                 : tn_error_set(err, TN_ERR_INTERNAL, "the mart has no column %s", feature->name);
    } else {
        const double *numbers = tn_table_numbers(current, feature->name);
        ok = numbers != NULL
                 ? numeric_drift(values, numbers, current->rows, out, err)
                 : tn_error_set(err, TN_ERR_INTERNAL, "the mart has no column %s", feature->name);
    }
    out->drifted =
        ok && (out->psi >= thresholds->psi || (!isnan(out->ks_p) && out->ks_p < thresholds->ks_p));
    return ok;
}

static int by_psi(const void *a, const void *b) {
    const tn_feature_drift *x = a, *y = b;
    if (x->psi != y->psi)
        return x->psi < y->psi ? 1 : -1;
    return strcmp(x->feature, y->feature);
}

bool tn_drift_check(const tn_ml_model *model, const tn_table *current,
                    const tn_drift_thresholds *thresholds, tn_model_drift *out, tn_error *err) {
    memset(out, 0, sizeof *out);
    snprintf(out->model, sizeof out->model, "%s", model->name);
    snprintf(out->version, sizeof out->version, "%s", model->version);
    out->current_rows = current->rows;
    const json_t *reference = json_object_get(model->meta, "reference");
    if (reference == NULL)
        return true;
    const json_t *features = json_object_get(reference, "features");
    if (!json_is_array(features))
        return tn_error_set(err, TN_ERR_MODEL, "%s: its reference sample has no features",
                            model->version);
    if (current->rows == 0)
        return tn_error_set(err, TN_ERR_INPUT, "no active customer to compare with %s's reference",
                            model->version);
    out->has_reference = true;
    out->reference_rows = (size_t)json_integer_value(json_object_get(reference, "rows"));
    out->population_rows =
        (size_t)json_integer_value(json_object_get(reference, "population_rows"));
    size_t count = model->encoder.feature_count;
    out->features = tn_alloc_array(count + 1, sizeof *out->features, "the drift", err);
    if (out->features == NULL)
        return false;
    for (size_t f = 0; f < count; f++) {
        const tn_encoded_feature *feature = &model->encoder.features[f];
        const json_t *entry = reference_feature(features, feature->name);
        if (entry == NULL)
            return tn_error_set(err, TN_ERR_MODEL, "%s: its reference sample lacks %s",
                                model->version, feature->name);
        if (!feature_drift(model, feature, entry, current, thresholds, &out->features[f], err))
            return false;
        out->count++;
        out->drifted += out->features[f].drifted;
    }
    qsort(out->features, out->count, sizeof *out->features, by_psi);
    return true;
}

void tn_model_drift_free(tn_model_drift *drift) {
    free(drift->features);
    memset(drift, 0, sizeof *drift);
}

/* ---- as JSON ---------------------------------------------------------------------------- */

static json_t *feature_json(const tn_feature_drift *f) {
    json_t *json =
        json_pack("{s:s, s:s, s:o, s:o, s:o, s:I, s:I, s:b}", "feature", f->feature, "kind",
                  kind_names[f->kind], "psi", tn_json_real(f->psi), "ks_statistic",
                  tn_json_real(f->ks_statistic), "ks_p_value", tn_json_real(f->ks_p),
                  "reference_missing", (json_int_t)f->reference_missing, "current_missing",
                  (json_int_t)f->current_missing, "drifted", f->drifted);
    if (json != NULL && f->kind == TN_FEATURE_NUMBER) {
        json_object_set_new(json, "reference_median", tn_json_real(f->reference_median));
        json_object_set_new(json, "current_median", tn_json_real(f->current_median));
    } else if (json != NULL) {
        json_object_set_new(json, "largest_move",
                            json_pack("{s:s, s:o, s:o}", "category", f->moved_category,
                                      "reference_share", tn_json_real(f->reference_share),
                                      "current_share", tn_json_real(f->current_share)));
    }
    return json;
}

json_t *tn_drift_model_json(const tn_model_drift *drift) {
    json_t *features = json_array();
    for (size_t i = 0; features != NULL && i < drift->count; i++)
        if (json_array_append_new(features, feature_json(&drift->features[i])) != 0) {
            json_decref(features);
            features = NULL;
        }
    if (features == NULL)
        return NULL;
    return json_pack("{s:s, s:s, s:b, s:I, s:I, s:I, s:I, s:o}", "model", drift->model, "version",
                     drift->version, "has_reference", drift->has_reference, "reference_rows",
                     (json_int_t)drift->reference_rows, "population_rows",
                     (json_int_t)drift->population_rows, "current_rows",
                     (json_int_t)drift->current_rows, "drifted", (json_int_t)drift->drifted,
                     "features", features);
}

/* {model, feature, value} of the feature that is most extreme by `better` (NULL: none). */
typedef struct {
    const tn_model_drift *model;
    const tn_feature_drift *feature;
    double value;
} extreme;

static json_t *extreme_json(const extreme *e) {
    if (e->feature == NULL)
        return json_null();
    return json_pack("{s:s, s:s, s:o}", "model", e->model->model, "feature", e->feature->feature,
                     "value", tn_json_real(e->value));
}

/* The largest PSI and the smallest KS p-value over every model. */
static void extremes(const tn_model_drift *drifts, size_t count, extreme *psi, extreme *ks) {
    memset(psi, 0, sizeof *psi);
    memset(ks, 0, sizeof *ks);
    for (size_t m = 0; m < count; m++)
        for (size_t i = 0; i < drifts[m].count; i++) {
            const tn_feature_drift *f = &drifts[m].features[i];
            if (!isnan(f->psi) && (psi->feature == NULL || f->psi > psi->value))
                *psi = (extreme){&drifts[m], f, f->psi};
            if (!isnan(f->ks_p) && (ks->feature == NULL || f->ks_p < ks->value))
                *ks = (extreme){&drifts[m], f, f->ks_p};
        }
}

/* How the feature with the largest PSI moved, in words: "median 108 in training, 310 now". */
static void how_it_moved(const tn_feature_drift *f, char *text, size_t size) {
    if (f->kind != TN_FEATURE_NUMBER)
        snprintf(text, size, "%s: %.1f%% of the training rows, %.1f%% now", f->moved_category,
                 100 * f->reference_share, 100 * f->current_share);
    else
        snprintf(text, size, "median %.4g in training, %.4g now", f->reference_median,
                 f->current_median);
}

/* The status and its sentence. */
static const char *status_of(const tn_model_drift *drifts, size_t count, size_t drifted,
                             const extreme *largest, char *message, size_t size) {
    for (size_t m = 0; m < count; m++)
        if (!drifts[m].has_reference) {
            snprintf(message, size,
                     "the %s model keeps no sample of its training population (trained before "
                     "Tenure kept one): retrain it (tenure train) to check drift",
                     drifts[m].model);
            return "unknown";
        }
    if (drifted == 0) {
        snprintf(message, size,
                 "every feature of both models looks as it did in training, by both tests");
        return "ok";
    }
    char moved[160];
    how_it_moved(largest->feature, moved, sizeof moved);
    snprintf(message, size,
             "%zu feature%s of the models %s moved away from the training population, the most "
             "the %s model's %s (PSI %.2f; %s): the models now score customers unlike most of "
             "those they learnt from; read their scores with care and check their recent "
             "accuracy (tenure backtest)",
             drifted, drifted == 1 ? "" : "s", drifted == 1 ? "has" : "have", largest->model->model,
             largest->feature->feature, largest->value, moved);
    return "drift";
}

json_t *tn_drift_health_json(const tn_model_drift *drifts, size_t count,
                             const tn_drift_thresholds *thresholds, const char *as_of) {
    json_t *drifted = json_array(), *models = json_object();
    size_t total = 0;
    for (size_t m = 0; drifted != NULL && models != NULL && m < count; m++) {
        json_object_set_new(models, drifts[m].model, tn_drift_model_json(&drifts[m]));
        for (size_t i = 0; i < drifts[m].count; i++)
            if (drifts[m].features[i].drifted) {
                const tn_feature_drift *f = &drifts[m].features[i];
                total++;
                json_array_append_new(drifted,
                                      json_pack("{s:s, s:s, s:o, s:o}", "model", drifts[m].model,
                                                "feature", f->feature, "psi", tn_json_real(f->psi),
                                                "ks_p_value", tn_json_real(f->ks_p)));
            }
    }
    extreme psi, ks;
    extremes(drifts, count, &psi, &ks);
    char message[640];
    const char *status = status_of(drifts, count, total, &psi, message, sizeof message);
    return json_pack("{s:s, s:s, s:s, s:{s:f, s:f}, s:o, s:o, s:o, s:o}", "status", status,
                     "message", message, "as_of", as_of, "thresholds", "psi", thresholds->psi,
                     "ks_p_value", thresholds->ks_p, "largest_psi", extreme_json(&psi),
                     "smallest_ks_p_value", extreme_json(&ks), "drifted_features",
                     drifted ? drifted : json_null(), "models", models ? models : json_null());
}

json_t *tn_drift_check_set(tn_db *db, const tn_ml_model *churn, const tn_ml_model *expansion,
                           const tn_drift_thresholds *thresholds, const char *as_of,
                           tn_error *err) {
    const tn_ml_model *models[2] = {churn, expansion};
    tn_model_drift drifts[2] = {0};
    bool ok = true;
    for (int m = 0; ok && m < 2; m++) {
        tn_table current = {0};
        ok = tn_score_read_features(db, models[m], &current, err) &&
             tn_drift_check(models[m], &current, thresholds, &drifts[m], err);
        tn_table_free(&current);
    }
    json_t *health = ok ? tn_drift_health_json(drifts, 2, thresholds, as_of) : NULL;
    if (ok && health == NULL)
        tn_error_set(err, TN_ERR_NOMEM, "out of memory for the drift check");
    if (!ok)
        tn_error_prefix(err, "the drift check");
    tn_model_drift_free(&drifts[0]);
    tn_model_drift_free(&drifts[1]);
    return health;
}
