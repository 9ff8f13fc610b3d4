/*
 * calibration_fit.c — choosing and fitting a model's calibration on the
 * calibration slice: the candidates, their cross-validated log loss, and the
 * reason given (see calibration.h for the rule and why).
 */
#include "ml/calibration.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/folds.h"
#include "stats/metrics.h"

/* The rows of the slice, and scratch for fitting one fold. */
typedef struct {
    const double *margin, *label;
    size_t n;
    int *y;                                         /* [n] labels as 0/1, for the log loss */
    unsigned char *fold;                            /* [n] the fold each row is held out in */
    double *train_margin, *train_label, *predicted; /* [n] each */
} slice;

/* One method's map fitted to n rows, into `out` (whose method it sets). */
static bool fit_map(tn_calibration_method method, const double *margin, const double *label,
                    size_t n, tn_calibration *out, tn_error *err) {
    memset(out, 0, sizeof *out);
    out->method = method;
    switch (method) {
    case TN_CALIBRATION_PLATT:
        return tn_platt_fit(margin, label, n, &out->map.platt, err);
    case TN_CALIBRATION_BETA:
        return tn_beta_calibration_fit(margin, label, n, &out->map.beta, err);
    case TN_CALIBRATION_INTERPOLATED_ISOTONIC:
        return tn_interpolated_isotonic_fit(margin, label, n, &out->map.interpolated, err);
    case TN_CALIBRATION_ISOTONIC:
        break;
    }
    return tn_error_set(err, TN_ERR_INTERNAL, "plain isotonic regression is no longer fitted");
}

/* The method's log loss out of fold; NAN when a fold cannot be fitted (`note` says why). */
static double cross_validated(const slice *s, tn_calibration_method method, char *note,
                              size_t note_size) {
    for (int f = 0; f < TN_CALIBRATION_FOLDS; f++) {
        size_t count = 0;
        for (size_t i = 0; i < s->n; i++)
            if (s->fold[i] != f) {
                s->train_margin[count] = s->margin[i];
                s->train_label[count++] = s->label[i];
            }
        tn_calibration map;
        tn_error err;
        if (!fit_map(method, s->train_margin, s->train_label, count, &map, &err)) {
            snprintf(note, note_size, "could not be fitted without fold %d: %.150s", f + 1,
                     err.message);
            tn_calibration_free(&map);
            return NAN;
        }
        for (size_t i = 0; i < s->n; i++)
            if (s->fold[i] == f)
                s->predicted[i] = tn_calibrated_probability(&map, NAN, s->margin[i]);
        tn_calibration_free(&map);
    }
    return tn_log_loss(s->predicted, s->y, s->n);
}

/* Fits `method` to the whole slice and out of fold, into `candidate`. */
static void try_candidate(const slice *s, tn_calibration_method method,
                          tn_calibration_candidate *candidate) {
    *candidate = (tn_calibration_candidate){method, false, NAN, NAN, ""};
    tn_calibration map;
    tn_error err;
    if (!fit_map(method, s->margin, s->label, s->n, &map, &err)) {
        snprintf(candidate->note, sizeof candidate->note, "could not be fitted: %.170s",
                 err.message);
    } else if (!tn_calibration_increasing(&map)) {
        snprintf(candidate->note, sizeof candidate->note,
                 "not increasing in the margin: the trees rank the slice backwards");
    } else {
        for (size_t i = 0; i < s->n; i++)
            s->predicted[i] = tn_calibrated_probability(&map, NAN, s->margin[i]);
        candidate->slice_log_loss = tn_log_loss(s->predicted, s->y, s->n);
        candidate->cv_log_loss =
            cross_validated(s, method, candidate->note, sizeof candidate->note);
        candidate->eligible = !isnan(candidate->cv_log_loss);
    }
    tn_calibration_free(&map);
}

/* The eligible candidate of lowest cross-validated log loss (the first of equals); -1 if none. */
static int best(const tn_calibration *calibration) {
    int chosen = -1;
    for (size_t c = 0; c < calibration->candidate_count; c++) {
        const tn_calibration_candidate *candidate = &calibration->candidates[c];
        if (candidate->eligible &&
            (chosen < 0 || candidate->cv_log_loss < calibration->candidates[chosen].cv_log_loss))
            chosen = (int)c;
    }
    return chosen;
}

/* "Platt scaling 0.18003, beta calibration 0.17956, …", or "Platt scaling: <note>", by candidate.
 */
static void losses_text(const tn_calibration *calibration, char *out, size_t size) {
    size_t used = 0;
    out[0] = '\0';
    for (size_t c = 0; c < calibration->candidate_count && used < size; c++) {
        const tn_calibration_candidate *candidate = &calibration->candidates[c];
        const char *title = tn_calibration_method_title(candidate->method);
        int written = candidate->eligible ? snprintf(out + used, size - used, "%s%s %.5f",
                                                     c ? ", " : "", title, candidate->cv_log_loss)
                                          : snprintf(out + used, size - used, "%s%s: %s",
                                                     c ? "; " : "", title, candidate->note);
        used += written > 0 ? (size_t)written : 0;
    }
}

/*
 * Tries the candidates the slice allows and sets the method and the reason:
 * the lowest cross-validated log loss of at least TN_CALIBRATION_MIN_CLASS of
 * each class, Platt scaling with fewer, interpolated isotonic regression when
 * no candidate is eligible.
 */
static void choose(const slice *s, tn_calibration *out) {
    static const tn_calibration_method all[] = {TN_CALIBRATION_PLATT, TN_CALIBRATION_BETA,
                                                TN_CALIBRATION_INTERPOLATED_ISOTONIC};
    size_t fewer = out->positives < out->negatives ? out->positives : out->negatives;
    bool small = fewer < TN_CALIBRATION_MIN_CLASS;
    char counts[96], losses[400];
    snprintf(counts, sizeof counts, "the calibration slice has %zu positives and %zu negatives",
             out->positives, out->negatives);
    for (size_t c = 0; c < (small ? 1 : TN_CALIBRATION_CANDIDATES); c++)
        try_candidate(s, all[c], &out->candidates[out->candidate_count++]);
    int chosen = best(out);
    losses_text(out, losses, sizeof losses);
    if (chosen >= 0 && small) {
        out->method = TN_CALIBRATION_PLATT;
        snprintf(out->reason, sizeof out->reason,
                 "%s, fewer than %d of one class: Platt scaling, whose two parameters so few "
                 "events can estimate, and which keeps the ranking (too few events to compare "
                 "maps by cross-validation)",
                 counts, TN_CALIBRATION_MIN_CLASS);
    } else if (chosen >= 0) {
        out->method = out->candidates[chosen].method;
        snprintf(out->reason, sizeof out->reason,
                 "%s, at least %d of each: %s, of the lowest log loss out of fold in %d-fold "
                 "cross-validation on the slice, each customer's rows in one fold (%s)",
                 counts, TN_CALIBRATION_MIN_CLASS, tn_calibration_method_title(out->method),
                 TN_CALIBRATION_FOLDS, losses);
    } else {
        out->method = TN_CALIBRATION_INTERPOLATED_ISOTONIC;
        snprintf(out->reason, sizeof out->reason,
                 "%s, %s %d of %s, but no candidate was eligible (%s): interpolated isotonic "
                 "regression, increasing by construction, which never reverses a ranking",
                 counts, small ? "fewer than" : "at least", TN_CALIBRATION_MIN_CLASS,
                 small ? "one class" : "each", losses);
        if (small) /* not among the candidates tried: its log losses too */
            try_candidate(s, TN_CALIBRATION_INTERPOLATED_ISOTONIC,
                          &out->candidates[out->candidate_count++]);
    }
}

static void slice_free(slice *s) {
    free(s->y), free(s->fold), free(s->train_margin), free(s->train_label), free(s->predicted);
}

bool tn_calibration_fit(const double *margin, const double *label, const size_t *group, size_t n,
                        tn_calibration *out, tn_error *err) {
    memset(out, 0, sizeof *out);
    if (n == 0)
        return tn_error_set(err, TN_ERR_INPUT, "no rows to calibrate on");
    slice s = {.margin = margin, .label = label, .n = n};
    s.y = malloc(n * sizeof *s.y);
    s.fold = malloc(n * sizeof *s.fold);
    s.train_margin = malloc(n * sizeof *s.train_margin);
    s.train_label = malloc(n * sizeof *s.train_label);
    s.predicted = malloc(n * sizeof *s.predicted);
    bool ok = s.y && s.fold && s.train_margin && s.train_label && s.predicted;
    for (size_t i = 0; ok && i < n; i++) {
        s.y[i] = label[i] > 0.5;
        out->positives += (size_t)s.y[i];
    }
    out->negatives = n - out->positives;
    if (!ok) {
        slice_free(&s);
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    }
    if (!tn_folds_deal(margin, label, group, n, TN_CALIBRATION_FOLDS, s.fold, err)) {
        slice_free(&s);
        return false;
    }
    choose(&s, out);
    tn_calibration chosen;
    ok = fit_map(out->method, margin, label, n, &chosen, err);
    out->map = chosen.map;
    slice_free(&s);
    return ok;
}
