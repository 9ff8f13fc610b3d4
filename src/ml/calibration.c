/*
 * calibration.c — choosing, fitting, applying and storing a model's
 * calibration (see calibration.h).
 */
#include "ml/calibration.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *tn_calibration_method_name(tn_calibration_method method) {
    return method == TN_CALIBRATION_PLATT ? "platt" : "isotonic";
}

/* Platt scaling of the margins; false (no error) when its slope is not positive. */
static bool fit_platt(const double *margin, const double *label, size_t n, tn_calibration *out,
                      bool *increasing, tn_error *err) {
    out->method = TN_CALIBRATION_PLATT;
    if (!tn_platt_fit(margin, label, n, &out->map.platt, err))
        return false;
    *increasing = out->map.platt.a > 0;
    return true;
}

bool tn_calibration_fit(const double *probability, const double *margin, const double *label,
                        size_t n, tn_calibration *out, tn_error *err) {
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < n; i++)
        out->positives += label[i] > 0.5;
    out->negatives = n - out->positives;
    size_t fewer = out->positives < out->negatives ? out->positives : out->negatives;
    char counts[96];
    snprintf(counts, sizeof counts, "the calibration slice has %zu positives and %zu negatives",
             out->positives, out->negatives);
    if (fewer < TN_ISOTONIC_MIN_CLASS) {
        bool increasing = false;
        if (!fit_platt(margin, label, n, out, &increasing, err))
            return false;
        if (increasing) {
            snprintf(out->reason, sizeof out->reason,
                     "%s, fewer than %d of one class: isotonic regression would rest on at most "
                     "%zu levels and tie the scores, so Platt scaling, which keeps the ranking",
                     counts, TN_ISOTONIC_MIN_CLASS, fewer + 1);
            return true;
        }
        snprintf(out->reason, sizeof out->reason,
                 "%s, fewer than %d of one class, but Platt scaling's slope was %.3g (the trees "
                 "rank the slice backwards): isotonic regression, which never reverses a ranking",
                 counts, TN_ISOTONIC_MIN_CLASS, out->map.platt.a);
    } else {
        snprintf(out->reason, sizeof out->reason, "%s, at least %d of each: isotonic regression",
                 counts, TN_ISOTONIC_MIN_CLASS);
    }
    out->method = TN_CALIBRATION_ISOTONIC;
    return tn_isotonic_fit(probability, label, NULL, n, &out->map.isotonic, err);
}

double tn_calibrated_probability(const tn_calibration *calibration, double probability,
                                 double margin) {
    if (calibration->method == TN_CALIBRATION_PLATT)
        return tn_platt_apply(&calibration->map.platt, margin); /* not bounded: calibration.h */
    double p = tn_isotonic_apply(&calibration->map.isotonic, probability);
    return p < TN_PROBABILITY_FLOOR         ? TN_PROBABILITY_FLOOR
           : p > 1.0 - TN_PROBABILITY_FLOOR ? 1.0 - TN_PROBABILITY_FLOOR
                                            : p;
}

/* The method's own fields: the map and how to read it. */
static json_t *map_json(const tn_calibration *calibration) {
    if (calibration->method == TN_CALIBRATION_PLATT)
        return json_pack(
            "{s:s, s:s, s:s, s:s, s:s, s:f, s:f}", "method", "platt", "of",
            "the trees' margin (log-odds)", "formula", "p = 1 / (1 + exp(-(a * margin + b)))",
            "targets",
            "Platt (1999): (N+ + 1) / (N+ + 2) for a positive, 1 / (N- + 2) for a negative",
            "bounds", "none: strictly between 0 and 1, so the ranking is kept whole", "a",
            calibration->map.platt.a, "b", calibration->map.platt.b);
    const tn_isotonic *isotonic = &calibration->map.isotonic;
    json_t *x = json_array(), *y = json_array();
    for (size_t i = 0; i < isotonic->count; i++) {
        json_array_append_new(x, json_real(isotonic->x[i]));
        json_array_append_new(y, json_real(isotonic->y[i]));
    }
    return json_pack("{s:s, s:s, s:s, s:f, s:o, s:o}", "method", "isotonic", "of",
                     "the trees' probability", "interpolation",
                     "linear between the points, clipped outside them", "bounds",
                     TN_PROBABILITY_FLOOR, "x", x, "y", y);
}

json_t *tn_calibration_to_json(const tn_calibration *calibration) {
    json_t *json = map_json(calibration);
    json_object_set_new(json, "slice",
                        json_pack("{s:I, s:I}", "positives", (json_int_t)calibration->positives,
                                  "negatives", (json_int_t)calibration->negatives));
    json_object_set_new(json, "reason", json_string(calibration->reason));
    return json;
}

static bool isotonic_from_json(const json_t *json, tn_isotonic *out, tn_error *err) {
    const json_t *x = json_object_get(json, "x"), *y = json_object_get(json, "y");
    size_t n = json_array_size(x);
    if (n == 0 || json_array_size(y) != n)
        return tn_error_set(err, TN_ERR_MODEL, "calibration: x and y must be arrays of one length");
    out->x = malloc(n * sizeof *out->x);
    out->y = malloc(n * sizeof *out->y);
    if (out->x == NULL || out->y == NULL) {
        tn_isotonic_free(out);
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    }
    out->count = n;
    for (size_t i = 0; i < n; i++) {
        out->x[i] = json_number_value(json_array_get(x, i));
        out->y[i] = json_number_value(json_array_get(y, i));
        if (i > 0 && (out->x[i] <= out->x[i - 1] || out->y[i] < out->y[i - 1])) {
            tn_isotonic_free(out);
            return tn_error_set(err, TN_ERR_MODEL,
                                "calibration: the map is not increasing at point %zu", i);
        }
    }
    return true;
}

static bool platt_from_json(const json_t *json, tn_platt *out, tn_error *err) {
    const json_t *a = json_object_get(json, "a"), *b = json_object_get(json, "b");
    if (!json_is_number(a) || !json_is_number(b))
        return tn_error_set(err, TN_ERR_MODEL, "calibration: Platt scaling needs numbers a and b");
    *out = (tn_platt){json_number_value(a), json_number_value(b)};
    if (!(out->a > 0) || !isfinite(out->a) || !isfinite(out->b))
        return tn_error_set(err, TN_ERR_MODEL,
                            "calibration: Platt scaling's a must be positive and b finite");
    return true;
}

bool tn_calibration_from_json(const json_t *json, tn_calibration *out, tn_error *err) {
    memset(out, 0, sizeof *out);
    const json_t *method = json_object_get(json, "method");
    const char *name = method != NULL ? json_string_value(method) : "isotonic";
    const json_t *slice = json_object_get(json, "slice");
    out->positives = (size_t)json_integer_value(json_object_get(slice, "positives"));
    out->negatives = (size_t)json_integer_value(json_object_get(slice, "negatives"));
    const char *reason = json_string_value(json_object_get(json, "reason"));
    snprintf(out->reason, sizeof out->reason, "%s", reason != NULL ? reason : "");
    if (name != NULL && strcmp(name, "platt") == 0) {
        out->method = TN_CALIBRATION_PLATT;
        return platt_from_json(json, &out->map.platt, err);
    }
    if (name == NULL || strcmp(name, "isotonic") != 0)
        return tn_error_set(err, TN_ERR_MODEL,
                            "calibration: unknown method '%s' (isotonic or platt)",
                            name != NULL ? name : "(not a string)");
    out->method = TN_CALIBRATION_ISOTONIC;
    return isotonic_from_json(json, &out->map.isotonic, err);
}

void tn_calibration_free(tn_calibration *calibration) {
    if (calibration->method == TN_CALIBRATION_ISOTONIC)
        tn_isotonic_free(&calibration->map.isotonic);
    memset(calibration, 0, sizeof *calibration);
}
