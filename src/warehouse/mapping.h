/*
 * mapping.h — how a company's own exports fill the raw tables: the project
 * file (tenure.yml) a user keeps beside the exports, or the built-in layout
 * of the canonical CSV files.
 *
 * The project file is YAML (read with libyaml). For each of the five tables
 * of the data contract it says which files to read (paths or globs, relative
 * to the project file; CSV or TSV, optionally gzip'd, JSON lines, Parquet),
 * how each contract column comes from them (a source column, or a SQL
 * expression over the source columns), the formats of dates, timestamps and
 * numbers, value maps for the categorical columns, and for usage events the
 * role of each of the product's own event names. docs/your-data.md shows a
 * whole file; tn_mapping_load() checks one against the contract and reports
 * every problem in one pass, each with its line and column. A top-level
 * alerts: section is accepted and left to insight/alert_rules.h.
 *
 * Without a project file, `tenure build --raw DIR` reads DIR/<table>.csv
 * with the contract's own column names (tn_mapping_canonical()).
 */
#ifndef TN_WAREHOUSE_MAPPING_H
#define TN_WAREHOUSE_MAPPING_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "common/strbuf.h"
#include "warehouse/contract.h"

typedef enum {
    TN_FILE_CSV,
    TN_FILE_TSV,
    TN_FILE_JSONL,
    TN_FILE_PARQUET,
} tn_file_format;

/* Where one contract column's values come from. */
typedef struct {
    bool mapped;     /* false: left out of the mapping (optional columns): NULL everywhere */
    bool if_present; /* built-in layout: read the column only when the header has it */
    char *column;    /* a source column: header name, or a dotted path in JSON lines */
    char *sql;       /* or a SQL expression over the source columns */
    char *format;    /* dates and timestamps: NULL = ISO 8601 (see tn_mapping_time_patterns) */
    char *timezone;  /* timestamps without an offset: NULL = the table's */
    char decimal;    /* numbers: '.' or ',', 0 = the table's */
    int line;        /* line in the project file, 0 when built in */
} tn_column_source;

/* One entry of a value map (or an event role): source value or pattern → contract value. */
typedef struct {
    int column;    /* the contract column it maps */
    char *pattern; /* lower-cased source value; with glob, * and ? match any text */
    bool glob;
    char *value; /* an accepted value of the column */
} tn_value_rule;

typedef struct {
    bool present; /* false: not in the mapping (optional tables only): no rows */
    char **files; /* paths or globs as written, relative to the base directory */
    size_t file_count;
    tn_file_format format;
    char delimiter;      /* CSV and TSV */
    char quote;          /* CSV and TSV; 0 = no quoting */
    char encoding[16];   /* "utf-8", "latin-1" or "utf-16" */
    char *timezone;      /* of timestamps without an offset ("UTC") */
    char decimal;        /* decimal separator of numbers */
    bool strict_header;  /* built-in layout: the header names the contract's columns only */
    bool unmapped_usage; /* usage_events: unmapped event names count as 'other' (else refused) */
    tn_column_source columns[TN_CONTRACT_MAX_COLUMNS]; /* by contract column */
    tn_value_rule *rules;                              /* in the file's order */
    size_t rule_count;
    int line; /* of the table's entry, 0 when built in */
} tn_table_source;

/* A whole mapping; owns every string and array in it. */
typedef struct {
    char *path;     /* the project file, NULL for the built-in layout */
    char *base_dir; /* where relative file paths start */
    tn_table_source tables[TN_RAW_TABLE_COUNT];
} tn_mapping;

/*
 * Reads and checks the project file at `path` against `contract`. Every
 * problem found is appended to `problems` as one line,
 * "tenure.yml:12:7: customers.columns.mrr.decimal: ';' — expected '.' or ','",
 * and the call then fails with TN_ERR_INPUT and a one-line summary in
 * `err`. On failure nothing is left allocated in `out`.
 */
bool tn_mapping_load(const tn_contract *contract, const char *path, tn_mapping *out,
                     tn_strbuf *problems, tn_error *err);

/*
 * The built-in layout of `tenure build --raw DIR`: DIR/<table>.csv for all
 * five tables, every column under its contract name, ISO dates, plain
 * numbers, contract values; optional columns read when the header has them.
 */
bool tn_mapping_canonical(const tn_contract *contract, const char *dir, tn_mapping *out,
                          tn_error *err);

void tn_mapping_free(tn_mapping *mapping);

/*
 * The SQL list of strptime patterns a date or timestamp format reads, e.g.
 * "MM/DD/YYYY" → ['%m/%d/%Y', '%m/%d/%Y %H:%M', ...]. "iso" (or NULL),
 * "epoch_s" and "epoch_ms" have no patterns: false, nothing appended.
 */
bool tn_mapping_time_patterns(const char *format, tn_strbuf *out);

/* True when `format` is one a column may declare (see docs/your-data.md). */
bool tn_mapping_time_format_known(const char *format);

/* How a format is described to people: "a date, MM/DD/YYYY", "epoch seconds". */
const char *tn_mapping_time_format_text(const char *format);

/* The format a file name implies (".csv.gz" → CSV); false when it implies none. */
bool tn_mapping_format_from_name(const char *name, tn_file_format *format);

/* "csv", "tsv", "jsonl", "parquet". */
const char *tn_file_format_name(tn_file_format format);

#endif
