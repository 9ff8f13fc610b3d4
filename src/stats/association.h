/*
 * association.h — tests of association between a signal and an outcome.
 *
 *   Point-biserial correlation: Pearson's r between x and a 0/1 group,
 *     t = r √((n − 2) / (1 − r²)) with n − 2 degrees of freedom, two-sided p
 *     (as scipy.stats.pointbiserialr).
 *   Mann-Whitney U: U₁ = R₁ − n₁(n₁ + 1)/2 with mid-ranks for ties; normal
 *     approximation with the tie-corrected variance
 *       σ² = n₁n₂/12 · ((n + 1) − Σ(t³ − t)/(n(n − 1)))
 *     and a continuity correction of ½ (as scipy.stats.mannwhitneyu with
 *     method = "asymptotic"): two-sided uses max(U₁, U₂); "greater" tests
 *     whether the first sample tends to be larger.
 *   Chi-square test of independence on an r × c table: Σ (O − E)²/E with
 *     (r − 1)(c − 1) degrees of freedom, no Yates correction (as
 *     scipy.stats.chi2_contingency with correction = False).
 * Each is tested against SciPy (tests/fixtures/stats).
 */
#ifndef TN_STATS_ASSOCIATION_H
#define TN_STATS_ASSOCIATION_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

typedef struct {
    size_t n;
    double r, t, p;
} tn_point_biserial_result;

/*
 * r of x against group (0/1) over the n pairs. TN_ERR_INPUT when n < 3, a
 * group is empty, or x is constant (r undefined).
 */
bool tn_point_biserial(const double *x, const int *group, size_t n, tn_point_biserial_result *out,
                       tn_error *err);

typedef struct {
    size_t n1, n2;
    double u1; /* U of the first sample */
    double z;  /* two-sided, continuity-corrected */
    double p_two_sided;
    double p_greater; /* H1: the first sample tends to be larger */
    double p_less;
    double mean_rank1, mean_rank2;
} tn_mann_whitney_result;

/* TN_ERR_INPUT when a sample is empty or every value is tied (no variance). */
bool tn_mann_whitney(const double *a, size_t n1, const double *b, size_t n2,
                     tn_mann_whitney_result *out, tn_error *err);

typedef struct {
    double chisq, p;
    int df;
    double min_expected; /* the smallest expected count (the approximation wants ≥ 5) */
} tn_chi_square_result;

/*
 * Tests a rows × cols table of counts (row-major). TN_ERR_INPUT when a row
 * or column sums to zero or the table is smaller than 2 × 2.
 */
bool tn_chi_square(const double *table, size_t rows, size_t cols, tn_chi_square_result *out,
                   tn_error *err);

#endif
