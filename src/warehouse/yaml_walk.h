/*
 * yaml_walk.h — reading a YAML file that people write by hand (the project
 * file, tenure.yml: its tables in warehouse/mapping.h, its alerts in
 * insight/alert_rules.h): the node helpers, and problems reported with
 * file:line:column and what was expected, every one of them in one pass.
 */
#ifndef TN_WAREHOUSE_YAML_WALK_H
#define TN_WAREHOUSE_YAML_WALK_H

#include <stdbool.h>
#include <stdio.h>

#include <yaml.h>

#include "common/strbuf.h"

/* A walk over one parsed document; the reader's own walk holds one. All borrowed. */
typedef struct {
    const char *path;          /* the file, as problems name it */
    yaml_document_t *document; /* the parsed document */
    tn_strbuf *problems;       /* one line per problem is appended here */
    int problem_count;
    bool out_of_memory; /* set by tn_yaml_copy; the reader fails with TN_ERR_NOMEM */
} tn_yaml_walk;

/*
 * Parses `file` as one YAML document into w->document and calls
 * read_root(context, root) on its root node (NULL for an empty file).
 * Invalid YAML is reported as a problem at its line:column; a parser that
 * cannot be set up sets w->out_of_memory. The document lives only for the
 * call: read_root copies what it keeps.
 */
void tn_yaml_read(tn_yaml_walk *w, FILE *file,
                  void (*read_root)(const yaml_node_t *root, void *context), void *context);

/* Appends "path:line:column: where: message" (without a node: "path: where: message"). */
void tn_yaml_problem(tn_yaml_walk *w, const yaml_node_t *node, const char *where, const char *fmt,
                     ...) __attribute__((format(printf, 4, 5)));

/* The node at `index` of the document (a pair's key or value, a sequence's item). */
yaml_node_t *tn_yaml_node(const tn_yaml_walk *w, int index);

/* A scalar's text (owned by the document), or NULL when the node is not a scalar. */
const char *tn_yaml_scalar(const yaml_node_t *node);

/* A plain scalar that YAML reads as null: ~, null, or nothing. */
bool tn_yaml_is_null(const yaml_node_t *node);

/* A value `tenure init` left for a person to fill in: it begins with TODO. */
bool tn_yaml_is_todo(const char *text);

/* A copy of `text` (malloc'd; the caller owns it), or NULL with w->out_of_memory set. */
char *tn_yaml_copy(tn_yaml_walk *w, const char *text);

/* A scalar that must be non-empty text, not TODO; NULL after reporting a problem. */
const char *tn_yaml_expect_text(tn_yaml_walk *w, const yaml_node_t *node, const char *where,
                                const char *expected);

/* Whether the node is a mapping; reports a problem when it is not. */
bool tn_yaml_expect_mapping(tn_yaml_walk *w, const yaml_node_t *node, const char *where,
                            const char *expected);

/* Whether the key of `pair` appeared earlier in `mapping` (YAML allows it; a mapping here must
 * not). */
bool tn_yaml_repeated_key(const tn_yaml_walk *w, const yaml_node_t *mapping,
                          const yaml_node_pair_t *pair);

#endif
