/*
 * db.c — opening, querying and closing the DuckDB warehouse (see db.h).
 */
#include "warehouse/db.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct tn_db {
    duckdb_database database;
    duckdb_connection connection;
    char *path;
};

/* The directory part of `path` must exist for DuckDB to create the file. */
static bool check_parent_directory(const char *path, tn_error *err) {
    char *copy = strdup(path);
    if (copy == NULL)
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    const char *parent = dirname(copy);
    struct stat info;
    bool ok = stat(parent, &info) == 0 && S_ISDIR(info.st_mode);
    if (!ok)
        tn_error_set(err, TN_ERR_IO, "%s: directory '%s' does not exist", path, parent);
    free(copy);
    return ok;
}

static bool open_database(const char *path, tn_db_mode mode, duckdb_database *database,
                          tn_error *err) {
    duckdb_config config = NULL;
    if (duckdb_create_config(&config) != DuckDBSuccess)
        return tn_error_set(err, TN_ERR_DB, "%s: could not create a DuckDB configuration", path);
    duckdb_set_config(config, "access_mode", mode == TN_DB_READ_ONLY ? "READ_ONLY" : "READ_WRITE");
    char *message = NULL;
    duckdb_state state = duckdb_open_ext(path, database, config, &message);
    duckdb_destroy_config(&config);
    if (state == DuckDBSuccess)
        return true;
    tn_error_set(err, TN_ERR_IO, "%s: cannot open the warehouse: %s", path,
                 message != NULL ? message : "unknown DuckDB error");
    duckdb_free(message);
    return false;
}

bool tn_db_open(const char *path, tn_db_mode mode, tn_db **out, tn_error *err) {
    *out = NULL;
    struct stat info;
    if (mode == TN_DB_READ_ONLY && stat(path, &info) != 0)
        return tn_error_set(err, TN_ERR_IO,
                            "%s: no such warehouse (create it with 'tenure generate' or "
                            "'tenure build --raw DIR')",
                            path);
    if (mode == TN_DB_READ_WRITE && !check_parent_directory(path, err))
        return false;

    tn_db *db = calloc(1, sizeof *db);
    if (db == NULL || (db->path = strdup(path)) == NULL) {
        free(db);
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    }
    if (!open_database(path, mode, &db->database, err)) {
        free(db->path);
        free(db);
        return false;
    }
    if (duckdb_connect(db->database, &db->connection) != DuckDBSuccess) {
        tn_db_close(db);
        return tn_error_set(err, TN_ERR_DB, "%s: cannot connect to the warehouse", path);
    }
    *out = db;
    return true;
}

void tn_db_close(tn_db *db) {
    if (db == NULL)
        return;
    if (db->connection != NULL)
        duckdb_disconnect(&db->connection);
    if (db->database != NULL)
        duckdb_close(&db->database);
    free(db->path);
    free(db);
}

duckdb_connection tn_db_connection(tn_db *db) {
    return db->connection;
}

const char *tn_db_path(const tn_db *db) {
    return db->path;
}

bool tn_db_query(tn_db *db, const char *sql, duckdb_result *result, tn_error *err) {
    if (duckdb_query(db->connection, sql, result) == DuckDBSuccess)
        return true;
    const char *message = duckdb_result_error(result);
    return tn_error_set(err, TN_ERR_DB, "%s", message != NULL ? message : "unknown DuckDB error");
}

bool tn_db_exec(tn_db *db, const char *sql, tn_error *err) {
    duckdb_result result;
    bool ok = tn_db_query(db, sql, &result, err);
    duckdb_destroy_result(&result);
    return ok;
}

bool tn_db_set(tn_db *db, const char *name, const char *value, tn_error *err) {
    char statement[256];
    snprintf(statement, sizeof statement, "SET %s = '%s'", name, value);
    return tn_db_exec(db, statement, err);
}
