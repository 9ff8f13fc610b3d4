/*
 * report.h — the offline report (reports/index.html): the dashboard page
 * with its style sheet, Chart.js, its script and the portfolio, survival
 * and models views of a snapshot inlined into one file, which opens from
 * file:// with no server.
 *
 * The page is web/index.html as the server sends it; three of its lines
 * (the style sheet link and the two script tags) are replaced by the
 * files' contents, and the views go in a
 * <script id="tenure-data" type="application/json"> element that app.js
 * reads instead of calling the API. So page and report draw the same data
 * with the same code.
 */
#ifndef TN_INSIGHT_REPORT_H
#define TN_INSIGHT_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "common/strbuf.h"

/* The views the report embeds: JSON texts (borrowed), as GET /analytics/… send them. */
typedef struct {
    const char *portfolio, *survival, *models;
    const char *movers; /* since the scoring before the latest (GET /movers); NULL: none */
} tn_report_views;

/*
 * Appends the report's HTML to `out`. Fails (TN_ERR_INTERNAL) when the
 * embedded page lacks one of the lines it replaces or a file cannot be
 * inlined safely, and on TN_ERR_NOMEM.
 */
bool tn_report_render(const tn_report_views *views, tn_strbuf *out, tn_error *err);

/* Where the report's data comes from. */
typedef struct {
    const char *db_path, *models_dir, *reports_dir;
} tn_report_source;

/*
 * Writes the report to `path` (through a temporary file renamed into
 * place; the directory is created when missing): scores the active
 * customers with the current model set and builds the three views, and
 * nothing per customer beyond the scores. Fails with the warehouse's or the
 * models' error, TN_ERR_INPUT when there is no analysis.json, TN_ERR_IO when
 * the file cannot be written. On success *bytes receives the file's size
 * and as_of[16] the warehouse's as-of date.
 */
bool tn_report_write(const tn_report_source *source, const char *path, size_t *bytes,
                     char as_of[16], tn_error *err);

#endif
