/*
 * propose.h — a first project file for a folder of exports (`tenure init`).
 *
 * Every data file under the folder (two levels deep) is opened far enough
 * to know its columns and a sample of its values: the header and the first
 * rows of a CSV or TSV (the delimiter is guessed from the header line), the
 * keys of the first JSON lines (nested objects as dotted paths), the schema
 * and first rows of a Parquet file. Then:
 *
 *   - each file is matched to the contract table whose columns its column
 *     names resemble most (known names from CRM, billing, product-analytics
 *     and help-desk exports; files with the same columns share a table);
 *   - each contract column to its most likely source column;
 *   - date and timestamp formats are read off the sample (ISO, US and
 *     European day orders, epoch seconds or milliseconds), and numbers
 *     written with a decimal comma are noticed;
 *   - every categorical column's distinct values are listed with the
 *     contract value each one is likely to mean, and every event name with
 *     its likely role.
 *
 * Whatever cannot be told from the files is written as TODO, which
 * tn_mapping_load() refuses with its line, so nothing is guessed silently:
 * guesses are marked as such in a comment.
 */
#ifndef TN_WAREHOUSE_PROPOSE_H
#define TN_WAREHOUSE_PROPOSE_H

#include <stdbool.h>

#include "common/error.h"
#include "common/strbuf.h"
#include "warehouse/contract.h"

typedef struct {
    int files;            /* data files found */
    int tables;           /* contract tables matched to a file */
    int todos;            /* TODO entries written */
    char unmatched[1024]; /* files matched to no table, comma-separated */
} tn_proposal_summary;

/*
 * Writes a proposed tenure.yml for the exports under `dir` to `out`. Paths
 * in it are relative to `dir` (the file is meant to live there). Only a
 * failure to read (TN_ERR_IO, TN_ERR_DB) or memory is an error.
 */
bool tn_propose_mapping(const tn_contract *contract, const char *dir, tn_strbuf *out,
                        tn_proposal_summary *summary, tn_error *err);

#endif
