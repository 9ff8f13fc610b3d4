/*
 * drift.h — has a feature's population moved since the model was trained?
 *
 * Each function compares a reference sample (the training population, kept
 * with the model) with a current sample (today's mart), one feature at a
 * time.
 *
 *   Population Stability Index (PSI). With e_i and a_i the reference's and
 *   the current sample's share of bin i (of all their values, missing ones
 *   included),
 *       PSI = Σ_i (a_i − e_i) · ln(a_i / e_i),
 *   where a share of 0 counts as ε = 1e-4 (TN_PSI_EPSILON; the other shares
 *   are left as they are, not renormalised) so that the sum stays finite
 *   (Siddiqi 2006, "Credit Risk Scorecards"; Yurdakul 2018, "Statistical
 *   properties of the population stability index"). The usual reading:
 *   below 0.1 stable, 0.1 to 0.25 a moderate shift, above 0.25 a major one.
 *   The bins:
 *     numeric feature: the reference's quantile bins. The cut points are
 *       the quantiles j/bins, j = 1 … bins − 1, of the reference's
 *       non-missing values as numpy.quantile computes them by default
 *       ("linear", Hyndman & Fan 1996 type 7: at h = (N − 1)·q between the
 *       sorted values x[⌊h⌋] and x[⌊h⌋ + 1], interpolated as
 *       a + (b − a)·g when the fraction g < 0.5 and b − (b − a)·(1 − g)
 *       otherwise); equal cut points are merged, so a feature with many ties
 *       gets fewer bins. A value equal to a cut point goes to the upper bin:
 *       with cut points c_1 < … < c_k, bin 0 is (−∞, c_1), bin i is
 *       [c_i, c_{i+1}) and bin k is [c_k, ∞) (numpy.searchsorted(cuts, x,
 *       side="right")). A reference without a non-missing value has no cut
 *       points: every non-missing value shares one bin.
 *     categorical feature: one bin per category seen in either sample, in
 *       byte order (strcmp; for UTF-8 that is code point order).
 *   In both, missing values (NaN, or a NULL string) form one more bin, the
 *   last, when either sample has any.
 *
 *   Kolmogorov–Smirnov two-sample test (numeric feature): over the
 *   non-missing values of each sample (NaN is left out and counted),
 *   D = sup_x |F₁(x) − F₂(x)| of the two empirical distribution functions,
 *   and the asymptotic two-sided p-value exactly as
 *   scipy.stats.ks_2samp(a, b, method="asymp") computes it since SciPy 1.5
 *   (checked with SciPy 1.10.1): the survival function of the one-sample
 *   two-sided statistic D_n (scipy.stats.kstwo) at D, with
 *   n = round(n₁n₂ / (n₁ + n₂)) (half to even) — not the limiting Kolmogorov
 *   distribution K(√n·D) of older versions. tn_kstwo_sf evaluates it as
 *   Simard & L'Ecuyer (2011, J. Stat. Softw. 39(11)) choose, as SciPy does:
 *   Ruben & Gambino's closed forms when n·D ≤ 1 or ≥ n − 1; twice the
 *   one-sided Smirnov probability (Birnbaum & Tingey 1951, exact for
 *   D ≥ 0.5, Miller's approximation below) when D ≥ 0.5, when n ≤ 140 and
 *   n·D² > 4, or when n > 140 and n·D² ≥ 2.2 (0 from n·D² ≥ 370); else
 *   1 − Pr(D_n < D) by Durbin's matrix (Marsaglia, Tsang & Wang 2003) when
 *   n ≤ 140, or n ≤ 100 000 and n·D^1.5 ≤ 1.4, and by the Pelz & Good (1976)
 *   series otherwise. (Where SciPy uses Pomeranz's recursion, n ≤ 140 and
 *   0.754693 < n·D² ≤ 4, Durbin's matrix gives the same exact probability.)
 *   The one-sided sum is evaluated in long double; for n > 10⁶ it is
 *   replaced, as in SciPy, by exp(−(6nD + 1)² / 18n).
 *
 * Tested against NumPy (PSI, computed independently) and SciPy 1.10.1
 * (scipy.stats.ks_2samp(method="asymp"), scipy.stats.kstwo.sf) in
 * tests/unit/test_drift.c, fixtures by tests/fixtures/stats/make_drift_fixtures.py.
 *
 * Every function here returns false with TN_ERR_NOMEM in `err` when memory
 * runs out, so that a failure is never mistaken for a figure.
 */
#ifndef TN_STATS_DRIFT_H
#define TN_STATS_DRIFT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

#define TN_PSI_DEFAULT_BINS 10
#define TN_PSI_MAX_BINS 1000
#define TN_PSI_EPSILON 1e-4

typedef struct {
    double psi;
    size_t bins;      /* all bins, the missing one included */
    bool missing_bin; /* the last bin holds the missing values */
    /* Each sample's share of each bin, [bins], owned; 0 where empty (before ε). */
    double *reference_share, *current_share;
    size_t reference_n, reference_missing, current_n, current_missing;
    /* Numeric: the cut points after merging, [cuts], owned (bins − missing_bin = cuts + 1). */
    double *cut;
    size_t cuts;
    /*
     * Categorical: the categories, [bins − missing_bin], owned; each points into
     * category_text (owned). NULL for a numeric feature.
     */
    char **category;
    char *category_text;
} tn_psi_result;

/*
 * PSI of a numeric feature between `reference` and `current` (NaN = missing)
 * with at most `bins` quantile bins (TN_PSI_DEFAULT_BINS is 10) into *out,
 * which owns its arrays until tn_psi_free. TN_ERR_INPUT when a sample is
 * empty, a value is infinite, or bins is outside 1 … TN_PSI_MAX_BINS.
 */
bool tn_psi_numeric(const double *reference, size_t reference_n, const double *current,
                    size_t current_n, int bins, tn_psi_result *out, tn_error *err);

/*
 * PSI of a categorical feature, the values as C strings (NULL = missing),
 * into *out, which owns its arrays and a copy of the category names until
 * tn_psi_free. TN_ERR_INPUT when a sample is empty.
 */
bool tn_psi_categorical(const char *const *reference, size_t reference_n,
                        const char *const *current, size_t current_n, tn_psi_result *out,
                        tn_error *err);

/*
 * Frees what a tn_psi_* call put in *result and zeroes it, psi NAN (safe on
 * a zeroed or freed result; a failed call leaves nothing to free).
 */
void tn_psi_free(tn_psi_result *result);

typedef struct {
    double statistic; /* D; NAN when a sample has no non-missing value */
    double p_value;   /* NAN as D, and when both samples hold one value (n rounds to 0) */
    size_t n1, n2;    /* the non-missing values used */
    size_t missing1, missing2;
} tn_ks_result;

/*
 * The two-sample Kolmogorov–Smirnov test of a (a_n values) against b
 * (b_n values), NaN left out, into *out. O((n₁ + n₂) log(n₁ + n₂)): it
 * sorts copies.
 */
bool tn_ks_two_sample(const double *a, size_t a_n, const double *b, size_t b_n, tn_ks_result *out,
                      tn_error *err);

/*
 * Pr(D_n ≥ d) for the one-sample two-sided Kolmogorov–Smirnov statistic of
 * n values (scipy.stats.kstwo.sf(d, n)) into *sf: 1 for d ≤ 1/(2n), 0 for
 * d ≥ 1, NAN for n = 0 or a NaN d.
 */
bool tn_kstwo_sf(size_t n, double d, double *sf, tn_error *err);

#endif
