/*
 * survival_card.c — the survival model's card and files (see
 * survival_train.h): the page a person reads, built from survival.json
 * itself so the two never differ.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/strbuf.h"
#include "ml/survival_train.h"

static void metrics_row(tn_strbuf *out, const char *name, const json_t *m) {
    if (json_object_get(m, "error") != NULL) {
        tn_strbuf_printf(out, "| %s | could not be fitted: %s | | |\n", name,
                         tn_json_text_or_empty(m, "error"));
        return;
    }
    tn_strbuf_printf(
        out, "| %s | %.4f | %.3f | %.3f |\n", name, tn_json_number_or_nan(m, "integrated_brier"),
        tn_json_number_or_nan(m, "concordance"), tn_json_number_or_nan(m, "concordance_90d"));
}

static void evaluation_section(const json_t *e, tn_strbuf *out) {
    const json_t *fit = json_object_get(e, "fit"), *test = json_object_get(e, "test");
    tn_strbuf_printf(
        out,
        "## Out-of-time evaluation\n\n"
        "Each candidate was fitted on the snapshots before the landmark %s, their churn "
        "censored there (%.0f rows, %.0f churns), and tested on the %.0f customers active on "
        "%s, followed to the as-of date (%.0f churns). Horizon: %.0f days.\n\n"
        "| model | integrated Brier score (lower is better) | C up to the horizon | C up to 90 "
        "days |\n|---|---|---|---|\n",
        tn_json_text_or_empty(e, "landmark"), tn_json_number_or_nan(fit, "rows"),
        tn_json_number_or_nan(fit, "events"), tn_json_number_or_nan(test, "rows"),
        tn_json_text_or_empty(e, "landmark"), tn_json_number_or_nan(test, "events"),
        tn_json_number_or_nan(e, "horizon_days"));
    metrics_row(out, "Kaplan-Meier of the fitting rows (the baseline)",
                json_object_get(e, "kaplan_meier"));
    const json_t *candidates = json_object_get(e, "candidates");
    for (size_t i = 0; i < json_array_size(candidates); i++) {
        const json_t *c = json_array_get(candidates, i);
        metrics_row(out,
                    strcmp(tn_json_text_or_empty(c, "kind"), "cox") == 0
                        ? "Cox (Efron), encoded churn features"
                        : "XGBoost survival:cox",
                    c);
    }
    bool beats = json_is_true(json_object_get(e, "beats_kaplan_meier"));
    tn_strbuf_printf(out,
                     "\nChosen: **%s**, the lower integrated Brier score. It %s the Kaplan-Meier "
                     "baseline (%+.1f %% of its integrated Brier score).\n\n",
                     tn_json_text_or_empty(e, "chosen"), beats ? "beats" : "does **not** beat",
                     100 * tn_json_number_or_nan(e, "ibs_improvement"));
}

static void agreement_section(const json_t *a, tn_strbuf *out) {
    bool agrees = json_is_true(json_object_get(a, "agrees"));
    tn_strbuf_printf(
        out,
        "## Agreement with the churn model at 90 days\n\n"
        "On %s (%.0f rows), the evaluated model's 1 − S(90) beside the churn model's "
        "calibrated probability, by decile of the latter. Worst decile difference %.3f against "
        "a tolerance of %.2f: they %s.\n\n| decile | rows | churn model | survival model | "
        "observed |\n|---|---|---|---|---|\n",
        tn_json_text_or_empty(a, "on"), tn_json_number_or_nan(a, "rows"),
        tn_json_number_or_nan(a, "worst_decile_difference"), tn_json_number_or_nan(a, "tolerance"),
        agrees ? "agree" : "do **not** agree");
    const json_t *deciles = json_object_get(a, "deciles");
    for (size_t d = 0; d < json_array_size(deciles); d++) {
        const json_t *row = json_array_get(deciles, d);
        tn_strbuf_printf(
            out, "| %zu | %.0f | %.3f | %.3f | %.3f |\n", d + 1, tn_json_number_or_nan(row, "rows"),
            tn_json_number_or_nan(row, "churn_model"), tn_json_number_or_nan(row, "survival_model"),
            tn_json_number_or_nan(row, "observed"));
    }
    if (!agrees)
        tn_strbuf_puts(out, "\nWhere they differ, the observed column says which model is off: "
                            "the two are fitted separately (the churn model's probabilities "
                            "are calibrated on their own slice; the survival curve is not "
                            "calibrated), so neither is forced to match the other.\n");
    tn_strbuf_puts(out, "\n");
}

void tn_survival_card(const json_t *meta, tn_strbuf *out) {
    const json_t *rows = json_object_get(json_object_get(meta, "training"), "rows");
    tn_strbuf_printf(
        out,
        "# Model card: survival (time to churn)\n\n"
        "- Version: %s\n- Model set: %s\n- As of: %s\n- Kind: %s\n"
        "- Population: %s\n- Time: %s\n- Features: %s\n\n"
        "For each active account it gives S(t), the probability of still being a customer t "
        "days after the as-of date, up to 365 days: S at 30, 90, 180 and 365 days, the median "
        "time to churn (or \"beyond 365 days\"), and the probability of churning before the "
        "renewal where the renewal date is known.\n\n",
        tn_json_text_or_empty(meta, "version"), tn_json_text_or_empty(meta, "model_set"),
        tn_json_text_or_empty(meta, "as_of"), tn_json_text_or_empty(meta, "kind"),
        tn_json_text_or_empty(meta, "population"), tn_json_text_or_empty(meta, "time"),
        tn_json_text_or_empty(meta, "features_as_of"));
    evaluation_section(json_object_get(meta, "evaluation"), out);
    tn_strbuf_printf(
        out,
        "## The served model\n\n"
        "The chosen kind fitted again on every snapshot, censored at the as-of date (%.0f rows, "
        "%.0f churns): the evaluated fit stops a year earlier, and the served curve should know "
        "the latest year's churn. Its figures are those of the evaluation above, which used "
        "the same procedure on older data.\n\n",
        tn_json_number_or_nan(rows, "rows"), tn_json_number_or_nan(rows, "events"));
    agreement_section(json_object_get(meta, "agreement_90d"), out);
    tn_strbuf_puts(
        out, "## Caveats\n\n"
             "- One customer appears once per month it was active; the rows are landmarks, not "
             "independent subjects, so the Cox model's standard errors in survival.json are too "
             "small. The curves are what it is for.\n"
             "- Both kinds assume proportional hazards: the risk score scales one baseline curve. "
             "`tenure analyze` tests that assumption (cox.zph); where it fails, curves of very "
             "different accounts are less trustworthy far from 90 days.\n"
             "- Beyond the longest follow-up in training the curve stays flat.\n");
}
