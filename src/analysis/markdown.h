/*
 * markdown.h — analysis.md: the same numbers as analysis.json, as tables a
 * person reads. Built from the JSON document itself, so the two never differ.
 */
#ifndef TN_ANALYSIS_MARKDOWN_H
#define TN_ANALYSIS_MARKDOWN_H

#include <jansson.h>

#include "common/strbuf.h"

/* Appends the Markdown rendering of an analysis document to `out`. */
void tn_analysis_markdown(const json_t *document, tn_strbuf *out);

#endif
