/*
 * spill.h — the directory where DuckDB spills one open database's
 * temporary files when a query needs more than the memory budget.
 *
 * DuckDB names its temporary files itself (duckdb_temp_storage_S32K-0.tmp,
 * …) without the process's id, and when it closes a database whose
 * temporary directory it did not create, it deletes every duckdb_temp_*
 * file there. Two processes spilling into one directory (a server loading
 * the warehouse while a build writes it) would overwrite and delete each
 * other's files. So each open database gets a directory of its own,
 * <warehouse>.tmp/spill-<pid>-XXXXXX, inside <warehouse>.tmp (DuckDB's own
 * default place), made when the database is opened and removed, with
 * <warehouse>.tmp when that is left empty, when it is closed. The
 * directories of killed runs (their pid gone) are removed by the next open.
 *
 * An in-memory database, or a warehouse whose directory cannot be written
 * (an analyst's read-only copy), spills into $TMPDIR (else /tmp) instead:
 * $TMPDIR/tenure-spill-<pid>-XXXXXX.
 */
#ifndef TN_WAREHOUSE_SPILL_H
#define TN_WAREHOUSE_SPILL_H

#include <stdbool.h>

#include "common/error.h"
#include "common/file.h"

typedef struct {
    char dir[TN_FILE_PATH_MAX];    /* DuckDB's temp_directory, this database's alone */
    char parent[TN_FILE_PATH_MAX]; /* where dir is: <warehouse>.tmp or $TMPDIR; for messages */
    bool remove_parent;            /* parent is <warehouse>.tmp: removed when left empty */
} tn_spill;

/*
 * Makes the spill directory for the database at `db_path` (":memory:" for
 * an in-memory one) into *spill. TN_ERR_IO when no directory can be made,
 * neither beside the warehouse nor in $TMPDIR.
 */
bool tn_spill_open(tn_spill *spill, const char *db_path, tn_error *err);

/*
 * Removes the spill directory once DuckDB has closed the database (DuckDB
 * deletes its files then; any it left are deleted here), and its parent
 * <warehouse>.tmp when nothing else is in it. Safe on a zeroed *spill.
 */
void tn_spill_close(tn_spill *spill);

#endif
