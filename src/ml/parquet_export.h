/*
 * parquet_export.h — `tenure export`: a built warehouse's marts, the
 * staging models the stages read, marts.build_info and every training
 * snapshot row, as the Parquet files `--parquet DIR` reads (the layout and
 * the column contract: warehouse/parquet_contract.h, docs/export.md), with
 * DIR/manifest.json.
 *
 * The files are written into a new directory beside DIR, which is renamed
 * into place only when every file and the manifest are written: an export
 * that fails or is killed leaves DIR as it was (a killed one's directory is
 * removed by the next export). An existing DIR is replaced only with
 * `force`, and only when it holds a manifest.json (an earlier export).
 */
#ifndef TN_ML_PARQUET_EXPORT_H
#define TN_ML_PARQUET_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

typedef struct {
    const char *db_path; /* a warehouse `tenure build` made, opened read-only */
    const char *out_dir; /* its parent must exist */
    bool force;          /* replace an earlier export at out_dir */
} tn_export_options;

/* What the caller shows while the export runs (on the calling thread). */
typedef struct {
    void *context;
    /* "snapshots" (the training snapshots computed) or "files" (written), `done` of `total` */
    void (*step)(void *context, const char *what, size_t done, size_t total);
} tn_export_watch;

typedef struct {
    size_t files;     /* Parquet files written */
    uint64_t rows;    /* their rows, all together */
    size_t snapshots; /* training snapshot dates */
    char as_of[16];   /* the warehouse's as-of date, YYYY-MM-DD */
} tn_export_result;

/* Runs the export. `watch` may be NULL. */
bool tn_export(const tn_export_options *options, const tn_export_watch *watch,
               tn_export_result *result, tn_error *err);

#endif
