/*
 * cox.h — Cox proportional hazards regression.
 *
 * Maximises the partial likelihood with Efron's approximation for tied
 * event times (Efron 1977; Therneau & Grambsch 2000, §3.3) by
 * Newton-Raphson from β = 0 with step halving, stopping when the relative
 * change of the log-likelihood is below 1e-9 (as R's coxph). Covariates are
 * centred internally, which changes nothing but the numerics. Reports
 * coefficients, hazard ratios with Wald 95% intervals, standard errors from
 * the inverse information, z and p, the log-likelihoods, the
 * likelihood-ratio test, and Harrell's concordance index (pairs whose
 * shorter time is an event; a censoring at the same time as an event counts
 * as the longer time; ties in the risk score count one half). Tested against
 * R's survival::coxph(ties = "efron").
 */
#ifndef TN_STATS_COX_H
#define TN_STATS_COX_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

typedef struct {
    size_t p; /* covariates */
    int n, events;
    double *coef, *se, *z, *p_value, *hazard_ratio, *hr_lower, *hr_upper; /* each [p], owned */
    double loglik_null, loglik;
    double lr_chisq, lr_p;
    int lr_df;
    double concordance;
    int iterations;
    bool converged;
} tn_cox_result;

/*
 * Fits `n` subjects with covariates x (n rows of p values, row-major).
 * TN_ERR_INPUT when there are no events, or when the design is singular
 * (a constant covariate, or one that is a combination of the others): the
 * message names the covariate by index, `names[i]` when given.
 */
bool tn_cox_fit(const double *x, size_t p, const double *time, const int *event, size_t n,
                const char *const *names, tn_cox_result *out, tn_error *err);

void tn_cox_free(tn_cox_result *result);

/* order[0..n) receives the subjects' indexes by time, longest first; false when out of memory. */
bool tn_cox_order_by_time(const double *time, size_t n, size_t *order);

/*
 * Harrell's concordance index of risk scores `score` (higher = earlier
 * event expected) for the given survival data into *concordance: NAN when
 * no pair is comparable. False with TN_ERR_NOMEM when memory runs out.
 */
bool tn_concordance(const double *score, const double *time, const int *event, size_t n,
                    double *concordance, tn_error *err);

#endif
