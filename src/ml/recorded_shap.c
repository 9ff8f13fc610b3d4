/*
 * recorded_shap.c — reading recorded SHAP values back (see recorded_shap.h).
 */
#include "ml/recorded_shap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/embedded.h"
#include "warehouse/query.h"

/* Whether the history names `model`'s features in its encoder's order. */
static bool same_features(tn_db *db, const tn_ml_model *model, bool *same, tn_error *err) {
    tn_table rows = {0};
    const char *params[] = {model->version};
    bool ok = tn_table_query_params(db, tn_embedded_text("sql/score/recorded_features.sql"), params,
                                    1, &rows, err);
    char *const *names = ok ? tn_table_texts(&rows, "feature") : NULL;
    *same = names != NULL && rows.rows == model->encoder.feature_count;
    for (size_t f = 0; *same && f < rows.rows; f++)
        *same = names[f] != NULL && strcmp(names[f], model->encoder.features[f].name) == 0;
    tn_table_free(&rows);
    return ok;
}

bool tn_recorded_shap_read(tn_db *db, const tn_ml_model *churn, const tn_ml_model *expansion,
                           tn_recorded_shap *out, tn_error *err) {
    memset(out, 0, sizeof *out);
    bool exists = false;
    if (!tn_query_table_exists(db, "history", "customer_scores_by_as_of", &exists, err))
        return false;
    if (!exists)
        return true;
    const char *params[] = {churn->version, expansion->version};
    return tn_table_query_params(db, tn_embedded_text("sql/score/recorded_shap.sql"), params, 2,
                                 &out->rows, err) &&
           (out->rows.rows == 0 || (same_features(db, churn, &out->churn, err) &&
                                    same_features(db, expansion, &out->upgrade, err)));
}

/* The recorded row of `id`, or SIZE_MAX (the rows are in customer_id order). */
static size_t find_row(const tn_table *rows, char *const *ids, const char *id) {
    size_t low = 0, high = rows->rows;
    while (low < high) {
        size_t mid = (low + high) / 2;
        int order = strcmp(ids[mid] != NULL ? ids[mid] : "", id);
        if (order == 0)
            return mid;
        if (order < 0)
            low = mid + 1;
        else
            high = mid;
    }
    return (size_t)-1;
}

/* Parses exactly `count` comma-separated numbers of `text` into `out`. */
static bool parse_list(const char *text, size_t count, double *out) {
    const char *p = text != NULL ? text : "";
    for (size_t f = 0; f < count; f++) {
        char *end;
        out[f] = strtod(p, &end);
        if (end == p || (*end != ',' && *end != '\0') || (*end == '\0' && f + 1 < count))
            return false;
        p = *end == ',' ? end + 1 : end;
    }
    return *p == '\0';
}

bool tn_recorded_shap_fill(const tn_recorded_shap *recorded, bool churn, const tn_table *rows,
                           tn_ml_scores *scores) {
    const tn_table *r = &recorded->rows;
    char *const *ids = tn_table_texts(r, "customer_id");
    const double *probability =
        tn_table_numbers(r, churn ? "churn_probability" : "upgrade_propensity");
    char *const *lists = tn_table_texts(r, churn ? "churn_shap" : "upgrade_shap");
    char *const *wanted = tn_table_texts(rows, "customer_id");
    if (!(churn ? recorded->churn : recorded->upgrade) || ids == NULL || probability == NULL ||
        lists == NULL || wanted == NULL)
        return false;
    for (size_t row = 0; row < scores->rows; row++) {
        size_t at = find_row(r, ids, wanted[row] != NULL ? wanted[row] : "");
        if (at == (size_t)-1 || !(probability[at] == scores->probability[row]) ||
            !parse_list(lists[at], scores->features, scores->shap + row * scores->features))
            return false;
    }
    return true;
}

void tn_recorded_shap_free(tn_recorded_shap *recorded) {
    tn_table_free(&recorded->rows);
    memset(recorded, 0, sizeof *recorded);
}
