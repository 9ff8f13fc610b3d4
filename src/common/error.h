/*
 * error.h — the one error type every Tenure module returns.
 *
 * A function that can fail takes a `tn_error *err` as its last argument and
 * returns false (or NULL, or a negative count) on failure after filling `err`
 * with a code and a message that names what was wrong and where ("--as-of:
 * '2026-02-30' is not a date: 2026-02 has 28 days"). Callers add context on
 * the way up with tn_error_prefix() and only the command layer prints it.
 * Library code never prints an error and never calls exit().
 *
 * `err` may be NULL everywhere: the failure is then reported by the return
 * value alone.
 */
#ifndef TN_COMMON_ERROR_H
#define TN_COMMON_ERROR_H

#include <stdbool.h>

/* What kind of failure it was; decides the process exit status. */
typedef enum {
    TN_OK = 0,
    TN_ERR_USAGE,       /* the command line itself is wrong (unknown option, missing value) */
    TN_ERR_INPUT,       /* a value the user gave is wrong (bad date, bad CSV row) */
    TN_ERR_IO,          /* a file could not be read, written or renamed */
    TN_ERR_DB,          /* DuckDB refused a statement */
    TN_ERR_MODEL,       /* a model file is missing, corrupt or does not fit the data */
    TN_ERR_NOMEM,       /* an allocation failed */
    TN_ERR_INTERNAL,    /* a broken invariant: a bug in Tenure */
    TN_ERR_INTERRUPTED, /* the user pressed Ctrl-C (SIGINT) or sent SIGTERM */
} tn_error_code;

#define TN_ERROR_MESSAGE_MAX 1024

typedef struct {
    tn_error_code code;
    char message[TN_ERROR_MESSAGE_MAX];
} tn_error;

/* Resets `err` to TN_OK with an empty message. */
void tn_error_clear(tn_error *err);

/*
 * Records a failure: `code` and a printf-style message (truncated to fit).
 * Always returns false, so a failing function can `return tn_error_set(...)`.
 */
bool tn_error_set(tn_error *err, tn_error_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Puts context in front of the message already in `err`:
 * "reading customers.csv" + "line 4: ..." → "reading customers.csv: line 4: ...".
 * The code is kept. Does nothing when `err` is NULL or holds no error.
 */
void tn_error_prefix(tn_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A short lower-case name for `code` ("usage", "input", ...). */
const char *tn_error_code_name(tn_error_code code);

/*
 * The process exit status for an error: 0 for TN_OK, 2 for usage errors, 130
 * (128 + SIGINT, as shells report it) when interrupted, 1 otherwise.
 */
int tn_error_exit_status(const tn_error *err);

#endif
