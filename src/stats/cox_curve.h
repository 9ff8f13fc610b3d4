/*
 * cox_curve.h — the survival curve S(t | x) of each subject under a fitted
 * Cox model: the Breslow-type baseline with Efron's tie correction, as R's
 * survival::survfit(fit, newdata) computes it with its defaults for a coxph
 * fitted with ties = "efron" (ctype = 2, stype = 2; R/survfit.coxph.R,
 * R/agsurv.R and src/agsurv5.c of the survival package).
 *
 * Training subjects i = 1..n with time T_i, event δ_i, covariates x_i and the
 * fitted β; a centre c (R's fit$means) and r_i = exp(x_i'β − c'β). At each
 * distinct training time t (events and censorings alike, ascending), with
 *   S0(t) = Σ_{T_i ≥ t} r_i,  D0(t) = Σ_{T_i = t, δ_i = 1} r_i,  d(t) events,
 * the hazard increment is Efron's
 *   dΛ0(t) = Σ_{k=0}^{d−1} 1 / (S0(t) − (k/d)·D0(t))     (0 when d = 0;
 *                                                        1/S0 when d = 1)
 * and Λ0(t) = Σ_{s ≤ t} dΛ0(s) is the cumulative hazard of a subject at the
 * centre (R: survfit(fit)$cumhaz, basehaz(fit, centered = TRUE)). For a new
 * row x the relative risk is r(x) = exp(x'β − c'β) and
 *   S(t | x) = exp(−Λ0(t))^r(x),
 * a right-continuous step function: 1 before the first training time, and
 * flat after the last (as R's summary(..., extend = TRUE)). Curves do not
 * depend on c (it cancels); only the reported baseline does.
 *
 * The median is survfit's: the first step time where S ≤ 0.5 (to within
 * √ε, ε the double epsilon); when S equals 0.5 there, the midpoint of that
 * time and the next time S drops below 0.5 (R's survmean). A median that is
 * never reached, or lies beyond the caller's horizon, is reported as not
 * reached ("beyond the horizon").
 *
 * Checked against R's survival 3.5-3 (tests/fixtures/stats/
 * make_survival_curve_fixtures.R). Pure functions, no I/O.
 */
#ifndef TN_STATS_COX_CURVE_H
#define TN_STATS_COX_CURVE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

typedef struct {
    size_t p;         /* covariates */
    double *coef;     /* [p] the fitted β, an owned copy */
    double *center;   /* [p] c, an owned copy */
    double center_lp; /* c'β */
    size_t count;     /* distinct training times */
    double *time;     /* [count] ascending, owned */
    double *cumhaz;   /* [count] Λ0 at time[k], owned */
    int *at_risk;     /* [count] subjects with T ≥ time[k], owned */
    int *events;      /* [count] events at time[k], owned */
} tn_cox_baseline;

/*
 * R's centre for coxph: the column means of x (n rows of p, row-major),
 * except 0 for a column whose values all lie in {−1, 0, 1} (coxph's default
 * nocenter = c(-1, 0, 1)). Writes center[p] (caller's memory).
 */
void tn_cox_center_like_r(const double *x, size_t p, size_t n, double *center);

/*
 * The baseline of a Cox fit with coefficients `coef` on the training data
 * (x n × p row-major, time ≥ 0, event 1/0). `center` is c; NULL takes
 * tn_cox_center_like_r(x). Fills *out, which owns all its arrays: free them
 * with tn_cox_baseline_free (after a failure *out owns nothing and freeing it
 * is harmless). Only reads its inputs. TN_ERR_INPUT for no subjects, no
 * covariates, a negative or non-finite time, a non-finite covariate or
 * coefficient; TN_ERR_NOMEM when memory runs out.
 */
bool tn_cox_baseline_fit(const double *x, size_t p, const double *time, const int *event, size_t n,
                         const double *coef, const double *center, tn_cox_baseline *out,
                         tn_error *err);

void tn_cox_baseline_free(tn_cox_baseline *baseline);

/* x'β − c'β of a covariate row (p values), as R's predict(fit, newdata, type = "lp"). */
double tn_cox_linear_predictor(const tn_cox_baseline *baseline, const double *row);

/* S(t | x) for the relative risk r(x) = exp(linear predictor). */
double tn_cox_survival(const tn_cox_baseline *baseline, double relative_risk, double t);

/* S(times[k] | x) for k < count into survival[count] (caller's memory), for the row x. */
void tn_cox_survival_at(const tn_cox_baseline *baseline, const double *row, const double *times,
                        size_t count, double *survival);

/*
 * The median time of S(· | x) for relative risk r(x), as survfit's, into
 * *median when it is reached at or before `horizon` (INFINITY: anywhere on
 * the curve); returns false, with *median = INFINITY, when it is not.
 */
bool tn_cox_median(const tn_cox_baseline *baseline, double relative_risk, double horizon,
                   double *median);

#endif
