/*
 * analyze.h — `tenure analyze`: the data dictionary's EDA, computed.
 *
 * Reads marts.customer_survival (and the premium trials behind the upgrade
 * signal) from the warehouse, opened read-only, computes every section of
 * sections.h, and writes DIR/analysis.json (every number, stable keys) and
 * DIR/analysis.md (the same as tables). Both files are written to temporary
 * names and renamed into place together, so a reader never sees half a report.
 */
#ifndef TN_ANALYSIS_ANALYZE_H
#define TN_ANALYSIS_ANALYZE_H

#include <stdbool.h>

#include "common/error.h"
#include "common/strbuf.h"

typedef struct {
    const char *db_path;
    const char *out_dir; /* created when missing; its parent must exist */
    /* NULL, or the Parquet inputs (warehouse/parquet_inputs.h): db_path is then not read */
    const char *parquet_dir;
} tn_analyze_options;

typedef struct {
    int sections;
    int not_computable; /* sections (or parts) that could not be computed */
    tn_strbuf warnings; /* one line per not-computable part: "cox: singular design ..." */
    int customers;
} tn_analyze_result;

/* Runs the analysis. The caller frees result->warnings (tn_strbuf_free) in every case. */
bool tn_analyze(const tn_analyze_options *options, tn_analyze_result *result, tn_error *err);

#endif
