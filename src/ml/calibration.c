/*
 * calibration.c — applying and storing a model's calibration (see
 * calibration.h; calibration_fit.c chooses and fits it).
 */
#include "ml/calibration.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"

static const struct {
    const char *name, *title;
} methods[] = {
    [TN_CALIBRATION_ISOTONIC] = {"isotonic", "isotonic regression"},
    [TN_CALIBRATION_PLATT] = {"platt", "Platt scaling"},
    [TN_CALIBRATION_BETA] = {"beta", "beta calibration"},
    [TN_CALIBRATION_INTERPOLATED_ISOTONIC] = {"interpolated_isotonic",
                                              "interpolated isotonic regression"},
};

const char *tn_calibration_method_name(tn_calibration_method method) {
    return methods[method].name;
}

const char *tn_calibration_method_title(tn_calibration_method method) {
    return methods[method].title;
}

bool tn_calibration_method_of(const char *name, tn_calibration_method *out) {
    for (size_t m = 0; name != NULL && m < sizeof methods / sizeof *methods; m++)
        if (strcmp(name, methods[m].name) == 0) {
            *out = (tn_calibration_method)m;
            return true;
        }
    return false;
}

double tn_calibrated_probability(const tn_calibration *calibration, double probability,
                                 double margin) {
    switch (calibration->method) {
    case TN_CALIBRATION_PLATT:
        return tn_platt_apply(&calibration->map.platt, margin);
    case TN_CALIBRATION_BETA:
        return tn_beta_calibration_apply(&calibration->map.beta, margin);
    case TN_CALIBRATION_INTERPOLATED_ISOTONIC:
        return tn_interpolated_isotonic_apply(&calibration->map.interpolated, margin);
    case TN_CALIBRATION_ISOTONIC:
        break;
    }
    double p = tn_isotonic_apply(&calibration->map.isotonic, probability);
    return p < TN_PROBABILITY_FLOOR         ? TN_PROBABILITY_FLOOR
           : p > 1.0 - TN_PROBABILITY_FLOOR ? 1.0 - TN_PROBABILITY_FLOOR
                                            : p;
}

bool tn_calibration_increasing(const tn_calibration *calibration) {
    switch (calibration->method) {
    case TN_CALIBRATION_PLATT:
        return calibration->map.platt.a > 0 && isfinite(calibration->map.platt.a) &&
               isfinite(calibration->map.platt.b);
    case TN_CALIBRATION_BETA:
        return tn_beta_calibration_increasing(&calibration->map.beta);
    case TN_CALIBRATION_INTERPOLATED_ISOTONIC:
        return tn_interpolated_isotonic_check(&calibration->map.interpolated, NULL);
    case TN_CALIBRATION_ISOTONIC:
        break;
    }
    return false;
}

static json_t *numbers_json(const double *values, size_t count) {
    json_t *array = json_array();
    for (size_t i = 0; i < count; i++)
        json_array_append_new(array, json_real(values[i]));
    return array;
}

/* The method's own fields: the map and how to read it. */
static json_t *map_json(const tn_calibration *calibration) {
    const char *name = tn_calibration_method_name(calibration->method);
    const tn_isotonic *isotonic = &calibration->map.isotonic;
    const tn_interpolated_isotonic *interpolated = &calibration->map.interpolated;
    switch (calibration->method) {
    case TN_CALIBRATION_PLATT:
        return json_pack(
            "{s:s, s:s, s:s, s:s, s:f, s:f}", "method", name, "of", "the trees' margin (log-odds)",
            "formula", "p = 1 / (1 + exp(-(a * margin + b)))", "targets",
            "Platt (1999): (N+ + 1) / (N+ + 2) for a positive, 1 / (N- + 2) for a negative", "a",
            calibration->map.platt.a, "b", calibration->map.platt.b);
    case TN_CALIBRATION_BETA:
        return json_pack("{s:s, s:s, s:s, s:s, s:f, s:f, s:f}", "method", name, "of",
                         "the trees' margin (log-odds) m, as q = 1 / (1 + exp(-m))", "formula",
                         "p = 1 / (1 + exp(-(a * ln q - b * ln(1 - q) + c)))", "source",
                         "Kull, Silva Filho & Flach (2017), maximum likelihood, a and b >= 0", "a",
                         calibration->map.beta.a, "b", calibration->map.beta.b, "c",
                         calibration->map.beta.c);
    case TN_CALIBRATION_INTERPOLATED_ISOTONIC:
        return json_pack(
            "{s:s, s:s, s:s, s:f, s:o, s:o}", "method", name, "of", "the trees' margin (log-odds)",
            "formula",
            "p = 1 / (1 + exp(-z)), z linear in the margin between the knots (x, log_odds): the "
            "isotonic blocks' centres and smoothed rates; beyond them z goes on with tail_slope",
            "tail_slope", interpolated->tail_slope, "x",
            numbers_json(interpolated->x, interpolated->count), "log_odds",
            numbers_json(interpolated->log_odds, interpolated->count));
    case TN_CALIBRATION_ISOTONIC:
        break;
    }
    return json_pack("{s:s, s:s, s:s, s:f, s:o, s:o}", "method", name, "of",
                     "the trees' probability", "interpolation",
                     "linear between the points, clipped outside them", "bounds",
                     TN_PROBABILITY_FLOOR, "x", numbers_json(isotonic->x, isotonic->count), "y",
                     numbers_json(isotonic->y, isotonic->count));
}

/* A number, or null for NAN (JSON has no NAN). */
static json_t *real_or_null(double value) {
    return isfinite(value) ? json_real(value) : json_null();
}

static json_t *candidates_json(const tn_calibration *calibration) {
    json_t *list = json_array();
    for (size_t c = 0; c < calibration->candidate_count; c++) {
        const tn_calibration_candidate *candidate = &calibration->candidates[c];
        json_t *item = json_pack("{s:s, s:b, s:o, s:o}", "method",
                                 tn_calibration_method_name(candidate->method), "eligible",
                                 candidate->eligible, "log_loss_on_slice",
                                 real_or_null(candidate->slice_log_loss),
                                 "log_loss_cross_validated", real_or_null(candidate->cv_log_loss));
        if (!candidate->eligible)
            json_object_set_new(item, "note", json_string(candidate->note));
        json_array_append_new(list, item);
    }
    return list;
}

json_t *tn_calibration_to_json(const tn_calibration *calibration) {
    json_t *json = map_json(calibration);
    json_object_set_new(json, "slice",
                        json_pack("{s:I, s:I}", "positives", (json_int_t)calibration->positives,
                                  "negatives", (json_int_t)calibration->negatives));
    if (calibration->candidate_count > 0) {
        json_object_set_new(json, "chosen_by",
                            json_pack("{s:s, s:i}", "criterion",
                                      "the lowest log loss out of fold in cross-validation on the "
                                      "calibration slice (rows dealt to the folds by class and "
                                      "margin)",
                                      "folds", TN_CALIBRATION_FOLDS));
        json_object_set_new(json, "candidates", candidates_json(calibration));
    }
    json_object_set_new(json, "reason", json_string(calibration->reason));
    return json;
}

/* A JSON array of `count` numbers (at least one) into a malloc'd array; false if it is not one. */
static bool numbers_from_json(const json_t *array, size_t count, double **out) {
    size_t found = 0;
    if (tn_json_numbers(array, out, &found) && found == count && count > 0)
        return true;
    free(*out);
    *out = NULL;
    return false;
}

static bool isotonic_from_json(const json_t *json, tn_isotonic *out, tn_error *err) {
    size_t n = json_array_size(json_object_get(json, "x"));
    out->count = n;
    if (!numbers_from_json(json_object_get(json, "x"), n, &out->x) ||
        !numbers_from_json(json_object_get(json, "y"), n, &out->y)) {
        tn_isotonic_free(out);
        return tn_error_set(err, TN_ERR_MODEL,
                            "calibration: x and y must be arrays of numbers of one length");
    }
    for (size_t i = 1; i < n; i++)
        if (out->x[i] <= out->x[i - 1] || out->y[i] < out->y[i - 1]) {
            tn_isotonic_free(out);
            return tn_error_set(err, TN_ERR_MODEL,
                                "calibration: the map is not increasing at point %zu", i);
        }
    return true;
}

static bool interpolated_from_json(const json_t *json, tn_interpolated_isotonic *out,
                                   tn_error *err) {
    size_t n = json_array_size(json_object_get(json, "x"));
    const json_t *slope = json_object_get(json, "tail_slope");
    out->count = n;
    out->tail_slope = json_number_value(slope);
    if (!json_is_number(slope) || !numbers_from_json(json_object_get(json, "x"), n, &out->x) ||
        !numbers_from_json(json_object_get(json, "log_odds"), n, &out->log_odds)) {
        tn_interpolated_isotonic_free(out);
        return tn_error_set(err, TN_ERR_MODEL,
                            "calibration: interpolated isotonic regression needs arrays x and "
                            "log_odds of numbers of one length and a number tail_slope");
    }
    tn_error problem;
    if (!tn_interpolated_isotonic_check(out, &problem)) {
        tn_interpolated_isotonic_free(out);
        return tn_error_set(err, TN_ERR_MODEL, "calibration: %s", problem.message);
    }
    return true;
}

/* The numbers `names` (NULL-terminated) of `json` into `values`; false if one is missing. */
static bool coefficients(const json_t *json, const char *const *names, double *values) {
    for (size_t i = 0; names[i] != NULL; i++) {
        const json_t *value = json_object_get(json, names[i]);
        if (!json_is_number(value))
            return false;
        values[i] = json_number_value(value);
    }
    return true;
}

static bool map_from_json(const json_t *json, tn_calibration *out, tn_error *err) {
    static const char *const platt[] = {"a", "b", NULL}, *const beta[] = {"a", "b", "c", NULL};
    double v[3];
    switch (out->method) {
    case TN_CALIBRATION_ISOTONIC:
        return isotonic_from_json(json, &out->map.isotonic, err);
    case TN_CALIBRATION_INTERPOLATED_ISOTONIC:
        return interpolated_from_json(json, &out->map.interpolated, err);
    case TN_CALIBRATION_PLATT:
        if (!coefficients(json, platt, v))
            return tn_error_set(err, TN_ERR_MODEL,
                                "calibration: Platt scaling needs numbers a and b");
        out->map.platt = (tn_platt){v[0], v[1]};
        return tn_calibration_increasing(out) ||
               tn_error_set(err, TN_ERR_MODEL,
                            "calibration: Platt scaling's a must be positive and b finite");
    case TN_CALIBRATION_BETA:
        if (!coefficients(json, beta, v))
            return tn_error_set(err, TN_ERR_MODEL,
                                "calibration: beta calibration needs numbers a, b and c");
        out->map.beta = (tn_beta_calibration){v[0], v[1], v[2]};
        return tn_calibration_increasing(out) ||
               tn_error_set(err, TN_ERR_MODEL,
                            "calibration: beta calibration's a and b must be at least 0, not "
                            "both 0, and a, b and c finite");
    }
    return false;
}

/* The candidates, when the metadata has them (they explain; scoring does not need them). */
static void candidates_from_json(const json_t *list, tn_calibration *out) {
    for (size_t i = 0;
         i < json_array_size(list) && out->candidate_count < TN_CALIBRATION_CANDIDATES + 1; i++) {
        const json_t *item = json_array_get(list, i);
        tn_calibration_candidate *candidate = &out->candidates[out->candidate_count];
        if (!tn_calibration_method_of(json_string_value(json_object_get(item, "method")),
                                      &candidate->method))
            continue;
        const json_t *slice = json_object_get(item, "log_loss_on_slice");
        const json_t *cv = json_object_get(item, "log_loss_cross_validated");
        const char *note = json_string_value(json_object_get(item, "note"));
        candidate->eligible = json_is_true(json_object_get(item, "eligible"));
        candidate->slice_log_loss = json_is_number(slice) ? json_number_value(slice) : NAN;
        candidate->cv_log_loss = json_is_number(cv) ? json_number_value(cv) : NAN;
        snprintf(candidate->note, sizeof candidate->note, "%s", note != NULL ? note : "");
        out->candidate_count++;
    }
}

bool tn_calibration_from_json(const json_t *json, tn_calibration *out, tn_error *err) {
    memset(out, 0, sizeof *out);
    const json_t *method = json_object_get(json, "method");
    const char *name = method != NULL ? json_string_value(method) : "isotonic";
    if (!tn_calibration_method_of(name, &out->method))
        return tn_error_set(err, TN_ERR_MODEL,
                            "calibration: unknown method '%s' (isotonic, platt, beta or "
                            "interpolated_isotonic)",
                            name != NULL ? name : "(not a string)");
    const json_t *slice = json_object_get(json, "slice");
    out->positives = (size_t)json_integer_value(json_object_get(slice, "positives"));
    out->negatives = (size_t)json_integer_value(json_object_get(slice, "negatives"));
    const char *reason = json_string_value(json_object_get(json, "reason"));
    snprintf(out->reason, sizeof out->reason, "%s", reason != NULL ? reason : "");
    candidates_from_json(json_object_get(json, "candidates"), out);
    if (!map_from_json(json, out, err)) {
        memset(&out->map, 0, sizeof out->map);
        return false;
    }
    return true;
}

void tn_calibration_free(tn_calibration *calibration) {
    if (calibration->method == TN_CALIBRATION_ISOTONIC)
        tn_isotonic_free(&calibration->map.isotonic);
    else if (calibration->method == TN_CALIBRATION_INTERPOLATED_ISOTONIC)
        tn_interpolated_isotonic_free(&calibration->map.interpolated);
    memset(calibration, 0, sizeof *calibration);
}
