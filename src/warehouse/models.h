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
 * Contract checks (sql/checks/<name>.sql) are loaded the same way; they may
 * ref() any model but are never ref()ed.
 */
#ifndef TN_WAREHOUSE_MODELS_H
#define TN_WAREHOUSE_MODELS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "common/strbuf.h"

typedef enum { TN_LAYER_STAGING, TN_LAYER_MARTS, TN_LAYER_CHECKS, TN_LAYER_COUNT } tn_layer;

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

/* Values of {{ var('...') }} during a render. */
typedef struct {
    const char *name;
    const char *value;
} tn_template_var;

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
 * Renders model `index` of `set` into runnable SQL: refs become
 * schema.name, sources raw.table, vars their values from `vars` (a
 * NULL-name-terminated list). Unknown vars are errors naming file and line.
 */
bool tn_model_render(const tn_model_set *set, size_t index, const tn_template_var *vars,
                     tn_strbuf *out, tn_error *err);

#endif
