/*
 * yaml_walk.c — node helpers and problems for hand-written YAML (see
 * yaml_walk.h).
 */
#include "warehouse/yaml_walk.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void tn_yaml_problem(tn_yaml_walk *w, const yaml_node_t *node, const char *where, const char *fmt,
                     ...) {
    char message[768];
    va_list args;
    va_start(args, fmt);
    vsnprintf(message, sizeof message, fmt, args);
    va_end(args);
    w->problem_count++;
    if (node != NULL)
        tn_strbuf_printf(w->problems, "%s:%zu:%zu: %s: %s\n", w->path, node->start_mark.line + 1,
                         node->start_mark.column + 1, where, message);
    else
        tn_strbuf_printf(w->problems, "%s: %s: %s\n", w->path, where, message);
}

yaml_node_t *tn_yaml_node(const tn_yaml_walk *w, int index) {
    return yaml_document_get_node(w->document, index);
}

const char *tn_yaml_scalar(const yaml_node_t *node) {
    return node != NULL && node->type == YAML_SCALAR_NODE ? (const char *)node->data.scalar.value
                                                          : NULL;
}

bool tn_yaml_is_null(const yaml_node_t *node) {
    const char *text = tn_yaml_scalar(node);
    return text != NULL && node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
           (text[0] == '\0' || strcmp(text, "~") == 0 || strcasecmp(text, "null") == 0);
}

bool tn_yaml_is_todo(const char *text) {
    return text != NULL && strncasecmp(text, "TODO", 4) == 0;
}

char *tn_yaml_copy(tn_yaml_walk *w, const char *text) {
    char *result = strdup(text);
    if (result == NULL)
        w->out_of_memory = true;
    return result;
}

const char *tn_yaml_expect_text(tn_yaml_walk *w, const yaml_node_t *node, const char *where,
                                const char *expected) {
    const char *text = tn_yaml_scalar(node);
    if (text == NULL || tn_yaml_is_null(node)) {
        tn_yaml_problem(w, node, where, "expected %s", expected);
        return NULL;
    }
    if (tn_yaml_is_todo(text)) {
        tn_yaml_problem(w, node, where, "still says '%s': expected %s", text, expected);
        return NULL;
    }
    if (text[strspn(text, " \t\r\n")] == '\0') { /* '', or `|` with nothing under it */
        tn_yaml_problem(w, node, where, "is empty: expected %s", expected);
        return NULL;
    }
    return text;
}

bool tn_yaml_expect_mapping(tn_yaml_walk *w, const yaml_node_t *node, const char *where,
                            const char *expected) {
    if (node != NULL && node->type == YAML_MAPPING_NODE)
        return true;
    tn_yaml_problem(w, node, where, "expected %s", expected);
    return false;
}

bool tn_yaml_repeated_key(const tn_yaml_walk *w, const yaml_node_t *mapping,
                          const yaml_node_pair_t *pair) {
    const char *key = tn_yaml_scalar(tn_yaml_node(w, pair->key));
    for (const yaml_node_pair_t *p = mapping->data.mapping.pairs.start; p < pair; p++) {
        const char *other = tn_yaml_scalar(tn_yaml_node(w, p->key));
        if (key != NULL && other != NULL && strcmp(key, other) == 0)
            return true;
    }
    return false;
}

void tn_yaml_read(tn_yaml_walk *w, FILE *file,
                  void (*read_root)(const yaml_node_t *root, void *context), void *context) {
    yaml_parser_t parser;
    yaml_document_t document;
    if (!yaml_parser_initialize(&parser)) {
        w->out_of_memory = true;
        return;
    }
    yaml_parser_set_input_file(&parser, file);
    if (!yaml_parser_load(&parser, &document)) {
        w->problem_count++;
        tn_strbuf_printf(w->problems, "%s:%zu:%zu: not valid YAML: %s%s%s\n", w->path,
                         parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                         parser.problem ? parser.problem : "syntax error",
                         parser.context ? " " : "", parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        return;
    }
    w->document = &document;
    read_root(yaml_document_get_root_node(&document), context);
    w->document = NULL;
    yaml_document_delete(&document);
    yaml_parser_delete(&parser);
}
