/*
 * test_gen.c — the synthetic company's building blocks: random streams,
 * UUIDs, customer profiles, accounts (names, owners, renewals, CRM ids) and
 * the rows of each table, checked for determinism and for the invariants of
 * the data dictionary.
 *
 * Reference values for xoshiro256** and SplitMix64 were computed with an
 * independent Python implementation of the published algorithms
 * (https://prng.di.unimi.it/xoshiro256starstar.c, splitmix64.c); the
 * xoshiro256** sequence from state {1, 2, 3, 4} is also the one its authors'
 * reference code prints.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "gen/account.h"
#include "gen/company.h"
#include "gen/customer.h"
#include "gen/events.h"
#include "gen/opportunities.h"
#include "gen/rng.h"
#include "gen/rows.h"
#include "gen/tickets.h"
#include "gen/uuid.h"

enum { TEST_CUSTOMERS = 300 };

static void test_xoshiro_reference_sequence(void **state) {
    (void)state;
    gsl_rng *rng = tn_rng_create();
    uint64_t *s = rng->state;
    s[0] = 1, s[1] = 2, s[2] = 3, s[3] = 4;
    assert_true(tn_rng_next64(rng) == 11520ULL);
    assert_true(tn_rng_next64(rng) == 0ULL);
    assert_true(tn_rng_next64(rng) == 1509978240ULL);
    assert_true(tn_rng_next64(rng) == 1215971899390074240ULL);
    gsl_rng_free(rng);
}

static void test_seed_goes_through_splitmix64(void **state) {
    (void)state;
    /* gsl_rng_set(42) fills the state with SplitMix64(42)'s first four outputs */
    gsl_rng *rng = tn_rng_create();
    gsl_rng_set(rng, 42);
    uint64_t *s = rng->state;
    assert_true(s[0] == 13679457532755275413ULL);
    assert_true(s[3] == 6349198060258255764ULL);
    assert_true(tn_rng_next64(rng) == 1546998764402558742ULL);
    assert_true(tn_rng_next64(rng) == 6990951692964543102ULL);
    gsl_rng_free(rng);
}

static void test_gsl_interface_ranges(void **state) {
    (void)state;
    gsl_rng *rng = tn_rng_create();
    gsl_rng_set(rng, 7);
    assert_true(gsl_rng_max(rng) == 0xffffffffUL);
    assert_true(gsl_rng_min(rng) == 0);
    double sum = 0;
    for (int i = 0; i < 100000; i++) {
        double u = gsl_rng_uniform(rng);
        assert_true(u >= 0.0 && u < 1.0);
        sum += u;
    }
    assert_true(sum / 100000 > 0.49 && sum / 100000 < 0.51); /* mean of U(0,1): 0.5 ± 0.0009 sd */
    gsl_rng_free(rng);
}

static void test_streams_are_keyed_and_repeatable(void **state) {
    (void)state;
    gsl_rng *a = tn_rng_create(), *b = tn_rng_create();
    tn_rng_seed_stream(a, 42, 17, TN_STREAM_EVENTS);
    tn_rng_seed_stream(b, 42, 17, TN_STREAM_EVENTS);
    for (int i = 0; i < 100; i++)
        assert_true(tn_rng_next64(a) == tn_rng_next64(b));
    /* changing any part of the key gives another stream */
    tn_rng_seed_stream(a, 42, 17, TN_STREAM_EVENTS);
    uint64_t reference = tn_rng_next64(a);
    tn_rng_seed_stream(b, 43, 17, TN_STREAM_EVENTS);
    assert_true(tn_rng_next64(b) != reference);
    tn_rng_seed_stream(b, 42, 18, TN_STREAM_EVENTS);
    assert_true(tn_rng_next64(b) != reference);
    tn_rng_seed_stream(b, 42, 17, TN_STREAM_TICKETS);
    assert_true(tn_rng_next64(b) != reference);
    gsl_rng_free(a);
    gsl_rng_free(b);
}

static void test_uuid_format_sets_version_and_variant(void **state) {
    (void)state;
    char text[TN_UUID_TEXT_LENGTH + 1] = {0};
    tn_uuid_format(0x0123456789abcdefULL, 0xfedcba9876543210ULL, text);
    assert_string_equal(text, "01234567-89ab-4def-bedc-ba9876543210");
    tn_uuid_format(0, 0, text);
    assert_string_equal(text, "00000000-0000-4000-8000-000000000000");
    tn_uuid_format(UINT64_MAX, UINT64_MAX, text);
    assert_string_equal(text, "ffffffff-ffff-4fff-bfff-ffffffffffff");
}

static int setup_company(void **state) {
    static tn_gen_company company;
    if (!tn_gen_company_init(&company, tn_gen_default_model(), TEST_CUSTOMERS, 42,
                             tn_day_from_civil(2026, 3, 14), NULL))
        return -1;
    *state = &company;
    return 0;
}

static int teardown_company(void **state) {
    tn_gen_company_free(*state);
    return 0;
}

static void test_customer_is_a_pure_function_of_seed_and_index(void **state) {
    const tn_gen_company *company = *state;
    gsl_rng *a = tn_rng_create(), *b = tn_rng_create();
    tn_gen_customer first, second, other;
    tn_gen_customer_draw(company, 5, a, &first);
    tn_gen_customer_draw(company, 9, b, &other); /* whatever b did before does not matter */
    tn_gen_customer_draw(company, 5, b, &second);
    assert_memory_equal(&first, &second, sizeof first);
    assert_true(first.id_high != other.id_high || first.id_low != other.id_low);

    tn_gen_event_list events_a = {0}, events_b = {0};
    assert_true(tn_gen_customer_events(company, &first, a, &events_a));
    tn_gen_customer_draw(company, 5, b, &second);
    assert_true(tn_gen_customer_events(company, &second, b, &events_b));
    assert_int_equal(events_a.count, events_b.count);
    assert_memory_equal(events_a.items, events_b.items, events_a.count * sizeof *events_a.items);
    tn_gen_event_list_free(&events_a);
    tn_gen_event_list_free(&events_b);
    gsl_rng_free(a);
    gsl_rng_free(b);
}

static void check_profile(const tn_gen_company *company, const tn_gen_customer *c) {
    assert_true(c->signup >= company->as_of - 730 && c->signup < company->as_of);
    double mrr = (double)c->mrr_cents / 100.0;
    assert_true(mrr >= tn_tier_mrr_floor[c->tier] && mrr <= tn_tier_mrr_ceiling[c->tier]);
    if (c->churn != TN_DAY_NEVER) {
        assert_true(c->churn > c->signup && c->churn < company->as_of);
        assert_int_equal(c->end, c->churn);
    } else {
        assert_int_equal(c->end, company->as_of);
    }
    if (c->upgrade != TN_DAY_NEVER) {
        assert_true(c->upgrade - c->signup >= 60); /* at least 60 days after signup */
        assert_true(c->upgrade < c->end);          /* never on or after churn */
    }
}

static void check_events(const tn_gen_customer *c, const tn_gen_event_list *events) {
    for (size_t i = 0; i < events->count; i++) {
        const tn_gen_event *e = &events->items[i];
        assert_true(e->timestamp >= tn_day_start(c->signup) && e->timestamp < tn_day_start(c->end));
        assert_true(e->score <= 10000);
        assert_true(e->type < TN_EVENT_TYPE_COUNT);
        if (i > 0)
            assert_true(events->items[i - 1].timestamp <= e->timestamp);
    }
}

static void check_tickets_and_opportunities(const tn_gen_company *company, const tn_gen_customer *c,
                                            const tn_gen_ticket_list *tickets,
                                            const tn_gen_opportunity *opps, int opp_count) {
    for (size_t i = 0; i < tickets->count; i++) {
        const tn_gen_ticket *t = &tickets->items[i];
        assert_true(t->created >= c->signup && t->created < c->end);
        assert_true(t->resolution_hours >= 1);
        assert_true(t->priority < TN_PRIORITY_COUNT && t->topic < TN_TOPIC_COUNT);
    }
    int new_business = 0;
    for (int i = 0; i < opp_count; i++) {
        const tn_gen_opportunity *o = &opps[i];
        assert_true(o->amount_cents > 0 && o->sales_rep < TN_SALES_REP_COUNT);
        if (o->type == TN_OPP_NEW_BUSINESS) {
            new_business++;
            assert_int_equal(o->stage, TN_STAGE_CLOSED_WON);
            assert_int_equal(o->close, c->signup);
        }
        bool open = o->stage <= TN_STAGE_PROPOSAL;
        if (open)
            assert_true(o->close >= company->as_of && c->churn == TN_DAY_NEVER);
        else
            assert_true(o->close >= c->signup && o->close < c->end);
    }
    assert_int_equal(new_business, 1);
}

static void test_every_customer_keeps_the_invariants(void **state) {
    const tn_gen_company *company = *state;
    gsl_rng *rng = tn_rng_create();
    tn_gen_event_list events = {0};
    tn_gen_ticket_list tickets = {0};
    tn_gen_opportunity opps[TN_GEN_MAX_OPPORTUNITIES];
    int churned = 0, upgraded = 0;
    for (uint64_t i = 0; i < company->customers; i++) {
        tn_gen_customer c;
        tn_gen_customer_draw(company, i, rng, &c);
        check_profile(company, &c);
        assert_true(tn_gen_customer_events(company, &c, rng, &events));
        check_events(&c, &events);
        assert_true(tn_gen_customer_tickets(company, &c, rng, &tickets));
        int opp_count = tn_gen_customer_opportunities(company, &c, rng, opps);
        check_tickets_and_opportunities(company, &c, &tickets, opps, opp_count);
        churned += c.churn != TN_DAY_NEVER;
        upgraded += c.upgrade != TN_DAY_NEVER;
    }
    assert_true(churned > 0 && upgraded > 0); /* the invariants above were exercised */
    tn_gen_event_list_free(&events);
    tn_gen_ticket_list_free(&tickets);
    gsl_rng_free(rng);
}

static void test_churn_decay_falls_towards_the_floor(void **state) {
    (void)state;
    const tn_gen_model *m = tn_gen_default_model();
    assert_true(tn_gen_churn_decay(m, 365) > 0.999);
    double previous = 1.0;
    for (int days = 120; days >= 0; days--) {
        double decay = tn_gen_churn_decay(m, days);
        assert_true(decay <= previous && decay >= m->decay_floor);
        previous = decay;
    }
    /* at the midpoint half of what can be lost is lost */
    double mid = tn_gen_churn_decay(m, m->decay_midpoint_days);
    assert_true(mid > m->decay_floor + 0.49 * (1 - m->decay_floor) &&
                mid < m->decay_floor + 0.51 * (1 - m->decay_floor));
}

static void test_csv_headers_are_the_dictionary_columns(void **state) {
    (void)state;
    static const char *const expected[TN_GEN_TABLE_COUNT] = {
        "customer_id,industry,plan_tier,signup_date,mrr,churn_date,upgrade_date,name,owner,"
        "renewal_date,crm_id\n",
        "event_id,customer_id,timestamp,event_type,feature_adoption_score\n",
        "opp_id,customer_id,stage,close_date,amount,sales_owner,opportunity_type\n",
        "ticket_id,customer_id,created_date,priority,resolution_time,topic\n",
        "customer_id,compliance_gap_score,vendor_risk_flags\n",
    };
    for (int t = 0; t < TN_GEN_TABLE_COUNT; t++) {
        tn_strbuf header = TN_STRBUF_INIT;
        assert_true(tn_gen_csv_header(tn_gen_tables[t], &header));
        assert_string_equal(tn_strbuf_cstr(&header), expected[t]);
        tn_strbuf_free(&header);
    }
}

static void test_csv_rows_are_formatted_exactly(void **state) {
    const tn_gen_company *company = *state;
    tn_gen_worker worker;
    assert_true(tn_gen_worker_init(&worker, company));
    tn_gen_worker_customer(&worker, 0);
    tn_gen_customer *c = &worker.customer;
    /* a hand-set customer: the row must spell exactly these values */
    c->id_high = 0x0123456789abcdefULL, c->id_low = 0xfedcba9876543210ULL;
    memcpy(worker.customer_id, "01234567-89ab-4def-bedc-ba9876543210", TN_UUID_TEXT_LENGTH);
    c->tier = TN_TIER_GROWTH, c->industry = TN_INDUSTRY_HRTECH;
    c->signup = tn_day_from_civil(2024, 2, 29), c->mrr_cents = 250005;
    c->churn = TN_DAY_NEVER, c->upgrade = tn_day_from_civil(2025, 1, 2);
    snprintf(worker.account.name, sizeof worker.account.name, "Northwind Ledger Labs");
    worker.account.owner = tn_gen_csm_names[0];
    worker.account.renewal = tn_day_from_civil(2027, 2, 28);
    snprintf(worker.account.crm_id, sizeof worker.account.crm_id, "001A0000006Vm9rIAC");
    tn_strbuf line = TN_STRBUF_INIT;
    assert_true(tn_gen_tables[0]->format_csv(&worker, 0, &line));
    assert_string_equal(tn_strbuf_cstr(&line),
                        "01234567-89ab-4def-bedc-ba9876543210,HR Tech,growth,"
                        "2024-02-29,2500.05,,2025-01-02,Northwind Ledger Labs,Maya Patel,"
                        "2027-02-28,001A0000006Vm9rIAC\n");
    tn_strbuf_reset(&line);
    worker.account.renewal = TN_DAY_NEVER; /* churned: no renewal */
    assert_true(tn_gen_tables[0]->format_csv(&worker, 0, &line));
    assert_non_null(strstr(tn_strbuf_cstr(&line), ",Maya Patel,,001A0000006Vm9rIAC\n"));
    tn_strbuf_reset(&line);
    worker.events.count = 0;
    tn_gen_event event = {.timestamp = 1773491696, /* 2026-03-14 12:34:56 UTC */
                          .id_high = 0,
                          .id_low = 0,
                          .score = 10000,
                          .type = TN_EVENT_PREMIUM_FEATURE_TRIAL};
    worker.events.items = &event;
    worker.events.count = 1;
    assert_true(tn_gen_tables[1]->format_csv(&worker, 0, &line));
    assert_string_equal(tn_strbuf_cstr(&line),
                        "00000000-0000-4000-8000-000000000000,01234567-89ab-4def-bedc-ba9876543210,"
                        "2026-03-14 12:34:56,premium_feature_trial,1.0000\n");
    worker.events.items = NULL;
    worker.events.count = 0;
    tn_strbuf_free(&line);
    tn_gen_worker_free(&worker);
}

/* ---- accounts ---------------------------------------------------------------------- */

static int compare_strings(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* How many of `texts` (sorted in place) equal their predecessor. */
static size_t count_repeats(char **texts, size_t count) {
    qsort(texts, count, sizeof *texts, compare_strings);
    size_t repeats = 0;
    for (size_t i = 1; i < count; i++)
        repeats += strcmp(texts[i - 1], texts[i]) == 0;
    return repeats;
}

static void check_account_text(const tn_gen_account *a) {
    assert_true(strlen(a->name) > 0);
    assert_null(strpbrk(a->name, ",\"'\r\n"));
    bool known_owner = false;
    for (int i = 0; i < TN_GEN_CSM_COUNT; i++)
        known_owner |= a->owner == tn_gen_csm_names[i];
    assert_true(known_owner);
    assert_int_equal(strlen(a->crm_id), TN_GEN_CRM_ID_LENGTH);
    assert_memory_equal(a->crm_id, "001", 3);
    for (int i = 0; i < TN_GEN_CRM_ID_LENGTH; i++)
        assert_non_null(
            strchr("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", a->crm_id[i]));
    char again[TN_GEN_CRM_ID_LENGTH + 1];
    tn_gen_crm_id_18(a->crm_id, again); /* the last three are the checksum of the first 15 */
    assert_string_equal(again, a->crm_id);
}

static void test_accounts_are_deterministic_and_leave_the_streams_alone(void **state) {
    const tn_gen_company *company = *state;
    gsl_rng *rng = tn_rng_create();
    tn_gen_customer c;
    tn_gen_customer_draw(company, 17, rng, &c);
    uint64_t before[4];
    memcpy(before, rng->state, sizeof before);
    tn_gen_account first, second;
    tn_gen_account_derive(company, &c, &first);
    assert_memory_equal(before, rng->state, sizeof before); /* nothing drawn */
    tn_gen_customer_draw(company, 3, rng, &c);              /* whatever came before */
    tn_gen_customer_draw(company, 17, rng, &c);
    tn_gen_account_derive(company, &c, &second);
    assert_string_equal(first.name, second.name);
    assert_ptr_equal(first.owner, second.owner);
    assert_int_equal(first.renewal, second.renewal);
    assert_string_equal(first.crm_id, second.crm_id);
    check_account_text(&first);

    /* another seed: other names and ids */
    tn_gen_company other;
    assert_true(tn_gen_company_init(&other, company->model, company->customers, company->seed + 1,
                                    company->as_of, NULL));
    int same_names = 0;
    for (uint64_t i = 0; i < 50; i++) {
        tn_gen_customer_draw(company, i, rng, &c);
        tn_gen_account_derive(company, &c, &first);
        tn_gen_account_derive(&other, &c, &second);
        same_names += strcmp(first.name, second.name) == 0;
        assert_string_not_equal(first.crm_id, second.crm_id);
    }
    assert_true(same_names <= 2);
    tn_gen_company_free(&other);
    gsl_rng_free(rng);
}

/* Every name combination is a different text; no word list repeats a word. */
static void test_account_name_combinations_are_distinct(void **state) {
    (void)state;
    char **names = malloc(TN_GEN_ACCOUNT_NAMES * sizeof *names);
    assert_non_null(names);
    for (uint32_t i = 0; i < TN_GEN_ACCOUNT_NAMES; i++) {
        names[i] = malloc(TN_GEN_ACCOUNT_NAME_MAX);
        tn_gen_account_base_name(i, names[i], TN_GEN_ACCOUNT_NAME_MAX);
        assert_null(strpbrk(names[i], ",\"'\r\n"));
    }
    assert_int_equal(count_repeats(names, TN_GEN_ACCOUNT_NAMES), 0);
    for (uint32_t i = 0; i < TN_GEN_ACCOUNT_NAMES; i++)
        free(names[i]);
    free(names);
}

/* The first 20,000 customers of a seed (and far beyond) have different names and CRM ids. */
static void test_account_names_and_crm_ids_are_unique(void **state) {
    const tn_gen_company *base = *state;
    enum { CUSTOMERS = 20000 };
    tn_gen_company company;
    assert_true(tn_gen_company_init(&company, base->model, CUSTOMERS, 9, base->as_of, NULL));
    gsl_rng *rng = tn_rng_create();
    char **names = malloc(CUSTOMERS * sizeof *names), **ids = malloc(CUSTOMERS * sizeof *ids);
    assert_true(names != NULL && ids != NULL);
    int owners[TN_GEN_CSM_COUNT] = {0};
    for (uint64_t i = 0; i < CUSTOMERS; i++) {
        tn_gen_customer c;
        tn_gen_account a;
        tn_gen_customer_draw(&company, i, rng, &c);
        tn_gen_account_derive(&company, &c, &a);
        if (i < 2000)
            check_account_text(&a);
        names[i] = strdup(a.name);
        ids[i] = strdup(a.crm_id);
        for (int o = 0; o < TN_GEN_CSM_COUNT; o++)
            owners[o] += a.owner == tn_gen_csm_names[o];
    }
    assert_int_equal(count_repeats(names, CUSTOMERS), 0);
    assert_int_equal(count_repeats(ids, CUSTOMERS), 0);
    for (int o = 0; o < TN_GEN_CSM_COUNT; o++) /* every CSM owns a fair share (mean 1,333) */
        assert_true(owners[o] > 1100 && owners[o] < 1600);
    for (uint64_t i = 0; i < CUSTOMERS; i++) {
        free(names[i]);
        free(ids[i]);
    }

    /* Past the combinations, a name comes back with a numeral, so it is still unique. */
    tn_gen_customer c = {.index = 5, .churn = TN_DAY_NEVER, .signup = company.as_of - 1};
    tn_gen_account first, repeat, third;
    tn_gen_account_derive(&company, &c, &first);
    c.index = 5 + TN_GEN_ACCOUNT_NAMES;
    tn_gen_account_derive(&company, &c, &repeat);
    c.index = 5 + 2 * TN_GEN_ACCOUNT_NAMES;
    tn_gen_account_derive(&company, &c, &third);
    char expected[TN_GEN_ACCOUNT_NAME_MAX + 8];
    snprintf(expected, sizeof expected, "%s II", first.name);
    assert_string_equal(repeat.name, expected);
    snprintf(expected, sizeof expected, "%s III", first.name);
    assert_string_equal(third.name, expected);
    c.index = 999999; /* the largest company: still 18 characters */
    tn_gen_account_derive(&company, &c, &third);
    check_account_text(&third);
    assert_non_null(strstr(third.name, " XXV"));
    free(names);
    free(ids);
    gsl_rng_free(rng);
    tn_gen_company_free(&company);
}

static void test_crm_id_checksum_is_salesforces(void **state) {
    (void)state;
    char id[TN_GEN_CRM_ID_LENGTH + 1];
    tn_gen_crm_id_18("001A0000006Vm9r", id); /* Salesforce's documented example */
    assert_string_equal(id, "001A0000006Vm9rIAC");
    /* upper-case letters at 3, 4 | 0, 1, 2 | none of the three chunks: 24 → Y, 7 → H, 0 → A */
    tn_gen_crm_id_18("001ZZZZZ00000ab", id);
    assert_string_equal(id, "001ZZZZZ00000abYHA");
}

/* The renewal of a customer signed up on `signup` (tier), as of `as_of`. */
static tn_day renewal_of(const tn_gen_company *company, tn_tier tier, tn_day signup, tn_day as_of,
                         tn_day churn) {
    tn_gen_company at = *company;
    at.as_of = as_of;
    tn_gen_customer c = {.index = 1, .tier = tier, .signup = signup, .churn = churn};
    tn_gen_account a;
    tn_gen_account_derive(&at, &c, &a);
    return a.renewal;
}

static void test_renewal_is_the_next_anniversary(void **state) {
    const tn_gen_company *company = *state;
    tn_day as_of = tn_day_from_civil(2026, 3, 14);
    /* starter: monthly, the day clamped to a shorter month */
    assert_int_equal(
        renewal_of(company, TN_TIER_STARTER, tn_day_from_civil(2026, 1, 31), as_of, TN_DAY_NEVER),
        tn_day_from_civil(2026, 3, 31));
    assert_int_equal(
        renewal_of(company, TN_TIER_STARTER, tn_day_from_civil(2026, 3, 13), as_of, TN_DAY_NEVER),
        tn_day_from_civil(2026, 4, 13));
    assert_int_equal(
        renewal_of(company, TN_TIER_STARTER, tn_day_from_civil(2025, 12, 14), as_of, TN_DAY_NEVER),
        as_of); /* on the as-of date itself */
    /* growth and enterprise: yearly; 29 February renews on 28 February */
    assert_int_equal(
        renewal_of(company, TN_TIER_GROWTH, tn_day_from_civil(2024, 2, 29), as_of, TN_DAY_NEVER),
        tn_day_from_civil(2027, 2, 28));
    assert_int_equal(renewal_of(company, TN_TIER_ENTERPRISE, tn_day_from_civil(2025, 3, 14), as_of,
                                TN_DAY_NEVER),
                     as_of);
    assert_int_equal(renewal_of(company, TN_TIER_ENTERPRISE, tn_day_from_civil(2025, 3, 15), as_of,
                                TN_DAY_NEVER),
                     tn_day_from_civil(2026, 3, 15));
    /* churned: none */
    assert_int_equal(renewal_of(company, TN_TIER_GROWTH, tn_day_from_civil(2025, 3, 15), as_of,
                                tn_day_from_civil(2025, 9, 1)),
                     TN_DAY_NEVER);
}

/* Over the drawn customers: churned ones have no renewal, others the next anniversary. */
static void test_every_renewal_follows_the_rules(void **state) {
    const tn_gen_company *company = *state;
    gsl_rng *rng = tn_rng_create();
    int churned = 0, starters = 0, yearly = 0;
    for (uint64_t i = 0; i < company->customers; i++) {
        tn_gen_customer c;
        tn_gen_account a;
        tn_gen_customer_draw(company, i, rng, &c);
        tn_gen_account_derive(company, &c, &a);
        if (c.churn != TN_DAY_NEVER) {
            assert_int_equal(a.renewal, TN_DAY_NEVER);
            churned++;
            continue;
        }
        int term = c.tier == TN_TIER_STARTER ? 1 : 12;
        starters += term == 1;
        yearly += term == 12;
        assert_true(a.renewal >= company->as_of);
        assert_true(a.renewal - company->as_of <= (term == 1 ? 31 : 366));
        int terms = 0; /* a whole number of terms after signup, the previous one before as_of */
        while (tn_day_add_months(c.signup, terms * term) < a.renewal)
            terms++;
        assert_int_equal(tn_day_add_months(c.signup, terms * term), a.renewal);
        assert_true(tn_day_add_months(c.signup, (terms - 1) * term) < company->as_of);
    }
    assert_true(churned > 0 && starters > 0 && yearly > 0);
    gsl_rng_free(rng);
}

int main(void) {
    gsl_set_error_handler_off();
    tn_gen_rows_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xoshiro_reference_sequence),
        cmocka_unit_test(test_seed_goes_through_splitmix64),
        cmocka_unit_test(test_gsl_interface_ranges),
        cmocka_unit_test(test_streams_are_keyed_and_repeatable),
        cmocka_unit_test(test_uuid_format_sets_version_and_variant),
        cmocka_unit_test(test_customer_is_a_pure_function_of_seed_and_index),
        cmocka_unit_test(test_every_customer_keeps_the_invariants),
        cmocka_unit_test(test_churn_decay_falls_towards_the_floor),
        cmocka_unit_test(test_csv_headers_are_the_dictionary_columns),
        cmocka_unit_test(test_csv_rows_are_formatted_exactly),
        cmocka_unit_test(test_accounts_are_deterministic_and_leave_the_streams_alone),
        cmocka_unit_test(test_account_name_combinations_are_distinct),
        cmocka_unit_test(test_account_names_and_crm_ids_are_unique),
        cmocka_unit_test(test_crm_id_checksum_is_salesforces),
        cmocka_unit_test(test_renewal_is_the_next_anniversary),
        cmocka_unit_test(test_every_renewal_follows_the_rules),
    };
    return cmocka_run_group_tests(tests, setup_company, teardown_company);
}
