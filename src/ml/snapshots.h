/*
 * snapshots.h — point-in-time training data (design.md §5).
 *
 * For every month start t from the month after the first signup to the
 * last one whose 90-day label window ends by the data's as-of date, the
 * marts' own SQL is evaluated as of t (every window ends at t, nothing dated
 * on or after t is read; sql/marts) and sql/training adds the label of the
 * 90 days that follow. Churn rows: customers active at t; expansion rows:
 * customers active and not yet upgraded at t. Serving reads the same marts
 * built as of the data's as-of date, so training and serving share one
 * definition of every feature.
 */
#ifndef TN_ML_SNAPSHOTS_H
#define TN_ML_SNAPSHOTS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/date.h"
#include "common/error.h"
#include "warehouse/db.h"
#include "warehouse/table.h"

#define TN_LABEL_DAYS 90

typedef struct {
    tn_day *dates; /* the snapshot dates, ascending; owned */
    size_t count;
    tn_table churn;     /* snapshot_day, label, customer_id, and the churn features */
    tn_table expansion; /* the same with the expansion features */
} tn_snapshots;

/* Called after each snapshot on the calling thread. */
typedef void (*tn_snapshot_progress)(void *context, size_t done, size_t total);

/*
 * Builds every snapshot in temporary tables of `db` (which may be opened
 * read-only) and reads them back. `export_dir`, when not NULL, also gets
 * churn_snapshots.csv and expansion_snapshots.csv.
 */
bool tn_snapshots_build(tn_db *db, tn_day data_as_of, const char *export_dir,
                        tn_snapshot_progress progress, void *context, tn_snapshots *out,
                        tn_error *err);

void tn_snapshots_free(tn_snapshots *snapshots);

#endif
