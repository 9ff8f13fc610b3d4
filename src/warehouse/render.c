/*
 * render.c — the models as one SQL script for another engine (see render.h).
 */
#include "warehouse/render.h"

#include <stdio.h>
#include <string.h>

#include "common/embedded.h"
#include "warehouse/models.h"
#include "warehouse/template.h"

/* The training snapshot's feature tables, which its labelled rows ref() instead of the marts. */
static const tn_ref_override SNAPSHOT_OVERRIDES[] = {
    {"mart_customer_churn_features", "training.snapshot_churn_features"},
    {"mart_customer_expansion_features", "training.snapshot_expansion_features"},
    {NULL, NULL},
};

static bool add_schema(const char *schema, tn_strbuf *out, tn_error *err) {
    const tn_template_var vars[] = {{"schema", schema}, {NULL, NULL}};
    return tn_template_render_file("sql/render/schema.sql", vars, out, err);
}

/* The path of model `index` as a comment. */
static bool add_header(const tn_model_set *models, size_t index, tn_strbuf *out, tn_error *err) {
    return tn_strbuf_printf(out, "\n-- %s\n", models->models[index].path) ||
           tn_error_set(err, TN_ERR_NOMEM, "out of memory");
}

/* Model `index` made a relation (a view or a table, as `tenure build` makes it). */
static bool add_model(const tn_model_set *models, size_t index, const tn_render_plan *plan,
                      const tn_template_var *vars, const tn_ref_override *overrides,
                      const char *relation, tn_strbuf *out, tn_error *err) {
    return add_header(models, index, out, err) &&
           tn_model_create(models, index, plan->dialect, vars, overrides, relation, out, err);
}

/* The staging views and the mart tables, in dependency order. */
static bool add_models(const tn_model_set *models, const tn_render_plan *plan,
                       const tn_template_var *vars, tn_strbuf *out, tn_error *err) {
    bool ok = add_schema("staging", out, err) && add_schema("marts", out, err);
    for (size_t i = 0; ok && i < models->count; i++) {
        tn_layer layer = models->models[i].layer;
        if (layer != TN_LAYER_STAGING && layer != TN_LAYER_MARTS)
            continue;
        ok = add_model(models, i, plan, vars, NULL, NULL, out, err);
    }
    return ok;
}

/* One model of `layer` by name, as a table (the training snapshot's parts). */
static bool add_named(const tn_model_set *models, tn_layer layer, const char *name,
                      const tn_render_plan *plan, const tn_template_var *vars, const char *relation,
                      tn_strbuf *out, tn_error *err) {
    long index = tn_models_find(models, layer, name);
    if (index < 0)
        return tn_error_set(err, TN_ERR_INTERNAL, "the SQL model '%s' is missing", name);
    return add_model(models, (size_t)index, plan, vars, SNAPSHOT_OVERRIDES, relation, out, err);
}

/* The features as of the snapshot date, then the labelled rows, as `tenure train` makes them. */
static bool add_snapshot(const tn_model_set *models, const tn_render_plan *plan, tn_strbuf *out,
                         tn_error *err) {
    char day[TN_DATE_BUF], data_day[TN_DATE_BUF];
    const tn_template_var vars[] = {{"as_of", tn_date_format(plan->snapshot, day)},
                                    {"data_as_of", tn_date_format(plan->data_as_of, data_day)},
                                    {NULL, NULL}};
    return add_schema("training", out, err) &&
           add_named(models, TN_LAYER_MARTS, "mart_customer_churn_features", plan, vars,
                     "training.snapshot_churn_features", out, err) &&
           add_named(models, TN_LAYER_MARTS, "mart_customer_expansion_features", plan, vars,
                     "training.snapshot_expansion_features", out, err) &&
           add_named(models, TN_LAYER_TRAINING, "churn_snapshot", plan, vars,
                     "training.churn_snapshot", out, err) &&
           add_named(models, TN_LAYER_TRAINING, "expansion_snapshot", plan, vars,
                     "training.expansion_snapshot", out, err);
}

/* Contract `index` as a SELECT of how many rows break it (sql/render/check.sql). */
static bool add_check(const tn_model_set *models, size_t index, const tn_render_plan *plan,
                      const tn_template_var *vars, tn_strbuf *out, tn_error *err) {
    tn_strbuf body = TN_STRBUF_INIT;
    bool ok = tn_model_render_for(models, index, plan->dialect, vars, NULL, &body, err);
    const tn_template_var check[] = {
        {"name", models->models[index].name}, {"body", tn_strbuf_cstr(&body)}, {NULL, NULL}};
    ok = ok && add_header(models, index, out, err) &&
         tn_template_render_file("sql/render/check.sql", check, out, err);
    tn_strbuf_free(&body);
    return ok;
}

/* source('raw', t) as raw.t: all the shared-hashes subquery reads. */
static bool resolve_source(void *context, const tn_template_expression *expression, tn_strbuf *out,
                           tn_error *err) {
    (void)context;
    if (expression->kind != TN_TEMPLATE_SOURCE || strcmp(expression->first, "raw") != 0)
        return tn_error_set(err, TN_ERR_INTERNAL, "render: only source('raw', …) is known here");
    return out == NULL || tn_strbuf_printf(out, "raw.%s", expression->second);
}

/* Every contract, each a SELECT of how many rows break it. */
static bool add_checks(const tn_model_set *models, const tn_render_plan *plan,
                       const tn_template_var *vars, tn_strbuf *out, tn_error *err) {
    const char *path = "sql/render/shared_event_id_hashes.sql";
    tn_strbuf hashes = TN_STRBUF_INIT;
    bool ok = tn_template_render(path, tn_embedded_text(path), plan->dialect, resolve_source, NULL,
                                 &hashes, err);
    tn_template_var check_vars[4];
    memcpy(check_vars, vars, 2 * sizeof *vars); /* as_of, data_as_of */
    check_vars[2] = (tn_template_var){"shared_event_id_hashes", tn_strbuf_cstr(&hashes)};
    check_vars[3] = (tn_template_var){NULL, NULL};
    for (size_t i = 0; ok && i < models->count; i++)
        if (models->models[i].layer == TN_LAYER_CHECKS)
            ok = add_check(models, i, plan, check_vars, out, err);
    tn_strbuf_free(&hashes);
    return ok;
}

bool tn_render_script(const tn_render_plan *plan, tn_strbuf *out, tn_error *err) {
    const bool layers[TN_LAYER_COUNT] = {[TN_LAYER_STAGING] = true,
                                         [TN_LAYER_MARTS] = true,
                                         [TN_LAYER_CHECKS] = plan->checks,
                                         [TN_LAYER_TRAINING] = plan->snapshot != TN_DAY_UNSET};
    tn_model_set models;
    if (!tn_models_load(layers, &models, err))
        return false;
    char day[TN_DATE_BUF], data_day[TN_DATE_BUF];
    const tn_template_var vars[] = {{"as_of", tn_date_format(plan->as_of, day)},
                                    {"data_as_of", tn_date_format(plan->data_as_of, data_day)},
                                    {NULL, NULL}};
    bool ok = tn_strbuf_printf(out,
                               "-- Tenure's models for %s, as of %s (data as of %s): "
                               "written by `tenure render`.\n",
                               tn_dialect_name(plan->dialect), day, data_day) ||
              tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    ok = ok && add_models(&models, plan, vars, out, err) &&
         (plan->snapshot == TN_DAY_UNSET || add_snapshot(&models, plan, out, err)) &&
         (!plan->checks || add_checks(&models, plan, vars, out, err));
    tn_models_free(&models);
    return ok;
}
