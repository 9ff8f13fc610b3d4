/*
 * metrics.c — AUC, Brier, log loss, top decile, calibration table, ROC, distinct values (see
 * metrics.h).
 */
#include "stats/metrics.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"

typedef struct {
    double score;
    int y;
    size_t row;
} scored;

static int by_score_ascending(const void *a, const void *b) {
    const scored *x = a, *y = b;
    if (x->score != y->score)
        return (x->score > y->score) - (x->score < y->score);
    return (x->row > y->row) - (x->row < y->row);
}

static int by_score_descending(const void *a, const void *b) {
    const scored *x = a, *y = b;
    if (x->score != y->score)
        return (x->score < y->score) - (x->score > y->score);
    return (x->row > y->row) - (x->row < y->row); /* ties: earlier rows first */
}

/* The rows ordered by `compare` (caller frees); NULL with TN_ERR_NOMEM when memory runs out. */
static scored *sorted_rows(const double *score, const int *y, size_t n,
                           int (*compare)(const void *, const void *), tn_error *err) {
    scored *rows = tn_alloc_array(n ? n : 1, sizeof *rows, "the scored rows", err);
    if (rows == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        rows[i] = (scored){score[i], y[i] != 0, i};
    qsort(rows, n, sizeof *rows, compare);
    return rows;
}

bool tn_auc(const double *score, const int *y, size_t n, double *auc, tn_error *err) {
    *auc = NAN;
    scored *rows = sorted_rows(score, y, n, by_score_ascending, err);
    if (rows == NULL)
        return false;
    double positives = 0, rank_sum = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && rows[j].score == rows[i].score)
            j++;
        double mid_rank = (double)(i + 1 + j) / 2.0;
        for (size_t k = i; k < j; k++)
            if (rows[k].y) {
                positives++;
                rank_sum += mid_rank;
            }
        i = j;
    }
    free(rows);
    double negatives = (double)n - positives;
    if (positives > 0 && negatives > 0)
        *auc = (rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives);
    return true;
}

double tn_brier(const double *p, const int *y, size_t n) {
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += (p[i] - (y[i] != 0)) * (p[i] - (y[i] != 0));
    return n ? sum / (double)n : NAN;
}

double tn_log_loss(const double *p, const int *y, size_t n) {
    const double epsilon = DBL_EPSILON; /* scikit-learn's eps = "auto" for doubles */
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        double q = fmin(fmax(p[i], epsilon), 1.0 - epsilon);
        sum -= y[i] ? log(q) : log(1.0 - q);
    }
    return n ? sum / (double)n : NAN;
}

bool tn_top_decile_of(const double *score, const int *y, size_t n, tn_top_decile *out,
                      tn_error *err) {
    tn_top_decile result = {0, NAN, NAN, NAN};
    *out = result;
    if (n == 0)
        return true;
    scored *rows = sorted_rows(score, y, n, by_score_descending, err);
    if (rows == NULL)
        return false;
    result.rows = (n + 9) / 10;
    double hits = 0, positives = 0;
    for (size_t i = 0; i < n; i++) {
        positives += rows[i].y;
        if (i < result.rows)
            hits += rows[i].y;
    }
    free(rows);
    result.precision = hits / (double)result.rows;
    result.base_rate = positives / (double)n;
    result.lift = result.base_rate > 0 ? result.precision / result.base_rate : NAN;
    *out = result;
    return true;
}

bool tn_top_decile_share(const double *score, const int *y, const double *weight, size_t n,
                         double *share, tn_error *err) {
    *share = NAN;
    if (n == 0)
        return true;
    scored *rows = sorted_rows(score, y, n, by_score_descending, err);
    if (rows == NULL)
        return false;
    size_t top = (n + 9) / 10;
    double caught = 0, total = 0;
    for (size_t i = 0; i < n; i++) {
        if (!rows[i].y)
            continue;
        total += weight[rows[i].row];
        if (i < top)
            caught += weight[rows[i].row];
    }
    free(rows);
    if (total > 0)
        *share = caught / total;
    return true;
}

bool tn_calibration_of(const double *p, const int *y, size_t n, int bins, tn_calibration_table *out,
                       tn_error *err) {
    memset(out, 0, sizeof *out);
    if (bins < 1 || bins > TN_CALIBRATION_MAX_BINS || n < (size_t)bins)
        return tn_error_set(err, TN_ERR_INPUT, "%zu rows cannot fill %d calibration bins", n, bins);
    scored *rows = sorted_rows(p, y, n, by_score_ascending, err);
    if (rows == NULL)
        return false;
    out->bins = bins;
    double predicted[TN_CALIBRATION_MAX_BINS] = {0}, observed[TN_CALIBRATION_MAX_BINS] = {0};
    for (size_t i = 0; i < n; i++) {
        size_t bin = i * (size_t)bins / n; /* equal-count groups in order of prediction */
        out->count[bin]++;
        predicted[bin] += rows[i].score;
        observed[bin] += rows[i].y;
    }
    free(rows);
    for (int b = 0; b < bins; b++) {
        out->mean_predicted[b] = predicted[b] / (double)out->count[b];
        out->observed_rate[b] = observed[b] / (double)out->count[b];
        out->max_error = fmax(out->max_error, fabs(out->mean_predicted[b] - out->observed_rate[b]));
    }
    return true;
}

bool tn_roc_curve(const double *score, const int *y, size_t n, double *fpr, double *tpr,
                  size_t *count, tn_error *err) {
    *count = 0;
    scored *rows = sorted_rows(score, y, n, by_score_descending, err);
    if (rows == NULL)
        return false;
    double positives = 0;
    for (size_t i = 0; i < n; i++)
        positives += rows[i].y;
    double negatives = (double)n - positives, tp = 0, fp = 0;
    size_t points = 0;
    fpr[points] = 0, tpr[points++] = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        for (; j < n && rows[j].score == rows[i].score; j++) {
            tp += rows[j].y;
            fp += !rows[j].y;
        }
        fpr[points] = negatives > 0 ? fp / negatives : 0;
        tpr[points++] = positives > 0 ? tp / positives : 0;
        i = j;
    }
    free(rows);
    *count = points;
    return true;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

bool tn_distinct_count(const double *values, size_t n, size_t *count, tn_error *err) {
    *count = 0;
    double *sorted = tn_alloc_array(n ? n : 1, sizeof *sorted, "the distinct values", err);
    if (sorted == NULL)
        return false;
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(values[i]))
            sorted[kept++] = values[i];
    qsort(sorted, kept, sizeof *sorted, by_value);
    size_t distinct = 0;
    for (size_t i = 0; i < kept; i++)
        distinct += i == 0 || sorted[i] != sorted[i - 1];
    free(sorted);
    *count = distinct;
    return true;
}
