/*
 * template.c — rendering {{ ref() }}, {{ source() }} and {{ var() }} (see template.h).
 */
#include "warehouse/template.h"

#include <ctype.h>
#include <string.h>

#include "common/embedded.h"

enum { MAX_NAME = 128 };

typedef struct {
    const char *path;
    int line;
    tn_error *err;
} parse_site;

static const char *skip_space(const char *p, const char *end) {
    while (p < end && isspace((unsigned char)*p))
        p++;
    return p;
}

/* Reads a quoted string argument ('x' or "x") into `out`. */
static const char *read_argument(const char *p, const char *end, char *out, parse_site *site) {
    p = skip_space(p, end);
    if (p >= end || (*p != '\'' && *p != '"')) {
        tn_error_set(site->err, TN_ERR_INPUT, "%s:%d: expected a quoted name", site->path,
                     site->line);
        return NULL;
    }
    char quote = *p++;
    const char *start = p;
    while (p < end && *p != quote)
        p++;
    size_t length = (size_t)(p - start);
    if (p >= end || length == 0 || length >= MAX_NAME) {
        tn_error_set(site->err, TN_ERR_INPUT, "%s:%d: unterminated or empty name", site->path,
                     site->line);
        return NULL;
    }
    memcpy(out, start, length);
    out[length] = '\0';
    return p + 1;
}

/* Parses "name('a'[, 'b'])" between `p` and `end` into `expression`. */
static bool parse_call(const char *p, const char *end, tn_template_expression *expression,
                       char *first, char *second, parse_site *site) {
    p = skip_space(p, end);
    const char *name = p;
    while (p < end && (isalnum((unsigned char)*p) || *p == '_'))
        p++;
    size_t name_length = (size_t)(p - name);
    int arguments;
    if (name_length == 3 && strncmp(name, "ref", 3) == 0) {
        expression->kind = TN_TEMPLATE_REF, arguments = 1;
    } else if (name_length == 3 && strncmp(name, "var", 3) == 0) {
        expression->kind = TN_TEMPLATE_VAR, arguments = 1;
    } else if (name_length == 6 && strncmp(name, "source", 6) == 0) {
        expression->kind = TN_TEMPLATE_SOURCE, arguments = 2;
    } else {
        return tn_error_set(site->err, TN_ERR_INPUT,
                            "%s:%d: unsupported template expression '{{ %.*s }}' "
                            "(only ref(), source() and var() are)",
                            site->path, site->line, (int)(end - name), name);
    }
    p = skip_space(p, end);
    if (p >= end || *p != '(')
        return tn_error_set(site->err, TN_ERR_INPUT, "%s:%d: expected '(' after %.*s", site->path,
                            site->line, (int)name_length, name);
    if ((p = read_argument(p + 1, end, first, site)) == NULL)
        return false;
    expression->first = first;
    expression->second = NULL;
    if (arguments == 2) {
        p = skip_space(p, end);
        if (p >= end || *p != ',')
            return tn_error_set(site->err, TN_ERR_INPUT,
                                "%s:%d: source() takes two names: source('raw', 'table')",
                                site->path, site->line);
        if ((p = read_argument(p + 1, end, second, site)) == NULL)
            return false;
        expression->second = second;
    }
    p = skip_space(p, end);
    if (p >= end || *p != ')' || skip_space(p + 1, end) != end)
        return tn_error_set(site->err, TN_ERR_INPUT, "%s:%d: expected ')' to close %.*s",
                            site->path, site->line, (int)name_length, name);
    return true;
}

static int count_lines(const char *from, const char *to) {
    int lines = 0;
    for (const char *p = from; p < to; p++)
        lines += *p == '\n';
    return lines;
}

/* The shared walk of render and scan: `out` NULL means scan only. */
static bool walk(const char *path, const char *text, tn_template_resolver resolve, void *context,
                 tn_strbuf *out, tn_error *err) {
    parse_site site = {path, 1, err};
    const char *p = text;
    while (*p != '\0') {
        const char *open = strchr(p, '{');
        if (open == NULL || (open[1] != '{' && open[1] != '%' && open[1] != '#')) {
            const char *stop = open == NULL ? p + strlen(p) : open + 1;
            if (out != NULL && !tn_strbuf_append(out, p, (size_t)(stop - p)))
                return tn_error_set(err, TN_ERR_NOMEM, "%s: out of memory", path);
            site.line += count_lines(p, stop);
            p = stop;
            continue;
        }
        if (out != NULL && !tn_strbuf_append(out, p, (size_t)(open - p)))
            return tn_error_set(err, TN_ERR_NOMEM, "%s: out of memory", path);
        site.line += count_lines(p, open);
        char closer[3] = {open[1] == '{' ? '}' : open[1], '}', '\0'};
        const char *close = strstr(open + 2, closer);
        if (close == NULL)
            return tn_error_set(err, TN_ERR_INPUT, "%s:%d: '%.2s' is never closed", path, site.line,
                                open);
        if (open[1] == '%')
            return tn_error_set(err, TN_ERR_INPUT,
                                "%s:%d: unsupported template tag '{%% ... %%}' (only ref(), "
                                "source() and var() expressions are)",
                                path, site.line);
        if (open[1] == '{') {
            tn_template_expression expression = {.line = site.line};
            char first[MAX_NAME], second[MAX_NAME];
            if (!parse_call(open + 2, close, &expression, first, second, &site))
                return false;
            if (resolve != NULL && !resolve(context, &expression, out, err))
                return false;
        }
        site.line += count_lines(open, close);
        p = close + 2;
    }
    return true;
}

bool tn_template_render(const char *path, const char *text, tn_template_resolver resolve,
                        void *context, tn_strbuf *out, tn_error *err) {
    return walk(path, text, resolve, context, out, err);
}

bool tn_template_scan(const char *path, const char *text, tn_template_resolver visit, void *context,
                      tn_error *err) {
    return walk(path, text, visit, context, NULL, err);
}

typedef struct {
    const char *path;
    const tn_template_var *vars;
} file_context;

/* var() from the list; anything else is a bug in the file. */
static bool resolve_var(void *context, const tn_template_expression *expression, tn_strbuf *out,
                        tn_error *err) {
    const file_context *file = context;
    if (expression->kind != TN_TEMPLATE_VAR)
        return tn_error_set(err, TN_ERR_INTERNAL, "%s:%d: only var() can be used here", file->path,
                            expression->line);
    for (const tn_template_var *var = file->vars; var != NULL && var->name != NULL; var++)
        if (strcmp(var->name, expression->first) == 0)
            return tn_strbuf_puts(out, var->value) ||
                   tn_error_set(err, TN_ERR_NOMEM, "%s: out of memory", file->path);
    return tn_error_set(err, TN_ERR_INTERNAL, "%s:%d: var('%s') has no value", file->path,
                        expression->line, expression->first);
}

bool tn_template_render_file(const char *path, const tn_template_var *vars, tn_strbuf *out,
                             tn_error *err) {
    const char *text = tn_embedded_text(path);
    if (text == NULL)
        return tn_error_set(err, TN_ERR_INTERNAL, "%s is not built into tenure", path);
    file_context context = {path, vars};
    tn_error render_err;
    tn_error_clear(&render_err);
    if (walk(path, text, resolve_var, &context, out, &render_err))
        return true;
    /* a template the binary carries that does not parse is a bug, not the user's input */
    return tn_error_set(err, render_err.code == TN_ERR_INPUT ? TN_ERR_INTERNAL : render_err.code,
                        "%s", render_err.message);
}
