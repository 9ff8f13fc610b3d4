/*
 * template.c — rendering {{ ref() }}, {{ source() }}, {{ var() }} and the
 * dialect's macros (see template.h and dialect.h).
 */
#include "warehouse/template.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "common/embedded.h"

enum { MAX_NAME = 128, MAX_ARGUMENTS = 3, MAX_NODES = 16 };

typedef struct {
    const char *path;
    int line;
    tn_error *err;
} parse_site;

/* One part of an expression: a quoted text, a bare number, or a call with its arguments. */
typedef struct {
    enum { NODE_QUOTED, NODE_NUMBER, NODE_CALL } kind;
    const char *text; /* the quoted text, the number, or the call's name */
    size_t length;
    int arguments[MAX_ARGUMENTS]; /* calls: indexes into the tree's nodes */
    int argument_count;
} node;

/* An expression between {{ and }}, parsed: nodes[0] is the outermost call. */
typedef struct {
    node nodes[MAX_NODES];
    int count;
    tn_dialect dialect;
    tn_template_resolver resolve;
    void *context;
    parse_site *site;
} expression_tree;

static const char *skip_space(const char *p, const char *end) {
    while (p < end && isspace((unsigned char)*p))
        p++;
    return p;
}

static bool is_name_char(char c) {
    return isalnum((unsigned char)c) || c == '_';
}

static bool site_error(parse_site *site, const char *what) {
    return tn_error_set(site->err, TN_ERR_INPUT, "%s:%d: %s", site->path, site->line, what);
}

static const char *parse_value(const char *p, const char *end, expression_tree *tree, int *index);

static bool call_is(const node *call, const char *name) {
    return call->length == strlen(name) && strncmp(call->text, name, call->length) == 0;
}

/* ref(), source(), var() or a macro of dialect.h. */
static bool known_call(const node *call) {
    return call_is(call, "ref") || call_is(call, "var") || call_is(call, "source") ||
           tn_dialect_macro_arguments(call->text, call->length) >= 0;
}

static const char *unsupported(const expression_tree *tree, const node *call) {
    tn_error_set(tree->site->err, TN_ERR_INPUT,
                 "%s:%d: unsupported template expression '%.*s()' (only ref(), source(), var(), "
                 "%s are)",
                 tree->site->path, tree->site->line, (int)call->length, call->text,
                 TN_DIALECT_MACRO_NAMES);
    return NULL;
}

/* A quoted text ('x' or "x"), without its quotes. */
static const char *parse_quoted(const char *p, const char *end, node *value, parse_site *site) {
    char quote = *p++;
    const char *start = p;
    while (p < end && *p != quote)
        p++;
    if (p >= end || p == start) {
        site_error(site, "unterminated or empty name");
        return NULL;
    }
    value->kind = NODE_QUOTED, value->text = start, value->length = (size_t)(p - start);
    return p + 1;
}

/* The arguments of a call, from after its '(' to its ')'. */
static const char *parse_arguments(const char *p, const char *end, expression_tree *tree,
                                   int call) {
    p = skip_space(p, end);
    if (p < end && *p == ')')
        return p + 1;
    for (;;) {
        int argument;
        if (tree->nodes[call].argument_count == MAX_ARGUMENTS) {
            site_error(tree->site, "too many arguments");
            return NULL;
        }
        if ((p = parse_value(p, end, tree, &argument)) == NULL)
            return NULL;
        node *c = &tree->nodes[call];
        c->arguments[c->argument_count++] = argument;
        p = skip_space(p, end);
        if (p < end && *p == ',') {
            p++;
            continue;
        }
        if (p < end && *p == ')')
            return p + 1;
        tn_error_set(tree->site->err, TN_ERR_INPUT, "%s:%d: expected ')' to close %.*s",
                     tree->site->path, tree->site->line, (int)c->length, c->text);
        return NULL;
    }
}

/* A quoted text, a number or a call; its node's index into `index`. */
static const char *parse_value(const char *p, const char *end, expression_tree *tree, int *index) {
    p = skip_space(p, end);
    if (tree->count == MAX_NODES) {
        site_error(tree->site, "expression too deeply nested");
        return NULL;
    }
    *index = tree->count;
    node *value = &tree->nodes[tree->count++];
    memset(value, 0, sizeof *value);
    if (p < end && (*p == '\'' || *p == '"'))
        return parse_quoted(p, end, value, tree->site);
    const char *start = p;
    if (p < end && *p == '-')
        p++;
    if (p < end && isdigit((unsigned char)*p)) {
        while (p < end && isdigit((unsigned char)*p))
            p++;
        value->kind = NODE_NUMBER, value->text = start, value->length = (size_t)(p - start);
        return p;
    }
    p = start;
    while (p < end && is_name_char(*p))
        p++;
    if (p == start) {
        site_error(tree->site, "expected a quoted name, a number or a call");
        return NULL;
    }
    value->kind = NODE_CALL, value->text = start, value->length = (size_t)(p - start);
    p = skip_space(p, end);
    if ((p >= end || *p != '(') && *index > 0) { /* a bare word as an argument */
        tn_error_set(tree->site->err, TN_ERR_INPUT,
                     "%s:%d: expected a quoted name, a number or a call, not '%.*s'",
                     tree->site->path, tree->site->line, (int)value->length, value->text);
        return NULL;
    }
    if (p >= end || *p != '(') {
        tn_error_set(tree->site->err, TN_ERR_INPUT, "%s:%d: expected '(' after %.*s",
                     tree->site->path, tree->site->line, (int)value->length, value->text);
        return NULL;
    }
    if (!known_call(value))
        return unsupported(tree, value);
    return parse_arguments(p + 1, end, tree, *index);
}

/* Copies a quoted argument of ref(), source() or var() into `out` (MAX_NAME bytes). */
static bool name_argument(const expression_tree *tree, const node *call, int which, char *out) {
    const node *argument = &tree->nodes[call->arguments[which]];
    if (argument->kind != NODE_QUOTED)
        return site_error(tree->site, "expected a quoted name");
    if (argument->length >= MAX_NAME)
        return site_error(tree->site, "unterminated or empty name");
    memcpy(out, argument->text, argument->length);
    out[argument->length] = '\0';
    return true;
}

/* ref(), source() or var(): what the resolver makes of it (`out` NULL: a scan). */
static bool resolve_call(const expression_tree *tree, const node *call, tn_strbuf *out) {
    tn_template_expression expression = {.line = tree->site->line};
    int arguments;
    if (call_is(call, "ref"))
        expression.kind = TN_TEMPLATE_REF, arguments = 1;
    else if (call_is(call, "var"))
        expression.kind = TN_TEMPLATE_VAR, arguments = 1;
    else
        expression.kind = TN_TEMPLATE_SOURCE, arguments = 2;
    if (call->argument_count != arguments)
        return site_error(tree->site, arguments == 2
                                          ? "source() takes two names: source('raw', 'table')"
                                          : "ref() and var() take one quoted name");
    char first[MAX_NAME], second[MAX_NAME];
    if (!name_argument(tree, call, 0, first) ||
        (arguments == 2 && !name_argument(tree, call, 1, second)))
        return false;
    expression.first = first;
    expression.second = arguments == 2 ? second : NULL;
    return tree->resolve == NULL || tree->resolve(tree->context, &expression, out, tree->site->err);
}

static bool evaluate(const expression_tree *tree, int index, tn_strbuf *out);

/* A macro: its arguments evaluated to texts, then expanded for the dialect. */
static bool expand_macro(const expression_tree *tree, const node *call, int arguments,
                         tn_strbuf *out) {
    char name[MAX_NAME];
    snprintf(name, sizeof name, "%.*s", (int)call->length, call->text);
    if (call->argument_count != arguments)
        return tn_error_set(tree->site->err, TN_ERR_INPUT, "%s:%d: %s() takes %d argument%s",
                            tree->site->path, tree->site->line, name, arguments,
                            arguments == 1 ? "" : "s");
    tn_strbuf texts[MAX_ARGUMENTS] = {TN_STRBUF_INIT, TN_STRBUF_INIT, TN_STRBUF_INIT};
    const char *values[MAX_ARGUMENTS] = {NULL, NULL, NULL};
    bool ok = true;
    for (int a = 0; ok && a < arguments; a++) {
        ok = evaluate(tree, call->arguments[a], out != NULL ? &texts[a] : NULL);
        values[a] = tn_strbuf_cstr(&texts[a]);
    }
    if (ok && out != NULL &&
        !tn_dialect_expand(tree->dialect, name, values, out, tree->site->err)) {
        tn_error_prefix(tree->site->err, "%s:%d", tree->site->path, tree->site->line);
        ok = false;
    }
    for (int a = 0; a < arguments; a++)
        tn_strbuf_free(&texts[a]);
    return ok;
}

/* Appends what node `index` stands for to `out` (NULL: only visits the ref()s, var()s). */
static bool evaluate(const expression_tree *tree, int index, tn_strbuf *out) {
    const node *value = &tree->nodes[index];
    if (value->kind != NODE_CALL)
        return out == NULL || tn_strbuf_append(out, value->text, value->length) ||
               tn_error_set(tree->site->err, TN_ERR_NOMEM, "out of memory");
    if (call_is(value, "ref") || call_is(value, "var") || call_is(value, "source"))
        return resolve_call(tree, value, out);
    /* parse_value let only known calls through */
    return expand_macro(tree, value, tn_dialect_macro_arguments(value->text, value->length), out);
}

/* Parses the expression between `p` and `end` and renders it (or, `out` NULL, scans it). */
static bool render_expression(const char *p, const char *end, expression_tree *tree,
                              tn_strbuf *out) {
    int root;
    if ((p = parse_value(p, end, tree, &root)) == NULL)
        return false;
    if (tree->nodes[root].kind != NODE_CALL)
        return tn_error_set(tree->site->err, TN_ERR_INPUT,
                            "%s:%d: unsupported template expression (a call is expected)",
                            tree->site->path, tree->site->line);
    const char *rest = skip_space(p, end), *rest_end = end;
    while (rest_end > rest && isspace((unsigned char)rest_end[-1]))
        rest_end--;
    if (rest != end)
        return tn_error_set(tree->site->err, TN_ERR_INPUT,
                            "%s:%d: expected '}}' after %.*s(...), not '%.*s'", tree->site->path,
                            tree->site->line, (int)tree->nodes[root].length, tree->nodes[root].text,
                            (int)(rest_end - rest), rest);
    return evaluate(tree, root, out);
}

static int count_lines(const char *from, const char *to) {
    int lines = 0;
    for (const char *p = from; p < to; p++)
        lines += *p == '\n';
    return lines;
}

/* The shared walk of render and scan: `out` NULL means scan only. */
static bool walk(const char *path, const char *text, tn_dialect dialect,
                 tn_template_resolver resolve, void *context, tn_strbuf *out, tn_error *err) {
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
                                "%s:%d: unsupported template tag '{%% ... %%}' (only "
                                "expressions in {{ }} are)",
                                path, site.line);
        if (open[1] == '{') {
            expression_tree tree = {.count = 0,
                                    .dialect = dialect,
                                    .resolve = resolve,
                                    .context = context,
                                    .site = &site};
            if (!render_expression(open + 2, close, &tree, out))
                return false;
        }
        site.line += count_lines(open, close);
        p = close + 2;
    }
    return true;
}

bool tn_template_render(const char *path, const char *text, tn_dialect dialect,
                        tn_template_resolver resolve, void *context, tn_strbuf *out,
                        tn_error *err) {
    return walk(path, text, dialect, resolve, context, out, err);
}

bool tn_template_scan(const char *path, const char *text, tn_template_resolver visit, void *context,
                      tn_error *err) {
    return walk(path, text, TN_DIALECT_DUCKDB, visit, context, NULL, err);
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
    if (walk(path, text, TN_DIALECT_DUCKDB, resolve_var, &context, out, &render_err))
        return true;
    /* a template the binary carries that does not parse is a bug, not the user's input */
    return tn_error_set(err, render_err.code == TN_ERR_INPUT ? TN_ERR_INTERNAL : render_err.code,
                        "%s", render_err.message);
}
