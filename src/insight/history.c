/*
 * history.c — recording a scoring in the score history (see history.h).
 */
#include "insight/history.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <duckdb.h>

#include "common/alloc.h"
#include "common/embedded.h"
#include "warehouse/query.h"
#include "warehouse/template.h"

/* Appends `count` values of `type` as one list, and destroys the values; false on a NULL value. */
static bool append_list(duckdb_appender appender, duckdb_type type, duckdb_value *items,
                        size_t count) {
    bool ok = true;
    for (size_t i = 0; i < count; i++)
        ok = ok && items[i] != NULL;
    duckdb_logical_type logical = duckdb_create_logical_type(type);
    duckdb_value list = ok ? duckdb_create_list_value(logical, items, count) : NULL;
    ok = list != NULL && duckdb_append_value(appender, list) == DuckDBSuccess;
    duckdb_destroy_value(&list);
    duckdb_destroy_logical_type(&logical);
    for (size_t i = 0; i < count; i++)
        duckdb_destroy_value(&items[i]);
    return ok;
}

/* Appends a DOUBLE[] of `count` values, or NULL when `values` is NULL. */
static bool append_numbers(duckdb_appender appender, const double *values, size_t count) {
    if (values == NULL)
        return duckdb_append_null(appender) == DuckDBSuccess;
    duckdb_value *items = tn_alloc_array(count + 1, sizeof *items, "a SHAP list", NULL);
    if (items == NULL)
        return false;
    for (size_t i = 0; i < count; i++)
        items[i] = duckdb_create_double(values[i]);
    bool ok = append_list(appender, DUCKDB_TYPE_DOUBLE, items, count);
    free(items);
    return ok;
}

/* Appends the names of `drivers` as a VARCHAR[], strongest first, or NULL when `present` is not. */
static bool append_drivers(duckdb_appender appender, const tn_driver *drivers, bool present) {
    if (!present)
        return duckdb_append_null(appender) == DuckDBSuccess;
    duckdb_value items[TN_MAX_DRIVERS];
    size_t count = 0;
    for (int d = 0; d < TN_MAX_DRIVERS; d++)
        if (drivers[d].feature != NULL)
            items[count++] = duckdb_create_varchar(drivers[d].feature);
    return append_list(appender, DUCKDB_TYPE_VARCHAR, items, count);
}

static bool append_number_or_null(duckdb_appender appender, double value) {
    return (isfinite(value) ? duckdb_append_double(appender, value)
                            : duckdb_append_null(appender)) == DuckDBSuccess;
}

static bool append_text_or_null(duckdb_appender appender, const char *text) {
    return (text != NULL ? duckdb_append_varchar(appender, text) : duckdb_append_null(appender)) ==
           DuckDBSuccess;
}

/* One customer's row of tn_history_rows; `i` is its index in the scores. */
static bool append_row(duckdb_appender appender, const tn_answer_context *context,
                       const tn_answer *answer, const tn_score_set *scores, size_t i,
                       const char *model_set, const char *scored_at) {
    const tn_customer_score *c = answer->score;
    bool candidate = c->expansion_candidate;
    return append_text_or_null(appender, context->as_of) &&
           append_text_or_null(appender, c->customer_id) &&
           append_text_or_null(appender, context->churn_version) &&
           append_text_or_null(appender, context->expansion_version) &&
           append_text_or_null(appender, model_set) &&
           append_number_or_null(appender, c->churn_probability) &&
           append_text_or_null(appender, answer->churn_tier) &&
           append_number_or_null(appender, candidate ? c->upgrade_propensity : NAN) &&
           append_text_or_null(appender, candidate ? answer->propensity_tier : NULL) &&
           append_number_or_null(appender, c->risk_score) &&
           append_text_or_null(appender, answer->risk_score_tier) &&
           append_number_or_null(appender, answer->arr) &&
           append_drivers(appender, c->churn_drivers, true) &&
           append_drivers(appender, c->upgrade_drivers, candidate) &&
           append_numbers(appender, scores->churn_shap + i * scores->churn_shap_count,
                          scores->churn_shap_count) &&
           append_numbers(appender,
                          candidate ? scores->upgrade_shap + i * scores->upgrade_shap_count : NULL,
                          scores->upgrade_shap_count) &&
           append_text_or_null(appender, scored_at) &&
           duckdb_appender_end_row(appender) == DuckDBSuccess;
}

/* Appends every answer to the temporary table tn_history_rows. */
static bool stage_rows(tn_db *db, const tn_answer_set *answers, const tn_score_set *scores,
                       const char *model_set, const char *scored_at, tn_error *err) {
    duckdb_appender appender;
    if (duckdb_appender_create_ext(tn_db_connection(db), "temp", "main", "tn_history_rows",
                                   &appender) != DuckDBSuccess) {
        tn_error_set(err, TN_ERR_DB, "the score history: %s", duckdb_appender_error(appender));
        duckdb_appender_destroy(&appender);
        return false;
    }
    bool ok = true;
    for (size_t i = 0; ok && i < answers->count; i++)
        ok = append_row(appender, &answers->context, &answers->answers[i], scores,
                        (size_t)(answers->answers[i].score - scores->customers), model_set,
                        scored_at);
    ok = duckdb_appender_close(appender) == DuckDBSuccess && ok;
    if (!ok)
        tn_error_set(err, TN_ERR_DB, "the score history: %s",
                     duckdb_appender_error(appender) ? duckdb_appender_error(appender)
                                                     : "out of memory");
    duckdb_appender_destroy(&appender);
    return ok;
}

/* The names of `model`'s features by position, unless its version has them already. */
static bool record_features(tn_db *db, const tn_ml_model *model, tn_error *err) {
    bool ok = true;
    for (size_t f = 0; ok && f < model->encoder.feature_count; f++) {
        char position[24];
        snprintf(position, sizeof position, "%zu", f);
        const char *params[] = {model->version, position, model->encoder.features[f].name};
        ok = tn_db_exec_params(db, tn_embedded_text("sql/history/model_feature.sql"), params, 3,
                               err);
    }
    return ok;
}

/* Inside the transaction: whether the scoring is there, and if not its rows. */
static bool record_in_transaction(tn_db *db, const tn_answer_set *answers,
                                  const tn_score_set *scores, const tn_ml_model *churn,
                                  const tn_ml_model *expansion, const char *scored_at,
                                  tn_history_result *out, tn_error *err) {
    const tn_answer_context *context = &answers->context;
    const char *params[] = {context->as_of, context->churn_version, context->expansion_version};
    uint64_t recorded = 0, of_as_of = 0;
    if (!tn_query_count_params(db, tn_embedded_text("sql/history/recorded.sql"), params, 3,
                               &recorded, err) ||
        !tn_query_count_params(db, tn_embedded_text("sql/history/as_of_recorded.sql"), params, 1,
                               &of_as_of, err))
        return false;
    out->already = recorded > 0;
    out->new_as_of = of_as_of == 0;
    if (out->already)
        return true;
    bool ok = tn_db_exec(db, tn_embedded_text("sql/history/staging.sql"), err) &&
              stage_rows(db, answers, scores, churn->set, scored_at, err) &&
              tn_db_exec(db, tn_embedded_text("sql/history/insert.sql"), err) &&
              record_features(db, churn, err) && record_features(db, expansion, err);
    if (ok)
        out->rows = answers->count;
    return ok;
}

bool tn_history_record(tn_db *db, const tn_answer_set *answers, const tn_score_set *scores,
                       const tn_ml_model *churn, const tn_ml_model *expansion,
                       const char *scored_at, tn_history_result *out, tn_error *err) {
    memset(out, 0, sizeof *out);
    if (!tn_db_exec(db, tn_embedded_text("sql/history/schema.sql"), err) || !tn_db_begin(db, err))
        return false;
    if (!record_in_transaction(db, answers, scores, churn, expansion, scored_at, out, err)) {
        tn_db_rollback(db);
        out->rows = 0;
        out->new_as_of = false;
        return false;
    }
    return tn_db_commit(db, err);
}

bool tn_history_exists(tn_db *db, bool *exists, tn_error *err) {
    return tn_query_table_exists(db, "history", "customer_scores_by_as_of", exists, err);
}

/* Whether `text` is a date as strftime's "%Y-%m-%d" writes it (it goes into SQL as a literal). */
static bool is_iso_date(const char *text) {
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? text[i] != '-' : (text[i] < '0' || text[i] > '9'))
            return false;
    return text[10] == '\0';
}

bool tn_history_query_window(tn_db *db, const char *path, const tn_history_window *window,
                             const char *const *params, size_t count, tn_table *rows,
                             tn_error *err) {
    char from[32] = "DATE '-infinity'";
    if (window != NULL && window->from[0] != '\0') {
        if (!is_iso_date(window->from))
            return tn_error_set(err, TN_ERR_INTERNAL, "the history window starts at '%s'",
                                window->from);
        snprintf(from, sizeof from, "DATE '%s'", window->from);
    }
    const tn_template_var from_var[] = {{"from", from}, {NULL, NULL}};
    tn_strbuf history = TN_STRBUF_INIT, sql = TN_STRBUF_INIT;
    bool ok = tn_template_render_file("sql/history/latest_per_as_of.sql", from_var, &history, err);
    const tn_template_var vars[] = {{"history", tn_strbuf_cstr(&history)}, {NULL, NULL}};
    ok = ok && tn_template_render_file(path, vars, &sql, err) &&
         tn_table_query_params(db, tn_strbuf_cstr(&sql), params, count, rows, err);
    tn_strbuf_free(&history);
    tn_strbuf_free(&sql);
    return ok;
}

bool tn_history_query(tn_db *db, const char *path, const char *const *params, size_t count,
                      tn_table *rows, tn_error *err) {
    return tn_history_query_window(db, path, NULL, params, count, rows, err);
}

bool tn_history_window_find(tn_db *db, size_t scorings, int horizon_days, tn_history_window *out,
                            tn_error *err) {
    memset(out, 0, sizeof *out);
    char limit[24], horizon[24];
    snprintf(limit, sizeof limit, "%zu", scorings > 0 ? scorings : 1);
    snprintf(horizon, sizeof horizon, "%d", horizon_days);
    const char *params[] = {limit, horizon};
    tn_table found = {0};
    bool ok = tn_table_query_params(db, tn_embedded_text("sql/history/window.sql"), params, 2,
                                    &found, err);
    if (ok && found.rows == 1) {
        const char *first = tn_table_text_at(&found, "first_kept", 0);
        double kept = tn_table_number_at(&found, "kept", 0),
               older = tn_table_number_at(&found, "older", 0);
        if (first != NULL)
            snprintf(out->from, sizeof out->from, "%s", first);
        out->kept = kept > 0 ? (size_t)kept : 0;
        out->older = older > 0 ? (size_t)older : 0;
    }
    tn_table_free(&found);
    return ok;
}

bool tn_history_latest(tn_db *db, char latest[16], tn_error *err) {
    latest[0] = '\0';
    tn_table last = {0};
    bool ok = tn_history_query(db, "sql/history/latest_as_of.sql", NULL, 0, &last, err);
    char *const *texts = ok && last.rows == 1 ? tn_table_texts(&last, "latest") : NULL;
    if (texts != NULL && texts[0] != NULL)
        snprintf(latest, 16, "%s", texts[0]);
    tn_table_free(&last);
    return ok;
}
