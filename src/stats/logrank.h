/*
 * logrank.h — the log-rank test of equal survival across groups.
 *
 * At each distinct event time t with n at risk and d events, group j has
 * n_j at risk and d_j events; under the null hypothesis its expected events
 * are e_j = d · n_j / n, with hypergeometric covariance
 *   V_jk = d (n − d) / (n² (n − 1)) · n_j (δ_jk n − n_k).
 * Summing over times, U = O − E and the statistic is U' V⁻ U on the first
 * k − 1 groups, chi-square with k − 1 degrees of freedom (Mantel 1966;
 * Peto & Peto 1972; R's survival::survdiff with rho = 0, against which it is
 * tested). Groups with no subjects do not count.
 */
#ifndef TN_STATS_LOGRANK_H
#define TN_STATS_LOGRANK_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

#define TN_LOGRANK_MAX_GROUPS 32

typedef struct {
    int groups; /* groups with subjects */
    double chisq;
    int df;
    double p;
    double observed[TN_LOGRANK_MAX_GROUPS];
    double expected[TN_LOGRANK_MAX_GROUPS];
} tn_logrank_result;

/*
 * Tests `n` subjects, `group[i]` in [0, group_count). TN_ERR_INPUT when fewer
 * than two groups have subjects or there are no events (nothing to compare).
 */
bool tn_logrank(const double *time, const int *event, const int *group, size_t n, int group_count,
                tn_logrank_result *out, tn_error *err);

#endif
