/*
 * sandbox.c — a read-only session on the warehouse for typed SQL (see
 * sandbox.h).
 */
#include "warehouse/sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/alloc.h"
#include "common/embedded.h"
#include "common/strbuf.h"
#include "warehouse/template.h"

/* The paths granted so far, each followed by a NUL. */
typedef struct {
    tn_strbuf names;
    size_t count;
} path_list;

static bool add_path(path_list *list, const char *path, tn_error *err) {
    if (!tn_strbuf_append(&list->names, path, strlen(path) + 1))
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory granting %s", path);
    list->count++;
    return true;
}

/* One readable file, as spelled and as an absolute path. */
static bool grant_file(path_list *list, const char *path, tn_error *err) {
    char absolute[PATH_MAX];
    if (!add_path(list, path, err))
        return false;
    return realpath(path, absolute) == NULL || strcmp(absolute, path) == 0 ||
           add_path(list, absolute, err);
}

enum { MAX_GRANTED_FILES = 10000, MAX_DEPTH = 16 };

/* The regular files under `dir` (not through links to directories), at most MAX_GRANTED_FILES. */
static bool grant_tree(path_list *list, const char *dir, int depth, size_t *files, tn_error *err) {
    DIR *listing = opendir(dir);
    if (listing == NULL)
        return tn_error_set(err, TN_ERR_INPUT, "%s: %s", dir, strerror(errno));
    size_t length = strlen(dir);
    bool ok = true;
    struct dirent *entry;
    while (ok && (entry = readdir(listing)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        tn_strbuf path = TN_STRBUF_INIT;
        tn_strbuf_printf(&path, "%s%s%s", dir, length > 0 && dir[length - 1] == '/' ? "" : "/",
                         entry->d_name);
        struct stat info;
        if (lstat(tn_strbuf_cstr(&path), &info) == 0 && S_ISDIR(info.st_mode) && depth < MAX_DEPTH)
            ok = grant_tree(list, tn_strbuf_cstr(&path), depth + 1, files, err);
        else if (stat(tn_strbuf_cstr(&path), &info) == 0 && S_ISREG(info.st_mode) &&
                 ++*files <= MAX_GRANTED_FILES)
            ok = grant_file(list, tn_strbuf_cstr(&path), err);
        tn_strbuf_free(&path);
    }
    closedir(listing);
    return ok;
}

/* A file, or the regular files under a directory. */
static bool grant(path_list *list, const char *path, tn_error *err) {
    struct stat info;
    if (stat(path, &info) != 0)
        return tn_error_set(err, TN_ERR_INPUT, "%s: %s", path, strerror(errno));
    if (!S_ISDIR(info.st_mode))
        return grant_file(list, path, err);
    size_t files = 0;
    if (!grant_tree(list, path, 0, &files, err))
        return false;
    return files <= MAX_GRANTED_FILES ||
           tn_error_set(err, TN_ERR_INPUT,
                        "%s holds %zu files, more than the %d that may be granted: give a "
                        "directory closer to the files",
                        path, files, MAX_GRANTED_FILES);
}

/* SET allowed_paths to the granted paths, each a bound parameter. */
static bool allow_paths(tn_db *db, const path_list *list, tn_error *err) {
    const char **params = tn_alloc_array(list->count, sizeof *params, "granted paths", err);
    tn_strbuf placeholders = TN_STRBUF_INIT, sql = TN_STRBUF_INIT;
    const char *name = list->names.data;
    bool ok = params != NULL;
    for (size_t i = 0; ok && i < list->count; i++) {
        params[i] = name;
        name += strlen(name) + 1;
        ok = tn_strbuf_printf(&placeholders, "%s$%zu", i > 0 ? ", " : "", i + 1) ||
             tn_error_set(err, TN_ERR_NOMEM, "out of memory granting %zu paths", list->count);
    }
    const tn_template_var vars[] = {{"paths", tn_strbuf_cstr(&placeholders)}, {NULL, NULL}};
    ok = ok && tn_template_render_file("sql/sandbox/allowed_paths.sql", vars, &sql, err) &&
         tn_db_exec_params(db, tn_strbuf_cstr(&sql), params, list->count, err);
    free(params);
    tn_strbuf_free(&placeholders);
    tn_strbuf_free(&sql);
    return ok;
}

static bool lock_down(tn_db *db, const char *const *readable, size_t count, tn_error *err) {
    path_list list = {TN_STRBUF_INIT, 0};
    bool ok = true;
    for (size_t i = 0; ok && i < count; i++)
        ok = grant(&list, readable[i], err);
    /* allowed_paths must be set while external access is still on */
    ok = ok && (list.count == 0 || allow_paths(db, &list, err)) &&
         tn_db_exec(db, tn_embedded_text("sql/sandbox/lock_down.sql"), err);
    tn_strbuf_free(&list.names);
    return ok;
}

bool tn_sandbox_open(const char *path, const char *const *readable, size_t count, tn_db **out,
                     tn_error *err) {
    if (!tn_db_open(path, TN_DB_READ_ONLY, out, err))
        return false;
    if (lock_down(*out, readable, count, err))
        return true;
    tn_db_close(*out);
    *out = NULL;
    return false;
}

/* What a refused statement is, for the message; NULL for the statements that may run. */
static const char *refused(duckdb_statement_type type) {
    switch (type) {
    case DUCKDB_STATEMENT_TYPE_SELECT:
    case DUCKDB_STATEMENT_TYPE_EXPLAIN:
    case DUCKDB_STATEMENT_TYPE_CALL:
    case DUCKDB_STATEMENT_TYPE_PRAGMA:
    case DUCKDB_STATEMENT_TYPE_SET:
    case DUCKDB_STATEMENT_TYPE_VARIABLE_SET:
    case DUCKDB_STATEMENT_TYPE_TRANSACTION:
    case DUCKDB_STATEMENT_TYPE_CREATE: /* temporary objects: the warehouse refuses the rest */
    case DUCKDB_STATEMENT_TYPE_CREATE_FUNC:
    case DUCKDB_STATEMENT_TYPE_DROP:
    case DUCKDB_STATEMENT_TYPE_ALTER:
    case DUCKDB_STATEMENT_TYPE_INSERT:
    case DUCKDB_STATEMENT_TYPE_UPDATE:
    case DUCKDB_STATEMENT_TYPE_DELETE:
        return NULL;
    case DUCKDB_STATEMENT_TYPE_COPY:
        return "COPY";
    case DUCKDB_STATEMENT_TYPE_EXPORT:
        return "EXPORT DATABASE";
    case DUCKDB_STATEMENT_TYPE_ATTACH:
        return "ATTACH";
    case DUCKDB_STATEMENT_TYPE_DETACH:
        return "DETACH";
    case DUCKDB_STATEMENT_TYPE_LOAD:
    case DUCKDB_STATEMENT_TYPE_EXTENSION:
        return "INSTALL or LOAD";
    case DUCKDB_STATEMENT_TYPE_PREPARE:
        return "PREPARE";
    case DUCKDB_STATEMENT_TYPE_EXECUTE:
        return "EXECUTE";
    case DUCKDB_STATEMENT_TYPE_VACUUM:
        return "VACUUM";
    case DUCKDB_STATEMENT_TYPE_ANALYZE:
        return "ANALYZE";
    default:
        return "a statement of this kind";
    }
}

/* DuckDB's refusal of a file, with what Tenure allows; running out of memory as tn_db_error. */
static bool db_error(const tn_db *db, const char *message, const char *where, tn_error *err) {
    if (tn_db_is_out_of_memory(message)) {
        tn_db_error(db, message, err);
        if (where[0] != '\0')
            tn_error_prefix(err, "%.*s", (int)strlen(where) - 2, where); /* without its ": " */
        return false;
    }
    const char *hint = message != NULL && strstr(message, "disabled by configuration") != NULL
                           ? "\n(tenure sql reads the warehouse, and other files only with "
                             "--allow-files PATH; it writes nothing)"
                           : "";
    return tn_error_set(err, TN_ERR_DB, "%s%s%s", where,
                        message != NULL ? message : "unknown DuckDB error", hint);
}

/* Prepares, checks and runs statement `index`; its result goes to *result. */
static bool run_statement(tn_db *db, duckdb_extracted_statements statements, idx_t index,
                          const char *where, duckdb_result *result, tn_error *err) {
    duckdb_prepared_statement prepared = NULL;
    bool ok;
    if (duckdb_prepare_extracted_statement(tn_db_connection(db), statements, index, &prepared) !=
        DuckDBSuccess) {
        ok = db_error(db, duckdb_prepare_error(prepared), where, err);
    } else if (refused(duckdb_prepared_statement_type(prepared)) != NULL) {
        ok = tn_error_set(err, TN_ERR_INPUT,
                          "%s%s is refused: tenure sql only reads the warehouse (no COPY, "
                          "EXPORT, ATTACH, INSTALL or LOAD)",
                          where, refused(duckdb_prepared_statement_type(prepared)));
    } else {
        ok = duckdb_execute_prepared(prepared, result) == DuckDBSuccess ||
             db_error(db, duckdb_result_error(result), where, err);
    }
    duckdb_destroy_prepare(&prepared);
    return ok;
}

bool tn_sandbox_query(tn_db *db, const char *sql, duckdb_result *result, tn_error *err) {
    memset(result, 0, sizeof *result);
    duckdb_extracted_statements statements = NULL;
    idx_t count = duckdb_extract_statements(tn_db_connection(db), sql, &statements);
    bool ok = count > 0;
    if (!ok) {
        const char *message = duckdb_extract_statements_error(statements);
        if (message != NULL)
            db_error(db, message, "", err);
        else
            tn_error_set(err, TN_ERR_INPUT, "no SQL statement to run");
    }
    for (idx_t i = 0; ok && i < count; i++) {
        char where[48] = "";
        if (count > 1)
            snprintf(where, sizeof where, "statement %llu: ", (unsigned long long)i + 1);
        if (i > 0)
            duckdb_destroy_result(result);
        memset(result, 0, sizeof *result);
        ok = run_statement(db, statements, i, where, result, err);
    }
    duckdb_destroy_extracted(&statements);
    return ok;
}
