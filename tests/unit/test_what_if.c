/*
 * test_what_if.c — GET /analytics/interventions' answer (src/serve/what_if.h):
 * its number formatter writes what printf's "%.*f" writes, and the answers
 * spliced from the parts made at load are byte for byte those written whole
 * with printf, as the server wrote them before the parts existed (reference
 * below), for the default query, each ranking and every size of the list.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "serve/what_if.h"

/* ---- the number formatter ----------------------------------------------------------- */

static void check_fixed(double value, int decimals) {
    char expected[400];
    snprintf(expected, sizeof expected, "%.*f", decimals, value);
    tn_strbuf out = TN_STRBUF_INIT;
    assert_true(tn_what_if_put_fixed(&out, value, decimals));
    if (strcmp(tn_strbuf_cstr(&out), expected) != 0)
        fail_msg("%.17g with %d decimals: '%s', printf '%s'", value, decimals, tn_strbuf_cstr(&out),
                 expected);
    tn_strbuf_free(&out);
}

/* A double from 64 random bits of a small xorshift generator, finite. */
static double random_double(uint64_t *state, int max_exponent) {
    *state ^= *state << 13, *state ^= *state >> 7, *state ^= *state << 17;
    double mantissa = (double)(*state >> 11) / 0x1p53;
    int exponent = (int)(*state % (unsigned)(2 * max_exponent + 1)) - max_exponent;
    return ((*state >> 10) & 1 ? -1 : 1) * ldexp(mantissa, exponent);
}

static void test_fixed(void **state) {
    (void)state;
    static const double edges[] = {0,
                                   -0.0,
                                   0.005,
                                   0.015,
                                   0.125,
                                   0.375,
                                   0.5,
                                   1.5,
                                   2.5,
                                   1.005,
                                   2.675,
                                   1e-300,
                                   5e-324,
                                   -0.001,
                                   -0.125,
                                   99.995,
                                   0x1p52,
                                   0x1p52 - 1,
                                   0x1p52 - 0.5,
                                   4503599627370.4951,
                                   45035996273.704955,
                                   1e300,
                                   123456.785,
                                   0.00005};
    for (size_t i = 0; i < sizeof edges / sizeof *edges; i++)
        for (int d = 0; d <= 9; d++)
            check_fixed(edges[i], d);
    uint64_t random = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < 200000; i++) {
        int d = i % 10;
        check_fixed(random_double(&random, 60), d);
        /* near and at the ties: k + 0.5 units of the last decimal, over powers of two */
        double k = floor(fabs(random_double(&random, 20)));
        check_fixed((k + 0.5) / pow(10, d), d);
        check_fixed((k + 0.5) / 0x1p10, d);
    }
}

/* ---- the answers ---------------------------------------------------------------------- */

/* The answer as the server wrote it before what_if.c made parts of it at load. */
static void reference_number(tn_strbuf *out, const char *key, double value, int decimals) {
    if (isfinite(value))
        tn_strbuf_printf(out, "\"%s\":%.*f", key, decimals, value);
    else
        tn_strbuf_printf(out, "\"%s\":null", key);
}

static void reference_tiers(tn_strbuf *out, const char *key, const double values[TN_PLAN_TIERS]) {
    tn_strbuf_printf(out, "\"%s\":{", key);
    for (int t = 0; t < TN_PLAN_TIERS; t++) {
        tn_strbuf_puts(out, t ? "," : "");
        reference_number(out, tn_plan_tier_names[t], values[t], 4);
    }
    tn_strbuf_putc(out, '}');
}

static void reference_row(tn_strbuf *out, const tn_snapshot *snapshot,
                          const tn_intervention_row *row, size_t rank) {
    const tn_body *item = &snapshot->customers[row->index].item;
    tn_strbuf_printf(out, "{\"rank\":%zu,\"customer\":", rank);
    tn_strbuf_append(out, item->text, item->length);
    tn_strbuf_putc(out, ',');
    reference_number(out, "save_rate", row->save_rate, 4);
    tn_strbuf_putc(out, ',');
    reference_number(out, "hours", row->hours, 2);
    tn_strbuf_putc(out, ',');
    reference_number(out, "expected_arr_saved", row->expected_arr_saved, 2);
    tn_strbuf_putc(out, ',');
    reference_number(out, "arr_saved_per_hour", row->per_hour, 2);
    tn_strbuf_putc(out, ',');
    reference_number(out, "cumulative_arr_saved", row->cumulative_arr_saved, 2);
    tn_strbuf_putc(out, ',');
    reference_number(out, "cumulative_hours", row->cumulative_hours, 2);
    tn_strbuf_putc(out, '}');
}

static void reference_head(tn_strbuf *out, const tn_snapshot *snapshot, double save_rate,
                           size_t requested, const tn_intervention_totals *totals) {
    tn_strbuf_printf(out,
                     "{\"as_of\":\"%s\",\"ranking\":\"expected ARR saved per CSM hour\","
                     "\"requested_accounts\":%zu,\"accounts\":%zu,",
                     snapshot->as_of, requested, totals->accounts);
    if (!isnan(save_rate))
        reference_number(out, "save_rate", save_rate, 4);
    else
        reference_tiers(out, "save_rate", snapshot->plan.save_rate);
    tn_strbuf_putc(out, ',');
    reference_tiers(out, "hours_per_account", snapshot->plan.hours);
    tn_strbuf_putc(out, ',');
    reference_number(out, "hours", totals->hours, 2);
    tn_strbuf_putc(out, ',');
    reference_number(out, "arr_at_risk", totals->arr_at_risk, 2);
    tn_strbuf_putc(out, ',');
    reference_number(out, "share_of_arr_at_risk", totals->share_of_arr_at_risk, 6);
    tn_strbuf_putc(out, ',');
    reference_number(out, "expected_arr_saved", totals->expected_arr_saved, 2);
}

static void reference(const tn_snapshot *snapshot, const tn_interventions_query *query,
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
    reference_head(out, snapshot, query->save_rate, requested, &totals);
    tn_strbuf_printf(out, ",\"listed\":%zu,\"accounts_listed\":[", listed);
    for (size_t r = 0; r < listed; r++) {
        tn_strbuf_puts(out, r ? "," : "");
        reference_row(out, snapshot, &rows[r], r + 1);
    }
    tn_strbuf_puts(out, "]}");
}

/* A ready snapshot of n customers of every tier (and one unknown), some with nothing or NAN at
   risk, some tied; as_of and the plan (hours of 1.5, 3 and 8.25) set before the index. */
static tn_snapshot *snapshot_of(size_t n) {
    static const char *const tiers[] = {"starter", "growth", "enterprise", "custom"};
    tn_snapshot *s = tn_snapshot_not_ready("test");
    assert_non_null(s);
    s->customers = calloc(n + 1, sizeof *s->customers);
    assert_non_null(s->customers);
    uint64_t random = 42;
    for (size_t i = 0; i < n; i++) {
        tn_serve_customer *c = &s->customers[s->customer_count++];
        char id[32];
        snprintf(id, sizeof id, "c-%04zu", i);
        c->id = strdup(id);
        snprintf(c->plan_tier, sizeof c->plan_tier, "%s", tiers[i % 4]);
        double at_risk = fabs(random_double(&random, 17));
        c->arr_at_risk = i % 13 == 0 ? 0 : i % 17 == 0 ? NAN : i % 7 == 0 ? 12345.675 : at_risk;
        tn_strbuf item = TN_STRBUF_INIT;
        tn_strbuf_printf(&item, "{\"customer_id\":\"%s\",\"arr_at_risk\":%.8g}", id,
                         c->arr_at_risk);
        c->item.length = item.length;
        c->item.text = tn_strbuf_detach(&item);
    }
    snprintf(s->as_of, sizeof s->as_of, "2026-03-14");
    tn_intervention_plan_default(&s->plan);
    s->plan.hours[0] = 1.5, s->plan.hours[2] = 8.25, s->plan.save_rate[1] = 0.125;
    assert_true(tn_snapshot_index(s));
    s->ready = true;
    return s;
}

static void check_answer(const tn_snapshot *s, double save_rate, long accounts) {
    tn_interventions_query query;
    tn_interventions_query_init(&query);
    query.save_rate = save_rate, query.accounts = accounts;
    tn_strbuf expected = TN_STRBUF_INIT, got = TN_STRBUF_INIT;
    reference(s, &query, &expected);
    assert_true(tn_what_if_write(s, &query, &got));
    if (strcmp(tn_strbuf_cstr(&got), tn_strbuf_cstr(&expected)) != 0)
        fail_msg("save_rate %g, accounts %ld:\n%s\nexpected\n%s", save_rate, accounts,
                 tn_strbuf_cstr(&got), tn_strbuf_cstr(&expected));
    const tn_body *ready = tn_what_if_ready(s, &query);
    if (ready != NULL)
        assert_string_equal(ready->text, tn_strbuf_cstr(&expected));
    tn_strbuf_free(&expected);
    tn_strbuf_free(&got);
}

static void test_answers(void **state) {
    (void)state;
    static const double rates[] = {NAN, 0.1, 0.25, 1, 0.123456789, 0.00005, 1e-9};
    static const long accounts[] = {0, 1, 2, 19, 20, 21, 99, 100, 101, 150, 239, 240, 1000000};
    static const size_t sizes[] = {0, 1, 3, 99, 100, 101, 240};
    for (size_t z = 0; z < sizeof sizes / sizeof *sizes; z++) {
        tn_snapshot *s = snapshot_of(sizes[z]);
        for (size_t r = 0; r < sizeof rates / sizeof *rates; r++)
            for (size_t a = 0; a < sizeof accounts / sizeof *accounts; a++)
                check_answer(s, rates[r], accounts[a]);
        tn_snapshot_release(s);
    }
}

static void test_ready_answer(void **state) {
    (void)state;
    tn_snapshot *s = snapshot_of(50);
    tn_interventions_query query;
    tn_interventions_query_init(&query);
    const tn_body *ready = tn_what_if_ready(s, &query);
    assert_non_null(ready);
    assert_non_null(ready->gzip);                       /* for the clients that take gzip */
    query.accounts = TN_INTERVENTIONS_DEFAULT_ACCOUNTS; /* the same answer */
    assert_ptr_equal(tn_what_if_ready(s, &query), ready);
    query.accounts = 21;
    assert_null(tn_what_if_ready(s, &query));
    query.accounts = 0, query.save_rate = 0.1; /* one rate for all: another ranking */
    assert_null(tn_what_if_ready(s, &query));
    tn_snapshot_release(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed),
        cmocka_unit_test(test_answers),
        cmocka_unit_test(test_ready_answer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
