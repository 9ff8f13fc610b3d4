/*
 * build.h — `tenure build`: raw tables → staging views → feature marts.
 *
 * In one DuckDB transaction (so a failure or Ctrl-C leaves the warehouse as
 * it was): optionally replace the raw tables with a company's exports, read
 * through a mapping (mapping.h, raw_load.h), or merge an increment of them
 * into the raw tables by primary key (--append); rebuild every model of
 * sql/staging (views) and sql/marts (tables) in dependency order
 * (models.h); and record the build in marts.build_info: its as-of date, the
 * data's own as-of date, where the data came from, and the row count of
 * every table.
 *
 * The as-of date: --as-of if given; otherwise the data's own, which is the
 * date `tenure generate` recorded, or for loaded data the day after the
 * latest usage event. A loaded row may not be dated after the as-of date
 * given, nor, when the as-of date comes from the data, after today. An
 * increment may not move the as-of date back: it is refused when its as-of
 * date, given or the data's, is earlier than the last build's.
 *
 * tn_build_validate() runs the same load against an in-memory database:
 * every problem of every file, and the warehouse is not touched.
 */
#ifndef TN_WAREHOUSE_BUILD_H
#define TN_WAREHOUSE_BUILD_H

#include <stdbool.h>
#include <stdint.h>

#include "common/date.h"
#include "common/error.h"
#include "warehouse/db.h"
#include "warehouse/raw_load.h"

typedef struct {
    const char *db_path;
    const char *raw_dir;      /* NULL: no exports to load (unless mapping_path) */
    const char *mapping_path; /* the project file; NULL: raw_dir/tenure.yml when it exists,
                                 else the canonical CSV layout of raw_dir */
    tn_day as_of;             /* TN_DAY_UNSET: the data's own */
    bool lenient;             /* load the good rows, keep the bad ones in raw.rejects */
    bool append;              /* the exports are an increment, merged into the stored rows */
    int lock_wait_seconds;    /* how long to wait while another process (a server loading,
                                 a reader) holds the warehouse's lock; 0: not at all */
} tn_build_options;

/* What a build did or, for a strict load with problems, found. */
typedef struct {
    tn_day as_of, data_as_of;
    char as_of_reason[160];  /* where the as-of date came from, for people */
    bool loaded;             /* the raw tables came from exports */
    char mapping_used[4096]; /* the project file read, "" for the canonical layout */
    tn_load_summary load;    /* when loaded: what was read and rejected */
    tn_day previous_as_of;   /* --append: the last build's as-of date (TN_DAY_UNSET: none) */
    tn_merge_count merged[TN_RAW_TABLE_COUNT]; /* --append: what it did to each table */
    char *problem_report; /* when loaded with problems: the report lines (caller frees) */
    size_t models;        /* models built */
    uint64_t raw_rows[TN_RAW_TABLE_COUNT];
} tn_build_result;

/* Called from the calling thread while the build runs: what it is doing, DuckDB's progress. */
typedef struct {
    void *context;
    void (*step)(void *context, const char *what, double percent);
    bool (*should_stop)(void *context);
    /* NULL, or told once when the build starts waiting for another process's lock */
    void (*waiting)(void *context, const char *holder);
} tn_build_watch;

/*
 * Builds the warehouse. A load with problems in strict mode fails with
 * TN_ERR_INPUT and result->problem_report set; the warehouse is unchanged.
 */
bool tn_build(const tn_build_options *options, const tn_build_watch *watch, tn_build_result *result,
              tn_error *err);

/*
 * Loads and checks the exports of options->raw_dir / mapping_path into an
 * in-memory database only (an increment, options->append: against the
 * warehouse at options->db_path, opened read-only). Fails with
 * TN_ERR_INPUT and result->problem_report set when any file has a problem;
 * result->as_of is what the as-of date would be.
 */
bool tn_build_validate(const tn_build_options *options, const tn_build_watch *watch,
                       tn_build_result *result, tn_error *err);

/* Frees what a result owns. */
void tn_build_result_free(tn_build_result *result);

/*
 * Reads the as-of dates of the last build from marts.build_info. Fails with
 * TN_ERR_INPUT, saying to run `tenure build`, when the warehouse has none.
 */
bool tn_build_info_dates(tn_db *db, tn_day *as_of, tn_day *data_as_of, tn_error *err);

/*
 * Whether the warehouse has every mart this version's build makes (each
 * model of sql/marts, and marts.build_info). TN_ERR_INPUT otherwise: to run
 * `tenure build` first when it was never built, or again when an earlier
 * version built it and a newer mart is missing (named).
 */
bool tn_build_marts_complete(tn_db *db, tn_error *err);

#endif
