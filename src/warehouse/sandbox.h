/*
 * sandbox.h — a session that can only read the warehouse, for the SQL
 * people type (`tenure sql`).
 *
 * Opening the file read-only is not enough: DuckDB could still ATTACH the
 * same file under another spelling for writing, COPY and EXPORT to files,
 * ATTACH other databases, and INSTALL extensions from the network. So:
 *   - DuckDB's own settings, applied right after opening: no external
 *     access (no file but the warehouse, unless granted below), no
 *     automatic install or load of extensions, no community extensions,
 *     then the configuration is locked so no statement can undo any of it;
 *   - every statement is prepared and its type checked before it runs:
 *     COPY, EXPORT, ATTACH, DETACH, INSTALL, LOAD, PREPARE, EXECUTE, VACUUM
 *     and ANALYZE are refused with a message that says why.
 * What is left reads the warehouse (SELECT, EXPLAIN, DESCRIBE, SHOW, CALL
 * of table functions) or touches only this session (SET VARIABLE,
 * temporary tables and macros; the warehouse itself refuses every write).
 *
 * Other files may be read only when granted: each path is a file, or a
 * directory whose regular files (not its subdirectories) are granted. They
 * become DuckDB's allowed_paths, in the spelling given and as an absolute
 * path; a glob (a path with a wildcard) is not a granted path, so list the files. The
 * statement check still refuses everything that writes, so a grant lets a
 * query read those files and nothing more.
 */
#ifndef TN_WAREHOUSE_SANDBOX_H
#define TN_WAREHOUSE_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>

#include <duckdb.h>

#include "common/error.h"
#include "warehouse/db.h"

/*
 * Opens the warehouse at `path` read-only and locks it down as above,
 * granting read access to the `count` paths of `readable` (none when 0).
 * A granted path that does not exist is TN_ERR_INPUT naming it. On success
 * *out owns the database; release with tn_db_close().
 */
bool tn_sandbox_open(const char *path, const char *const *readable, size_t count, tn_db **out,
                     tn_error *err);

/*
 * Runs the statements of `sql` one by one, each checked first, and keeps
 * the result of the last in *result (the caller releases it with
 * duckdb_destroy_result() whether or not this succeeds). A refused
 * statement is TN_ERR_INPUT; one DuckDB rejects is TN_ERR_DB with its
 * message. Statements before a failing one have run.
 */
bool tn_sandbox_query(tn_db *db, const char *sql, duckdb_result *result, tn_error *err);

#endif
