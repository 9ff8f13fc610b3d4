/*
 * xgb.c — training, prediction and SHAP through the XGBoost C API (see xgb.h).
 *
 * Parameters (tn_xgb_default_params): learning rate 0.1, depth 3, at least
 * 5 (hessian-weighted) rows per leaf, 80 % row and column subsampling, L2
 * penalty 1, up to 600 rounds, early stopping after 50 rounds without a
 * better validation AUC, 2 threads, seed 42. The caller sets
 * scale_pos_weight to negatives / positives (class weighting); probabilities
 * are calibrated afterwards, so the weighting does not bias what is served.
 * Depth 3 rather than deeper: exact TreeSHAP costs grow with the square of
 * the depth, and on the default company depth 4 or a slower learning rate
 * bought no test AUC (BENCHMARKS.md has the scoring speed).
 */
#include "ml/xgb.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <xgboost/c_api.h>

#include "common/alloc.h"
#include "common/parallel.h"
#include "ml/tree_shap.h"

tn_xgb_params tn_xgb_default_params(void) {
    tn_xgb_params p = (tn_xgb_params){
        .max_rounds = 600,
        .early_stopping_rounds = 50,
        .max_depth = 3,
        .seed = 42,
        .threads = 2,
        .eta = 0.1,
        .subsample = 0.8,
        .colsample = 0.8,
        .min_child_weight = 5,
        .lambda = 1,
        .scale_pos_weight = 1,
        .objective = "binary:logistic",
        .eval_metric = "auc",
        .maximize = true,
    };
    return p;
}

/* XGBoost's last error, first line only (it appends a stack trace). */
static const char *last_error(char *out, size_t size) {
    snprintf(out, size, "%s", XGBGetLastError());
    char *newline = strchr(out, '\n');
    if (newline != NULL)
        *newline = '\0';
    return out;
}

static bool failed(int status, const char *what, tn_error *err) {
    if (status == 0)
        return false;
    char message[512];
    tn_error_set(err, TN_ERR_MODEL, "XGBoost: %s: %s", what, last_error(message, sizeof message));
    return true;
}

/* XGBoost keeps its global configuration per thread, so each thread silences its own. */
static void quiet(void) {
    static _Thread_local bool done = false;
    if (!done) {
        XGBSetGlobalConfig("{\"verbosity\": 0}");
        done = true;
    }
}

static bool make_matrix(const float *x, const float *label, size_t rows, size_t columns,
                        DMatrixHandle *out, tn_error *err) {
    if (failed(XGDMatrixCreateFromMat(x, rows, columns, NAN, out), "creating a matrix", err))
        return false;
    if (label != NULL &&
        failed(XGDMatrixSetFloatInfo(*out, "label", label, rows), "setting labels", err)) {
        XGDMatrixFree(*out);
        return false;
    }
    return true;
}

static bool make_shap_tables(tn_xgb *model, tn_error *err);
static bool make_own_predictions(tn_xgb *model, tn_error *err);

static bool set_params(BoosterHandle booster, const tn_xgb_params *p, tn_error *err) {
    char value[32];
    struct {
        const char *name;
        double number;
        const char *text;
    } params[] = {
        {"objective", 0, p->objective},
        {"eval_metric", 0, p->eval_metric},
        {"tree_method", 0, "hist"},
        {"eta", p->eta, NULL},
        {"max_depth", p->max_depth, NULL},
        {"subsample", p->subsample, NULL},
        {"colsample_bytree", p->colsample, NULL},
        {"min_child_weight", p->min_child_weight, NULL},
        {"lambda", p->lambda, NULL},
        {"scale_pos_weight", p->scale_pos_weight, NULL},
        {"seed", p->seed, NULL},
        {"nthread", p->threads, NULL},
    };
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
        if (params[i].text == NULL)
            snprintf(value, sizeof value, "%.10g", params[i].number);
        if (failed(
                XGBoosterSetParam(booster, params[i].name, params[i].text ? params[i].text : value),
                params[i].name, err))
            return false;
    }
    return true;
}

/* The metric's value in XGBoost's evaluation line "[12]\tvalid-auc:0.83". */
static double parse_metric(const char *line, const char *metric) {
    char key[64];
    snprintf(key, sizeof key, "valid-%s:", metric);
    const char *at = strstr(line, key);
    return at != NULL ? strtod(at + strlen(key), NULL) : NAN;
}

bool tn_xgb_train(const tn_xgb_data *train, const tn_xgb_data *valid, size_t columns,
                  const tn_xgb_params *params, tn_xgb *out, int *best_round, double *best_auc,
                  tn_error *err) {
    quiet();
    memset(out, 0, sizeof *out);
    DMatrixHandle dtrain = NULL, dvalid = NULL;
    BoosterHandle booster = NULL;
    if (!make_matrix(train->x, train->label, train->rows, columns, &dtrain, err))
        return false;
    bool ok = make_matrix(valid->x, valid->label, valid->rows, columns, &dvalid, err);
    DMatrixHandle cache[] = {dtrain, dvalid};
    ok = ok && !failed(XGBoosterCreate(cache, 2, &booster), "creating a booster", err) &&
         set_params(booster, params, err);
    int best = -1, round;
    double best_value = -INFINITY;
    int rounds = params->exact_rounds > 0 ? params->exact_rounds : params->max_rounds;
    for (round = 0; ok && round < rounds; round++) {
        const char *names[] = {"valid"}, *line = NULL;
        DMatrixHandle evaluated[] = {dvalid};
        ok = !failed(XGBoosterUpdateOneIter(booster, round, dtrain), "training a round", err);
        if (ok && params->exact_rounds > 0) {
            best = round; /* every round is kept */
            continue;
        }
        ok = ok && !failed(XGBoosterEvalOneIter(booster, round, evaluated, names, 1, &line),
                           "evaluating", err);
        double value = ok ? parse_metric(line, params->eval_metric) : NAN;
        if (ok && !params->maximize)
            value = -value;
        if (ok && value > best_value) {
            best_value = value;
            best = round;
        }
        if (ok && round - best >= params->early_stopping_rounds)
            break;
    }
    BoosterHandle sliced = NULL;
    ok = ok && best >= 0 &&
         !failed(XGBoosterSlice(booster, 0, best + 1, 1, &sliced), "keeping the best rounds", err);
    if (booster != NULL)
        XGBoosterFree(booster);
    if (dtrain != NULL)
        XGDMatrixFree(dtrain);
    if (dvalid != NULL)
        XGDMatrixFree(dvalid);
    if (!ok)
        return false;
    out->booster = sliced;
    out->columns = columns;
    out->tables = NULL;
    out->own = TN_XGB_OWN_NONE;
    if (!make_shap_tables(out, err)) {
        tn_xgb_free(out);
        return false;
    }
    if (best_round != NULL)
        *best_round = best;
    if (best_auc != NULL)
        *best_auc = params->maximize ? best_value : -best_value;
    return true;
}

/* Runs one kind of prediction (0 value, 1 margin, 2 contributions) and copies `width` values a row.
 */
static bool predict_kind(const tn_xgb *model, const float *x, size_t rows, int type, size_t width,
                         double *out, tn_error *err) {
    DMatrixHandle matrix = NULL;
    if (rows == 0)
        return true;
    if (!make_matrix(x, NULL, rows, model->columns, &matrix, err))
        return false;
    char config[160];
    snprintf(config, sizeof config,
             "{\"type\": %d, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": 0, "
             "\"strict_shape\": false}",
             type);
    const bst_ulong *shape = NULL;
    bst_ulong dimensions = 0;
    const float *result = NULL;
    bool ok = !failed(
        XGBoosterPredictFromDMatrix(model->booster, matrix, config, &shape, &dimensions, &result),
        "predicting", err);
    for (size_t i = 0; ok && i < rows * width; i++)
        out[i] = result[i];
    XGDMatrixFree(matrix);
    return ok;
}

/* The objective's value of a margin, as XGBoost's float arithmetic gives it. */
static float own_value(tn_xgb_own own, float margin) {
    switch (own) {
    case TN_XGB_OWN_LOGISTIC:
        return 1.0f / (1.0f + expf(-margin));
    case TN_XGB_OWN_EXP:
        return expf(margin);
    case TN_XGB_OWN_IDENTITY:
    case TN_XGB_OWN_NONE:
        break;
    }
    return margin;
}

/* The values and margins (into either unless NULL) of `rows` float margins. */
static void own_outputs(const tn_xgb *model, const float *margins, size_t rows, double *value,
                        double *margin) {
    for (size_t r = 0; r < rows; r++) {
        if (value != NULL)
            value[r] = own_value(model->own, margins[r]);
        if (margin != NULL)
            margin[r] = margins[r];
    }
}

/*
 * The values (into `value`, unless NULL) and margins (into `margin`, unless
 * NULL) of `rows` rows: from the tables' trees when they are XGBoost's own,
 * else from XGBoost.
 */
static bool predict_own(const tn_xgb *model, const float *x, size_t rows, double *value,
                        double *margin, tn_error *err) {
    if (model->own == TN_XGB_OWN_NONE)
        return (value == NULL || predict_kind(model, x, rows, 0, 1, value, err)) &&
               (margin == NULL || predict_kind(model, x, rows, 1, 1, margin, err));
    float *margins = tn_alloc_array(rows + 1, sizeof *margins, "the margins", err);
    if (margins == NULL)
        return false;
    tn_tree_shap_margins(model->tables, model->own_start, x, rows, margins);
    own_outputs(model, margins, rows, value, margin);
    free(margins);
    return true;
}

bool tn_xgb_predict(const tn_xgb *model, const float *x, size_t rows, double *out, tn_error *err) {
    return predict_own(model, x, rows, out, NULL, err);
}

bool tn_xgb_margin(const tn_xgb *model, const float *x, size_t rows, double *out, tn_error *err) {
    return predict_own(model, x, rows, NULL, out, err);
}

bool tn_xgb_predict_with_margin(const tn_xgb *model, const float *x, size_t rows, double *value,
                                double *margin, tn_error *err) {
    return predict_own(model, x, rows, value, margin, err);
}

bool tn_xgb_predict_by_xgboost(const tn_xgb *model, const float *x, size_t rows, bool margin,
                               double *out, tn_error *err) {
    return predict_kind(model, x, rows, margin ? 1 : 0, 1, out, err);
}

bool tn_xgb_contributions_by_xgboost(const tn_xgb *model, const float *x, size_t rows, double *out,
                                     tn_error *err) {
    return predict_kind(model, x, rows, 2, model->columns + 1, out, err);
}

bool tn_xgb_contributions(const tn_xgb *model, const float *x, size_t rows, double *out,
                          tn_error *err) {
    if (model->tables == NULL)
        return tn_xgb_contributions_by_xgboost(model, x, rows, out, err);
    tn_tree_shap_contributions(model->tables, x, rows, out, 0.0f, NULL);
    return true;
}

bool tn_xgb_predict_explained(const tn_xgb *model, const float *x, size_t rows, double *value,
                              double *margin, double *contributions, tn_error *err) {
    if (model->own == TN_XGB_OWN_NONE)
        return tn_xgb_predict_with_margin(model, x, rows, value, margin, err) &&
               tn_xgb_contributions(model, x, rows, contributions, err);
    float *margins = tn_alloc_array(rows + 1, sizeof *margins, "the margins", err);
    if (margins == NULL)
        return false;
    tn_tree_shap_contributions(model->tables, x, rows, contributions, model->own_start, margins);
    own_outputs(model, margins, rows, value, margin);
    free(margins);
    return true;
}

bool tn_xgb_has_shap_tables(const tn_xgb *model) {
    return model->tables != NULL;
}

enum { PROBE_ROWS = 256 };

/*
 * XGBoost's base_score (the learner's, in the objective's units), from its
 * configuration; NAN when it cannot be read.
 */
static float base_score(const tn_xgb *model) {
    bst_ulong length = 0;
    const char *text = NULL;
    if (XGBoosterSaveJsonConfig(model->booster, &length, &text) != 0)
        return NAN;
    json_t *config = json_loadb(text, (size_t)length, 0, NULL);
    const char *score = json_string_value(json_object_get(
        json_object_get(json_object_get(config, "learner"), "learner_model_param"), "base_score"));
    char *end = NULL;
    float value = score != NULL ? strtof(score, &end) : NAN;
    if (end == score || (end != NULL && *end != '\0'))
        value = NAN;
    json_decref(config);
    return value;
}

/*
 * Whether every probe row's margin from `start` (into `own`) is XGBoost's
 * (`margins`), to the bit.
 */
static bool start_matches(const tn_xgb *model, const float *probes, const double *margins,
                          float start, float own[PROBE_ROWS]) {
    tn_tree_shap_margins(model->tables, start, probes, PROBE_ROWS, own);
    for (size_t r = 0; r < PROBE_ROWS; r++)
        if (own[r] != (float)margins[r])
            return false;
    return true;
}

/*
 * The float the margins start from: the base_score in margin units (as the
 * logistic, the exponential or no link gives it) or the base margin the
 * tables hold, or a float a few steps from one of them, whichever makes
 * every probe row's margin equal XGBoost's (those margins into `own`);
 * false when none does.
 */
static bool find_own_start(const tn_xgb *model, const float *probes, const double *margins,
                           float *start, float own[PROBE_ROWS]) {
    float score = base_score(model);
    const float guesses[] = {-logf(1.0f / score - 1.0f), logf(score), score,
                             (float)tn_tree_shap_base(model->tables)};
    for (size_t g = 0; g < sizeof guesses / sizeof guesses[0]; g++) {
        if (!isfinite(guesses[g]))
            continue;
        float candidate = guesses[g];
        for (int step = 0; step < 4; step++)
            candidate = nextafterf(candidate, -INFINITY);
        for (int step = 0; step < 9; step++, candidate = nextafterf(candidate, INFINITY))
            if (start_matches(model, probes, margins, candidate, own)) {
                *start = candidate;
                return true;
            }
    }
    return false;
}

/*
 * The transform that turns the probe rows' `margins` into XGBoost's `values`
 * on every row, or TN_XGB_OWN_NONE.
 */
static tn_xgb_own find_own_transform(const float *margins, const double *values) {
    const tn_xgb_own kinds[] = {TN_XGB_OWN_LOGISTIC, TN_XGB_OWN_EXP, TN_XGB_OWN_IDENTITY};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        bool all = true;
        for (size_t r = 0; all && r < PROBE_ROWS; r++)
            all = own_value(kinds[k], margins[r]) == (float)values[r];
        if (all)
            return kinds[k];
    }
    return TN_XGB_OWN_NONE;
}

/*
 * Whether predictions can come from the tables' trees (model->own), decided
 * by asking XGBoost for the margins and values of probe rows that go both
 * ways at the splits and requiring the same bits: a prediction through a
 * DMatrix is a tenth of a second per model at 50,000 customers, walking the
 * trees here a few milliseconds. Anything unmatched keeps XGBoost's.
 */
static bool make_own_predictions(tn_xgb *model, tn_error *err) {
    model->own = TN_XGB_OWN_NONE;
    if (model->tables == NULL)
        return true;
    float *probes =
        tn_alloc_array(PROBE_ROWS * model->columns + 1, sizeof *probes, "the probe rows", err);
    double *margins = tn_alloc_array(2 * PROBE_ROWS, sizeof *margins, "the probe rows", err);
    bool ok = probes != NULL && margins != NULL &&
              (tn_tree_shap_probe_rows(model->tables, PROBE_ROWS, probes) ||
               tn_error_set(err, TN_ERR_NOMEM, "out of memory for the probe rows")) &&
              predict_kind(model, probes, PROBE_ROWS, 1, 1, margins, err) &&
              predict_kind(model, probes, PROBE_ROWS, 0, 1, margins + PROBE_ROWS, err);
    float own[PROBE_ROWS];
    if (ok && find_own_start(model, probes, margins, &model->own_start, own))
        model->own = find_own_transform(own, margins + PROBE_ROWS);
    free(probes);
    free(margins);
    return ok;
}

/*
 * Makes model->tables from the booster's trees (left NULL when they are not
 * for tables), with the base margin read off a row of missing values:
 * XGBoost's margin less the leaves that row reaches.
 */
static bool make_shap_tables(tn_xgb *model, tn_error *err) {
    bst_ulong length = 0;
    const char *json = NULL;
    if (failed(XGBoosterSaveModelToBuffer(model->booster, "{\"format\": \"json\"}", &length, &json),
               "reading the trees", err))
        return false;
    tn_tree_shap *tables = NULL;
    if (!tn_tree_shap_build(json, (size_t)length, model->columns, &tables, err))
        return false;
    if (tables == NULL)
        return true;
    float *missing = tn_alloc_array(model->columns, sizeof *missing, "a row", err);
    double margin = 0;
    bool ok = missing != NULL;
    for (size_t c = 0; ok && c < model->columns; c++)
        missing[c] = NAN;
    ok = ok && predict_kind(model, missing, 1, 1, 1, &margin, err);
    if (ok) {
        tn_tree_shap_set_base(tables, margin - tn_tree_shap_leaf_sum(tables, missing));
        model->tables = tables;
    } else {
        tn_tree_shap_free(tables);
    }
    free(missing);
    return ok && make_own_predictions(model, err);
}

bool tn_xgb_save(const tn_xgb *model, const char *path, tn_error *err) {
    return !failed(XGBoosterSaveModel(model->booster, path), path, err);
}

bool tn_xgb_load(const char *path, tn_xgb *out, tn_error *err) {
    quiet();
    memset(out, 0, sizeof *out);
    FILE *file = fopen(path, "rb");
    if (file == NULL)
        return tn_error_set(err, TN_ERR_MODEL,
                            "%s: no such model file (train one with 'tenure train')", path);
    fclose(file);
    BoosterHandle booster = NULL;
    bst_ulong columns = 0;
    if (XGBoosterCreate(NULL, 0, &booster) != 0 || XGBoosterLoadModel(booster, path) != 0 ||
        XGBoosterGetNumFeature(booster, &columns) != 0) {
        char message[512];
        tn_error_set(err, TN_ERR_MODEL, "%s: not a readable XGBoost model (%s)", path,
                     last_error(message, sizeof message));
        if (booster != NULL)
            XGBoosterFree(booster);
        return false;
    }
    out->booster = booster;
    out->columns = (size_t)columns;
    if (!make_shap_tables(out, err)) {
        tn_xgb_free(out);
        return false;
    }
    return true;
}

void tn_xgb_free(tn_xgb *model) {
    if (model->booster != NULL)
        XGBoosterFree(model->booster);
    model->booster = NULL;
    tn_tree_shap_free(model->tables);
    model->tables = NULL;
    model->own = TN_XGB_OWN_NONE;
}

void tn_xgb_version(char *out, size_t size) {
    int major = 0, minor = 0, patch = 0;
    XGBoostVersion(&major, &minor, &patch);
    snprintf(out, size, "%d.%d.%d", major, minor, patch);
}
