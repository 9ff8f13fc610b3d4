/*
 * cox_zph.c — the proportional-hazards score test of a Cox fit (see cox_zph.h).
 *
 * One backward pass over time, as in the fit: the risk set's sums
 * S0 = Σ e^η, S1 = Σ e^η x, S2 = Σ e^η x x' grow as time goes back, and at
 * an event time t with d tied events (whose own sums are D0, D1, D2) Efron's
 * d steps r = 0 … d−1 take S − (r/d)·D in place of S:
 *
 *     mean_r = S1_r / S0_r,   V_r = S2_r / S0_r − mean_r mean_r',
 *     U += g(t) · (Σ_{events at t} x − Σ_r mean_r),
 *     I += Σ_r | V_r       g V_r  |
 *              | g V_r   g² V_r   |.
 *
 * The covariates are centred first and η is computed on them: neither V nor U
 * changes, only the rounding.
 */
#include "stats/cox_zph.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>

#include "common/alloc.h"
#include "stats/cox.h"
#include "stats/km.h"

/* The subjects, ready for the pass. Every array is owned by the caller of prepare(). */
typedef struct {
    size_t n, p;
    const double *time;
    const int *event;
    double *x;     /* [n × p]: the covariates centred on their means */
    double *risk;  /* [n]: e^η, η = x'β̂ on the centred covariates */
    double *g;     /* [n]: 1 − S(t−), centred on its mean over the events */
    size_t *order; /* [n]: subjects by time, longest first */
} zph_data;

/* The sums of the pass and the scratch of the tests: pointers into one owned block. */
typedef struct {
    size_t p;
    double s0, d0;
    double *s1, *s2;          /* the risk set: [p], [p × p] */
    double *d1, *d2, *dx;     /* the events at one time: [p], [p × p], Σ x [p] */
    double *mean;             /* [p] */
    double *score;            /* U, the score of θ: [p] */
    double *information;      /* I, of (β, θ): [2p × 2p] */
    double *sub, *u, *solved; /* one test's information [2p × 2p], vector and solution [2p] */
} zph_sums;

/* ---- preparing the data ------------------------------------------------------------ */

/* How many of the curve's steps come strictly before t. */
static size_t steps_before(const tn_km_curve *curve, double t) {
    size_t low = 0, high = curve->count;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (curve->steps[mid].time < t)
            low = mid + 1;
        else
            high = mid;
    }
    return low;
}

/* g = 1 − S(t−) for each subject, from the Kaplan-Meier curve of all, centred over the events. */
static bool km_time_weights(zph_data *d, tn_error *err) {
    tn_km_curve curve;
    if (!tn_km_fit(d->time, d->event, d->n, 0.95, &curve, err))
        return false;
    double sum = 0;
    size_t events = 0;
    for (size_t i = 0; i < d->n; i++) {
        size_t before = steps_before(&curve, d->time[i]);
        d->g[i] = 1.0 - (before > 0 ? curve.steps[before - 1].survival : 1.0);
        if (d->event[i]) {
            sum += d->g[i];
            events++;
        }
    }
    tn_km_free(&curve);
    for (size_t i = 0; i < d->n; i++)
        d->g[i] -= sum / (double)events;
    return true;
}

/* Centred covariates and their risk scores e^η under `coef`. */
static void centre_and_score(zph_data *d, const double *x, const double *coef) {
    size_t n = d->n, p = d->p;
    for (size_t a = 0; a < p; a++) {
        double mean = 0;
        for (size_t i = 0; i < n; i++)
            mean += x[i * p + a];
        mean /= (double)n;
        for (size_t i = 0; i < n; i++)
            d->x[i * p + a] = x[i * p + a] - mean;
    }
    for (size_t i = 0; i < n; i++) {
        double eta = 0;
        for (size_t a = 0; a < p; a++)
            eta += d->x[i * p + a] * coef[a];
        d->risk[i] = exp(eta);
    }
}

/* ---- the pass ---------------------------------------------------------------------- */

/* Efron's d steps at one event time whose time weight is g. */
static void add_event_time(zph_sums *s, int deaths, double g) {
    size_t p = s->p, q = 2 * p;
    for (size_t a = 0; a < p; a++)
        s->score[a] += g * s->dx[a];
    for (int r = 0; r < deaths; r++) {
        double fraction = (double)r / deaths, denominator = s->s0 - fraction * s->d0;
        for (size_t a = 0; a < p; a++) {
            s->mean[a] = (s->s1[a] - fraction * s->d1[a]) / denominator;
            s->score[a] -= g * s->mean[a];
        }
        for (size_t a = 0; a < p; a++)
            for (size_t b = 0; b < p; b++) {
                double v = (s->s2[a * p + b] - fraction * s->d2[a * p + b]) / denominator -
                           s->mean[a] * s->mean[b];
                s->information[a * q + b] += v;
                s->information[a * q + p + b] += g * v;
                s->information[(p + a) * q + b] += g * v;
                s->information[(p + a) * q + p + b] += g * g * v;
            }
    }
}

/* Subject i joins the risk set, and the events at its time when it is one. */
static void add_subject(zph_sums *s, const zph_data *d, size_t i) {
    size_t p = s->p;
    const double *xi = d->x + i * p;
    double risk = d->risk[i];
    bool is_event = d->event[i] != 0;
    s->s0 += risk;
    s->d0 += is_event ? risk : 0;
    for (size_t a = 0; a < p; a++) {
        s->s1[a] += risk * xi[a];
        if (is_event) {
            s->d1[a] += risk * xi[a];
            s->dx[a] += xi[a];
        }
        for (size_t b = 0; b < p; b++) {
            s->s2[a * p + b] += risk * xi[a] * xi[b];
            if (is_event)
                s->d2[a * p + b] += risk * xi[a] * xi[b];
        }
    }
}

/* U and I: back from the longest time, one distinct time at a time. */
static void accumulate(zph_sums *s, const zph_data *d) {
    size_t p = s->p, k = 0;
    s->s0 = 0;
    memset(s->s1, 0, p * sizeof *s->s1);
    memset(s->s2, 0, p * p * sizeof *s->s2);
    memset(s->score, 0, p * sizeof *s->score);
    memset(s->information, 0, 4 * p * p * sizeof *s->information);
    while (k < d->n) {
        double t = d->time[d->order[k]], g = d->g[d->order[k]];
        int deaths = 0;
        s->d0 = 0;
        memset(s->d1, 0, p * sizeof *s->d1);
        memset(s->d2, 0, p * p * sizeof *s->d2);
        memset(s->dx, 0, p * sizeof *s->dx);
        for (; k < d->n && d->time[d->order[k]] == t; k++) {
            add_subject(s, d, d->order[k]);
            deaths += d->event[d->order[k]] != 0;
        }
        if (deaths > 0)
            add_event_time(s, deaths, g);
    }
}

/* ---- the tests --------------------------------------------------------------------- */

/*
 * (0, U_J)' I_{β,J}⁻¹ (0, U_J) for the `count` columns J; false when that
 * information is not positive definite.
 */
static bool score_statistic(zph_sums *s, const size_t *columns, size_t count, double *chisq) {
    size_t p = s->p, q = 2 * p, m = p + count;
    for (size_t r = 0; r < m; r++) {
        size_t row = r < p ? r : p + columns[r - p];
        for (size_t c = 0; c < m; c++)
            s->sub[r * m + c] = s->information[row * q + (c < p ? c : p + columns[c - p])];
        s->u[r] = r < p ? 0.0 : s->score[columns[r - p]];
    }
    gsl_matrix_view matrix = gsl_matrix_view_array(s->sub, m, m);
    gsl_vector_view u = gsl_vector_view_array(s->u, m),
                    solved = gsl_vector_view_array(s->solved, m);
    if (gsl_linalg_cholesky_decomp1(&matrix.matrix) != GSL_SUCCESS ||
        gsl_linalg_cholesky_solve(&matrix.matrix, &u.vector, &solved.vector) != GSL_SUCCESS)
        return false;
    *chisq = 0;
    for (size_t r = p; r < m; r++)
        *chisq += s->u[r] * s->solved[r];
    return isfinite(*chisq);
}

/* Each term's test and the global one into `out`, whose arrays are allocated. */
static bool run_tests(zph_sums *s, const size_t *term_of_column, size_t *columns,
                      tn_cox_zph_result *out, tn_error *err) {
    size_t p = s->p;
    for (size_t term = 0; term < out->terms; term++) {
        size_t count = 0;
        for (size_t j = 0; j < p; j++)
            if ((term_of_column != NULL ? term_of_column[j] : j) == term)
                columns[count++] = j;
        if (!score_statistic(s, columns, count, &out->chisq[term]))
            return tn_error_set(err, TN_ERR_INPUT,
                                "the information of the time-varying effects is singular "
                                "(are all events at one time?)");
        out->df[term] = (int)count;
        out->p[term] = gsl_cdf_chisq_Q(out->chisq[term], (double)count);
    }
    for (size_t j = 0; j < p; j++)
        columns[j] = j;
    if (!score_statistic(s, columns, p, &out->global_chisq))
        return tn_error_set(err, TN_ERR_INPUT,
                            "the information of the time-varying effects is singular "
                            "(are all events at one time?)");
    out->global_df = (int)p;
    out->global_p = gsl_cdf_chisq_Q(out->global_chisq, (double)p);
    return true;
}

/* ---- the entry point --------------------------------------------------------------- */

/* The number of terms, checking that they are numbered from 0 without gaps; 0 when they are not. */
static size_t count_terms(const size_t *term_of_column, size_t p) {
    if (term_of_column == NULL)
        return p;
    size_t terms = 0;
    for (size_t j = 0; j < p; j++) {
        if (term_of_column[j] >= p)
            return 0;
        terms = term_of_column[j] + 1 > terms ? term_of_column[j] + 1 : terms;
    }
    for (size_t term = 0; term < terms; term++) {
        bool used = false;
        for (size_t j = 0; j < p && !used; j++)
            used = term_of_column[j] == term;
        if (!used)
            return 0;
    }
    return terms;
}

enum { MAX_COVARIATES = 1 << 16 }; /* far beyond any design; keeps p² from overflowing */

static bool check_input(size_t p, const int *event, size_t n, const double *coef,
                        const size_t *term_of_column, tn_error *err) {
    size_t events = 0;
    for (size_t i = 0; i < n; i++)
        events += event[i] != 0;
    if (p == 0 || events == 0)
        return tn_error_set(err, TN_ERR_INPUT, "no %s to test", p == 0 ? "covariates" : "events");
    for (size_t a = 0; a < p; a++)
        if (!isfinite(coef[a]))
            return tn_error_set(err, TN_ERR_INPUT, "coefficient %zu is not finite", a + 1);
    if (count_terms(term_of_column, p) == 0)
        return tn_error_set(err, TN_ERR_INPUT, "the terms are not numbered 0, 1, … without gaps");
    if (p > MAX_COVARIATES || n > SIZE_MAX / sizeof(double) / (p + 2))
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory: %zu subjects × %zu covariates", n,
                            p);
    return true;
}

enum { SUMS_PER_P = 9, SUMS_PER_P_SQUARED = 10 }; /* the doubles lay_out_sums() needs */

/* Points the sums into `block`, which holds 9p + 10p² doubles. */
static void lay_out_sums(zph_sums *s, size_t p, double *block) {
    s->p = p;
    s->s1 = block, block += p;
    s->s2 = block, block += p * p;
    s->d1 = block, block += p;
    s->d2 = block, block += p * p;
    s->dx = block, block += p;
    s->mean = block, block += p;
    s->score = block, block += p;
    s->information = block, block += 4 * p * p;
    s->sub = block, block += 4 * p * p;
    s->u = block, block += 2 * p;
    s->solved = block;
}

bool tn_cox_zph(const double *x, size_t p, const double *time, const int *event, size_t n,
                const double *coef, const size_t *term_of_column, tn_cox_zph_result *out,
                tn_error *err) {
    memset(out, 0, sizeof *out);
    if (!check_input(p, event, n, coef, term_of_column, err))
        return false;
    size_t terms = count_terms(term_of_column, p);
    zph_data d = {.n = n, .p = p, .time = time, .event = event};
    zph_sums s;
    double *block =
        tn_alloc_array(n * (p + 2), sizeof *block, "the proportional-hazards test", err);
    double *sums = block != NULL
                       ? tn_alloc_array(SUMS_PER_P * p + SUMS_PER_P_SQUARED * p * p, sizeof *sums,
                                        "the proportional-hazards test", err)
                       : NULL;
    /* the subjects' order [n], then one term's columns [p] */
    size_t *order =
        sums != NULL ? tn_alloc_array(n + p, sizeof *order, "the order of times", err) : NULL;
    out->chisq = order != NULL ? tn_alloc_array(terms, sizeof *out->chisq, "the tests", err) : NULL;
    out->p = out->chisq != NULL ? tn_alloc_array(terms, sizeof *out->p, "the tests", err) : NULL;
    out->df = out->p != NULL ? tn_alloc_array(terms, sizeof *out->df, "the tests", err) : NULL;
    bool ok = out->df != NULL;
    if (ok) {
        out->terms = terms;
        d.x = block, d.risk = block + n * p, d.g = block + n * (p + 1), d.order = order;
        lay_out_sums(&s, p, sums);
        centre_and_score(&d, x, coef);
        ok = km_time_weights(&d, err) &&
             (tn_cox_order_by_time(time, n, order) ||
              tn_error_set(err, TN_ERR_NOMEM, "out of memory ordering the survival times"));
    }
    if (ok) {
        accumulate(&s, &d);
        ok = run_tests(&s, term_of_column, order + n, out, err);
    }
    free(block), free(sums), free(order);
    if (!ok)
        tn_cox_zph_free(out);
    return ok;
}

void tn_cox_zph_free(tn_cox_zph_result *result) {
    free(result->chisq), free(result->p), free(result->df);
    memset(result, 0, sizeof *result);
}
