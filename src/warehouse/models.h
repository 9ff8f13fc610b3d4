/*
 * models.h — the SQL models of the warehouse, found, ordered and rendered.
 *
 * A model is one SQL file, one SELECT, dbt style: sql/staging/<name>.sql
 * becomes the view staging.<name>, sql/marts/<name>.sql the table
 * marts.<name>. Models name each other with {{ ref('name') }}; the set is
 * run in dependency order (ties broken by name, so the order is stable), and
 * a missing ref or a cycle is an error naming the files involved.
 *
 * The files come from the binary (embedded at build time), or from the
 * directory in the TENURE_SQL_DIR environment variable when it is set
 * (for working on the SQL without rebuilding, and for tests).
 *
 * Contract checks (sql/checks/<name>.sql) and training queries
 * (sql/training/<name>.sql) are loaded the same way; they may ref() any
 * model but are never ref()ed.
 */
#ifndef TN_WAREHOUSE_MODELS_H
#define TN_WAREHOUSE_MODELS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "common/strbuf.h"
#include "warehouse/template.h"

typedef enum {
    TN_LAYER_STAGING,  /* sql/staging: views */
    TN_LAYER_MARTS,    /* sql/marts: tables */
    TN_LAYER_CHECKS,   /* sql/checks: contracts, run by `tenure check` */
    TN_LAYER_TRAINING, /* sql/training: snapshot queries, run by `tenure train` */
    TN_LAYER_COUNT
} tn_layer;

typedef struct {
    char *name; /* "customer_survival" */
    char *path; /* "sql/marts/customer_survival.sql", for messages */
    char *sql;  /* the template text */
    tn_layer layer;
    size_t *deps; /* indexes of the models it ref()s */
    size_t dep_count;
} tn_model;

/* A set of models; owns everything in it. */
typedef struct {
    tn_model *models;
    size_t count;
} tn_model_set;

/*
 * Loads the models of the layers flagged in `layers` (indexed by tn_layer),
 * finds their refs and sorts them into dependency order. On failure nothing
 * is left allocated in `set`.
 */
bool tn_models_load(const bool layers[TN_LAYER_COUNT], tn_model_set *set, tn_error *err);

void tn_models_free(tn_model_set *set);

/* The schema a layer's models live in: "staging", "marts" (checks: NULL). */
const char *tn_layer_schema(tn_layer layer);

/*
 * Renders model `index` of `set` into SQL DuckDB runs: refs become
 * schema.name, sources raw.table, vars their values from `vars` (a
 * NULL-name-terminated list), macros DuckDB's SQL. Unknown vars are errors
 * naming file and line.
 */
bool tn_model_render(const tn_model_set *set, size_t index, const tn_template_var *vars,
                     tn_strbuf *out, tn_error *err);

/* A ref() sent to another relation for one render (a training snapshot's table). */
typedef struct {
    const char *model;    /* "mart_customer_churn_features" */
    const char *relation; /* "tn_snapshot_churn" */
} tn_ref_override;

/* As tn_model_render, with refs to the models in `overrides` (NULL-model-terminated) redirected. */
bool tn_model_render_with(const tn_model_set *set, size_t index, const tn_template_var *vars,
                          const tn_ref_override *overrides, tn_strbuf *out, tn_error *err);

/* As tn_model_render_with, for another engine than DuckDB (`tenure render`). */
bool tn_model_render_for(const tn_model_set *set, size_t index, tn_dialect dialect,
                         const tn_template_var *vars, const tn_ref_override *overrides,
                         tn_strbuf *out, tn_error *err);

/*
 * Appends the statement that makes model `index` a relation (sql/build/
 * create_model.sql): a view for a staging model, a table for the others,
 * rendered for `dialect` with `vars` and `overrides` (may be NULL). It is
 * named `relation`, or schema.name of its layer when `relation` is NULL.
 */
bool tn_model_create(const tn_model_set *set, size_t index, tn_dialect dialect,
                     const tn_template_var *vars, const tn_ref_override *overrides,
                     const char *relation, tn_strbuf *out, tn_error *err);

/* The index of the model (or check, or training query) called `name` in `layer`, or -1. */
long tn_models_find(const tn_model_set *set, tn_layer layer, const char *name);

#endif
