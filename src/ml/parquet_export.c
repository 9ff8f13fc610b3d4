/*
 * parquet_export.c — `tenure export`: the Parquet inputs and their manifest,
 * written beside the target and renamed into place (see parquet_export.h).
 */
#include "ml/parquet_export.h"

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "common/embedded.h"
#include "common/file.h"
#include "ml/snapshots.h"
#include "tn_version.h"
#include "warehouse/build.h"
#include "warehouse/load_sql.h"
#include "warehouse/parquet_contract.h"
#include "warehouse/query.h"
#include "warehouse/template.h"

#define TEMPORARY_PREFIX ".tenure-export-"

/* Room for a directory's path, and for a file's path inside it (a contract file's name). */
#define DIR_SIZE 4096
#define PATH_SIZE (DIR_SIZE + 320)

static const char *const subdirectories[] = {"marts", "staging", "training"};
enum { SUBDIRECTORIES = sizeof subdirectories / sizeof subdirectories[0] };

/* Removes the regular files of `dir` whose names end in .parquet, then `dir` if it is empty. */
static void remove_parquet_files(const char *dir) {
    DIR *listing = opendir(dir);
    if (listing == NULL)
        return;
    struct dirent *entry;
    char path[PATH_SIZE];
    while ((entry = readdir(listing)) != NULL) {
        size_t length = strlen(entry->d_name);
        struct stat info;
        snprintf(path, sizeof path, "%s/%s", dir, entry->d_name);
        if (length > 8 && strcmp(entry->d_name + length - 8, ".parquet") == 0 &&
            lstat(path, &info) == 0 && S_ISREG(info.st_mode))
            unlink(path);
    }
    closedir(listing);
    rmdir(dir);
}

/*
 * A tn_file_remover for an export's directory: its Parquet files, its
 * subdirectories and its manifest; anything else (not ours) stays, and
 * then so does the directory (false).
 */
static bool remove_export(const char *dir, void *context) {
    (void)context;
    char path[PATH_SIZE];
    for (size_t s = 0; s < SUBDIRECTORIES; s++) {
        snprintf(path, sizeof path, "%s/%s", dir, subdirectories[s]);
        remove_parquet_files(path);
    }
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    unlink(path);
    remove_parquet_files(dir); /* build_info.parquet, then the directory */
    return access(dir, F_OK) != 0;
}

/*
 * An error unless `out_dir` is free (in an existing directory `parent`), or
 * replaceable with --force (an earlier export). Checked before any work.
 */
static bool check_target(const tn_export_options *options, const char *parent, bool *replace,
                         tn_error *err) {
    struct stat info;
    *replace = false;
    if (stat(parent, &info) != 0 || !S_ISDIR(info.st_mode))
        return tn_error_set(err, TN_ERR_IO, "--out %s: %s is not a directory", options->out_dir,
                            parent);
    if (lstat(options->out_dir, &info) != 0)
        return errno == ENOENT ||
               tn_error_set(err, TN_ERR_IO, "--out %s: %s", options->out_dir, strerror(errno));
    char manifest[PATH_SIZE];
    snprintf(manifest, sizeof manifest, "%s/manifest.json", options->out_dir);
    if (!S_ISDIR(info.st_mode) || access(manifest, F_OK) != 0)
        return tn_error_set(err, TN_ERR_INPUT,
                            "--out %s exists and is not an earlier export (it has no "
                            "manifest.json): give a new directory",
                            options->out_dir);
    if (!options->force)
        return tn_error_set(err, TN_ERR_INPUT,
                            "--out %s holds an earlier export: give --force to replace it",
                            options->out_dir);
    *replace = true;
    return true;
}

/* The relation of the source warehouse a contract file is written from. */
static const char *source_relation(const tn_parquet_file *file) {
    if (strcmp(file->relation, "training.churn_snapshots") == 0)
        return "tn_training_churn";
    if (strcmp(file->relation, "training.expansion_snapshots") == 0)
        return "tn_training_expansion";
    return file->relation;
}

/* The manifest's entry of the Parquet file `path` as written: its rows and columns. */
static json_t *describe_file(tn_db *db, const tn_parquet_file *file, const char *path,
                             uint64_t *rows, tn_error *err) {
    const char *params[] = {path};
    tn_strbuf cells = TN_STRBUF_INIT;
    size_t columns = 0;
    bool ok = tn_query_count_params(db, tn_embedded_text("sql/export/file_rows.sql"), params, 1,
                                    rows, err) &&
              tn_query_cells_params(db, tn_embedded_text("sql/export/file_columns.sql"), params, 1,
                                    &cells, &columns, 2, err);
    json_t *list = json_array();
    const char *at = cells.data;
    for (size_t c = 0; ok && c < columns; c++) {
        const char *type = at + strlen(at) + 1;
        json_array_append_new(list, json_pack("{s:s, s:s}", "name", at, "type", type));
        at = type + strlen(type) + 1;
    }
    tn_strbuf_free(&cells);
    if (!ok) {
        json_decref(list);
        return NULL;
    }
    return json_pack("{s:s, s:s, s:I, s:o}", "path", file->file, "relation", file->relation, "rows",
                     (json_int_t)*rows, "columns", list);
}

/* COPYs one relation into `dir`/file->file and adds its entry to `files`. */
static bool write_file(tn_db *db, const tn_parquet_file *file, const char *dir, json_t *files,
                       tn_export_result *result, tn_error *err) {
    char path[PATH_SIZE];
    snprintf(path, sizeof path, "%s/%s", dir, file->file);
    tn_strbuf literal = TN_STRBUF_INIT, sql = TN_STRBUF_INIT;
    tn_load_sql_string(&literal, path);
    const tn_template_var vars[] = {
        {"relation", source_relation(file)}, {"path", tn_strbuf_cstr(&literal)}, {NULL, NULL}};
    uint64_t rows = 0;
    bool ok = tn_template_render_file("sql/export/copy.sql", vars, &sql, err) &&
              tn_db_exec(db, tn_strbuf_cstr(&sql), err);
    json_t *entry = ok ? describe_file(db, file, path, &rows, err) : NULL;
    ok = entry != NULL;
    if (ok) {
        json_array_append_new(files, entry);
        result->files++;
        result->rows += rows;
    } else {
        tn_error_prefix(err, "%s", file->file);
    }
    tn_strbuf_free(&literal);
    tn_strbuf_free(&sql);
    return ok;
}

/* Writes the manifest of `files` into `dir`. */
static bool write_manifest(const char *dir, const tn_export_options *options, tn_day as_of,
                           tn_day data_as_of, json_t *files, tn_error *err) {
    char as_of_text[TN_DATE_BUF], data_text[TN_DATE_BUF], path[PATH_SIZE];
    json_t *manifest =
        json_pack("{s:s, s:s, s:s, s:s, s:O}", "tenure_version", TN_VERSION, "warehouse",
                  options->db_path, "as_of", tn_date_format(as_of, as_of_text), "data_as_of",
                  tn_date_format(data_as_of, data_text), "files", files);
    char *text =
        manifest != NULL ? json_dumps(manifest, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(manifest);
    if (text == NULL)
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory writing manifest.json");
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    tn_strbuf body = TN_STRBUF_INIT;
    tn_strbuf_puts(&body, text);
    tn_strbuf_putc(&body, '\n');
    free(text);
    bool ok =
        body.data != NULL || tn_error_set(err, TN_ERR_NOMEM, "out of memory writing manifest.json");
    ok = ok && tn_file_write_atomic(path, body.data, body.length, err);
    tn_strbuf_free(&body);
    return ok;
}

/* The subdirectories of a new export directory `dir`, readable as a directory made by mkdir. */
static bool make_layout(const char *dir, tn_error *err) {
    char path[PATH_SIZE];
    if (chmod(dir, 0755) != 0)
        return tn_error_set(err, TN_ERR_IO, "%s: %s", dir, strerror(errno));
    for (size_t s = 0; s < SUBDIRECTORIES; s++) {
        snprintf(path, sizeof path, "%s/%s", dir, subdirectories[s]);
        if (mkdir(path, 0755) != 0)
            return tn_error_set(err, TN_ERR_IO, "%s: %s", path, strerror(errno));
    }
    return true;
}

/* Every file of the contract into `dir`, then the manifest. */
static bool write_files(tn_db *db, const tn_export_options *options, const char *dir, tn_day as_of,
                        tn_day data_as_of, const tn_export_watch *watch, tn_export_result *result,
                        tn_error *err) {
    tn_parquet_contract contract = {NULL, 0};
    json_t *files = json_array();
    bool ok = files != NULL && tn_parquet_contract_load(&contract, err) && make_layout(dir, err);
    for (size_t f = 0; ok && f < contract.count; f++) {
        ok = write_file(db, &contract.files[f], dir, files, result, err);
        if (ok && watch != NULL && watch->step != NULL)
            watch->step(watch->context, "files", f + 1, contract.count);
    }
    ok = ok && write_manifest(dir, options, as_of, data_as_of, files, err);
    json_decref(files);
    tn_parquet_contract_free(&contract);
    return ok;
}

/* Puts the finished export `staged` at out_dir, replacing an earlier one when `replace`. */
static bool put_in_place(const char *staged, const char *parent, const tn_export_options *options,
                         bool replace, tn_error *err) {
    char old[DIR_SIZE] = "";
    if (replace && !tn_file_make_temporary_dir(parent, TEMPORARY_PREFIX, old, sizeof old, err))
        return false;
    /* the earlier export moves into the new empty directory's place: rename(2) replaces it */
    if (replace && rename(options->out_dir, old) != 0)
        return tn_error_set(err, TN_ERR_IO, "--out %s: cannot move the earlier export aside: %s",
                            options->out_dir, strerror(errno));
    if (rename(staged, options->out_dir) != 0) {
        int error = errno;
        if (replace)
            rename(old, options->out_dir); /* put the earlier export back */
        return tn_error_set(err, TN_ERR_IO, "--out %s: %s", options->out_dir, strerror(error));
    }
    if (replace)
        remove_export(old, NULL);
    return true;
}

static void on_snapshot(void *context, size_t done, size_t total) {
    const tn_export_watch *watch = context;
    if (watch != NULL && watch->step != NULL)
        watch->step(watch->context, "snapshots", done, total);
}

/* Counts the snapshot dates as the progress reports them, and passes the progress on. */
typedef struct {
    const tn_export_watch *watch;
    size_t dates;
} snapshot_count;

static void count_snapshot(void *context, size_t done, size_t total) {
    snapshot_count *count = context;
    count->dates = total;
    on_snapshot((void *)count->watch, done, total);
}

bool tn_export(const tn_export_options *options, const tn_export_watch *watch,
               tn_export_result *result, tn_error *err) {
    memset(result, 0, sizeof *result);
    char parent_buffer[DIR_SIZE], staged[DIR_SIZE] = "";
    snprintf(parent_buffer, sizeof parent_buffer, "%s", options->out_dir);
    const char *parent = dirname(parent_buffer);
    tn_db *db = NULL;
    tn_day as_of = 0, data_as_of = 0;
    bool replace = false;
    snapshot_count count = {watch, 0};
    bool ok = check_target(options, parent, &replace, err) &&
              tn_db_open(options->db_path, TN_DB_READ_ONLY, &db, err) &&
              tn_build_info_dates(db, &as_of, &data_as_of, err) &&
              tn_build_marts_complete(db, err) &&
              tn_snapshots_prepare(db, as_of, data_as_of, count_snapshot, &count, err);
    if (ok) {
        tn_file_remove_stale(parent, TEMPORARY_PREFIX, remove_export, NULL);
        ok = tn_file_make_temporary_dir(parent, TEMPORARY_PREFIX, staged, sizeof staged, err);
        if (!ok)
            tn_error_prefix(err, "--out %s", options->out_dir);
    }
    ok = ok && write_files(db, options, staged, as_of, data_as_of, watch, result, err);
    tn_db_close(db);
    ok = ok && put_in_place(staged, parent, options, replace, err);
    if (!ok && staged[0] != '\0')
        remove_export(staged, NULL);
    result->snapshots = count.dates;
    tn_date_format(as_of, result->as_of);
    return ok;
}
