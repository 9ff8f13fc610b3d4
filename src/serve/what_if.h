/*
 * what_if.h — the body of GET /analytics/interventions: the accounts ranked
 * by the ARR a CSM hour is expected to save (insight/interventions.h), and
 * what reaching the first N of them keeps, at the plan's save rates per
 * tier or at one save rate for all. Built per request from the snapshot's
 * two rankings, in time proportional to the accounts listed.
 */
#ifndef TN_SERVE_WHAT_IF_H
#define TN_SERVE_WHAT_IF_H

#include "common/strbuf.h"
#include "serve/request.h"
#include "serve/snapshot.h"

/* At most this many accounts are listed; the totals cover every account reached. */
#define TN_WHAT_IF_LISTED 100

/* Appends the JSON answer for `query` on `snapshot` (ready) to `out`. */
void tn_what_if_write(const tn_snapshot *snapshot, const tn_interventions_query *query,
                      tn_strbuf *out);

#endif
