/*
 * cox_zph.h — the test of a Cox model's proportional-hazards assumption, as
 * R's survival::cox.zph with its defaults (transform = "km", terms = TRUE,
 * global = TRUE; the score test of survival ≥ 3.0) for a fit with Efron ties.
 *
 * If a covariate's effect changes over follow-up, β(t) = β + θ·g(t) for some
 * function g of time: the model gains the p covariates g(t)·x. The test is the
 * score test of θ = 0 at (β̂, 0), without iterating: the test of a trend over
 * g(t) in the scaled Schoenfeld residuals (Grambsch & Therneau 1994;
 * Therneau & Grambsch 2000, §6.2). With U the score of θ at
 * that point (the score of β is zero at β̂, and is taken as exactly zero) and
 * the information of (β, θ) there,
 *
 *     I = | Σ V(t)        Σ g(t) V(t)  |      V(t): the Efron-weighted variance
 *         | Σ g(t) V(t)   Σ g(t)² V(t) |      of x over the risk set at each
 *                                             event time t,
 *
 * a term (a set J of columns: one covariate, or a factor's indicators) has
 * χ² = (0, U_J)' I_{β,J}⁻¹ (0, U_J) on |J| degrees of freedom, where I_{β,J}
 * keeps the rows and columns of β and of θ_J; the global test takes every
 * column. g(t) = 1 − S(t−), the Kaplan-Meier curve of all subjects just before
 * t, centred on its mean over the events (which changes the information but
 * not the statistic). Before survival 3.0, cox.zph approximated I by taking
 * V(t) as constant over time; this is the full information, as R computes it
 * now. Checked against R's cox.zph (tests/fixtures/stats/survival.json).
 */
#ifndef TN_STATS_COX_ZPH_H
#define TN_STATS_COX_ZPH_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

typedef struct {
    size_t terms;
    double *chisq, *p; /* each [terms], owned; free with tn_cox_zph_free() */
    int *df;           /* [terms], owned: the term's columns */
    double global_chisq, global_p;
    int global_df; /* every column */
} tn_cox_zph_result;

/*
 * Tests the Cox fit with coefficients `coef` (p values, as tn_cox_fit found
 * them) of `n` subjects with covariates x (n rows of p values, row-major),
 * times and events (1 = event, 0 = censored). term_of_column[j] is the term
 * column j belongs to, numbered from 0 with no gaps (a factor's indicator
 * columns share one term, as R's terms = TRUE); NULL makes each column its
 * own term. TN_ERR_INPUT when there is nothing to test (no covariates, no
 * events, a coefficient that is not finite, a bad term numbering) or when the
 * information is singular (every event at one time, say, so that g(t) is
 * constant); TN_ERR_NOMEM when memory runs out.
 */
bool tn_cox_zph(const double *x, size_t p, const double *time, const int *event, size_t n,
                const double *coef, const size_t *term_of_column, tn_cox_zph_result *out,
                tn_error *err);

void tn_cox_zph_free(tn_cox_zph_result *result);

#endif
