/*
 * dialect.h — the SQL engines Tenure's models are rendered for, and the few
 * macros that hide where those engines differ.
 *
 * The models are written in a subset of SQL that DuckDB and PostgreSQL read
 * alike (and, through dbt's cross-database macros, the cloud warehouses).
 * Where they do not agree, a model calls a macro, in the manner of dbt's:
 *
 *   {{ dateadd('day', -30, 'p.as_of') }}        a date moved by a number of days
 *                                               (or 'hour', 'month', 'year')
 *   {{ datediff('c.signup_date', 'p.as_of', 'day') }}
 *                                               whole days from the first date to the second
 *   {{ date_literal(var('as_of')) }}            a date constant: DATE '2026-03-14'
 *   {{ hash64('event_id') }}                    a 64-bit hash of a text
 *
 * The arguments are quoted SQL, bare numbers, or var() (as in dbt, where
 * they are Jinja strings), in the order of dbt's macros of the same names. dateadd by days keeps a DATE a DATE on both
 * engines, so the marts' types are the same whichever engine built them.
 */
#ifndef TN_WAREHOUSE_DIALECT_H
#define TN_WAREHOUSE_DIALECT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "common/strbuf.h"

typedef enum { TN_DIALECT_DUCKDB, TN_DIALECT_POSTGRES } tn_dialect;

/* "duckdb" or "postgres" (also "postgresql"); false for any other name. */
bool tn_dialect_parse(const char *name, tn_dialect *out);

/* The dialect's name, as tn_dialect_parse reads it. */
const char *tn_dialect_name(tn_dialect dialect);

/*
 * How many arguments the macro called `name` (`length` bytes, not
 * NUL-terminated) takes, or -1 when no macro has that name.
 */
int tn_dialect_macro_arguments(const char *name, size_t length);

/*
 * Appends macro `name`'s SQL for `dialect` to `out`, from its evaluated
 * arguments (as many as tn_dialect_macro_arguments says). An argument the
 * macro cannot take (an unknown date part, a date that is not YYYY-MM-DD) is
 * TN_ERR_INPUT saying what was expected; the caller adds the file and line.
 */
bool tn_dialect_expand(tn_dialect dialect, const char *name, const char *const *arguments,
                       tn_strbuf *out, tn_error *err);

/* The macros' names, for messages: "dateadd(), datediff(), date_literal() and hash64()". */
extern const char TN_DIALECT_MACRO_NAMES[];

#endif
