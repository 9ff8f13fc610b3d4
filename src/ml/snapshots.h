/*
 * snapshots.h — point-in-time training data.
 *
 * For every month start t from the month after the first signup to the
 * last one whose 90-day label window ends by the as-of date, the marts' own
 * SQL is evaluated as of t (every window ends at t, nothing dated on or
 * after t is read; sql/marts) and sql/training adds the label of the 90 days
 * that follow. Churn rows: customers active at t; expansion rows: customers
 * active and not yet upgraded at t. Serving reads the same marts built as of
 * the as-of date, so training and serving share one definition of every
 * feature.
 *
 * A snapshot at t reads nothing dated on or after t + 90 days, so the
 * snapshots for an as-of date D are the same whether the warehouse holds
 * later data or not. A backtest (backtest.h) therefore builds the snapshot
 * tables once, for its latest date, and reads back each date's subset.
 */
#ifndef TN_ML_SNAPSHOTS_H
#define TN_ML_SNAPSHOTS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/date.h"
#include "common/error.h"
#include "ml/features.h"
#include "warehouse/db.h"
#include "warehouse/table.h"

#define TN_LABEL_DAYS 90

typedef struct {
    tn_day *dates; /* the snapshot dates, ascending; owned */
    size_t count;
    tn_table churn;       /* snapshot_day, label, customer_id, and the churn features */
    tn_table expansion;   /* the same with the expansion features */
    tn_table churn_dates; /* customer_id, churn_day (NULL: none) of every customer, by id;
                             read as they are: the survival model censors them at its as-of */
} tn_snapshots;

/* Called after each snapshot on the calling thread. */
typedef void (*tn_snapshot_progress)(void *context, size_t done, size_t total);

/*
 * Builds every snapshot for `as_of` in temporary tables of `db` (which may
 * be opened read-only) and reads them back. `data_as_of` is the day after
 * the warehouse's own data (marts.build_info). `export_dir`, when not NULL,
 * also gets churn_snapshots.csv and expansion_snapshots.csv.
 */
bool tn_snapshots_build(tn_db *db, tn_day as_of, tn_day data_as_of, const char *export_dir,
                        tn_snapshot_progress progress, void *context, tn_snapshots *out,
                        tn_error *err);

/* The two steps of tn_snapshots_build, for a caller that reads several as-of dates. */
bool tn_snapshots_prepare(tn_db *db, tn_day until, tn_day data_as_of, tn_snapshot_progress progress,
                          void *context, tn_error *err);
/* Relations holding exported training snapshot rows, and how messages name them. */
typedef struct {
    const char *churn, *churn_what;         /* "training.churn_snapshots", its file */
    const char *expansion, *expansion_what; /* "training.expansion_snapshots", its file */
} tn_snapshot_relations;

/*
 * In place of tn_snapshots_prepare, for `tenure train --parquet`: the
 * training tables from relations that hold every snapshot row already (the
 * columns of sql/training/churn_snapshot.sql and expansion_snapshot.sql).
 * Their snapshot dates must be the month starts tn_snapshots_prepare would
 * compute up to `until`; otherwise TN_ERR_INPUT naming the relation's `what`.
 */
bool tn_snapshots_adopt(tn_db *db, tn_day until, const tn_snapshot_relations *from, tn_error *err);

/* The prepared snapshots whose label window ends by `as_of` (≤ `until`). */
bool tn_snapshots_read(tn_db *db, tn_day as_of, const char *export_dir, tn_snapshots *out,
                       tn_error *err);

/*
 * The marts' SQL evaluated as of `t` with the 90-day outcome that follows,
 * as training rows (sql/training), into the temporary tables `churn_table`
 * and `expansion_table` (replaced): a backtest's evaluation set.
 */
bool tn_snapshots_at(tn_db *db, tn_day t, tn_day data_as_of, const char *churn_table,
                     const char *expansion_table, tn_error *err);

/* The marts model `mart` evaluated as of `t` into the temporary table `into` (replaced). */
bool tn_snapshots_mart_at(tn_db *db, const char *mart, tn_day t, tn_day data_as_of,
                          const char *into, tn_error *err);

/*
 * Reads a training table (as written by tn_snapshots_at) with the features
 * `specs` typed for the encoder, plus snapshot_day, label and customer_id.
 */
bool tn_snapshots_read_table(tn_db *db, const char *table, const tn_feature_spec *specs,
                             size_t count, tn_table *out, tn_error *err);

void tn_snapshots_free(tn_snapshots *snapshots);

#endif
