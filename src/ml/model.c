/*
 * model.c — loading and scoring a trained model (see model.h).
 */
#include "ml/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool read_meta(const char *path, tn_ml_model *out, tn_error *err) {
    json_error_t problem;
    FILE *file = fopen(path, "r");
    if (file == NULL)
        return tn_error_set(err, TN_ERR_MODEL,
                            "%s: no such file (train the models with 'tenure train')", path);
    out->meta = json_loadf(file, 0, &problem);
    fclose(file);
    if (out->meta == NULL)
        return tn_error_set(err, TN_ERR_MODEL, "%s: not valid JSON: %s (line %d)", path,
                            problem.text, problem.line);
    const char *version = json_string_value(json_object_get(out->meta, "version"));
    const char *as_of = json_string_value(json_object_get(out->meta, "as_of"));
    if (version == NULL || as_of == NULL)
        return tn_error_set(err, TN_ERR_MODEL, "%s: lacks \"version\" or \"as_of\"", path);
    snprintf(out->version, sizeof out->version, "%s", version);
    snprintf(out->as_of, sizeof out->as_of, "%s", as_of);
    const char *set = json_string_value(json_object_get(out->meta, "model_set"));
    snprintf(out->set, sizeof out->set, "%s", set != NULL ? set : "");
    if (!tn_encoder_from_json(json_object_get(out->meta, "encoding"), &out->encoder, err) ||
        !tn_calibration_from_json(json_object_get(out->meta, "calibration"), &out->calibration,
                                  err)) {
        tn_error_prefix(err, "%s", path);
        return false;
    }
    return true;
}

bool tn_ml_model_load(const char *dir, const char *name, tn_ml_model *out, tn_error *err) {
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", name);
    char path[4200];
    snprintf(path, sizeof path, "%s/%s.meta.json", dir, name);
    bool ok = read_meta(path, out, err);
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    ok = ok && tn_xgb_load(path, &out->xgb, err);
    if (ok && out->xgb.columns != out->encoder.column_count)
        ok = tn_error_set(err, TN_ERR_MODEL, "%s has %zu columns but its metadata describes %zu",
                          path, out->xgb.columns, out->encoder.column_count);
    if (!ok)
        tn_ml_model_free(out);
    return ok;
}

void tn_ml_model_free(tn_ml_model *model) {
    tn_xgb_free(&model->xgb);
    tn_encoder_free(&model->encoder);
    tn_calibration_free(&model->calibration);
    json_decref(model->meta);
    model->meta = NULL;
}

/* The scores of every row; their SHAP values (and bias) too when `shap`, else NAN. */
static bool score_rows(const tn_ml_model *model, const tn_table *rows, bool shap, tn_ml_scores *out,
                       tn_error *err) {
    memset(out, 0, sizeof *out);
    size_t n = rows->rows, columns = model->encoder.column_count;
    out->rows = n;
    out->features = model->encoder.feature_count;
    float *x = malloc((n * columns + 1) * sizeof *x);
    double *contributions = malloc(((shap ? n : 0) * (columns + 1) + 1) * sizeof *contributions);
    out->probability = malloc((n + 1) * sizeof *out->probability);
    out->raw = malloc((n + 1) * sizeof *out->raw);
    out->margin = malloc((n + 1) * sizeof *out->margin);
    out->bias = malloc((n + 1) * sizeof *out->bias);
    out->shap = malloc((n * out->features + 1) * sizeof *out->shap);
    bool ok =
        x && contributions && out->probability && out->raw && out->margin && out->bias && out->shap;
    if (!ok)
        tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    ok = ok && tn_encoder_encode(&model->encoder, rows, x, err) &&
         (shap ? tn_xgb_predict_explained(&model->xgb, x, n, out->raw, out->margin, contributions,
                                          err)
               : tn_xgb_predict_with_margin(&model->xgb, x, n, out->raw, out->margin, err));
    for (size_t r = 0; ok && r < n; r++) {
        out->probability[r] =
            tn_calibrated_probability(&model->calibration, out->raw[r], out->margin[r]);
        if (shap) {
            tn_encoder_feature_contributions(&model->encoder, contributions + r * (columns + 1),
                                             out->shap + r * out->features);
            out->bias[r] = contributions[r * (columns + 1) + columns];
        } else {
            for (size_t f = 0; f < out->features; f++)
                out->shap[r * out->features + f] = NAN;
            out->bias[r] = NAN;
        }
    }
    free(x);
    free(contributions);
    if (!ok)
        tn_ml_scores_free(out);
    return ok;
}

bool tn_ml_model_score(const tn_ml_model *model, const tn_table *rows, tn_ml_scores *out,
                       tn_error *err) {
    return score_rows(model, rows, true, out, err);
}

bool tn_ml_model_predict(const tn_ml_model *model, const tn_table *rows, tn_ml_scores *out,
                         tn_error *err) {
    return score_rows(model, rows, false, out, err);
}

void tn_ml_scores_free(tn_ml_scores *scores) {
    free(scores->probability), free(scores->raw), free(scores->margin);
    free(scores->shap), free(scores->bias);
    memset(scores, 0, sizeof *scores);
}
