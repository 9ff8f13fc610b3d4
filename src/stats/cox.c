/*
 * cox.c — Cox PH with Efron ties by Newton-Raphson, and Harrell's C (see cox.h).
 *
 * The partial log-likelihood, with subjects sorted by time and, at each
 * distinct event time, the risk set R (time ≥ t) and the d tied events D:
 *   ℓ(β) = Σ_t [ Σ_{i∈D} η_i − Σ_{r=0}^{d−1} log(S0(R) − (r/d) S0(D)) ],  η = x'β,
 * where S0(A) = Σ_{j∈A} e^{η_j}; the score and information follow with
 * S1(A) = Σ e^{η} x and S2(A) = Σ e^{η} x x' in place of S0 (Therneau &
 * Grambsch 2000, §3.3). One backward pass over time accumulates R's sums.
 */
#include "stats/cox.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>

#include "common/alloc.h"

enum { MAX_ITERATIONS = 20 };
static const double CONVERGENCE = 1e-9;

/* Scratch of one evaluation: sums over the risk set and the tied deaths. */
typedef struct {
    size_t p;
    double *s1, *s2, *d1, *d2, *a; /* p, p*p, p, p*p, p */
} sums;

typedef struct {
    const double *x; /* centred, n × p */
    const double *time;
    const int *event;
    const size_t *order; /* subjects by time, descending */
    size_t n, p;
} cox_data;

/* ℓ(β), its gradient and the information matrix −∂²ℓ (both optional). */
static double evaluate(const cox_data *data, const double *beta, double *gradient,
                       double *information, sums *s) {
    size_t p = data->p;
    double loglik = 0, s0 = 0;
    memset(s->s1, 0, p * sizeof *s->s1);
    memset(s->s2, 0, p * p * sizeof *s->s2);
    if (gradient != NULL)
        memset(gradient, 0, p * sizeof *gradient);
    if (information != NULL)
        memset(information, 0, p * p * sizeof *information);
    size_t k = 0;
    while (k < data->n) {
        double t = data->time[data->order[k]];
        double d0 = 0;
        int deaths = 0;
        memset(s->d1, 0, p * sizeof *s->d1);
        memset(s->d2, 0, p * p * sizeof *s->d2);
        for (; k < data->n && data->time[data->order[k]] == t; k++) {
            size_t i = data->order[k];
            const double *xi = data->x + i * p;
            double eta = 0;
            for (size_t a = 0; a < p; a++)
                eta += xi[a] * beta[a];
            double risk = exp(eta);
            s0 += risk;
            for (size_t a = 0; a < p; a++) {
                s->s1[a] += risk * xi[a];
                for (size_t b = 0; b < p; b++)
                    s->s2[a * p + b] += risk * xi[a] * xi[b];
            }
            if (!data->event[i])
                continue;
            deaths++;
            loglik += eta;
            d0 += risk;
            for (size_t a = 0; a < p; a++) {
                if (gradient != NULL)
                    gradient[a] += xi[a];
                s->d1[a] += risk * xi[a];
                for (size_t b = 0; b < p; b++)
                    s->d2[a * p + b] += risk * xi[a] * xi[b];
            }
        }
        for (int r = 0; r < deaths; r++) { /* Efron: the tied deaths leave the risk set in steps */
            double fraction = (double)r / deaths;
            double denominator = s0 - fraction * d0;
            loglik -= log(denominator);
            for (size_t a = 0; a < p; a++)
                s->a[a] = (s->s1[a] - fraction * s->d1[a]) / denominator;
            for (size_t a = 0; a < p && gradient != NULL; a++)
                gradient[a] -= s->a[a];
            for (size_t a = 0; a < p && information != NULL; a++)
                for (size_t b = 0; b < p; b++)
                    information[a * p + b] +=
                        (s->s2[a * p + b] - fraction * s->d2[a * p + b]) / denominator -
                        s->a[a] * s->a[b];
        }
    }
    return loglik;
}

/* Cholesky-decomposes `information` into `chol` (p × p); false if not positive definite. */
static bool decompose(const double *information, size_t p, gsl_matrix *chol) {
    for (size_t a = 0; a < p; a++)
        for (size_t b = 0; b < p; b++)
            gsl_matrix_set(chol, a, b, information[a * p + b]);
    return gsl_linalg_cholesky_decomp1(chol) == GSL_SUCCESS;
}

typedef struct {
    double time;
    size_t index;
} timed_index;

static int by_time_descending(const void *a, const void *b) {
    double x = ((const timed_index *)a)->time, y = ((const timed_index *)b)->time;
    return (x < y) - (x > y);
}

bool tn_cox_order_by_time(const double *time, size_t n, size_t *order) {
    timed_index *pairs = malloc((n ? n : 1) * sizeof *pairs);
    if (pairs == NULL)
        return false;
    for (size_t i = 0; i < n; i++)
        pairs[i] = (timed_index){time[i], i};
    qsort(pairs, n, sizeof *pairs, by_time_descending);
    for (size_t i = 0; i < n; i++)
        order[i] = pairs[i].index;
    free(pairs);
    return true;
}

/* Newton-Raphson with step halving; fills coef, loglik, iterations, converged; leaves the Cholesky
 * factor of the final information in `chol`. */
static bool newton_raphson(const cox_data *data, sums *s, tn_cox_result *out, gsl_matrix *chol,
                           size_t *bad_covariate) {
    size_t p = data->p;
    double *gradient = malloc(p * sizeof *gradient),
           *information = malloc(p * p * sizeof *information);
    double *trial = malloc(p * sizeof *trial);
    gsl_vector *step = gsl_vector_alloc(p), *score = gsl_vector_alloc(p);
    bool ok = gradient != NULL && information != NULL && trial != NULL && step && score;
    memset(out->coef, 0, p * sizeof *out->coef);
    double loglik = ok ? evaluate(data, out->coef, gradient, information, s) : 0;
    out->loglik_null = loglik;
    for (int iteration = 1; ok && iteration <= MAX_ITERATIONS; iteration++) {
        if (!decompose(information, p, chol)) {
            for (*bad_covariate = 0; *bad_covariate < p; (*bad_covariate)++)
                if (information[*bad_covariate * p + *bad_covariate] <= 1e-12)
                    break;
            ok = false;
            break;
        }
        for (size_t a = 0; a < p; a++)
            gsl_vector_set(score, a, gradient[a]);
        gsl_linalg_cholesky_solve(chol, score, step);
        double scale = 1.0, new_loglik = -INFINITY;
        for (int halving = 0; halving < 30; halving++, scale /= 2) {
            for (size_t a = 0; a < p; a++)
                trial[a] = out->coef[a] + scale * gsl_vector_get(step, a);
            new_loglik = evaluate(data, trial, NULL, NULL, s);
            if (isfinite(new_loglik) && new_loglik >= loglik - 1e-12 * fabs(loglik))
                break;
        }
        memcpy(out->coef, trial, p * sizeof *trial);
        double change = fabs(1.0 - loglik / new_loglik);
        loglik = evaluate(data, out->coef, gradient, information, s);
        out->iterations = iteration;
        if (change <= CONVERGENCE) {
            out->converged = true;
            break;
        }
    }
    if (ok && !decompose(information, p, chol)) {
        *bad_covariate = p;
        ok = false;
    }
    out->loglik = loglik;
    free(gradient);
    free(information);
    free(trial);
    gsl_vector_free(step);
    gsl_vector_free(score);
    return ok;
}

/* Standard errors from the inverse information, Wald tests, hazard ratios, the LR test. */
static void summarise(tn_cox_result *out, gsl_matrix *chol) {
    gsl_linalg_cholesky_invert(chol);
    double z975 = gsl_cdf_ugaussian_Pinv(0.975);
    for (size_t a = 0; a < out->p; a++) {
        out->se[a] = sqrt(gsl_matrix_get(chol, a, a));
        out->z[a] = out->coef[a] / out->se[a];
        out->p_value[a] = 2.0 * gsl_cdf_ugaussian_Q(fabs(out->z[a]));
        out->hazard_ratio[a] = exp(out->coef[a]);
        out->hr_lower[a] = exp(out->coef[a] - z975 * out->se[a]);
        out->hr_upper[a] = exp(out->coef[a] + z975 * out->se[a]);
    }
    out->lr_chisq = 2.0 * (out->loglik - out->loglik_null);
    out->lr_df = (int)out->p;
    out->lr_p = gsl_cdf_chisq_Q(out->lr_chisq, out->lr_df);
}

static bool allocate(tn_cox_result *out, size_t p) {
    double **fields[] = {&out->coef,         &out->se,       &out->z,       &out->p_value,
                         &out->hazard_ratio, &out->hr_lower, &out->hr_upper};
    bool ok = true;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        ok = (*fields[i] = calloc(p, sizeof(double))) != NULL && ok;
    return ok;
}

bool tn_cox_fit(const double *x, size_t p, const double *time, const int *event, size_t n,
                const char *const *names, tn_cox_result *out, tn_error *err) {
    memset(out, 0, sizeof *out);
    out->p = p;
    out->n = (int)n;
    for (size_t i = 0; i < n; i++)
        out->events += event[i] != 0;
    if (p == 0 || n == 0 || out->events == 0)
        return tn_error_set(err, TN_ERR_INPUT, "no %s to fit", p == 0 ? "covariates" : "events");
    double *centred = malloc(n * p * sizeof *centred);
    size_t *order = malloc(n * sizeof *order);
    sums s = {p,
              malloc(p * sizeof(double)),
              malloc(p * p * sizeof(double)),
              malloc(p * sizeof(double)),
              malloc(p * p * sizeof(double)),
              malloc(p * sizeof(double))};
    gsl_matrix *chol = gsl_matrix_alloc(p, p);
    bool ok = allocate(out, p) && centred && order && s.s1 && s.s2 && s.d1 && s.d2 && s.a && chol;
    for (size_t a = 0; ok && a < p; a++) {
        double mean = 0;
        for (size_t i = 0; i < n; i++)
            mean += x[i * p + a] / (double)n;
        for (size_t i = 0; i < n; i++)
            centred[i * p + a] = x[i * p + a] - mean;
    }
    ok = ok && tn_cox_order_by_time(time, n, order);
    cox_data data = {centred, time, event, order, n, p};
    size_t bad = p;
    if (!ok) {
        tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    } else if (!newton_raphson(&data, &s, out, chol, &bad)) {
        ok = false;
        if (bad < p && names != NULL)
            tn_error_set(err, TN_ERR_INPUT,
                         "singular design: covariate '%s' is constant or a "
                         "combination of the others",
                         names[bad]);
        else
            tn_error_set(err, TN_ERR_INPUT,
                         "singular design: a covariate is constant or a "
                         "combination of the others");
    } else {
        summarise(out, chol);
        double *score = tn_alloc_array(n, sizeof *score, "linear predictors", err);
        for (size_t i = 0; score != NULL && i < n; i++) {
            score[i] = 0;
            for (size_t a = 0; a < p; a++)
                score[i] += x[i * p + a] * out->coef[a];
        }
        ok = score != NULL && tn_concordance(score, time, event, n, &out->concordance, err);
        free(score);
    }
    free(centred);
    free(order);
    free(s.s1), free(s.s2), free(s.d1), free(s.d2), free(s.a);
    gsl_matrix_free(chol);
    if (!ok)
        tn_cox_free(out);
    return ok;
}

void tn_cox_free(tn_cox_result *result) {
    free(result->coef), free(result->se), free(result->z), free(result->p_value);
    free(result->hazard_ratio), free(result->hr_lower), free(result->hr_upper);
    result->coef = result->se = result->z = result->p_value = NULL;
    result->hazard_ratio = result->hr_lower = result->hr_upper = NULL;
}

/* ---- Harrell's C with a Fenwick tree over score ranks: O(n log n) ---------------- */

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void fenwick_add(double *tree, size_t size, size_t position, double value) {
    for (size_t i = position + 1; i <= size; i += i & (~i + 1))
        tree[i - 1] += value;
}

/* Sum of counts at ranks [0, position). */
static double fenwick_prefix(const double *tree, size_t position) {
    double sum = 0;
    for (size_t i = position; i > 0; i -= i & (~i + 1))
        sum += tree[i - 1];
    return sum;
}

static size_t rank_of(const double *sorted, size_t count, double value) {
    size_t low = 0, high = count;
    while (low < high) {
        size_t mid = (low + high) / 2;
        if (sorted[mid] < value)
            low = mid + 1;
        else
            high = mid;
    }
    return low;
}

bool tn_concordance(const double *score, const double *time, const int *event, size_t n,
                    double *concordance, tn_error *err) {
    *concordance = NAN;
    double *sorted = tn_alloc_array(n ? n : 1, sizeof *sorted, "the concordance", err);
    double *tree = sorted ? tn_alloc_array(n ? n : 1, sizeof *tree, "the concordance", err) : NULL;
    size_t *order = tree ? tn_alloc_array(n ? n : 1, sizeof *order, "the concordance", err) : NULL;
    if (order == NULL) {
        free(sorted), free(tree);
        return false;
    }
    memset(tree, 0, (n ? n : 1) * sizeof *tree);
    memcpy(sorted, score, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, by_value);
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || sorted[i] != sorted[distinct - 1])
            sorted[distinct++] = sorted[i];
    if (!tn_cox_order_by_time(time, n, order)) {
        free(sorted), free(tree), free(order);
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory ordering the survival times");
    }
    double concordant = 0, discordant = 0, tied = 0, inserted = 0;
    size_t k = 0;
    while (k < n) { /* times descending: the tree holds everyone with a longer time */
        size_t first = k;
        double t = time[order[k]];
        while (k < n && time[order[k]] == t)
            k++;
        for (size_t j = first; j < k; j++) /* censored at t: longer than an event at t */
            if (!event[order[j]]) {
                fenwick_add(tree, distinct, rank_of(sorted, distinct, score[order[j]]), 1);
                inserted++;
            }
        for (size_t j = first; j < k; j++) {
            if (!event[order[j]])
                continue;
            size_t r = rank_of(sorted, distinct, score[order[j]]);
            double below = fenwick_prefix(tree, r), up_to = fenwick_prefix(tree, r + 1);
            concordant += below; /* the longer-lived had lower risk scores */
            tied += up_to - below;
            discordant += inserted - up_to;
        }
        for (size_t j = first; j < k; j++)
            if (event[order[j]]) {
                fenwick_add(tree, distinct, rank_of(sorted, distinct, score[order[j]]), 1);
                inserted++;
            }
    }
    free(sorted), free(tree), free(order);
    double comparable = concordant + discordant + tied;
    if (comparable > 0)
        *concordance = (concordant + 0.5 * tied) / comparable;
    return true;
}
