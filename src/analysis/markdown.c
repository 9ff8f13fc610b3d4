/*
 * markdown.c — analysis.json as Markdown tables (see markdown.h).
 */
#include "analysis/markdown.h"

#include <math.h>
#include <string.h>

static const json_t *at(const json_t *object, const char *path) {
    char key[64];
    const json_t *node = object;
    while (node != NULL && *path != '\0') {
        const char *dot = strchr(path, '.');
        size_t length = dot != NULL ? (size_t)(dot - path) : strlen(path);
        snprintf(key, sizeof key, "%.*s", (int)length, path);
        node = json_object_get(node, key);
        path += length + (dot != NULL);
    }
    return node;
}

/* A number with `decimals`, or an em dash for null / missing. */
static void put_number(tn_strbuf *out, const json_t *value, int decimals) {
    if (!json_is_number(value)) {
        tn_strbuf_puts(out, "—");
        return;
    }
    tn_strbuf_printf(out, "%.*f", decimals, json_number_value(value));
}

static void put_percent(tn_strbuf *out, const json_t *value) {
    if (!json_is_number(value)) {
        tn_strbuf_puts(out, "—");
        return;
    }
    tn_strbuf_printf(out, "%.1f %%", 100.0 * json_number_value(value));
}

static void put_p(tn_strbuf *out, const json_t *value) {
    if (!json_is_number(value))
        tn_strbuf_puts(out, "—");
    else if (json_number_value(value) == 0.0)
        tn_strbuf_puts(out, "< 1e-300"); /* below the smallest double */
    else if (json_number_value(value) < 1e-4)
        tn_strbuf_printf(out, "%.1e", json_number_value(value));
    else
        tn_strbuf_printf(out, "%.4f", json_number_value(value));
}

/* "not computable: reason" for a section that was not computed; true when so. */
static bool not_computable(tn_strbuf *out, const json_t *section) {
    const json_t *flag = json_object_get(section, "computable");
    if (section != NULL && (flag == NULL || json_is_true(flag)))
        return false;
    const char *reason = json_string_value(json_object_get(section, "reason"));
    tn_strbuf_printf(out, "_Not computable: %s._\n\n", reason != NULL ? reason : "missing");
    return true;
}

static void population(tn_strbuf *out, const json_t *section) {
    tn_strbuf_printf(out, "## Population\n\n%lld customers, %lld churned (",
                     (long long)json_integer_value(json_object_get(section, "customers")),
                     (long long)json_integer_value(json_object_get(section, "churned")));
    put_percent(out, json_object_get(section, "churn_rate"));
    tn_strbuf_puts(
        out, ").\n\n| plan tier | customers | churned | churn rate |\n|---|---:|---:|---:|\n");
    const json_t *row;
    size_t i;
    json_array_foreach(json_object_get(section, "by_plan_tier"), i, row) {
        tn_strbuf_printf(out, "| %s | %lld | %lld | ",
                         json_string_value(json_object_get(row, "plan_tier")),
                         (long long)json_integer_value(json_object_get(row, "customers")),
                         (long long)json_integer_value(json_object_get(row, "churned")));
        put_percent(out, json_object_get(row, "churn_rate"));
        tn_strbuf_puts(out, " |\n");
    }
    tn_strbuf_puts(out, "\n");
}

static void correlations(tn_strbuf *out, const json_t *section) {
    tn_strbuf_puts(out, "## Churn signals\n\nPoint-biserial correlation of each feature with churn "
                        "(marts.customer_survival), beside the data dictionary's figure.\n\n"
                        "| feature | n | r | published r | p |\n|---|---:|---:|---:|---:|\n");
    const json_t *row;
    size_t i;
    json_array_foreach(json_object_get(section, "features"), i, row) {
        tn_strbuf_printf(out, "| %s | %lld | ", json_string_value(json_object_get(row, "feature")),
                         (long long)json_integer_value(json_object_get(row, "n")));
        put_number(out, json_object_get(row, "r"), 3);
        tn_strbuf_puts(out, " | ");
        put_number(out, json_object_get(row, "published_r"), 2);
        tn_strbuf_puts(out, " | ");
        put_p(out, json_object_get(row, "p"));
        tn_strbuf_puts(out, " |\n");
    }
    tn_strbuf_puts(out, "\n");
}

static void logrank_line(tn_strbuf *out, const char *label, const json_t *test) {
    tn_strbuf_printf(out, "%s: ", label);
    if (!json_is_true(json_object_get(test, "computable"))) {
        tn_strbuf_printf(out, "not computable (%s).\n\n",
                         json_string_value(json_object_get(test, "reason")));
        return;
    }
    tn_strbuf_puts(out, "χ² = ");
    put_number(out, json_object_get(test, "chisq"), 2);
    tn_strbuf_printf(
        out, ", df = %lld, p = ", (long long)json_integer_value(json_object_get(test, "df")));
    put_p(out, json_object_get(test, "p"));
    tn_strbuf_puts(out, ".\n\n");
}

static void km_grouping(tn_strbuf *out, const char *title, const json_t *grouping) {
    tn_strbuf_printf(out,
                     "### %s\n\n| group | customers | churned | median days (95%% CI) "
                     "| S(30) | S(90) | S(180) | S(365) | S(730) |\n"
                     "|---|---:|---:|---|---:|---:|---:|---:|---:|\n",
                     title);
    const json_t *group;
    size_t i;
    json_array_foreach(json_object_get(grouping, "groups"), i, group) {
        tn_strbuf_printf(out, "| %s | %lld | ", json_string_value(json_object_get(group, "group")),
                         (long long)json_integer_value(json_object_get(group, "customers")));
        if (json_is_false(json_object_get(group, "computable"))) {
            tn_strbuf_printf(out, "— | %s | | | | | |\n",
                             json_string_value(json_object_get(group, "reason")));
            continue;
        }
        tn_strbuf_printf(out, "%lld | ",
                         (long long)json_integer_value(json_object_get(group, "events")));
        const json_t *median = json_object_get(group, "median");
        if (json_is_number(json_object_get(median, "days"))) {
            put_number(out, json_object_get(median, "days"), 0);
            tn_strbuf_puts(out, " (");
            put_number(out, json_object_get(median, "lower"), 0);
            tn_strbuf_puts(out, "–");
            put_number(out, json_object_get(median, "upper"), 0);
            tn_strbuf_puts(out, ")");
        } else {
            tn_strbuf_puts(out, "not reached");
        }
        const json_t *point;
        size_t d;
        json_array_foreach(json_object_get(group, "survival_at"), d, point) {
            tn_strbuf_puts(out, " | ");
            put_percent(out, json_object_get(point, "survival"));
        }
        tn_strbuf_puts(out, " |\n");
    }
    tn_strbuf_puts(out, "\n");
    logrank_line(out, "Log-rank test across the groups", json_object_get(grouping, "logrank"));
    if (json_object_get(grouping, "logrank_starter_vs_enterprise") != NULL)
        logrank_line(out, "Log-rank test, starter vs enterprise",
                     json_object_get(grouping, "logrank_starter_vs_enterprise"));
}

static void kaplan_meier(tn_strbuf *out, const json_t *section) {
    tn_strbuf_puts(out, "## Survival (Kaplan-Meier)\n\nS(t): share still customers t days after "
                        "signup, 95% log-log intervals in analysis.json.\n\n");
    if (not_computable(out, section))
        return;
    km_grouping(out, "By plan tier", json_object_get(section, "by_plan_tier"));
    km_grouping(out, "By industry", json_object_get(section, "by_industry"));
    km_grouping(out, "By integration connects in the first 30 days",
                json_object_get(section, "by_integration_bucket"));
}

/* When the test fails: what that means for reading the hazard ratios above it. */
static void failed_ph_paragraph(tn_strbuf *out, const json_t *test) {
    tn_strbuf_puts(out, "**What this means for the hazard ratios.** A Cox hazard ratio is one "
                        "number per covariate: it assumes the covariate multiplies the churn "
                        "hazard by the same factor at every point of a customer's life. The test "
                        "says that is not so here");
    const json_t *failing = json_object_get(test, "failing_terms");
    size_t count = json_array_size(failing), i;
    const json_t *name;
    json_array_foreach(failing, i, name) {
        tn_strbuf_printf(out, "%s%s",
                         i == 0           ? (count > 1 ? ": the effects of " : ": the effect of ")
                         : i + 1 == count ? " and "
                                          : ", ",
                         json_string_value(name));
    }
    if (count > 0)
        tn_strbuf_printf(out,
                         " (p < 0.05 above, largest χ² first) %s stronger at some tenures than "
                         "at others",
                         count > 1 ? "are" : "is");
    else
        tn_strbuf_puts(out, " for the covariates taken together, though no term fails on its own");
    tn_strbuf_puts(
        out, ". Each such hazard ratio is an average of an effect that changes over "
             "follow-up time, weighted by when the churns happened; the average can hide an "
             "effect that is strong early and weak late, or one that reverses. Do not read it as "
             "a constant multiplier (\"so many percent lower hazard at every tenure\"). To see "
             "how an effect changes, fit it with a time-varying coefficient (an interaction with "
             "time or log time, or separate models for early and late tenure), or stratify on a "
             "covariate that fails and is not itself of interest.\n\n");
}

/* The proportional-hazards test under the Cox table. */
static void proportional_hazards(tn_strbuf *out, const json_t *test) {
    tn_strbuf_puts(out, "### Proportional hazards\n\nDoes each hazard ratio hold over the whole "
                        "follow-up? The score test of R's cox.zph on the Kaplan-Meier time scale: "
                        "a small p means the covariate's effect changes with time since "
                        "signup.\n\n");
    if (not_computable(out, test))
        return;
    tn_strbuf_puts(out, "| term | χ² | df | p |\n|---|---:|---:|---:|\n");
    const json_t *row;
    size_t i;
    json_array_foreach(json_object_get(test, "terms"), i, row) {
        tn_strbuf_printf(out, "| %s | ", json_string_value(json_object_get(row, "term")));
        put_number(out, json_object_get(row, "chisq"), 2);
        tn_strbuf_printf(out, " | %lld | ",
                         (long long)json_integer_value(json_object_get(row, "df")));
        put_p(out, json_object_get(row, "p"));
        tn_strbuf_puts(out, " |\n");
    }
    tn_strbuf_puts(out, "| global | ");
    put_number(out, at(test, "global.chisq"), 2);
    tn_strbuf_printf(out, " | %lld | ", (long long)json_integer_value(at(test, "global.df")));
    put_p(out, at(test, "global.p"));
    tn_strbuf_printf(out, " |\n\n%s\n\n", json_string_value(json_object_get(test, "verdict")));
    if (json_is_true(json_object_get(test, "violated")))
        failed_ph_paragraph(out, test);
}

static void cox(tn_strbuf *out, const json_t *section) {
    tn_strbuf_puts(out, "## Cox proportional hazards\n\n");
    if (not_computable(out, section))
        return;
    tn_strbuf_printf(out,
                     "%lld customers, %lld churned; Efron ties. Hazard ratios per standard "
                     "deviation of each feature; plan tiers against starter.\n\n"
                     "| covariate | hazard ratio | 95%% CI | p |\n|---|---:|---|---:|\n",
                     (long long)json_integer_value(json_object_get(section, "customers")),
                     (long long)json_integer_value(json_object_get(section, "events")));
    const json_t *row;
    size_t i;
    json_array_foreach(json_object_get(section, "covariates"), i, row) {
        tn_strbuf_printf(out, "| %s | ", json_string_value(json_object_get(row, "name")));
        put_number(out, json_object_get(row, "hazard_ratio"), 3);
        tn_strbuf_puts(out, " | ");
        put_number(out, json_object_get(row, "lower"), 3);
        tn_strbuf_puts(out, "–");
        put_number(out, json_object_get(row, "upper"), 3);
        tn_strbuf_puts(out, " | ");
        put_p(out, json_object_get(row, "p"));
        tn_strbuf_puts(out, " |\n");
    }
    tn_strbuf_puts(out, "\nConcordance ");
    put_number(out, json_object_get(section, "concordance"), 3);
    tn_strbuf_puts(out, "; likelihood-ratio test χ² = ");
    put_number(out, at(section, "likelihood_ratio_test.chisq"), 1);
    tn_strbuf_printf(out, " on %lld df, p = ",
                     (long long)json_integer_value(at(section, "likelihood_ratio_test.df")));
    put_p(out, at(section, "likelihood_ratio_test.p"));
    tn_strbuf_printf(out, ". %s.\n\n", json_string_value(json_object_get(section, "note")));
    proportional_hazards(out, json_object_get(section, "proportional_hazards"));
}

static void integration_gate(tn_strbuf *out, const json_t *section) {
    tn_strbuf_puts(out, "## Integration activation gate\n\n| integration connects, first 30 days "
                        "| customers | churned | churn rate |\n|---|---:|---:|---:|\n");
    const json_t *row;
    size_t i;
    json_array_foreach(json_object_get(section, "buckets"), i, row) {
        tn_strbuf_printf(out, "| %s | %lld | %lld | ",
                         json_string_value(json_object_get(row, "bucket")),
                         (long long)json_integer_value(json_object_get(row, "customers")),
                         (long long)json_integer_value(json_object_get(row, "churned")));
        put_percent(out, json_object_get(row, "churn_rate"));
        tn_strbuf_puts(out, " |\n");
    }
    tn_strbuf_puts(out, "\nChurn rate with fewer than 3 connects ");
    put_percent(out, at(section, "below_3.churn_rate"));
    tn_strbuf_puts(out, ", with 3 or more ");
    put_percent(out, at(section, "at_least_3.churn_rate"));
    tn_strbuf_puts(out, ": ");
    put_number(out, json_object_get(section, "churn_rate_ratio"), 2);
    tn_strbuf_puts(out, "×.\n\n");
    logrank_line(out, "Log-rank test, < 3 vs ≥ 3",
                 json_object_get(section, "logrank_below_3_vs_at_least_3"));
}

static void early_dropout(tn_strbuf *out, const json_t *section) {
    tn_strbuf_puts(out, "## 90-day dropout\n\nCustomers signed up at least 90 days before the "
                        "as-of date who churned within 90 days.\n\n| plan tier | customers | "
                        "churned within 90 days | rate |\n|---|---:|---:|---:|\n");
    const json_t *row;
    size_t i;
    json_array_foreach(json_object_get(section, "by_plan_tier"), i, row) {
        tn_strbuf_printf(
            out, "| %s | %lld | %lld | ", json_string_value(json_object_get(row, "plan_tier")),
            (long long)json_integer_value(json_object_get(row, "customers_observed_90_days")),
            (long long)json_integer_value(json_object_get(row, "churned_within_90_days")));
        put_percent(out, json_object_get(row, "rate"));
        tn_strbuf_puts(out, " |\n");
    }
    tn_strbuf_puts(out, "\n");
}

static void cohorts(tn_strbuf *out, const json_t *section) {
    tn_strbuf_puts(out, "## Signup-cohort retention\n\nShare of each signup month's customers "
                        "still active after k months.\n\n");
    if (not_computable(out, section))
        return;
    tn_strbuf_puts(out, "| cohort | customers | 1 | 3 | 6 | 12 | 18 | 24 "
                        "|\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
    static const int months[] = {1, 3, 6, 12, 18, 24};
    const json_t *row;
    size_t i;
    json_array_foreach(json_object_get(section, "cohorts"), i, row) {
        tn_strbuf_printf(out, "| %s | %lld", json_string_value(json_object_get(row, "cohort")),
                         (long long)json_integer_value(json_object_get(row, "customers")));
        for (size_t m = 0; m < sizeof months / sizeof months[0]; m++) {
            tn_strbuf_puts(out, " | ");
            put_percent(out, json_array_get(json_object_get(row, "retention"), (size_t)months[m]));
        }
        tn_strbuf_puts(out, " |\n");
    }
    tn_strbuf_puts(out, "\n");
}

static void hazard(tn_strbuf *out, const json_t *section) {
    tn_strbuf_puts(out, "## When customers churn\n\n");
    if (not_computable(out, section))
        return;
    const json_t *peak = json_object_get(section, "peak");
    if (!json_is_number(json_object_get(peak, "day"))) {
        tn_strbuf_printf(out, "No peak: %s.\n\n",
                         json_string_value(json_object_get(peak, "reason")));
        return;
    }
    tn_strbuf_printf(out, "The smoothed daily churn hazard peaks on day %lld after signup (",
                     (long long)json_integer_value(json_object_get(peak, "day")));
    put_number(out, json_object_get(peak, "churn_per_100_customers_per_30_days"), 2);
    tn_strbuf_puts(out, " churned per 100 customers per 30 days at that rate): the intervention "
                        "window. The daily series is in analysis.json.\n\n");
}

static void upgrade_signal(tn_strbuf *out, const json_t *section) {
    tn_strbuf_puts(out, "## Upgrade signal\n\npremium_feature_trials_30d, upgraded vs not: mean ");
    put_number(out, at(section, "upgraded.mean"), 2);
    tn_strbuf_printf(out, " (%lld upgraded) vs ",
                     (long long)json_integer_value(at(section, "upgraded.customers")));
    put_number(out, at(section, "not_upgraded.mean"), 2);
    tn_strbuf_printf(out, " (%lld others). ",
                     (long long)json_integer_value(at(section, "not_upgraded.customers")));
    const json_t *test = json_object_get(section, "mann_whitney");
    if (json_is_true(json_object_get(test, "computable"))) {
        tn_strbuf_puts(out, "Mann-Whitney U = ");
        put_number(out, json_object_get(test, "u"), 0);
        tn_strbuf_puts(out, ", two-sided p = ");
        put_p(out, json_object_get(test, "p_two_sided"));
        tn_strbuf_puts(out, ".\n");
    } else {
        tn_strbuf_printf(out, "Mann-Whitney U not computable (%s).\n",
                         json_string_value(json_object_get(test, "reason")));
    }
}

void tn_analysis_markdown(const json_t *document, tn_strbuf *out) {
    tn_strbuf_printf(out,
                     "# Tenure analysis, as of %s\n\nGenerated by %s from %s. Every number "
                     "is also in analysis.json.\n\n",
                     json_string_value(json_object_get(document, "as_of")),
                     json_string_value(json_object_get(document, "generated_by")),
                     json_string_value(json_object_get(document, "warehouse")));
    population(out, json_object_get(document, "population"));
    correlations(out, json_object_get(document, "correlations"));
    kaplan_meier(out, json_object_get(document, "kaplan_meier"));
    cox(out, json_object_get(document, "cox"));
    integration_gate(out, json_object_get(document, "integration_gate"));
    early_dropout(out, json_object_get(document, "early_dropout"));
    cohorts(out, json_object_get(document, "cohort_retention"));
    hazard(out, json_object_get(document, "hazard"));
    upgrade_signal(out, json_object_get(document, "upgrade_signal"));
}
