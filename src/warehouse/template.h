/*
 * template.h — the part of dbt's Jinja that Tenure's SQL uses.
 *
 * Models are plain SQL with three kinds of expression, so the same files run
 * under dbt-duckdb:
 *   {{ ref('model') }}          another model, e.g. marts.customer_survival
 *   {{ source('raw', 'table') }} a raw table, e.g. raw.usage_events
 *   {{ var('as_of') }}          a build variable, e.g. 2026-03-14
 * and {# comments #}. Anything else inside {{ }} or {% %} is an error that
 * names the file and line, so a model never silently runs with a template
 * left in it.
 */
#ifndef TN_WAREHOUSE_TEMPLATE_H
#define TN_WAREHOUSE_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "common/strbuf.h"

typedef enum { TN_TEMPLATE_REF, TN_TEMPLATE_SOURCE, TN_TEMPLATE_VAR } tn_template_kind;

/* One expression found in a template. */
typedef struct {
    tn_template_kind kind;
    const char *first;  /* ref/var: the name; source: the source name ("raw") */
    const char *second; /* source: the table name; NULL otherwise */
    int line;           /* where it is, 1-based */
} tn_template_expression;

/*
 * Resolves an expression to the text that replaces it. Returns false with
 * `err` set when it cannot (unknown model, unknown variable).
 */
typedef bool (*tn_template_resolver)(void *context, const tn_template_expression *expression,
                                     tn_strbuf *out, tn_error *err);

/*
 * Renders `text` (from `path`, for messages) into `out`, replacing each
 * expression with what `resolve` gives. A NULL `resolve` only checks the
 * template and calls nothing. Errors name `path` and the line.
 */
bool tn_template_render(const char *path, const char *text, tn_template_resolver resolve,
                        void *context, tn_strbuf *out, tn_error *err);

/*
 * Calls `visit` for every expression in `text` (for finding a model's refs).
 * Stops at the first false from `visit`.
 */
bool tn_template_scan(const char *path, const char *text, tn_template_resolver visit, void *context,
                      tn_error *err);

#endif
