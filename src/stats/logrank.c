/*
 * logrank.c — the k-group log-rank test (see logrank.h).
 */
#include "stats/logrank.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>

typedef struct {
    double time;
    int event;
    int group;
} subject;

static int by_time(const void *a, const void *b) {
    const subject *x = a, *y = b;
    return (x->time > y->time) - (x->time < y->time);
}

/* Solves V u = U for the first k−1 groups and returns U' u; false if V is singular. */
static bool quadratic_form(const double *U, const double *V, int k, double *value) {
    gsl_matrix *matrix = gsl_matrix_alloc((size_t)k, (size_t)k);
    gsl_vector *rhs = gsl_vector_alloc((size_t)k), *solution = gsl_vector_alloc((size_t)k);
    gsl_permutation *perm = gsl_permutation_alloc((size_t)k);
    bool ok = matrix != NULL && rhs != NULL && solution != NULL && perm != NULL;
    int sign = 0;
    for (int i = 0; ok && i < k; i++) {
        gsl_vector_set(rhs, (size_t)i, U[i]);
        for (int j = 0; j < k; j++)
            gsl_matrix_set(matrix, (size_t)i, (size_t)j, V[i * TN_LOGRANK_MAX_GROUPS + j]);
    }
    ok = ok && gsl_linalg_LU_decomp(matrix, perm, &sign) == 0 &&
         gsl_linalg_LU_det(matrix, sign) != 0.0 &&
         gsl_linalg_LU_solve(matrix, perm, rhs, solution) == 0;
    double sum = 0;
    for (int i = 0; ok && i < k; i++)
        sum += U[i] * gsl_vector_get(solution, (size_t)i);
    *value = sum;
    gsl_matrix_free(matrix);
    gsl_vector_free(rhs);
    gsl_vector_free(solution);
    gsl_permutation_free(perm);
    return ok;
}

bool tn_logrank(const double *time, const int *event, const int *group, size_t n, int group_count,
                tn_logrank_result *out, tn_error *err) {
    memset(out, 0, sizeof *out);
    if (group_count < 2 || group_count > TN_LOGRANK_MAX_GROUPS)
        return tn_error_set(err, TN_ERR_INPUT, "the log-rank test needs 2 to %d groups",
                            TN_LOGRANK_MAX_GROUPS);
    subject *subjects = malloc((n ? n : 1) * sizeof *subjects);
    double *V = calloc(TN_LOGRANK_MAX_GROUPS * TN_LOGRANK_MAX_GROUPS, sizeof *V);
    if (subjects == NULL || V == NULL) {
        free(subjects);
        free(V);
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    }
    int at_risk[TN_LOGRANK_MAX_GROUPS] = {0}, total_events = 0;
    for (size_t i = 0; i < n; i++) {
        subjects[i] = (subject){time[i], event[i] != 0, group[i]};
        at_risk[group[i]]++;
        total_events += event[i] != 0;
    }
    int present[TN_LOGRANK_MAX_GROUPS], k = 0; /* the groups with subjects, in order */
    for (int g = 0; g < group_count; g++)
        if (at_risk[g] > 0)
            present[k++] = g;
    qsort(subjects, n, sizeof *subjects, by_time);

    size_t i = 0;
    int risk = (int)n;
    while (i < n) {
        double t = subjects[i].time;
        int deaths[TN_LOGRANK_MAX_GROUPS] = {0}, leaving[TN_LOGRANK_MAX_GROUPS] = {0}, d = 0;
        for (; i < n && subjects[i].time == t; i++) {
            deaths[subjects[i].group] += subjects[i].event;
            leaving[subjects[i].group]++;
            d += subjects[i].event;
        }
        if (d > 0) {
            double factor =
                risk > 1 ? (double)d * (risk - d) / ((double)risk * risk * (risk - 1)) : 0;
            for (int a = 0; a < k; a++) {
                int ga = present[a];
                out->observed[ga] += deaths[ga];
                out->expected[ga] += (double)d * at_risk[ga] / risk;
                for (int b = 0; b < k; b++) {
                    int gb = present[b];
                    V[a * TN_LOGRANK_MAX_GROUPS + b] +=
                        factor * at_risk[ga] * ((a == b ? risk : 0) - at_risk[gb]);
                }
            }
        }
        for (int g = 0; g < group_count; g++) {
            at_risk[g] -= leaving[g];
            risk -= leaving[g];
        }
    }
    free(subjects);
    out->groups = k;
    out->df = k - 1;
    bool ok = true;
    if (k < 2)
        ok = tn_error_set(err, TN_ERR_INPUT, "only %d group has subjects: nothing to compare", k);
    else if (total_events == 0)
        ok = tn_error_set(err, TN_ERR_INPUT, "no events in any group: nothing to compare");
    double U[TN_LOGRANK_MAX_GROUPS];
    for (int a = 0; ok && a < k - 1; a++)
        U[a] = out->observed[present[a]] - out->expected[present[a]];
    if (ok && !quadratic_form(U, V, k - 1, &out->chisq))
        ok = tn_error_set(err, TN_ERR_INPUT,
                          "the groups' variance is singular (a group has no one at risk at any "
                          "event time)");
    if (ok)
        out->p = gsl_cdf_chisq_Q(out->chisq, out->df);
    free(V);
    return ok;
}
