/*
 * load_files.h — the files one table of a mapping names, found and opened
 * far enough to know their columns.
 *
 * A table's `files` are paths or globs relative to the mapping's base
 * directory; each glob may match several files (sorted by name, so the
 * order is stable). For CSV and TSV the header line is read (DuckDB reads
 * the first line, so gzip and other encodings work) and split into column
 * names; for Parquet the schema gives them; JSON lines have no header.
 * What goes wrong with a file (no match, unreadable, empty) is a problem of
 * that file, not a failure: the caller reports it with the others.
 */
#ifndef TN_WAREHOUSE_LOAD_FILES_H
#define TN_WAREHOUSE_LOAD_FILES_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "warehouse/db.h"
#include "warehouse/mapping.h"

typedef struct {
    char *path;     /* as opened */
    char *display;  /* as shown in messages: relative to the base directory */
    char **columns; /* the header's names, deduplicated (a repeat gets "_2"); NULL for JSON lines */
    size_t column_count;
    char *problem;            /* why the file cannot be read, or NULL */
    const char *problem_kind; /* with a problem: "missing file", "empty file", "unreadable file" */
    bool header_problem;      /* the problem is in line 1 */
    bool loaded;              /* its load table was created (tn_load_<table>_<index>) */
} tn_load_file;

/* A table's files; owns everything in it. */
typedef struct {
    tn_load_file *files;
    size_t count;
    char *problem; /* the patterns that matched nothing ("a*.csv, b*.csv"), or NULL */
} tn_load_file_set;

/*
 * Expands the table's file patterns (relative to `base_dir`) and reads each
 * file's columns. Only running out of memory or a DuckDB failure is an
 * error; a file's own problems are kept in it.
 */
bool tn_load_files_find(tn_db *db, const char *base_dir, const tn_table_source *source,
                        tn_load_file_set *out, tn_error *err);

void tn_load_files_free(tn_load_file_set *set);

/*
 * For an increment, where a table's files may be absent: forgets the files
 * that do not exist and the patterns that matched nothing, so only the
 * files found remain (none: the increment leaves the table alone).
 */
void tn_load_files_forget_missing(tn_load_file_set *set);

/*
 * The first line of a text file as it is (DuckDB decompresses and decodes
 * it: gzip, a byte order mark, `encoding`); *empty when it has none. A
 * failure to read the file is a TN_ERR_DB error.
 */
bool tn_load_files_first_line(tn_db *db, const char *path, const char *encoding, tn_strbuf *line,
                              bool *empty, tn_error *err);

/* The index of a header column named `name` (exact, else ignoring case), or -1. */
int tn_load_file_column(const tn_load_file *file, const char *name);

/*
 * Splits one header line into names: fields separated by `delimiter`,
 * optionally in `quote` characters (a doubled quote is one quote), trimmed.
 * Returns the number of names written to `names` (at most `max`, each
 * allocated; the caller frees), or -1 when memory runs out.
 */
int tn_load_split_header(const char *line, char delimiter, char quote, char **names, int max);

#endif
