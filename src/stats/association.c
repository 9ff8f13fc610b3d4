/*
 * association.c — point-biserial r, Mann-Whitney U, chi-square (see association.h).
 */
#include "stats/association.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

bool tn_point_biserial(const double *x, const int *group, size_t n, tn_point_biserial_result *out,
                       tn_error *err) {
    memset(out, 0, sizeof *out);
    out->n = n;
    if (n < 3)
        return tn_error_set(err, TN_ERR_INPUT, "%zu pairs: a correlation needs at least 3", n);
    double mean_x = 0, mean_g = 0;
    for (size_t i = 0; i < n; i++) {
        mean_x += x[i] / (double)n;
        mean_g += (group[i] != 0) / (double)n;
    }
    double sxy = 0, sxx = 0, sgg = 0;
    for (size_t i = 0; i < n; i++) {
        double dx = x[i] - mean_x, dg = (group[i] != 0) - mean_g;
        sxy += dx * dg;
        sxx += dx * dx;
        sgg += dg * dg;
    }
    if (sgg == 0)
        return tn_error_set(err, TN_ERR_INPUT, "one group is empty: no correlation to measure");
    if (sxx == 0)
        return tn_error_set(err, TN_ERR_INPUT, "the signal is constant: no correlation to measure");
    out->r = sxy / sqrt(sxx * sgg);
    if (out->r > 1.0)
        out->r = 1.0;
    if (out->r < -1.0)
        out->r = -1.0;
    double df = (double)n - 2;
    if (fabs(out->r) >= 1.0) {
        out->t = out->r > 0 ? INFINITY : -INFINITY;
        out->p = 0.0;
    } else {
        out->t = out->r * sqrt(df / (1.0 - out->r * out->r));
        out->p = 2.0 * gsl_cdf_tdist_Q(fabs(out->t), df);
    }
    return true;
}

typedef struct {
    double value;
    int sample; /* 0: first, 1: second */
} ranked_value;

static int by_value(const void *a, const void *b) {
    double x = ((const ranked_value *)a)->value, y = ((const ranked_value *)b)->value;
    return (x > y) - (x < y);
}

bool tn_mann_whitney(const double *a, size_t n1, const double *b, size_t n2,
                     tn_mann_whitney_result *out, tn_error *err) {
    memset(out, 0, sizeof *out);
    out->n1 = n1;
    out->n2 = n2;
    if (n1 == 0 || n2 == 0)
        return tn_error_set(err, TN_ERR_INPUT, "a sample is empty (%zu and %zu values)", n1, n2);
    size_t n = n1 + n2;
    ranked_value *values = malloc(n * sizeof *values);
    if (values == NULL)
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n1; i++)
        values[i] = (ranked_value){a[i], 0};
    for (size_t i = 0; i < n2; i++)
        values[n1 + i] = (ranked_value){b[i], 1};
    qsort(values, n, sizeof *values, by_value);
    double rank_sum1 = 0, tie_term = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && values[j].value == values[i].value)
            j++;
        double mid_rank = (double)(i + 1 + j) / 2.0; /* ranks i+1 .. j share their mean */
        double ties = (double)(j - i);
        tie_term += ties * ties * ties - ties;
        for (size_t k = i; k < j; k++)
            if (values[k].sample == 0)
                rank_sum1 += mid_rank;
        i = j;
    }
    free(values);
    double total = (double)n, m1 = (double)n1, m2 = (double)n2;
    out->u1 = rank_sum1 - m1 * (m1 + 1) / 2.0;
    out->mean_rank1 = rank_sum1 / m1;
    out->mean_rank2 = (total * (total + 1) / 2.0 - rank_sum1) / m2;
    double mean = m1 * m2 / 2.0;
    double variance = m1 * m2 / 12.0 * ((total + 1) - tie_term / (total * (total - 1)));
    if (!(variance > 0))
        return tn_error_set(err, TN_ERR_INPUT, "every value is tied: nothing to rank");
    double sd = sqrt(variance), u2 = m1 * m2 - out->u1;
    double u_max = out->u1 > u2 ? out->u1 : u2;
    out->z = (u_max - mean - 0.5) / sd;
    out->p_two_sided = fmin(1.0, 2.0 * gsl_cdf_ugaussian_Q(out->z));
    out->p_greater = gsl_cdf_ugaussian_Q((out->u1 - mean - 0.5) / sd);
    out->p_less = gsl_cdf_ugaussian_Q((u2 - mean - 0.5) / sd);
    return true;
}

bool tn_chi_square(const double *table, size_t rows, size_t cols, tn_chi_square_result *out,
                   tn_error *err) {
    memset(out, 0, sizeof *out);
    if (rows < 2 || cols < 2)
        return tn_error_set(err, TN_ERR_INPUT, "a %zu x %zu table: the test needs 2 x 2 or more",
                            rows, cols);
    double *row_sums = calloc(rows, sizeof *row_sums), *col_sums = calloc(cols, sizeof *col_sums);
    if (row_sums == NULL || col_sums == NULL) {
        free(row_sums), free(col_sums);
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    }
    double total = 0;
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++) {
            row_sums[r] += table[r * cols + c];
            col_sums[c] += table[r * cols + c];
            total += table[r * cols + c];
        }
    bool ok = true;
    for (size_t r = 0; ok && r < rows; r++)
        if (row_sums[r] <= 0)
            ok = tn_error_set(err, TN_ERR_INPUT, "row %zu of the table is empty", r + 1);
    for (size_t c = 0; ok && c < cols; c++)
        if (col_sums[c] <= 0)
            ok = tn_error_set(err, TN_ERR_INPUT, "column %zu of the table is empty", c + 1);
    out->min_expected = INFINITY;
    for (size_t r = 0; ok && r < rows; r++)
        for (size_t c = 0; c < cols; c++) {
            double expected = row_sums[r] * col_sums[c] / total;
            double difference = table[r * cols + c] - expected;
            out->chisq += difference * difference / expected;
            out->min_expected = fmin(out->min_expected, expected);
        }
    if (ok) {
        out->df = (int)((rows - 1) * (cols - 1));
        out->p = gsl_cdf_chisq_Q(out->chisq, out->df);
    }
    free(row_sums), free(col_sums);
    return ok;
}
