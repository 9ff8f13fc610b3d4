/*
 * dashboard.c — the survival and models views from their files (see
 * dashboard.h).
 */
#include "insight/dashboard.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "insight/analytics.h"

json_t *tn_dashboard_survival(const char *reports_dir, const char *as_of, char *problem,
                              size_t size) {
    char path[4200], message[4400];
    snprintf(path, sizeof path, "%s/analysis.json", reports_dir);
    json_error_t error;
    json_t *analysis = json_load_file(path, 0, &error);
    if (analysis == NULL) {
        snprintf(problem, size, "%s: %s (run 'tenure analyze')", path, error.text);
        return NULL;
    }
    json_t *view = tn_analytics_survival(analysis);
    const char *analysed = json_string_value(json_object_get(analysis, "as_of"));
    if (view != NULL && analysed != NULL && strcmp(analysed, as_of) != 0) {
        snprintf(message, sizeof message,
                 "%s is as of %s, the warehouse as of %s: run 'tenure analyze'", path, analysed,
                 as_of);
        json_object_set_new(view, "warning", json_string(message));
    }
    json_decref(analysis);
    if (view == NULL)
        snprintf(problem, size, "out of memory reading %s", path);
    return view;
}

/*
 * <reports_dir>/backtest.json (new reference), or NULL when there is none or it
 * cannot be read; `warning` (of `size`) then says why when the file is there but
 * unreadable, or when it was run on the warehouse as of another date, else "".
 */
static json_t *load_backtest(const char *reports_dir, const char *as_of, char *warning,
                             size_t size) {
    char path[4200];
    snprintf(path, sizeof path, "%s/backtest.json", reports_dir);
    warning[0] = '\0';
    json_error_t error;
    bool present = access(path, F_OK) == 0;
    json_t *backtest = present ? json_load_file(path, 0, &error) : NULL;
    if (backtest == NULL && present)
        snprintf(warning, size, "%s: %s (run 'tenure backtest')", path, error.text);
    const char *tested = json_string_value(json_object_get(backtest, "as_of"));
    if (tested != NULL && strcmp(tested, as_of) != 0)
        snprintf(warning, size,
                 "%s was run on the warehouse as of %s, which is now as of %s: run 'tenure "
                 "backtest'",
                 path, tested, as_of);
    return backtest;
}

json_t *tn_dashboard_portfolio(const tn_answer_set *answers, const tn_table *inactive,
                               const tn_table *industries, const char *reports_dir) {
    char warning[4400];
    json_t *backtest = load_backtest(reports_dir, answers->context.as_of, warning, sizeof warning);
    tn_portfolio_extra extra = {inactive, industries, warning[0] == '\0' ? backtest : NULL};
    json_t *view = tn_analytics_portfolio(answers, &extra);
    json_decref(backtest);
    return view;
}

json_t *tn_dashboard_models(const tn_ml_model *churn, const tn_ml_model *expansion,
                            const char *reports_dir, const char *as_of, const json_t *drift) {
    char warning[4400];
    json_t *backtest = load_backtest(reports_dir, as_of, warning, sizeof warning);
    json_t *view = tn_analytics_models(churn, expansion, backtest);
    if (view != NULL && warning[0] != '\0')
        json_object_set_new(view, "backtest_warning", json_string(warning));
    json_decref(backtest);
    if (view != NULL)
        json_object_set(view, "drift", drift != NULL ? (json_t *)drift : json_null());
    return view;
}
