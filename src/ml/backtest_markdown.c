/*
 * backtest_markdown.c — backtest.md: the numbers of backtest.json as tables a
 * person reads (see backtest_markdown.h). Built from the JSON document
 * itself, so the two never differ.
 */
#include "ml/backtest_markdown.h"

#include <math.h>
#include <string.h>

#include "common/json.h"

/* A number with `decimals`, or "–" when there is none (a class was missing). */
static void put_number(tn_strbuf *out, double value, int decimals) {
    if (isnan(value))
        tn_strbuf_puts(out, "–");
    else
        tn_strbuf_printf(out, "%.*f", decimals, value);
}

static void put_percent(tn_strbuf *out, double value) {
    if (isnan(value))
        tn_strbuf_puts(out, "–");
    else
        tn_strbuf_printf(out, "%.1f %%", value * 100);
}

/* One row per date for `model`. */
static void model_table(const json_t *dates, const char *model, tn_strbuf *out) {
    bool churn = strcmp(model, "churn") == 0;
    tn_strbuf_printf(out,
                     "| as of | %s | %s | observed rate | mean predicted | AUC | Brier | "
                     "top-decile lift | worst decile error | %s ARR held by the top decile |\n"
                     "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
                     churn ? "active customers" : "candidates", churn ? "churned" : "upgraded",
                     churn ? "churned" : "upgraded");
    size_t i;
    const json_t *date;
    json_array_foreach(dates, i, date) {
        const json_t *m = json_object_get(date, model);
        const json_t *arr = json_object_get(m, "arr");
        tn_strbuf_printf(out, "| %s | %.0f | %.0f | ", tn_json_text_or_empty(date, "as_of"),
                         tn_json_number_or_nan(m, "customers"),
                         tn_json_number_or_nan(m, "outcomes"));
        put_percent(out, tn_json_number_or_nan(m, "observed_rate"));
        tn_strbuf_puts(out, " | ");
        put_percent(out, tn_json_number_or_nan(m, "mean_predicted"));
        tn_strbuf_puts(out, " | ");
        put_number(out, tn_json_number_or_nan(m, "auc"), 3);
        tn_strbuf_puts(out, " | ");
        put_number(out, tn_json_number_or_nan(m, "brier"), 4);
        tn_strbuf_puts(out, " | ");
        put_number(out, tn_json_number_or_nan(json_object_get(m, "top_decile"), "lift"), 2);
        tn_strbuf_puts(out, " | ");
        put_number(out, tn_json_number_or_nan(m, "max_calibration_error"), 3);
        tn_strbuf_puts(out, " | ");
        put_percent(out, tn_json_number_or_nan(arr, "top_decile_share"));
        tn_strbuf_printf(out, " of %.0f |\n", tn_json_number_or_nan(arr, "outcome_arr"));
    }
}

/* "12.4 (80 %: 9–16)": the expected value and the 80 % interval, with `decimals`. */
static void put_forecast(tn_strbuf *out, const json_t *interval, int decimals) {
    const json_t *p80 = json_object_get(interval, "p80");
    put_number(out, tn_json_number_or_nan(interval, "expected"), decimals);
    tn_strbuf_puts(out, " (");
    put_number(out, json_number_value(json_array_get(p80, 0)), decimals);
    tn_strbuf_puts(out, "–");
    put_number(out, json_number_value(json_array_get(p80, 1)), decimals);
    tn_strbuf_puts(out, ")");
}

static const char *inside(const json_t *within, const char *measure, const char *level) {
    return json_is_true(json_object_get(json_object_get(within, measure), level)) ? "yes" : "no";
}

/* Per date: the forecast of churned accounts and ARR beside what happened. */
static void forecast_table(const json_t *document, tn_strbuf *out) {
    tn_strbuf_puts(out,
                   "| as of | churned accounts forecast (80 %) | churned | in 80 % | in 95 % | "
                   "churned ARR forecast (80 %) | churned ARR | in 80 % | in 95 % |\n"
                   "|---|---:|---:|---|---|---:|---:|---|---|\n");
    size_t i;
    const json_t *date;
    json_array_foreach(json_object_get(document, "dates"), i, date) {
        const json_t *forecast = json_object_get(json_object_get(date, "churn"), "forecast");
        const json_t *realized = json_object_get(forecast, "realized");
        const json_t *within = json_object_get(forecast, "within");
        tn_strbuf_printf(out, "| %s | ", tn_json_text_or_empty(date, "as_of"));
        put_forecast(out, json_object_get(forecast, "churned_logos"), 1);
        tn_strbuf_printf(
            out, " | %.0f | %s | %s | ", tn_json_number_or_nan(realized, "churned_logos"),
            inside(within, "churned_logos", "p80"), inside(within, "churned_logos", "p95"));
        put_forecast(out, json_object_get(forecast, "churned_arr"), 0);
        tn_strbuf_printf(
            out, " | %.0f | %s | %s |\n", tn_json_number_or_nan(realized, "churned_arr"),
            inside(within, "churned_arr", "p80"), inside(within, "churned_arr", "p95"));
    }
    const json_t *coverage = json_object_get(document, "forecast_coverage");
    static const char *const measures[] = {"churned_logos", "churned_arr"};
    static const char *const words[] = {"churned accounts", "churned ARR"};
    tn_strbuf_puts(out, "\n");
    for (int m = 0; m < 2; m++) {
        const json_t *measure = json_object_get(coverage, measures[m]);
        tn_strbuf_printf(out,
                         "- **%s**: inside the 80 %% interval on %.0f of %.0f dates, inside the "
                         "95 %% interval on %.0f.\n",
                         words[m], tn_json_number_or_nan(json_object_get(measure, "p80"), "within"),
                         tn_json_number_or_nan(coverage, "dates"),
                         tn_json_number_or_nan(json_object_get(measure, "p95"), "within"));
    }
}

/* Deciles down, dates across: "predicted / observed" in each cell. */
static void calibration_table(const json_t *dates, const char *model, tn_strbuf *out) {
    size_t i;
    const json_t *date;
    tn_strbuf_puts(out, "| decile |");
    json_array_foreach(dates, i, date)
        tn_strbuf_printf(out, " %s |", tn_json_text_or_empty(date, "as_of"));
    tn_strbuf_puts(out, "\n|---|");
    for (i = 0; i < json_array_size(dates); i++)
        tn_strbuf_puts(out, "---:|");
    tn_strbuf_puts(out, "\n");
    for (size_t d = 0; d < 10; d++) {
        tn_strbuf_printf(out, "| %zu |", d + 1);
        json_array_foreach(dates, i, date) {
            const json_t *bin =
                json_array_get(json_object_get(json_object_get(date, model), "calibration"), d);
            tn_strbuf_puts(out, " ");
            put_percent(out, tn_json_number_or_nan(bin, "mean_predicted"));
            tn_strbuf_puts(out, " / ");
            put_percent(out, tn_json_number_or_nan(bin, "observed_rate"));
            tn_strbuf_puts(out, " |");
        }
        tn_strbuf_puts(out, "\n");
    }
}

void tn_backtest_markdown(const json_t *document, tn_strbuf *out) {
    const json_t *dates = json_object_get(document, "dates");
    tn_strbuf_printf(
        out,
        "# Backtest\n\n"
        "Generated by %s from %s, whose as-of date is %s.\n\n"
        "Each row is one date D. Both models were trained as `tenure train` trains them on a "
        "warehouse built as of D: from monthly snapshots whose 90-day label window ends by D, "
        "with nothing dated on or after D read. They then scored the customers of D, and the "
        "scores are compared with what happened in the 90 days from D.\n\n"
        "## Churn model\n\n",
        tn_json_text_or_empty(document, "generated_by"),
        tn_json_text_or_empty(document, "warehouse"), tn_json_text_or_empty(document, "as_of"));
    model_table(dates, "churn", out);
    tn_strbuf_puts(out, "\n## Expansion model\n\n");
    model_table(dates, "expansion", out);
    tn_strbuf_puts(out, "\n## The quarter's forecast\n\n"
                        "From the churn probabilities of each date, the number of accounts and the "
                        "ARR expected to churn in the next 90 days, with the interval that should "
                        "hold the outcome 80 % of the time, beside what happened. Over many dates "
                        "an honest 80 % interval misses about one date in five.\n\n");
    forecast_table(document, out);
    tn_strbuf_puts(out, "\n## Calibration by decile of prediction\n\n"
                        "Deciles run from the lowest predictions (1) to the highest (10). Each "
                        "cell is the mean predicted probability / the rate observed.\n\n"
                        "### Churn\n\n");
    calibration_table(dates, "churn", out);
    tn_strbuf_puts(out, "\n### Expansion\n\n");
    calibration_table(dates, "expansion", out);
    tn_strbuf_puts(
        out,
        "\n## How to read it\n\n"
        "- **AUC**: the chance that a customer who churned (or upgraded) was scored above one "
        "who did not. 0.5 is a coin toss.\n"
        "- **Brier**: the mean squared gap between probability and outcome; lower is better.\n"
        "- **Top-decile lift**: how many times the base rate the tenth of customers with the "
        "highest scores showed.\n"
        "- **Worst decile error**: the largest gap, over the ten deciles, between the mean "
        "predicted probability and the observed rate. Small means the probabilities can be "
        "read as probabilities.\n"
        "- **ARR held by the top decile**: of the ARR (MRR × 12) of the customers who churned "
        "(or upgraded) in the 90 days, the share that was in the top tenth of the scores: what "
        "a team working only that list would have covered.\n");
}
