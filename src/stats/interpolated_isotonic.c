/*
 * interpolated_isotonic.c — isotonic blocks, smoothed, joined by straight
 * lines in log-odds (see interpolated_isotonic.h).
 */
#include "stats/interpolated_isotonic.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats/isotonic.h"

/* 1 / (1 + exp(−z)) without overflow. */
static double sigmoid(double z) {
    if (z >= 0)
        return 1.0 / (1.0 + exp(-z));
    double e = exp(z);
    return e / (1.0 + e);
}

/* The knots from the blocks: centres, and the log-odds of Platt's smoothing of their rates. */
static bool knots(const tn_isotonic_block *blocks, size_t count, double positives, double negatives,
                  tn_interpolated_isotonic *out) {
    out->x = malloc(count * sizeof *out->x);
    out->log_odds = malloc(count * sizeof *out->log_odds);
    if (out->x == NULL || out->log_odds == NULL)
        return false;
    double high = (positives + 1.0) / (positives + 2.0), low = 1.0 / (negatives + 2.0);
    for (size_t b = 0; b < count; b++) {
        double r = low + blocks[b].y * (high - low);
        out->x[b] = blocks[b].x;
        out->log_odds[b] = log(r) - log1p(-r);
    }
    out->count = count;
    out->tail_slope = TN_INTERPOLATED_ISOTONIC_TAIL_SLOPE;
    return true;
}

bool tn_interpolated_isotonic_fit(const double *s, const double *y, size_t n,
                                  tn_interpolated_isotonic *out, tn_error *err) {
    memset(out, 0, sizeof *out);
    if (n == 0)
        return tn_error_set(err, TN_ERR_INPUT, "no scores to calibrate");
    double positives = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(s[i]))
            return tn_error_set(err, TN_ERR_INPUT, "score %zu is not a finite number", i);
        positives += y[i] > 0.5;
    }
    double *labels = malloc(n * sizeof *labels); /* exactly 0 or 1, so blocks pool exactly */
    if (labels == NULL)
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        labels[i] = y[i] > 0.5;
    tn_isotonic_block *blocks = NULL;
    size_t count = 0;
    bool ok = tn_isotonic_blocks(s, labels, NULL, n, &blocks, &count, err);
    free(labels);
    if (ok && !knots(blocks, count, positives, (double)n - positives, out)) {
        tn_interpolated_isotonic_free(out);
        ok = tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    }
    free(blocks);
    if (ok && !tn_interpolated_isotonic_check(out, err)) { /* a centre rounded past its block */
        tn_interpolated_isotonic_free(out);
        return false;
    }
    return ok;
}

double tn_interpolated_isotonic_apply(const tn_interpolated_isotonic *model, double s) {
    size_t last = model->count - 1;
    if (s <= model->x[0])
        return sigmoid(model->log_odds[0] + model->tail_slope * (s - model->x[0]));
    if (s >= model->x[last])
        return sigmoid(model->log_odds[last] + model->tail_slope * (s - model->x[last]));
    size_t low = 0, high = last; /* x[low] < s < x[high] */
    while (high - low > 1) {
        size_t mid = (low + high) / 2;
        if (model->x[mid] < s)
            low = mid;
        else
            high = mid;
    }
    double t = (s - model->x[low]) / (model->x[high] - model->x[low]);
    return sigmoid(model->log_odds[low] + t * (model->log_odds[high] - model->log_odds[low]));
}

bool tn_interpolated_isotonic_check(const tn_interpolated_isotonic *model, tn_error *err) {
    if (model->count == 0)
        return tn_error_set(err, TN_ERR_INPUT, "no knots");
    if (!(model->tail_slope > 0) || !isfinite(model->tail_slope))
        return tn_error_set(err, TN_ERR_INPUT, "the tail slope must be a positive number");
    for (size_t i = 0; i < model->count; i++) {
        if (!isfinite(model->x[i]) || !isfinite(model->log_odds[i]))
            return tn_error_set(err, TN_ERR_INPUT, "knot %zu is not finite", i);
        if (i > 0 &&
            (model->x[i] <= model->x[i - 1] || model->log_odds[i] <= model->log_odds[i - 1]))
            return tn_error_set(err, TN_ERR_INPUT, "the knots do not strictly increase at %zu", i);
    }
    return true;
}

void tn_interpolated_isotonic_free(tn_interpolated_isotonic *model) {
    free(model->x);
    free(model->log_odds);
    memset(model, 0, sizeof *model);
}
