/*
 * isotonic.c — pool adjacent violators, and interpolation (see isotonic.h).
 *
 * Points with equal x are first pooled into one (their weighted mean), as
 * scikit-learn does; then blocks are merged while a block's mean exceeds its
 * successor's. Each final block keeps its first and last x, so the fitted
 * function is flat across a block and linear between blocks.
 */
#include "stats/isotonic.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    double x, y, weight;
} point;

typedef struct {
    double sum, weight; /* Σ w·y and Σ w of the block */
    double x_first, x_last;
} block;

static int by_x(const void *a, const void *b) {
    double x = ((const point *)a)->x, y = ((const point *)b)->x;
    return (x > y) - (x < y);
}

bool tn_isotonic_fit(const double *x, const double *y, const double *weight, size_t n,
                     tn_isotonic *out, tn_error *err) {
    memset(out, 0, sizeof *out);
    if (n == 0)
        return tn_error_set(err, TN_ERR_INPUT, "no points to fit");
    point *points = malloc(n * sizeof *points);
    block *blocks = malloc(n * sizeof *blocks);
    if (points == NULL || blocks == NULL) {
        free(points), free(blocks);
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        points[i] = (point){x[i], y[i], weight != NULL ? weight[i] : 1.0};
    qsort(points, n, sizeof *points, by_x);
    size_t unique = 0; /* first pool equal x into one point (weighted mean) ... */
    for (size_t i = 0; i < n; i++) {
        if (unique > 0 && points[unique - 1].x == points[i].x) {
            point *last = &points[unique - 1];
            double pooled = last->weight + points[i].weight;
            last->y = (last->y * last->weight + points[i].y * points[i].weight) / pooled;
            last->weight = pooled;
        } else {
            points[unique++] = points[i];
        }
    }
    size_t count = 0; /* ... then merge blocks while a mean exceeds its successor's */
    for (size_t i = 0; i < unique; i++) {
        blocks[count++] =
            (block){points[i].weight * points[i].y, points[i].weight, points[i].x, points[i].x};
        while (count > 1 && blocks[count - 2].sum / blocks[count - 2].weight >
                                blocks[count - 1].sum / blocks[count - 1].weight) {
            blocks[count - 2].sum += blocks[count - 1].sum;
            blocks[count - 2].weight += blocks[count - 1].weight;
            blocks[count - 2].x_last = blocks[count - 1].x_last;
            count--;
        }
    }
    free(points);
    out->x = malloc(2 * count * sizeof *out->x);
    out->y = malloc(2 * count * sizeof *out->y);
    if (out->x == NULL || out->y == NULL) {
        free(blocks);
        tn_isotonic_free(out);
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    }
    for (size_t b = 0; b < count; b++) {
        double value = blocks[b].sum / blocks[b].weight;
        out->x[out->count] = blocks[b].x_first;
        out->y[out->count++] = value;
        if (blocks[b].x_last > blocks[b].x_first) {
            out->x[out->count] = blocks[b].x_last;
            out->y[out->count++] = value;
        }
    }
    free(blocks);
    return true;
}

double tn_isotonic_apply(const tn_isotonic *model, double x) {
    if (model->count == 0)
        return x;
    if (x <= model->x[0])
        return model->y[0];
    if (x >= model->x[model->count - 1])
        return model->y[model->count - 1];
    size_t low = 0, high = model->count - 1; /* x[low] < x ≤ x[high] */
    while (high - low > 1) {
        size_t mid = (low + high) / 2;
        if (model->x[mid] < x)
            low = mid;
        else
            high = mid;
    }
    double t = (x - model->x[low]) / (model->x[high] - model->x[low]);
    return model->y[low] + t * (model->y[high] - model->y[low]);
}

void tn_isotonic_free(tn_isotonic *model) {
    free(model->x);
    free(model->y);
    memset(model, 0, sizeof *model);
}
