/*
 * csv_lines.h — where each record of a CSV file starts, in physical lines.
 *
 * DuckDB parses the CSV (read_csv); this only tells which line of the file
 * a record is on, so problems can be reported as file:line. Two numberings
 * meet here:
 *   - DuckDB's rejects table counts lines as newlines outside quoted fields
 *     (a record with a quoted line break counts as one line), blank lines
 *     included;
 *   - the rows DuckDB accepts are numbered 0, 1, 2, ... in file order.
 * A single pass over the file (quote-aware, RFC 4180: "" inside quotes is a
 * quote) maps both to the physical line an editor shows, and keeps the
 * record's text for the rejects table. Gzip'd files are read through zlib;
 * JSON lines are read as a CSV without a header and without quoting.
 */
#ifndef TN_WAREHOUSE_CSV_LINES_H
#define TN_WAREHOUSE_CSV_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

/* One record to locate: give rejected_line or accepted_row, get line and text. */
typedef struct {
    int64_t rejected_line; /* DuckDB's line number of a rejected record, or -1 */
    int64_t accepted_row;  /* index among the accepted rows (file order), or -1 */
    int64_t line;          /* out: physical line where the record starts (1-based), or -1 */
    char *text;            /* out: the record's text, at most 1,000 bytes (caller frees) */
} tn_csv_lookup;

/* How the file is written. */
typedef struct {
    char delimiter;        /* ',' or '\t' ... */
    char quote;            /* '"', or 0 for none */
    bool header;           /* the first record is a header, not data */
    bool skip_space_lines; /* a line of spaces and tabs only is no record (JSON lines) */
} tn_csv_dialect;

/*
 * Scans `path` once and fills `line` and `text` of each lookup. `rejected`
 * lists the DuckDB line numbers of every rejected record (sorted, unique):
 * they are skipped when counting accepted rows. `*records` receives how many
 * data records (after the header) the file holds, so the caller can check
 * the numbering against DuckDB's (accepted + rejected must equal it).
 */
bool tn_csv_locate(const char *path, const tn_csv_dialect *dialect, const int64_t *rejected,
                   size_t rejected_count, tn_csv_lookup *lookups, size_t lookup_count,
                   int64_t *records, tn_error *err);

#endif
