/*
 * card.c — <name>.card.md from <name>.meta.json (see card.h).
 */
#include "ml/card.h"

#include <string.h>

#include "ml/calibration.h"

static const json_t *get(const json_t *object, const char *a, const char *b) {
    const json_t *node = json_object_get(object, a);
    return b != NULL ? json_object_get(node, b) : node;
}

static void number(tn_strbuf *out, const json_t *value, const char *format) {
    if (json_is_number(value))
        tn_strbuf_printf(out, format, json_number_value(value));
    else
        tn_strbuf_puts(out, "—");
}

/* True when the calibration slice had too few of a class to choose a map by cross-validation. */
static bool small_slice(const json_t *calibration, long long *positives, long long *negatives) {
    const json_t *slice = json_object_get(calibration, "slice");
    *positives = (long long)json_integer_value(json_object_get(slice, "positives"));
    *negatives = (long long)json_integer_value(json_object_get(slice, "negatives"));
    return slice != NULL &&
           (*positives < *negatives ? *positives : *negatives) < TN_CALIBRATION_MIN_CLASS;
}

/* The calibration's method (isotonic when older metadata does not say). */
static tn_calibration_method method_of(const json_t *calibration) {
    const json_t *name = json_object_get(calibration, "method");
    tn_calibration_method method = TN_CALIBRATION_ISOTONIC;
    if (name != NULL && !tn_calibration_method_of(json_string_value(name), &method))
        method = TN_CALIBRATION_ISOTONIC;
    return method;
}

/* A warning at the top of the card when the calibration slice was small. */
static void calibration_warning(const json_t *meta, tn_strbuf *out) {
    const json_t *calibration = json_object_get(meta, "calibration");
    long long positives, negatives;
    if (!small_slice(calibration, &positives, &negatives))
        return;
    tn_calibration_method method = method_of(calibration);
    const json_t *test = get(get(meta, "metrics", NULL), "test", NULL);
    tn_strbuf_printf(out,
                     "> **Warning: small calibration slice.** It has %lld positives and %lld "
                     "negatives, fewer than %d of one class: too few to choose a calibration map "
                     "by cross-validation. ",
                     positives, negatives, TN_CALIBRATION_MIN_CLASS);
    if (method == TN_CALIBRATION_PLATT)
        tn_strbuf_puts(out, "The probabilities are calibrated by Platt scaling, which keeps the "
                            "trees' ranking. With so few events, read them as rough.");
    else
        tn_strbuf_printf(out,
                         "Platt scaling's slope was not positive, so %s calibrates them: read "
                         "them as rough.",
                         tn_calibration_method_title(method));
    tn_strbuf_puts(out, "\n>\n> **Test AUC: ");
    number(out, json_object_get(test, "auc_before_calibration"), "%.3f");
    tn_strbuf_puts(out, " before calibration, ");
    number(out, json_object_get(test, "auc"), "%.3f");
    tn_strbuf_puts(out, " after.**\n\n");
}

/* The map in a formula, with its fitted parameters. */
static void calibration_formula(const json_t *calibration, tn_strbuf *out) {
    switch (method_of(calibration)) {
    case TN_CALIBRATION_PLATT:
        tn_strbuf_puts(out, "Platt scaling of the trees' margin, p = 1 / (1 + exp(-(a · margin + "
                            "b))) with a = ");
        number(out, json_object_get(calibration, "a"), "%.4f");
        tn_strbuf_puts(out, " and b = ");
        number(out, json_object_get(calibration, "b"), "%.4f");
        break;
    case TN_CALIBRATION_BETA:
        tn_strbuf_puts(out, "beta calibration of the trees' margin, p = 1 / (1 + exp(-(a · ln q "
                            "- b · ln(1 - q) + c))) with q = 1 / (1 + exp(-margin)), a = ");
        number(out, json_object_get(calibration, "a"), "%.4f");
        tn_strbuf_puts(out, ", b = ");
        number(out, json_object_get(calibration, "b"), "%.4f");
        tn_strbuf_puts(out, " and c = ");
        number(out, json_object_get(calibration, "c"), "%.4f");
        break;
    case TN_CALIBRATION_INTERPOLATED_ISOTONIC:
        tn_strbuf_printf(out,
                         "interpolated isotonic regression of the trees' margin: the log-odds "
                         "run straight between the centres of the %zu isotonic blocks and go on "
                         "with slope ",
                         json_array_size(json_object_get(calibration, "x")));
        number(out, json_object_get(calibration, "tail_slope"), "%g");
        tn_strbuf_puts(out, " beyond them");
        break;
    case TN_CALIBRATION_ISOTONIC:
        tn_strbuf_puts(out, "isotonic regression of the trees' probability (a step function)");
        break;
    }
}

/* The candidates' log losses, the chosen one marked. */
static void candidates_table(const json_t *calibration, tn_strbuf *out) {
    const json_t *candidates = json_object_get(calibration, "candidates"), *item;
    const char *chosen = json_string_value(json_object_get(calibration, "method"));
    size_t i;
    if (json_array_size(candidates) == 0)
        return;
    tn_strbuf_printf(out,
                     "| candidate | log loss on the slice | log loss out of fold (%lld folds) "
                     "|\n|---|---:|---:|\n",
                     (long long)json_integer_value(get(calibration, "chosen_by", "folds")));
    json_array_foreach(candidates, i, item) {
        const char *name = json_string_value(json_object_get(item, "method"));
        tn_calibration_method method;
        tn_strbuf_printf(
            out, "| %s%s | ",
            tn_calibration_method_of(name, &method) ? tn_calibration_method_title(method) : "?",
            chosen != NULL && name != NULL && strcmp(name, chosen) == 0 ? " (chosen)" : "");
        number(out, json_object_get(item, "log_loss_on_slice"), "%.5f");
        tn_strbuf_puts(out, " | ");
        number(out, json_object_get(item, "log_loss_cross_validated"), "%.5f");
        tn_strbuf_puts(out, " |\n");
    }
    tn_strbuf_puts(out, "\n");
}

/* Issue 15's figures: the ranking kept, the ties avoided, the calibration held. */
static void calibration_figures(const json_t *calibration, tn_strbuf *out) {
    const json_t *test = json_object_get(calibration, "test");
    if (test == NULL)
        return;
    tn_strbuf_puts(out, "On the test set:\n\n| figure | value |\n|---|---:|\n| AUC of the "
                        "trees' margin | ");
    number(out, json_object_get(test, "auc_margin"), "%.4f");
    tn_strbuf_puts(out, " |\n| AUC of the calibrated probabilities | ");
    number(out, json_object_get(test, "auc_calibrated"), "%.4f");
    tn_strbuf_printf(out,
                     " |\n| distinct calibrated probabilities | %lld of %lld distinct margins (",
                     (long long)json_integer_value(json_object_get(test, "distinct_probabilities")),
                     (long long)json_integer_value(json_object_get(test, "distinct_margins")));
    const json_t *share = json_object_get(test, "distinct_share");
    if (json_is_number(share))
        tn_strbuf_printf(out, "%.1f %%", 100.0 * json_number_value(share));
    else
        tn_strbuf_puts(out, "—");
    tn_strbuf_puts(out, ") |\n| largest calibration error of a decile | ");
    number(out, json_object_get(test, "worst_decile_error"), "%.3f");
    tn_strbuf_puts(out, " |\n\n");
}

/* How the probabilities are calibrated, why, and what it did to the ranking. */
static void calibration_section(const json_t *meta, tn_strbuf *out) {
    const json_t *calibration = json_object_get(meta, "calibration");
    const char *reason = json_string_value(json_object_get(calibration, "reason"));
    tn_strbuf_puts(out, "## Calibration\n\nThe probabilities are calibrated by ");
    calibration_formula(calibration, out);
    tn_strbuf_puts(out, ", fitted on the calibration slice.");
    if (reason != NULL && reason[0] != '\0')
        tn_strbuf_printf(out, " Why: %s.", reason);
    tn_strbuf_puts(out, "\n\n");
    candidates_table(calibration, out);
    calibration_figures(calibration, out);
}

/* How the probabilities are calibrated, for the notes. */
static void calibration_note(const json_t *meta, tn_strbuf *out) {
    const json_t *calibration = json_object_get(meta, "calibration");
    tn_calibration_method method = method_of(calibration);
    tn_strbuf_printf(out,
                     "- Probabilities are calibrated by %s of the trees' %s, fitted on the "
                     "calibration slice (",
                     tn_calibration_method_title(method),
                     method == TN_CALIBRATION_ISOTONIC ? "probability" : "margin");
    long long positives, negatives;
    bool small = small_slice(calibration, &positives, &negatives);
    if (json_object_get(calibration, "slice") != NULL)
        tn_strbuf_printf(out, "%lld positives and %lld negatives: %s %d of %s; ", positives,
                         negatives, small ? "fewer than" : "at least", TN_CALIBRATION_MIN_CLASS,
                         small ? "one class" : "each");
    tn_strbuf_puts(out, "see Calibration); SHAP values explain the trees' log-odds before "
                        "calibration.\n");
}

static void split_table(const json_t *meta, tn_strbuf *out) {
    static const char *const slices[] = {"train", "calibration", "test"};
    const json_t *split = get(get(meta, "training", NULL), "split", NULL);
    tn_strbuf_printf(
        out, "## Data\n\n%s\n\n| slice | snapshots | rows | positives |\n|---|---|---:|---:|\n",
        json_string_value(json_object_get(split, "rule")));
    for (int s = 0; s < 3; s++) {
        const json_t *slice = json_object_get(split, slices[s]);
        tn_strbuf_printf(out, "| %s | %s to %s | %lld | %lld |\n", slices[s],
                         json_string_value(json_object_get(slice, "from_snapshot")),
                         json_string_value(json_object_get(slice, "to_snapshot")),
                         (long long)json_integer_value(json_object_get(slice, "rows")),
                         (long long)json_integer_value(json_object_get(slice, "positives")));
    }
    tn_strbuf_puts(out, "\n");
}

static void metrics(const json_t *meta, tn_strbuf *out) {
    const json_t *test = get(get(meta, "metrics", NULL), "test", NULL);
    tn_strbuf_puts(out, "## Out-of-time test set (calibrated probabilities)\n\n| metric | value "
                        "|\n|---|---:|\n| AUC | ");
    number(out, json_object_get(test, "auc"), "%.3f");
    tn_strbuf_puts(out, " |\n| AUC before calibration | ");
    number(out, json_object_get(test, "auc_before_calibration"), "%.3f");
    tn_strbuf_puts(out, " |\n| Brier score | ");
    number(out, json_object_get(test, "brier"), "%.4f");
    tn_strbuf_puts(out, " |\n| log loss | ");
    number(out, json_object_get(test, "log_loss"), "%.4f");
    tn_strbuf_puts(out, " |\n| precision in the top decile | ");
    number(out, get(test, "top_decile", "precision"), "%.3f");
    tn_strbuf_puts(out, " |\n| base rate | ");
    number(out, get(test, "top_decile", "base_rate"), "%.3f");
    tn_strbuf_puts(out, " |\n| lift in the top decile | ");
    number(out, get(test, "top_decile", "lift"), "%.2f");
    tn_strbuf_puts(out, " |\n| largest calibration error of a decile | ");
    number(out, json_object_get(test, "max_calibration_error"), "%.3f");
    tn_strbuf_puts(out, " |\n\n### Calibration (ten equal-size bins by prediction)\n\n| bin | rows "
                        "| mean predicted | observed |\n|---:|---:|---:|---:|\n");
    const json_t *bin;
    size_t i;
    json_array_foreach(json_object_get(test, "calibration"), i, bin) {
        tn_strbuf_printf(out, "| %lld | %lld | ",
                         (long long)json_integer_value(json_object_get(bin, "bin")),
                         (long long)json_integer_value(json_object_get(bin, "rows")));
        number(out, json_object_get(bin, "mean_predicted"), "%.3f");
        tn_strbuf_puts(out, " | ");
        number(out, json_object_get(bin, "observed_rate"), "%.3f");
        tn_strbuf_puts(out, " |\n");
    }
    tn_strbuf_puts(out, "\n### By plan tier\n\n| plan tier | rows | mean predicted | observed "
                        "|\n|---|---:|---:|---:|\n");
    json_array_foreach(json_object_get(test, "by_plan_tier"), i, bin) {
        tn_strbuf_printf(out, "| %s | %lld | ",
                         json_string_value(json_object_get(bin, "plan_tier")),
                         (long long)json_integer_value(json_object_get(bin, "rows")));
        number(out, json_object_get(bin, "mean_predicted"), "%.3f");
        tn_strbuf_puts(out, " | ");
        number(out, json_object_get(bin, "observed_rate"), "%.3f");
        tn_strbuf_puts(out, " |\n");
    }
    tn_strbuf_puts(out, "\n");
}

static void features(const json_t *meta, tn_strbuf *out) {
    const char *on = json_string_value(get(get(meta, "shap", NULL), "on", NULL));
    tn_strbuf_printf(out,
                     "## What drives it (mean |SHAP| on %s, log-odds)\n\n| feature | "
                     "mean abs SHAP |\n|---|---:|\n",
                     on != NULL ? on : "the test set");
    const json_t *row;
    size_t i;
    json_array_foreach(get(get(meta, "shap", NULL), "mean_abs", NULL), i, row) {
        tn_strbuf_printf(out, "| %s | ", json_string_value(json_object_get(row, "feature")));
        number(out, json_object_get(row, "mean_abs_shap"), "%.4f");
        tn_strbuf_puts(out, " |\n");
    }
    tn_strbuf_puts(out, "\n");
}

static void caveats(const json_t *meta, tn_strbuf *out) {
    tn_strbuf_puts(out, "## Notes\n\n");
    const json_t *constant = json_object_get(meta, "constant_in_training");
    if (json_array_size(constant) > 0) {
        tn_strbuf_puts(out, "- Constant in every training row, so the trees cannot use them: ");
        const json_t *name;
        size_t i;
        json_array_foreach(constant, i, name)
            tn_strbuf_printf(out, "%s%s", i ? ", " : "", json_string_value(name));
        tn_strbuf_puts(out,
                       ". (The CRM export keeps each opportunity's current stage only, so open "
                       "deals are known on the data's as-of date and on no earlier snapshot.)\n");
    }
    const json_t *guard = json_object_get(meta, "leakage_guard");
    if (guard != NULL) {
        if (json_is_true(json_object_get(guard, "is_top_feature"))) {
            tn_strbuf_puts(
                out, "- **Leakage guard:** has_open_expansion_opp is the strongest feature: the "
                     "pipeline may be reacting to the upgrade rather than predicting it. Test AUC "
                     "of a model trained without it: ");
            number(out, json_object_get(guard, "test_auc_without_it"), "%.3f");
            tn_strbuf_puts(out, ".\n");
        } else {
            tn_strbuf_puts(
                out, "- Leakage guard: has_open_expansion_opp is not the strongest feature.\n");
        }
    }
    tn_strbuf_puts(out, "- A category the model never saw in training (say, a new industry) sets "
                        "all of its one-hot columns to 0.\n");
    calibration_note(meta, out);
    const json_t *libraries = json_object_get(meta, "libraries");
    const json_t *params = get(get(meta, "training", NULL), "xgboost", NULL);
    tn_strbuf_printf(
        out,
        "- Trained with tenure %s, XGBoost %s, DuckDB %s; seed %lld, %lld threads, %lld rounds.\n",
        json_string_value(json_object_get(libraries, "tenure")),
        json_string_value(json_object_get(libraries, "xgboost")),
        json_string_value(json_object_get(libraries, "duckdb")),
        (long long)json_integer_value(json_object_get(params, "seed")),
        (long long)json_integer_value(json_object_get(params, "threads")),
        (long long)json_integer_value(json_object_get(params, "rounds_kept")));
}

/* The features the model uses, and those it was trained without (the data lacks them). */
static void features_used(const json_t *meta, tn_strbuf *out) {
    const json_t *features = json_object_get(meta, "features");
    const json_t *used = json_object_get(features, "used");
    const json_t *left_out = json_object_get(features, "left_out");
    tn_strbuf_printf(out, "## Features\n\n%zu used: ", json_array_size(used));
    for (size_t f = 0; f < json_array_size(used); f++)
        tn_strbuf_printf(out, "%s%s", f ? ", " : "", json_string_value(json_array_get(used, f)));
    tn_strbuf_puts(out, ".\n\n");
    if (json_array_size(left_out) == 0) {
        tn_strbuf_puts(out, "None left out: the data has every input the model can use.\n\n");
        return;
    }
    tn_strbuf_puts(out, "Left out, because the data lacks them:\n\n");
    for (size_t f = 0; f < json_array_size(left_out); f++) {
        const json_t *entry = json_array_get(left_out, f);
        tn_strbuf_printf(out, "- %s: %s.\n", json_string_value(json_object_get(entry, "feature")),
                         json_string_value(json_object_get(entry, "because")));
    }
    tn_strbuf_putc(out, '\n');
}

/* How the probabilities read as tiers (train.h: multiples of the test period's base rate). */
static void tiers_section(const json_t *meta, tn_strbuf *out) {
    const json_t *tiers = json_object_get(meta, "tiers");
    if (tiers == NULL)
        return;
    const json_t *multiples = json_object_get(tiers, "multiples");
    const json_t *cuts = json_object_get(tiers, "cuts");
    tn_strbuf_puts(out, "## Tiers\n\nA probability is read against the base rate, ");
    number(out, json_object_get(tiers, "base_rate"), "%.4f");
    tn_strbuf_printf(out,
                     " (%s), so nothing above it is low:\n\n"
                     "| tier | from | multiple of the base rate |\n|---|---:|---:|\n",
                     json_string_value(json_object_get(tiers, "base_rate_of")));
    static const char *const names[3] = {"medium", "high", "critical"};
    for (int i = 0; i < 3; i++) {
        tn_strbuf_printf(out, "| %s | ", names[i]);
        number(out, json_object_get(cuts, names[i]), "%.4f");
        tn_strbuf_puts(out, " | ");
        number(out, json_object_get(multiples, names[i]), "%g×");
        tn_strbuf_puts(out, " |\n");
    }
    tn_strbuf_puts(out, "\nBelow the medium cut-off a probability is low. `tenure train "
                        "--tier-multiples` sets the multiples.\n\n");
}

/* Where the drift check's reference comes from (ml/drift_check.h). */
static void drift_section(const json_t *meta, tn_strbuf *out) {
    const json_t *reference = json_object_get(meta, "reference");
    if (reference == NULL)
        return;
    tn_strbuf_printf(
        out,
        "## Drift\n\nA sample of %lld of the %lld fitting rows (training and calibration "
        "slices), drawn with a fixed seed, is kept in the metadata (\"reference\"). `tenure "
        "serve` compares today's customers with it, feature by feature (PSI; the "
        "Kolmogorov–Smirnov test for numbers): GET /health/model and the dashboard's Models "
        "view show what has drifted.\n\n",
        (long long)json_integer_value(json_object_get(reference, "rows")),
        (long long)json_integer_value(json_object_get(reference, "population_rows")));
}

void tn_model_card(const json_t *meta, tn_strbuf *out) {
    const char *set = json_string_value(json_object_get(meta, "model_set"));
    tn_strbuf_printf(out,
                     "# Model card: %s\n\nVersion `%s`%s%s%s, data as of %s.\n\n"
                     "- **Population:** %s.\n- **Label:** %s.\n- **Features:** %s.\n\n",
                     json_string_value(json_object_get(meta, "name")),
                     json_string_value(json_object_get(meta, "version")),
                     set != NULL && set[0] ? " of model set `" : "", set != NULL ? set : "",
                     set != NULL && set[0] ? "`" : "",
                     json_string_value(json_object_get(meta, "as_of")),
                     json_string_value(json_object_get(meta, "population")),
                     json_string_value(json_object_get(meta, "label")),
                     json_string_value(json_object_get(meta, "features_as_of")));
    calibration_warning(meta, out);
    features_used(meta, out);
    split_table(meta, out);
    metrics(meta, out);
    calibration_section(meta, out);
    tiers_section(meta, out);
    features(meta, out);
    drift_section(meta, out);
    caveats(meta, out);
}
