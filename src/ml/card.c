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

/* True when the calibration slice had too few of a class for isotonic regression. */
static bool small_slice(const json_t *calibration, long long *positives, long long *negatives) {
    const json_t *slice = json_object_get(calibration, "slice");
    *positives = (long long)json_integer_value(json_object_get(slice, "positives"));
    *negatives = (long long)json_integer_value(json_object_get(slice, "negatives"));
    return slice != NULL &&
           (*positives < *negatives ? *positives : *negatives) < TN_ISOTONIC_MIN_CLASS;
}

/* A warning at the top of the card when the calibration slice was small. */
static void calibration_warning(const json_t *meta, tn_strbuf *out) {
    const json_t *calibration = json_object_get(meta, "calibration");
    long long positives, negatives;
    if (!small_slice(calibration, &positives, &negatives))
        return;
    const char *method = json_string_value(json_object_get(calibration, "method"));
    bool platt = method != NULL && strcmp(method, "platt") == 0;
    const json_t *test = get(get(meta, "metrics", NULL), "test", NULL);
    tn_strbuf_printf(out,
                     "> **Warning: small calibration slice.** It has %lld positives and %lld "
                     "negatives, fewer than %d of one class: too few for isotonic regression, "
                     "whose map would tie the scores. %s\n>\n> **Test AUC: ",
                     positives, negatives, TN_ISOTONIC_MIN_CLASS,
                     platt ? "The probabilities are calibrated by Platt scaling instead, which "
                             "keeps the trees' ranking. With so few events, read them as rough."
                           : "Platt scaling's slope was not positive, so isotonic regression "
                             "calibrates them all the same: read them as rough.");
    number(out, json_object_get(test, "auc_before_calibration"), "%.3f");
    tn_strbuf_puts(out, " before calibration, ");
    number(out, json_object_get(test, "auc"), "%.3f");
    tn_strbuf_puts(out, " after.**\n\n");
}

/* How the probabilities are calibrated, for the notes. */
static void calibration_note(const json_t *meta, tn_strbuf *out) {
    const json_t *calibration = json_object_get(meta, "calibration");
    const char *method = json_string_value(json_object_get(calibration, "method"));
    if (method != NULL && strcmp(method, "platt") == 0) {
        tn_strbuf_puts(out, "- Probabilities are calibrated by Platt scaling of the trees' margin, "
                            "p = 1 / (1 + exp(-(a · margin + b))) with a = ");
        number(out, json_object_get(calibration, "a"), "%.4f");
        tn_strbuf_puts(out, " and b = ");
        number(out, json_object_get(calibration, "b"), "%.4f");
        tn_strbuf_puts(out, ", fitted on the calibration slice");
    } else {
        tn_strbuf_puts(out, "- Probabilities are calibrated by isotonic regression fitted on the "
                            "calibration slice");
    }
    long long positives, negatives;
    bool small = small_slice(calibration, &positives, &negatives);
    if (json_object_get(calibration, "slice") != NULL)
        tn_strbuf_printf(out, " (%lld positives and %lld negatives: %s %d of %s)", positives,
                         negatives, small ? "fewer than" : "at least", TN_ISOTONIC_MIN_CLASS,
                         small ? "one class" : "each");
    tn_strbuf_puts(out, "; SHAP values explain the trees' log-odds before calibration.\n");
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
    tn_strbuf_puts(out, "## What drives it (mean |SHAP| on the test set, log-odds)\n\n| feature | "
                        "mean abs SHAP |\n|---|---:|\n");
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
    tiers_section(meta, out);
    features(meta, out);
    caveats(meta, out);
}
