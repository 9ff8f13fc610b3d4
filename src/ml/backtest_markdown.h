/*
 * backtest_markdown.h — backtest.md: the same numbers as backtest.json, as
 * tables a person reads, with what each measure means.
 */
#ifndef TN_ML_BACKTEST_MARKDOWN_H
#define TN_ML_BACKTEST_MARKDOWN_H

#include <jansson.h>

#include "common/strbuf.h"

/* Appends the Markdown rendering of a backtest document (backtest.h) to `out`. */
void tn_backtest_markdown(const json_t *document, tn_strbuf *out);

#endif
