/*
 * what_if.c — GET /analytics/interventions' answer (see what_if.h).
 */
#include "serve/what_if.h"

#include <math.h>

/* "key":value with `decimals`, or null when it is not finite. */
static void put_number(tn_strbuf *out, const char *key, double value, int decimals) {
    if (isfinite(value))
        tn_strbuf_printf(out, "\"%s\":%.*f", key, decimals, value);
    else
        tn_strbuf_printf(out, "\"%s\":null", key);
}

/* {"starter":…,"growth":…,"enterprise":…} */
static void put_tiers(tn_strbuf *out, const char *key, const double values[TN_PLAN_TIERS]) {
    tn_strbuf_printf(out, "\"%s\":{", key);
    for (int t = 0; t < TN_PLAN_TIERS; t++) {
        tn_strbuf_puts(out, t ? "," : "");
        put_number(out, tn_plan_tier_names[t], values[t], 4);
    }
    tn_strbuf_putc(out, '}');
}

static void put_row(tn_strbuf *out, const tn_snapshot *snapshot, const tn_intervention_row *row,
                    size_t rank) {
    const tn_body *item = &snapshot->customers[row->index].item;
    tn_strbuf_printf(out, "{\"rank\":%zu,\"customer\":", rank);
    tn_strbuf_append(out, item->text, item->length);
    tn_strbuf_putc(out, ',');
    put_number(out, "save_rate", row->save_rate, 4);
    tn_strbuf_putc(out, ',');
    put_number(out, "hours", row->hours, 2);
    tn_strbuf_putc(out, ',');
    put_number(out, "expected_arr_saved", row->expected_arr_saved, 2);
    tn_strbuf_putc(out, ',');
    put_number(out, "arr_saved_per_hour", row->per_hour, 2);
    tn_strbuf_putc(out, ',');
    put_number(out, "cumulative_arr_saved", row->cumulative_arr_saved, 2);
    tn_strbuf_putc(out, ',');
    put_number(out, "cumulative_hours", row->cumulative_hours, 2);
    tn_strbuf_putc(out, '}');
}

void tn_what_if_write(const tn_snapshot *snapshot, const tn_interventions_query *query,
                      tn_strbuf *out) {
    bool uniform = !isnan(query->save_rate);
    size_t requested =
        query->accounts > 0 ? (size_t)query->accounts : TN_INTERVENTIONS_DEFAULT_ACCOUNTS;
    size_t listed = requested < TN_WHAT_IF_LISTED ? requested : TN_WHAT_IF_LISTED;
    tn_intervention_row rows[TN_WHAT_IF_LISTED];
    tn_intervention_totals totals;
    tn_interventions_reach(snapshot->intervention_at_risk, snapshot->intervention_tier,
                           snapshot->customer_count, snapshot->intervention_order[uniform],
                           &snapshot->plan, query->save_rate, requested, rows, listed, &totals);
    listed = listed < totals.accounts ? listed : totals.accounts;
    tn_strbuf_printf(out,
                     "{\"as_of\":\"%s\",\"ranking\":\"expected ARR saved per CSM hour\","
                     "\"requested_accounts\":%zu,\"accounts\":%zu,",
                     snapshot->as_of, requested, totals.accounts);
    if (uniform)
        put_number(out, "save_rate", query->save_rate, 4);
    else
        put_tiers(out, "save_rate", snapshot->plan.save_rate);
    tn_strbuf_putc(out, ',');
    put_tiers(out, "hours_per_account", snapshot->plan.hours);
    tn_strbuf_putc(out, ',');
    put_number(out, "hours", totals.hours, 2);
    tn_strbuf_putc(out, ',');
    put_number(out, "arr_at_risk", totals.arr_at_risk, 2);
    tn_strbuf_putc(out, ',');
    put_number(out, "share_of_arr_at_risk", totals.share_of_arr_at_risk, 6);
    tn_strbuf_putc(out, ',');
    put_number(out, "expected_arr_saved", totals.expected_arr_saved, 2);
    tn_strbuf_printf(out, ",\"listed\":%zu,\"accounts_listed\":[", listed);
    for (size_t r = 0; r < listed; r++) {
        tn_strbuf_puts(out, r ? "," : "");
        put_row(out, snapshot, &rows[r], r + 1);
    }
    tn_strbuf_puts(out, "]}");
}
