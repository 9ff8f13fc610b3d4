/*
 * what_if.h — the body of GET /analytics/interventions: the accounts ranked
 * by the ARR a CSM hour is expected to save (insight/interventions.h), and
 * what reaching the first N of them keeps, at the plan's save rates per
 * tier or at one save rate for all.
 *
 * Most of the answer is made once per snapshot (tn_what_if_prepare): the
 * default answer (the top 20 at the plan's rates) whole, with its gzip copy;
 * the first TN_WHAT_IF_LISTED rows of the plan's ranking whole; and for the
 * ranking at one save rate each row's text but for its four figures that
 * depend on the rate. A request then splices those parts and writes the
 * few figures of its own, with tn_what_if_put_fixed instead of printf.
 */
#ifndef TN_SERVE_WHAT_IF_H
#define TN_SERVE_WHAT_IF_H

#include <stdbool.h>
#include <stddef.h>

#include "common/strbuf.h"
#include "serve/request.h"
#include "serve/snapshot.h"

/* At most this many accounts are listed; the totals cover every account reached. */
#define TN_WHAT_IF_LISTED 100

/*
 * Makes snapshot->what_if, the ready parts of the answer, from the
 * snapshot's as_of, plan, customers (their item bodies) and the two
 * rankings (intervention_*). False when memory runs out; what was made is
 * freed with the snapshot.
 */
bool tn_what_if_prepare(tn_snapshot *snapshot);

/* Frees what tn_what_if_prepare made. NULL is allowed. */
void tn_what_if_free(tn_what_if *what_if);

/* The ready answer to `query` when there is one (the default answer), else NULL. */
const tn_body *tn_what_if_ready(const tn_snapshot *snapshot, const tn_interventions_query *query);

/*
 * Appends the JSON answer for `query` on `snapshot` (ready and prepared) to
 * `out`. False when memory runs out (`out` then holds part of it).
 */
bool tn_what_if_write(const tn_snapshot *snapshot, const tn_interventions_query *query,
                      tn_strbuf *out);

/*
 * Appends `value` with `decimals` (0–9) digits after the point, exactly as
 * printf's "%.*f" writes it (correctly rounded, ties to even, "-0.00" for a
 * negative value that rounds to zero), but without printf for all values
 * below 2^52 ÷ 10^decimals. `value` must be finite. False when memory runs out.
 */
bool tn_what_if_put_fixed(tn_strbuf *out, double value, int decimals);

#endif
