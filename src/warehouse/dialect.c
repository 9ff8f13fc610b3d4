/*
 * dialect.c — the macros of the models, expanded for DuckDB or PostgreSQL (see dialect.h).
 */
#include "warehouse/dialect.h"

#include <ctype.h>
#include <string.h>

const char TN_DIALECT_MACRO_NAMES[] = "dateadd(), datediff(), date_literal() and hash64()";

typedef enum { MACRO_DATEADD, MACRO_DATEDIFF, MACRO_DATE_LITERAL, MACRO_HASH64 } macro_kind;

static const struct {
    const char *name;
    macro_kind kind;
    int arguments;
} MACROS[] = {
    {"dateadd", MACRO_DATEADD, 3},
    {"datediff", MACRO_DATEDIFF, 3},
    {"date_literal", MACRO_DATE_LITERAL, 1},
    {"hash64", MACRO_HASH64, 1},
};
enum { MACRO_COUNT = sizeof MACROS / sizeof MACROS[0] };

bool tn_dialect_parse(const char *name, tn_dialect *out) {
    if (strcmp(name, "duckdb") == 0)
        *out = TN_DIALECT_DUCKDB;
    else if (strcmp(name, "postgres") == 0 || strcmp(name, "postgresql") == 0)
        *out = TN_DIALECT_POSTGRES;
    else
        return false;
    return true;
}

const char *tn_dialect_name(tn_dialect dialect) {
    return dialect == TN_DIALECT_POSTGRES ? "postgres" : "duckdb";
}

static int find_macro(const char *name, size_t length) {
    for (int m = 0; m < MACRO_COUNT; m++)
        if (strlen(MACROS[m].name) == length && strncmp(MACROS[m].name, name, length) == 0)
            return m;
    return -1;
}

int tn_dialect_macro_arguments(const char *name, size_t length) {
    int m = find_macro(name, length);
    return m < 0 ? -1 : MACROS[m].arguments;
}

/* An optional minus sign and at least one digit, nothing else. */
static bool is_integer(const char *text) {
    const char *p = text + (*text == '-');
    if (*p == '\0')
        return false;
    for (; *p != '\0'; p++)
        if (!isdigit((unsigned char)*p))
            return false;
    return true;
}

static bool out_of_memory(tn_error *err) {
    return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
}

/*
 * dateadd(part, interval, date). By days, a DATE plus an integer: a DATE on
 * both engines (DuckDB's DATE + INTERVAL would be a TIMESTAMP). By hours,
 * months or years, the interval times one unit: a TIMESTAMP on both.
 */
static bool expand_dateadd(const char *const *arguments, tn_strbuf *out, tn_error *err) {
    const char *part = arguments[0], *interval = arguments[1], *date = arguments[2];
    bool ok;
    if (strcmp(part, "day") == 0 && is_integer(interval))
        ok = interval[0] == '-' ? tn_strbuf_printf(out, "(%s - %s)", date, interval + 1)
                                : tn_strbuf_printf(out, "(%s + %s)", date, interval);
    else if (strcmp(part, "day") == 0)
        ok = tn_strbuf_printf(out, "(%s + (%s))", date, interval);
    else if (strcmp(part, "hour") == 0 || strcmp(part, "month") == 0 || strcmp(part, "year") == 0)
        ok = tn_strbuf_printf(out, "(%s + (%s) * INTERVAL '1 %s')", date, interval, part);
    else
        return tn_error_set(err, TN_ERR_INPUT,
                            "dateadd() takes the date part 'day', 'hour', 'month' or 'year', "
                            "not '%s'",
                            part);
    return ok || out_of_memory(err);
}

/*
 * datediff(first, second, 'day'), in dbt's order: whole days from the first
 * date to the second, an integer.
 */
static bool expand_datediff(const char *const *arguments, tn_strbuf *out, tn_error *err) {
    if (strcmp(arguments[2], "day") != 0)
        return tn_error_set(err, TN_ERR_INPUT,
                            "datediff() takes the date part 'day' only, not '%s'", arguments[2]);
    return tn_strbuf_printf(out, "(CAST(%s AS DATE) - CAST(%s AS DATE))", arguments[1],
                            arguments[0]) ||
           out_of_memory(err);
}

/* date_literal('2026-03-14'): ten characters, digits but for the two dashes. */
static bool expand_date_literal(const char *text, tn_strbuf *out, tn_error *err) {
    bool well_formed = strlen(text) == 10;
    for (int i = 0; well_formed && i < 10; i++)
        well_formed = i == 4 || i == 7 ? text[i] == '-' : isdigit((unsigned char)text[i]) != 0;
    if (!well_formed)
        return tn_error_set(err, TN_ERR_INPUT,
                            "date_literal() takes a date as YYYY-MM-DD, not '%s'", text);
    return tn_strbuf_printf(out, "DATE '%s'", text) || out_of_memory(err);
}

static bool expand_hash64(tn_dialect dialect, const char *text, tn_strbuf *out, tn_error *err) {
    bool ok = dialect == TN_DIALECT_POSTGRES
                  ? tn_strbuf_printf(out, "hashtextextended(%s, 0)", text)
                  : tn_strbuf_printf(out, "hash(%s)", text);
    return ok || out_of_memory(err);
}

bool tn_dialect_expand(tn_dialect dialect, const char *name, const char *const *arguments,
                       tn_strbuf *out, tn_error *err) {
    int m = find_macro(name, strlen(name));
    if (m < 0)
        return tn_error_set(err, TN_ERR_INTERNAL, "no macro is called %s()", name);
    switch (MACROS[m].kind) {
    case MACRO_DATEADD:
        return expand_dateadd(arguments, out, err);
    case MACRO_DATEDIFF:
        return expand_datediff(arguments, out, err);
    case MACRO_DATE_LITERAL:
        return expand_date_literal(arguments[0], out, err);
    case MACRO_HASH64:
        return expand_hash64(dialect, arguments[0], out, err);
    }
    return tn_error_set(err, TN_ERR_INTERNAL, "macro %s() has no expansion", name);
}
