/*
 * load_report.h — the problems of a load, written for people: file by
 * file, up to `per_file` of them as "file:line: column: 'value' — expected
 * ...", a row's own problems before those of rows refused with their
 * customer, then the file's count per kind; last, the count of each kind
 * over all files. The project file's own problems come first, as one file.
 * Reads tn_problems and its companions (sql/load/report*.sql).
 */
#ifndef TN_WAREHOUSE_LOAD_REPORT_H
#define TN_WAREHOUSE_LOAD_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "common/error.h"
#include "warehouse/db.h"

bool tn_load_report_write(tn_db *db, int per_file, FILE *out, tn_error *err);

#endif
