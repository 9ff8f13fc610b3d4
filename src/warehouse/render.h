/*
 * render.h — the warehouse's models as one SQL script for another engine
 * (`tenure render`).
 *
 * A team whose data lives in PostgreSQL (or, through dbt, in a cloud
 * warehouse) runs the same models there. The script makes the schemas
 * staging (views) and marts (tables) afresh, as `tenure build` does in
 * DuckDB, from the raw tables of the schema raw; optionally one training
 * snapshot (the churn and expansion features as of a past date and their
 * labelled rows, as `tenure train` computes each of its snapshots) in the
 * schema training; and optionally every contract of `tenure check`, as a
 * SELECT of the number of rows that break it.
 */
#ifndef TN_WAREHOUSE_RENDER_H
#define TN_WAREHOUSE_RENDER_H

#include <stdbool.h>

#include "common/date.h"
#include "common/error.h"
#include "common/strbuf.h"
#include "warehouse/dialect.h"

typedef struct {
    tn_dialect dialect;
    tn_day as_of;      /* the marts' as-of date */
    tn_day data_as_of; /* the data's own date (open pipeline is known as of it) */
    tn_day snapshot;   /* a training snapshot's date, or TN_DAY_UNSET for none */
    bool checks;       /* the contracts too */
} tn_render_plan;

/* Appends the script of `plan` to `out`. */
bool tn_render_script(const tn_render_plan *plan, tn_strbuf *out, tn_error *err);

#endif
