/*
 * template.h — the part of dbt's Jinja that Tenure's SQL uses.
 *
 * Models are plain SQL with three kinds of expression, so the same files run
 * under dbt:
 *   {{ ref('model') }}          another model, e.g. marts.customer_survival
 *   {{ source('raw', 'table') }} a raw table, e.g. raw.usage_events
 *   {{ var('as_of') }}          a build variable, e.g. 2026-03-14
 * the dialect's macros, whose arguments are quoted SQL, numbers or var()
 * (dialect.h: {{ dateadd('day', -30, 'p.as_of') }},
 * {{ date_literal(var('as_of')) }}), and {# comments #}. Anything else inside
 * {{ }} or {% %} is an error that names the file and line, so a model never
 * silently runs with a template left in it.
 *
 * The loader's and the build's own statements under sql/ use var() alone,
 * for the parts of a fixed statement that are written at run time (a table
 * name, a list of columns): tn_template_render_file.
 */
#ifndef TN_WAREHOUSE_TEMPLATE_H
#define TN_WAREHOUSE_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "common/strbuf.h"
#include "warehouse/dialect.h"

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

/* Values of {{ var('...') }} during a render. */
typedef struct {
    const char *name;
    const char *value;
} tn_template_var;

/*
 * Renders `text` (from `path`, for messages) for `dialect` into `out`,
 * replacing each ref(), source() and var() with what `resolve` gives and each
 * macro with its expansion. A NULL `resolve` only checks the template and
 * calls nothing. Errors name `path` and the line.
 */
bool tn_template_render(const char *path, const char *text, tn_dialect dialect,
                        tn_template_resolver resolve, void *context, tn_strbuf *out, tn_error *err);

/*
 * Renders the embedded file at `path` ("sql/load/row_count.sql") into `out`,
 * each {{ var('name') }} replaced by its value in `vars` (a list ended by a
 * NULL name). A value is pasted as it is, so it must be SQL the caller
 * wrote (an identifier of its own, a list of columns), never data: data is
 * a bound parameter ($1). Macros expand for DuckDB. A missing file, an
 * unknown var, ref() or source() is TN_ERR_INTERNAL naming the file and line.
 */
bool tn_template_render_file(const char *path, const tn_template_var *vars, tn_strbuf *out,
                             tn_error *err);

/*
 * Calls `visit` for every ref(), source() and var() in `text`, those inside
 * macro arguments included (for finding a model's refs).
 * Stops at the first false from `visit`.
 */
bool tn_template_scan(const char *path, const char *text, tn_template_resolver visit, void *context,
                      tn_error *err);

#endif
