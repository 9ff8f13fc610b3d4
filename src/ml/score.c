/*
 * score.c — scoring the active customers with both models (see score.h).
 */
#include "ml/score.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/embedded.h"
#include "ml/features.h"
#include "warehouse/query.h"
#include "warehouse/table.h"
#include "warehouse/template.h"

/* The model's features of every customer `sql_file` (under sql/ml/) selects, in customer_id order.
 */
static bool read_mart(tn_db *db, const char *sql_file, const tn_feature_spec *specs, size_t count,
                      tn_table *out, tn_error *err) {
    tn_strbuf features = TN_STRBUF_INIT, sql = TN_STRBUF_INIT;
    tn_features_select_list(specs, count, &features);
    const tn_template_var vars[] = {{"features", tn_strbuf_cstr(&features)}, {NULL, NULL}};
    bool ok = tn_template_render_file(sql_file, vars, &sql, err) &&
              tn_table_query(db, tn_strbuf_cstr(&sql), out, err);
    tn_strbuf_free(&features);
    tn_strbuf_free(&sql);
    return ok;
}

bool tn_score_read_features(tn_db *db, const tn_ml_model *model, tn_table *out, tn_error *err) {
    bool churn = strcmp(model->name, "churn") == 0;
    return read_mart(db, churn ? "sql/ml/churn_features.sql" : "sql/ml/expansion_features.sql",
                     churn ? tn_churn_features : tn_expansion_features,
                     churn ? TN_CHURN_FEATURES : TN_EXPANSION_FEATURES, out, err);
}

/* The k largest |SHAP| of one row, with the features' values (`columns`: tn_encoder_columns). */
static void top_drivers(const tn_ml_model *model, const tn_feature_column *columns, size_t row,
                        const double *shap, tn_driver drivers[TN_MAX_DRIVERS]) {
    size_t features = model->encoder.feature_count;
    bool used[64] = {false};
    for (int d = 0; d < TN_MAX_DRIVERS; d++) {
        long best = -1;
        for (size_t f = 0; f < features && f < 64; f++)
            if (!used[f] && (best < 0 || fabs(shap[f]) > fabs(shap[best])))
                best = (long)f;
        drivers[d].feature = NULL;
        if (best < 0)
            continue;
        used[best] = true;
        const tn_encoded_feature *feature = &model->encoder.features[best];
        const double *numbers = columns[best].numbers;
        tn_encoder_value_write(feature, &columns[best], row, drivers[d].value,
                               sizeof drivers[d].value);
        drivers[d].feature = feature->name;
        drivers[d].kind = feature->kind;
        drivers[d].number = numbers != NULL ? numbers[row] : NAN;
        drivers[d].impact = shap[best];
    }
}

/* Where each of the model's features is in `rows` (tn_encoder_columns); the caller frees it. */
static tn_feature_column *feature_columns(const tn_ml_model *model, const tn_table *rows,
                                          tn_error *err) {
    tn_feature_column *columns = tn_alloc_array(model->encoder.feature_count + 1, sizeof *columns,
                                                "the features' columns", err);
    if (columns != NULL)
        tn_encoder_columns(&model->encoder, rows, columns);
    return columns;
}

/* Each customer's survival risk score (survival_model.h) from the churn mart's rows. */
static bool score_survival(const tn_survival_model *survival, const tn_table *rows,
                           tn_score_set *out, tn_error *err) {
    double *score = tn_alloc_array(rows->rows + 1, sizeof *score, "the survival scores", err);
    bool ok = score != NULL && tn_survival_model_score(survival, rows, score, err);
    for (size_t r = 0; ok && r < rows->rows; r++)
        out->customers[r].survival_score = score[r];
    free(score);
    return ok;
}

static bool score_churn(tn_db *db, const tn_ml_model *churn, const tn_survival_model *survival,
                        tn_score_set *out, tn_error *err) {
    tn_table rows = {0};
    tn_ml_scores scores = {0};
    bool ok = read_mart(db, "sql/ml/churn_features.sql", tn_churn_features, TN_CHURN_FEATURES,
                        &rows, err) &&
              tn_ml_model_score(churn, &rows, &scores, err);
    tn_feature_column *columns = ok ? feature_columns(churn, &rows, err) : NULL;
    ok = ok && columns != NULL;
    if (ok) {
        out->count = rows.rows;
        out->customers = calloc(rows.rows + 1, sizeof *out->customers);
        ok = out->customers != NULL || tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    }
    char *const *ids = tn_table_texts(&rows, "customer_id");
    char *const *tiers = tn_table_texts(&rows, "plan_tier");
    char *const *industries = tn_table_texts(&rows, "industry");
    const double *mrr = tn_table_numbers(&rows, "mrr");
    const double *tenure = tn_table_numbers(&rows, "tenure_days");
    const double *events = tn_table_numbers(&rows, "total_events");
    for (size_t r = 0; ok && r < rows.rows; r++) {
        tn_customer_score *c = &out->customers[r];
        c->customer_id = strdup(ids[r] != NULL ? ids[r] : "");
        if (c->customer_id == NULL) {
            ok = tn_error_set(err, TN_ERR_NOMEM, "out of memory for the customers' ids");
            break;
        }
        snprintf(c->plan_tier, sizeof c->plan_tier, "%s", tiers[r] ? tiers[r] : "");
        snprintf(c->industry, sizeof c->industry, "%s", industries[r] ? industries[r] : "");
        c->mrr = mrr[r];
        c->tenure_days = tenure != NULL ? tenure[r] : NAN;
        c->total_events = events != NULL ? events[r] : NAN;
        c->churn_probability = scores.probability[r];
        top_drivers(churn, columns, r, scores.shap + r * scores.features, c->churn_drivers);
        c->upgrade_propensity = NAN;
        c->upgrade_multiplier = NAN;
        c->days_to_renewal = NAN;
        c->survival_score = NAN;
    }
    ok = ok && (survival == NULL || score_survival(survival, &rows, out, err));
    if (ok) { /* the SHAP matrix is in the customers' order: the set keeps it */
        out->churn_shap = scores.shap;
        out->churn_shap_count = scores.features;
        scores.shap = NULL;
    }
    free(columns);
    tn_ml_scores_free(&scores);
    tn_table_free(&rows);
    return ok;
}

static bool score_expansion(tn_db *db, const tn_ml_model *expansion, tn_score_set *out,
                            tn_error *err) {
    tn_table rows = {0};
    tn_ml_scores scores = {0};
    bool ok = read_mart(db, "sql/ml/expansion_features.sql", tn_expansion_features,
                        TN_EXPANSION_FEATURES, &rows, err) &&
              tn_ml_model_score(expansion, &rows, &scores, err);
    tn_feature_column *columns = ok ? feature_columns(expansion, &rows, err) : NULL;
    ok = ok && columns != NULL;
    char *const *ids = tn_table_texts(&rows, "customer_id");
    char *const *next = tn_table_texts(&rows, "next_tier");
    const double *multiplier = tn_table_numbers(&rows, "multiplier");
    if (ok) {
        out->upgrade_shap_count = scores.features;
        out->upgrade_shap = tn_alloc_array(out->count * scores.features + 1,
                                           sizeof *out->upgrade_shap, "the SHAP values", err);
        ok = out->upgrade_shap != NULL;
        for (size_t i = 0; ok && i < out->count * scores.features; i++)
            out->upgrade_shap[i] = NAN;
    }
    for (size_t r = 0; ok && r < rows.rows; r++) {
        tn_customer_score *c = (tn_customer_score *)tn_score_find(out, ids[r]);
        if (c == NULL) { /* the expansion mart's customers are active: a broken build */
            ok = tn_error_set(err, TN_ERR_INTERNAL,
                              "customer %s is in the expansion mart but not in the churn mart; "
                              "rebuild the warehouse (tenure build)",
                              ids[r] != NULL ? ids[r] : "(null)");
            break;
        }
        c->expansion_candidate = true;
        c->upgrade_propensity = scores.probability[r];
        top_drivers(expansion, columns, r, scores.shap + r * scores.features, c->upgrade_drivers);
        snprintf(c->target_tier, sizeof c->target_tier, "%s", next[r] ? next[r] : "");
        c->upgrade_multiplier = multiplier[r];
        memcpy(out->upgrade_shap + (size_t)(c - out->customers) * scores.features,
               scores.shap + r * scores.features, scores.features * sizeof *scores.shap);
    }
    free(columns);
    tn_ml_scores_free(&scores);
    tn_table_free(&rows);
    return ok;
}

/*
 * The risk score's formula and whether risk signals were loaded
 * (marts.risk_score_weights; a warehouse built before it has the full one).
 */
static bool read_risk_formula(tn_db *db, tn_score_set *out, tn_error *err) {
    snprintf(out->risk_formula, sizeof out->risk_formula,
             "0.50·usage_decay + 0.35·compliance_gap + 0.15·min(vendor_risk_flags/5, 1)");
    out->risk_signals = true;
    bool exists = false;
    if (!tn_query_table_exists(db, "marts", "risk_score_weights", &exists, err))
        return false;
    if (!exists)
        return true; /* an older warehouse: the full formula */
    tn_table rows = {0};
    bool ok = tn_table_query(db, tn_embedded_text("sql/ml/risk_score_weights.sql"), &rows, err);
    char *const *formula = ok && rows.rows == 1 ? tn_table_texts(&rows, "formula") : NULL;
    if (formula != NULL && formula[0] != NULL) {
        snprintf(out->risk_formula, sizeof out->risk_formula, "%s", formula[0]);
        out->risk_signals = tn_table_numbers(&rows, "compliance_gap_weight")[0] > 0;
    }
    tn_table_free(&rows);
    return ok;
}

/* A copy of `text` in `*out` (NULL stays NULL); false when memory runs out. */
static bool copy_text(const char *text, char **out) {
    *out = text != NULL ? strdup(text) : NULL;
    return text == NULL || *out != NULL;
}

static bool read_risk(tn_db *db, tn_score_set *out, tn_error *err) {
    if (!read_risk_formula(db, out, err))
        return false;
    tn_table rows = {0};
    /* a warehouse built before the decay could be unknown lacks its two columns */
    uint64_t newer = 0;
    bool ok =
        tn_query_count(db, tn_embedded_text("sql/ml/risk_inputs_have_unknown.sql"), &newer, err) &&
        tn_table_query(db,
                       tn_embedded_text(newer ? "sql/ml/risk_inputs.sql"
                                              : "sql/ml/risk_inputs_before_unknown.sql"),
                       &rows, err);
    char *const *ids = tn_table_texts(&rows, "customer_id");
    char *const *formulas = tn_table_texts(&rows, "risk_score_formula");
    char *const *unknown = tn_table_texts(&rows, "usage_decay_unknown");
    for (size_t r = 0; ok && r < rows.rows; r++) {
        tn_customer_score *c = (tn_customer_score *)tn_score_find(out, ids[r]);
        if (c == NULL)
            continue;
        c->risk_score = tn_table_numbers(&rows, "risk_score")[r];
        c->compliance_gap_score =
            out->risk_signals ? tn_table_numbers(&rows, "compliance_gap_score")[r] : NAN;
        c->vendor_risk_flags =
            out->risk_signals ? (int)tn_table_numbers(&rows, "vendor_risk_flags")[r] : -1;
        c->usage_decay_score = tn_table_numbers(&rows, "usage_decay_score")[r];
        ok = (formulas == NULL || copy_text(formulas[r], &c->risk_formula)) &&
             (unknown == NULL || copy_text(unknown[r], &c->usage_decay_unknown));
        if (!ok)
            tn_error_set(err, TN_ERR_NOMEM, "out of memory reading the risk inputs");
    }
    tn_table_free(&rows);
    return ok;
}

/* How people know each scored account (sql/score/accounts.sql). */
static bool read_accounts(tn_db *db, tn_score_set *out, tn_error *err) {
    tn_table rows = {0};
    bool ok = tn_table_query(db, tn_embedded_text("sql/score/accounts.sql"), &rows, err);
    if (!ok)
        tn_error_prefix(err, "marts.customer_accounts (built by this version's 'tenure build')");
    char *const *ids = tn_table_texts(&rows, "customer_id");
    char *const *names = tn_table_texts(&rows, "name");
    char *const *owners = tn_table_texts(&rows, "owner");
    char *const *renewals = tn_table_texts(&rows, "renewal_date");
    char *const *crm_ids = tn_table_texts(&rows, "crm_id");
    const double *days = tn_table_numbers(&rows, "days_to_renewal");
    for (size_t r = 0; ok && r < rows.rows; r++) {
        tn_customer_score *c = (tn_customer_score *)tn_score_find(out, ids[r] ? ids[r] : "");
        if (c == NULL)
            continue; /* churned, or not yet a customer: not scored */
        ok = copy_text(names[r], &c->name) && copy_text(owners[r], &c->owner) &&
             copy_text(crm_ids[r], &c->crm_id);
        snprintf(c->renewal_date, sizeof c->renewal_date, "%s", renewals[r] ? renewals[r] : "");
        c->days_to_renewal = days[r];
    }
    if (!ok && err != NULL && err->code == TN_OK)
        tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    tn_table_free(&rows);
    return ok;
}

bool tn_score_all(tn_db *db, const tn_ml_model *churn, const tn_ml_model *expansion,
                  const tn_survival_model *survival, tn_score_set *out, tn_error *err) {
    memset(out, 0, sizeof *out);
    bool ok = score_churn(db, churn, survival, out, err) &&
              score_expansion(db, expansion, out, err) && read_risk(db, out, err) &&
              read_accounts(db, out, err);
    if (!ok)
        tn_score_set_free(out);
    return ok;
}

const tn_customer_score *tn_score_find(const tn_score_set *set, const char *customer_id) {
    size_t low = 0, high = set->count;
    while (low < high) {
        size_t mid = (low + high) / 2;
        int order = strcmp(set->customers[mid].customer_id, customer_id);
        if (order == 0)
            return &set->customers[mid];
        if (order < 0)
            low = mid + 1;
        else
            high = mid;
    }
    return NULL;
}

void tn_score_set_free(tn_score_set *set) {
    for (size_t i = 0; set->customers != NULL && i < set->count; i++) {
        free(set->customers[i].customer_id);
        free(set->customers[i].name);
        free(set->customers[i].owner);
        free(set->customers[i].crm_id);
        free(set->customers[i].risk_formula);
        free(set->customers[i].usage_decay_unknown);
    }
    free(set->customers);
    free(set->churn_shap);
    free(set->upgrade_shap);
    set->churn_shap = set->upgrade_shap = NULL;
    set->churn_shap_count = set->upgrade_shap_count = 0;
    set->customers = NULL;
    set->count = 0;
}
