/*
 * isotonic.c — pool adjacent violators, and interpolation (see isotonic.h).
 *
 * Points with equal x are first pooled into one (their weighted mean), as
 * scikit-learn does; then blocks are merged while a block's mean exceeds its
 * successor's (for tn_isotonic_blocks: or equals it). Each final block keeps
 * its first and last x, so the fitted function is flat across a block and
 * linear between blocks, and the sum of its x for its centre.
 */
#include "stats/isotonic.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    double x, sum, weight; /* sum: Σ w·y of the points at x */
} point;

typedef struct {
    double sum, weight, sum_x; /* Σ w·y, Σ w and Σ w·x of the block */
    double x_first, x_last;
} block;

static int by_x(const void *a, const void *b) {
    double x = ((const point *)a)->x, y = ((const point *)b)->x;
    return (x > y) - (x < y);
}

/* The n points sorted by x, those of equal x pooled into one; NULL when out of memory. */
static point *sorted_points(const double *x, const double *y, const double *weight, size_t n,
                            size_t *unique) {
    point *points = malloc(n * sizeof *points);
    if (points == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        points[i] =
            weight != NULL ? (point){x[i], weight[i] * y[i], weight[i]} : (point){x[i], y[i], 1};
    qsort(points, n, sizeof *points, by_x);
    *unique = 0;
    for (size_t i = 0; i < n; i++) {
        if (*unique > 0 && points[*unique - 1].x == points[i].x) {
            points[*unique - 1].sum += points[i].sum;
            points[*unique - 1].weight += points[i].weight;
        } else {
            points[(*unique)++] = points[i];
        }
    }
    return points;
}

/* Whether block a's mean exceeds b's (`or_equal`: or equals it), as a cross product when asked. */
static bool violates(const block *a, const block *b, bool or_equal) {
    if (!or_equal)
        return a->sum / a->weight > b->sum / b->weight;
    return a->sum * b->weight >= b->sum * a->weight; /* exact for integer sums and weights */
}

/* Pool adjacent violators over the sorted points into `blocks`; returns how many. */
static size_t pool(const point *points, size_t unique, bool pool_equal, block *blocks) {
    size_t count = 0;
    for (size_t i = 0; i < unique; i++) {
        const point *p = &points[i];
        blocks[count++] = (block){p->sum, p->weight, p->weight * p->x, p->x, p->x};
        while (count > 1 && violates(&blocks[count - 2], &blocks[count - 1], pool_equal)) {
            blocks[count - 2].sum += blocks[count - 1].sum;
            blocks[count - 2].weight += blocks[count - 1].weight;
            blocks[count - 2].sum_x += blocks[count - 1].sum_x;
            blocks[count - 2].x_last = blocks[count - 1].x_last;
            count--;
        }
    }
    return count;
}

/* The sorted, pooled points and their blocks (both malloc'd); false when out of memory. */
static bool fit_blocks(const double *x, const double *y, const double *weight, size_t n,
                       bool pool_equal, block **blocks, size_t *count) {
    size_t unique = 0;
    point *points = sorted_points(x, y, weight, n, &unique);
    *blocks = points != NULL ? malloc(unique * sizeof **blocks) : NULL;
    if (*blocks == NULL) {
        free(points);
        return false;
    }
    *count = pool(points, unique, pool_equal, *blocks);
    free(points);
    return true;
}

bool tn_isotonic_fit(const double *x, const double *y, const double *weight, size_t n,
                     tn_isotonic *out, tn_error *err) {
    memset(out, 0, sizeof *out);
    if (n == 0)
        return tn_error_set(err, TN_ERR_INPUT, "no points to fit");
    block *blocks;
    size_t count;
    if (!fit_blocks(x, y, weight, n, false, &blocks, &count))
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
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

bool tn_isotonic_blocks(const double *x, const double *y, const double *weight, size_t n,
                        tn_isotonic_block **out, size_t *count, tn_error *err) {
    *out = NULL;
    *count = 0;
    if (n == 0)
        return tn_error_set(err, TN_ERR_INPUT, "no points to fit");
    block *blocks;
    if (!fit_blocks(x, y, weight, n, true, &blocks, count))
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    *out = malloc(*count * sizeof **out);
    if (*out == NULL) {
        free(blocks);
        *count = 0;
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    }
    for (size_t b = 0; b < *count; b++)
        (*out)[b] = (tn_isotonic_block){blocks[b].sum_x / blocks[b].weight,
                                        blocks[b].sum / blocks[b].weight, blocks[b].weight};
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
