/*
 * spill.c — one spill directory per open database (see spill.h).
 */
#include "warehouse/spill.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WAREHOUSE_PREFIX "spill-"
#define TMPDIR_PREFIX "tenure-spill-"
/* What DuckDB's temporary files are called (TemporaryFileManager); nothing else is deleted. */
#define DUCKDB_TEMP_PREFIX "duckdb_temp_"

/* How often to make <warehouse>.tmp again when another process removed it just as it emptied. */
enum { MAKE_ATTEMPTS = 3 };

static bool is_in_memory(const char *db_path) {
    return db_path[0] == '\0' || strcmp(db_path, ":memory:") == 0;
}

/* Makes parent (when `make_parent`) and a directory of ours in it; sweeps killed runs' first. */
static bool make_in(tn_spill *spill, const char *prefix, bool make_parent) {
    for (int attempt = 0; attempt < MAKE_ATTEMPTS; attempt++) {
        if (make_parent && mkdir(spill->parent, 0755) != 0 && errno != EEXIST)
            return false;
        if (attempt == 0)
            tn_file_remove_stale(spill->parent, prefix, tn_file_remove_prefixed,
                                 (void *)DUCKDB_TEMP_PREFIX);
        if (tn_file_make_temporary_dir(spill->parent, prefix, spill->dir, sizeof spill->dir, NULL))
            return true;
        if (errno != ENOENT || !make_parent) /* ENOENT: the parent was removed in between */
            return false;
    }
    return false;
}

bool tn_spill_open(tn_spill *spill, const char *db_path, tn_error *err) {
    memset(spill, 0, sizeof *spill);
    if (!is_in_memory(db_path)) {
        int length = snprintf(spill->parent, sizeof spill->parent, "%s.tmp", db_path);
        spill->remove_parent = true;
        if (length > 0 && (size_t)length < sizeof spill->parent &&
            make_in(spill, WAREHOUSE_PREFIX, true))
            return true;
    }
    const char *tmpdir = getenv("TMPDIR");
    snprintf(spill->parent, sizeof spill->parent, "%s",
             tmpdir != NULL && tmpdir[0] != '\0' ? tmpdir : "/tmp");
    spill->remove_parent = false;
    if (make_in(spill, TMPDIR_PREFIX, false))
        return true;
    int error = errno;
    tn_error_set(err, TN_ERR_IO, "%s: cannot make a directory for DuckDB to spill into, %s%s: %s",
                 db_path, is_in_memory(db_path) ? "" : "neither beside the warehouse nor ",
                 spill->parent, strerror(error));
    memset(spill, 0, sizeof *spill);
    return false;
}

void tn_spill_close(tn_spill *spill) {
    if (spill->dir[0] == '\0')
        return;
    if (rmdir(spill->dir) != 0)
        tn_file_remove_prefixed(spill->dir, (void *)DUCKDB_TEMP_PREFIX);
    if (spill->remove_parent)
        rmdir(spill->parent); /* fails, as it should, while another process spills there */
    memset(spill, 0, sizeof *spill);
}
