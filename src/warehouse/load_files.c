/*
 * load_files.c — finding a table's files and their columns (see load_files.h).
 */
#include "warehouse/load_files.h"

#include <ctype.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "common/embedded.h"
#include "common/strbuf.h"
#include "warehouse/value_text.h"

enum { MAX_HEADER_COLUMNS = 1024 };

/* The kind of a plain path that names no file (an increment may leave it out). */
static const char MISSING_FILE[] = "missing file";

int tn_load_split_header(const char *line, char delimiter, char quote, char **names, int max) {
    int count = 0;
    const char *c = line;
    while (count < max) {
        tn_strbuf name = TN_STRBUF_INIT;
        while ((*c == ' ' || *c == '\t') && *c != delimiter)
            c++;
        if (quote != 0 && *c == quote) {
            for (c++; *c != '\0'; c++) {
                if (*c == quote && c[1] == quote)
                    tn_strbuf_putc(&name, *c++);
                else if (*c == quote)
                    break;
                else
                    tn_strbuf_putc(&name, *c);
            }
            if (*c == quote)
                c++;
        }
        while (*c != '\0' && *c != delimiter)
            tn_strbuf_putc(&name, *c++);
        /* trim what surrounds the name (and a stray CR) */
        while (name.length > 0 && isspace((unsigned char)name.data[name.length - 1]))
            name.data[--name.length] = '\0';
        names[count] = tn_strbuf_detach(&name);
        if (names[count] == NULL)
            return -1;
        count++;
        if (*c != delimiter)
            break;
        c++;
    }
    return count;
}

bool tn_load_files_first_line(tn_db *db, const char *path, const char *encoding, tn_strbuf *line,
                              bool *empty, tn_error *err) {
    const char *params[] = {path, encoding};
    duckdb_result result;
    bool ok = tn_db_query_params(db, tn_embedded_text("sql/load/first_line.sql"), params, 2,
                                 &result, err);
    *empty = true;
    duckdb_data_chunk chunk = ok ? duckdb_fetch_chunk(result) : NULL;
    if (chunk != NULL && duckdb_data_chunk_get_size(chunk) > 0)
        *empty = !tn_value_text(duckdb_data_chunk_get_vector(chunk, 0), 0, line);
    if (chunk != NULL)
        duckdb_destroy_data_chunk(&chunk);
    duckdb_destroy_result(&result);
    return ok;
}

/* A repeated name (ignoring case, as DuckDB does) gets "_2", "_3", ... */
static bool deduplicate(char **names, size_t count) {
    for (size_t i = 1; i < count; i++) {
        for (int suffix = 2;; suffix++) {
            bool clash = false;
            for (size_t j = 0; j < i && !clash; j++)
                clash = strcasecmp(names[i], names[j]) == 0;
            if (!clash)
                break;
            tn_strbuf renamed = TN_STRBUF_INIT;
            char *base = names[i];
            size_t length = strlen(base);
            if (suffix > 2)
                length = (size_t)(strrchr(base, '_') - base);
            tn_strbuf_append(&renamed, base, length);
            tn_strbuf_printf(&renamed, "_%d", suffix);
            free(names[i]);
            names[i] = tn_strbuf_detach(&renamed);
            if (names[i] == NULL)
                return false;
        }
    }
    return true;
}

static bool read_csv_header(tn_db *db, tn_load_file *file, const tn_table_source *source,
                            tn_error *err) {
    tn_strbuf line = TN_STRBUF_INIT;
    bool empty = true;
    tn_error read_error;
    tn_error_clear(&read_error);
    if (!tn_load_files_first_line(db, file->path, source->encoding, &line, &empty, &read_error)) {
        tn_strbuf message = TN_STRBUF_INIT;
        tn_strbuf_printf(&message, "cannot be read: %s", read_error.message);
        file->problem = tn_strbuf_detach(&message);
        file->problem_kind = "unreadable file";
        tn_strbuf_free(&line);
        return file->problem != NULL || tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    }
    bool ok = true;
    if (empty || line.length == 0) {
        file->problem = strdup("the file is empty: a header line was expected");
        file->problem_kind = "empty file";
        file->header_problem = true;
        ok = file->problem != NULL;
    } else {
        char **names = calloc(MAX_HEADER_COLUMNS, sizeof *names);
        int count = names != NULL ? tn_load_split_header(tn_strbuf_cstr(&line), source->delimiter,
                                                         source->quote, names, MAX_HEADER_COLUMNS)
                                  : -1;
        ok = count >= 0 && deduplicate(names, (size_t)count);
        file->columns = names;
        file->column_count = count > 0 ? (size_t)count : 0;
    }
    tn_strbuf_free(&line);
    return ok || tn_error_set(err, TN_ERR_NOMEM, "out of memory");
}

static bool read_parquet_columns(tn_db *db, tn_load_file *file, tn_error *err) {
    const char *params[] = {file->path};
    duckdb_result result;
    tn_error read_error;
    tn_error_clear(&read_error);
    bool read = tn_db_query_params(db, tn_embedded_text("sql/load/parquet_columns.sql"), params, 1,
                                   &result, &read_error);
    if (!read) {
        duckdb_destroy_result(&result);
        tn_strbuf message = TN_STRBUF_INIT;
        tn_strbuf_printf(&message, "cannot be read as Parquet: %s", read_error.message);
        file->problem = tn_strbuf_detach(&message);
        file->problem_kind = "unreadable file";
        return file->problem != NULL || tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    }
    idx_t rows = duckdb_row_count(&result);
    file->columns = calloc(rows + 1, sizeof *file->columns);
    bool ok = file->columns != NULL;
    for (idx_t r = 0; ok && r < rows; r++) {
        char *name = duckdb_value_varchar(&result, 0, r);
        file->columns[file->column_count] = name != NULL ? strdup(name) : strdup("");
        duckdb_free(name);
        ok = file->columns[file->column_count++] != NULL;
    }
    duckdb_destroy_result(&result);
    return ok || tn_error_set(err, TN_ERR_NOMEM, "out of memory");
}

static bool add_file(tn_load_file_set *set, const char *path, const char *base_dir) {
    tn_load_file *grown = realloc(set->files, (set->count + 1) * sizeof *grown);
    if (grown == NULL)
        return false;
    set->files = grown;
    tn_load_file *file = &set->files[set->count++];
    memset(file, 0, sizeof *file);
    size_t base = strlen(base_dir);
    const char *display = path;
    if (strcmp(base_dir, ".") == 0 && strncmp(path, "./", 2) == 0)
        display = path + 2;
    else if (strncmp(path, base_dir, base) == 0 && path[base] == '/')
        display = path + base + 1;
    file->path = strdup(path);
    file->display = strdup(display);
    return file->path != NULL && file->display != NULL;
}

/* One pattern's matches, sorted; a pattern that names one missing file is kept, with a problem. */
static bool expand(tn_load_file_set *set, const char *base_dir, const char *pattern,
                   tn_strbuf *unmatched) {
    tn_strbuf full = TN_STRBUF_INIT;
    if (pattern[0] == '/')
        tn_strbuf_puts(&full, pattern);
    else
        tn_strbuf_printf(&full, "%s/%s", base_dir, pattern);
    glob_t matches;
    int status = glob(tn_strbuf_cstr(&full), GLOB_ERR, NULL, &matches);
    bool ok = true;
    if (status == 0) {
        for (size_t i = 0; ok && i < matches.gl_pathc; i++) {
            struct stat info;
            if (stat(matches.gl_pathv[i], &info) == 0 && S_ISDIR(info.st_mode))
                continue;
            ok = add_file(set, matches.gl_pathv[i], base_dir);
        }
        globfree(&matches);
    } else if (strpbrk(pattern, "*?[") == NULL) {
        /* a plain path: report it as a missing file of its own */
        ok = add_file(set, tn_strbuf_cstr(&full), base_dir);
        tn_load_file *file = &set->files[set->count - 1];
        if (ok) {
            tn_strbuf message = TN_STRBUF_INIT;
            tn_strbuf_printf(&message, "no such file: %s", tn_strbuf_cstr(&full));
            file->problem = tn_strbuf_detach(&message);
            file->problem_kind = MISSING_FILE;
        }
        ok = ok && file->problem != NULL;
    } else {
        tn_strbuf_printf(unmatched, "%s%s", unmatched->length ? ", " : "", pattern);
    }
    tn_strbuf_free(&full);
    return ok;
}

bool tn_load_files_find(tn_db *db, const char *base_dir, const tn_table_source *source,
                        tn_load_file_set *out, tn_error *err) {
    memset(out, 0, sizeof *out);
    tn_strbuf unmatched = TN_STRBUF_INIT;
    bool ok = true;
    for (size_t p = 0; ok && p < source->file_count; p++)
        ok = expand(out, base_dir, source->files[p], &unmatched);
    if (ok && unmatched.length > 0) {
        out->problem = tn_strbuf_detach(&unmatched);
        ok = out->problem != NULL;
    }
    tn_strbuf_free(&unmatched);
    if (!ok)
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    for (size_t f = 0; ok && f < out->count; f++) {
        tn_load_file *file = &out->files[f];
        if (file->problem != NULL)
            continue;
        struct stat info;
        if (stat(file->path, &info) != 0 || !S_ISREG(info.st_mode)) {
            file->problem = strdup("not a readable file");
            file->problem_kind = "unreadable file";
            ok = file->problem != NULL || tn_error_set(err, TN_ERR_NOMEM, "out of memory");
        } else if (source->format == TN_FILE_PARQUET) {
            ok = read_parquet_columns(db, file, err);
        } else if (source->format != TN_FILE_JSONL) {
            ok = read_csv_header(db, file, source, err);
        }
    }
    return ok;
}

static void free_file(tn_load_file *file) {
    for (size_t c = 0; c < file->column_count; c++)
        free(file->columns[c]);
    free(file->columns);
    free(file->path);
    free(file->display);
    free(file->problem);
}

void tn_load_files_free(tn_load_file_set *set) {
    for (size_t f = 0; f < set->count; f++)
        free_file(&set->files[f]);
    free(set->files);
    free(set->problem);
    memset(set, 0, sizeof *set);
}

void tn_load_files_forget_missing(tn_load_file_set *set) {
    size_t kept = 0;
    for (size_t f = 0; f < set->count; f++) {
        tn_load_file *file = &set->files[f];
        if (file->problem_kind != NULL && strcmp(file->problem_kind, MISSING_FILE) == 0)
            free_file(file);
        else
            set->files[kept++] = *file;
    }
    set->count = kept;
    free(set->problem);
    set->problem = NULL;
}

int tn_load_file_column(const tn_load_file *file, const char *name) {
    for (size_t c = 0; c < file->column_count; c++) {
        if (strcmp(file->columns[c], name) == 0)
            return (int)c;
    }
    for (size_t c = 0; c < file->column_count; c++) {
        if (strcasecmp(file->columns[c], name) == 0)
            return (int)c;
    }
    return -1;
}
